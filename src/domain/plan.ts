/**
 * Pure operations on the individual plan. Each takes the current plan and returns either
 * the new plan or field errors; time comes in as `now`, ids come in from the caller.
 */
import { formatISO, isValid, parseISO, subYears } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { ADULT_THEMES, CHILD_THEMES } from './defaults.js';
import type { Goal, Institution, Plan, RepresentativeRole, StatusRecord, TargetGroup, Theme } from './model.js';
import { checkText, collectErrors, MESSAGES, TEXT_LIMITS, toAliasKey, type FieldErrors } from './text.js';

export const ZONE = 'Europe/Copenhagen';

export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const RECENT_SUBMISSIONS = 50;

export function isoNow(now: Date): string {
  return now.toISOString();
}

/** Today's calendar date in Copenhagen, yyyy-MM-dd. */
export function todayInZone(now: Date): string {
  return formatISO(new TZDate(now.getTime(), ZONE), { representation: 'date' });
}

export function isIsoDate(value: string | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && isValid(parseISO(value));
}

/** Stable theme id within the plan: its position in the list it was made from. */
function themeIdFor(index: number): string {
  return `th${index + 1}`;
}

export function defaultThemes(targetGroup: TargetGroup, institution?: Institution): Theme[] {
  const names =
    targetGroup === 'adult'
      ? (institution?.settings.themesAdult ?? ADULT_THEMES)
      : (institution?.settings.themesChild ?? CHILD_THEMES);
  return names.map((name, i) => ({ id: themeIdFor(i), name, resources: '', challenges: '' }));
}

export interface NewCitizenInput {
  id: string;
  tenantId: string;
  teamId: string;
  alias: string;
  targetGroup: TargetGroup;
  representative?: RepresentativeRole;
  contactPersons: string[];
  actorId: string;
  demo?: boolean;
}

export function validateAlias(alias: string): FieldErrors {
  const trimmed = alias.trim();
  const error =
    checkText(trimmed, { required: true, max: TEXT_LIMITS.alias }) ??
    ((trimmed.match(/\d/g)?.length ?? 0) >= 6
      ? {
          da: 'Et alias må ikke ligne et CPR-nummer eller andre lange tal. Brug initialer eller en kode, fx "AB" eller "Stue 3".',
          en: 'An alias must not look like a CPR number or other long numbers. Use initials or a code, e.g. "AB" or "Room 3".',
        }
      : undefined);
  return collectErrors({ alias: error });
}

export function createPlan(input: NewCitizenInput, now: Date, institution?: Institution): Outcome<Plan> {
  const errors = validateAlias(input.alias);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const at = isoNow(now);
  const alias = input.alias.trim().replace(/\s+/g, ' ');
  return {
    ok: true,
    value: {
      id: input.id,
      tenantId: input.tenantId,
      teamId: input.teamId,
      alias,
      aliasKey: toAliasKey(alias),
      targetGroup: input.targetGroup,
      contactPersons: [...new Set(input.contactPersons)],
      ...(input.representative ? { representative: input.representative } : {}),
      themes: defaultThemes(input.targetGroup, institution),
      goals: [],
      evaluations: [],
      demo: input.demo ?? false,
      recentSubmissions: [],
      createdAt: at,
      createdBy: input.actorId,
      updatedAt: at,
      updatedBy: input.actorId,
    },
  };
}

/** Was this submission already applied to the plan (a repeated delivery or double click)? */
export function hasApplied(plan: Plan, submissionId: string): boolean {
  return plan.recentSubmissions.includes(submissionId);
}

/** Stamps the plan after a change: who, when, and the submission that caused it. */
export function touchPlan(plan: Plan, actorId: string, now: Date, submissionId: string): Plan {
  return {
    ...plan,
    updatedAt: isoNow(now),
    updatedBy: actorId,
    recentSubmissions: [...plan.recentSubmissions, submissionId].slice(-RECENT_SUBMISSIONS),
  };
}

export interface PurposeInput {
  id: string;
  text: string;
  receivedOn: string;
}

export function validatePurpose(input: { text: string; receivedOn: string }, now: Date): FieldErrors {
  return collectErrors({
    text: checkText(input.text, { required: true, max: TEXT_LIMITS.purpose }),
    receivedOn: !isIsoDate(input.receivedOn)
      ? MESSAGES.invalidDate
      : input.receivedOn > todayInZone(now)
        ? { da: 'Datoen kan ikke ligge i fremtiden.', en: 'The date cannot be in the future.' }
        : undefined,
  });
}

/** Records the formål from the municipality's handleplan, keeping earlier versions. */
export function recordPurpose(plan: Plan, input: PurposeInput, actorId: string, now: Date): Outcome<Plan> {
  const errors = validatePurpose(input, now);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const at = isoNow(now);
  const previous = plan.purpose;
  const revisions = previous
    ? [
        ...previous.revisions,
        { text: previous.text, receivedOn: previous.receivedOn, recordedAt: previous.recordedAt, recordedBy: previous.recordedBy },
      ]
    : [];
  return {
    ok: true,
    value: {
      ...plan,
      purpose: { id: input.id, text: input.text.trim(), receivedOn: input.receivedOn, recordedAt: at, recordedBy: actorId, revisions },
    },
  };
}

// ---------------------------------------------------------------- status til myndighed and statusmøde

/** The intervals the plan card offers (seed 001: at least yearly; a two-year agreement must be recorded, note 5). */
export const STATUS_INTERVALS = [12, 24] as const;
/** Earlier status registrations the plan keeps (the latest is the plan's own state). */
export const STATUS_HISTORY_MAX = 20;

/** What the "Registrér status" form sends: dates yyyy-MM-dd ('' = not given), the interval as text. */
export interface StatusInput {
  lastSentOn: string;
  intervalMonths: string;
  lastHeldOn: string;
  invitedOn: string;
}

const FUTURE_DATE = { da: 'Datoen kan ikke ligge i fremtiden.', en: 'The date cannot be in the future.' };
/** How far back a status date may lie: a plan moved into Refleks brings its last status with it, but not from decades ago. */
export const STATUS_DATE_MAX_YEARS_BACK = 10;
const TOO_OLD = {
  da: `Datoen ligger mere end ${STATUS_DATE_MAX_YEARS_BACK} år tilbage. Tjek årstallet.`,
  en: `The date is more than ${STATUS_DATE_MAX_YEARS_BACK} years ago. Check the year.`,
};

/**
 * A past date of the status or the statusmøde: a real day, not after today. It may lie before the
 * plan was made in Refleks (a citizen who moves into Refleks has had statusser before), but not
 * more than STATUS_DATE_MAX_YEARS_BACK years back.
 */
function checkPastDate(value: string, now: Date, required: boolean) {
  if (value === '') return required ? { da: 'Skriv datoen.', en: 'Enter the date.' } : undefined;
  if (!isIsoDate(value)) return MESSAGES.invalidDate;
  if (value > todayInZone(now)) return FUTURE_DATE;
  if (value < todayInZone(subYears(new TZDate(now.getTime(), ZONE), STATUS_DATE_MAX_YEARS_BACK))) return TOO_OLD;
  return undefined;
}

/** The intervals a form may send for this plan: 12, 24, and the plan's own when it is another. */
export function statusIntervalChoices(plan: Plan): number[] {
  const own = plan.statusReport?.intervalMonths;
  return own !== undefined && !(STATUS_INTERVALS as readonly number[]).includes(own) ? [...STATUS_INTERVALS, own] : [...STATUS_INTERVALS];
}

export function validateStatus(plan: Plan, input: StatusInput, now: Date): FieldErrors {
  return collectErrors({
    lastSentOn: checkPastDate(input.lastSentOn, now, true),
    intervalMonths: statusIntervalChoices(plan).map(String).includes(input.intervalMonths) ? undefined : MESSAGES.invalidChoice,
    lastHeldOn: checkPastDate(input.lastHeldOn, now, false),
    invitedOn: checkPastDate(input.invitedOn, now, false),
  });
}

/** The plan's status dates as one record (what a registration sets). */
function currentStatus(plan: Plan): Omit<StatusRecord, 'recordedAt' | 'recordedBy'> {
  const r = plan.statusReport;
  const m = plan.statusMeeting;
  return {
    ...(r?.lastSentOn ? { lastSentOn: r.lastSentOn } : {}),
    ...(r?.intervalMonths !== undefined ? { intervalMonths: r.intervalMonths } : {}),
    ...(m?.lastHeldOn ? { lastHeldOn: m.lastHeldOn } : {}),
    ...(m?.invitedOn ? { invitedOn: m.invitedOn } : {}),
  };
}

/** Does the plan already hold exactly these status dates (a repeated registration changes nothing)? */
export function holdsStatus(plan: Plan, input: StatusInput): boolean {
  const c = currentStatus(plan);
  return (
    (c.lastSentOn ?? '') === input.lastSentOn &&
    String(c.intervalMonths ?? 12) === input.intervalMonths &&
    // An empty statusmøde date keeps the stored one.
    (input.lastHeldOn === '' || c.lastHeldOn === input.lastHeldOn) &&
    (input.invitedOn === '' || c.invitedOn === input.invitedOn)
  );
}

/**
 * Registers the status til myndighed and the statusmøde from the plan card: the day the latest
 * status was sent, the agreed interval, the day of the latest statusmøde and of the latest
 * invitation (the two last may be left empty: then they stay as they were). The registration it
 * replaces goes into `statusReport.history` (who recorded what, when). The deadlines follow from
 * these dates (domain/deadlines.ts): the next status is due `intervalMonths` after `lastSentOn`.
 * The same dates again change nothing.
 */
export function recordStatus(plan: Plan, input: StatusInput, actorId: string, now: Date): Outcome<Plan> {
  const errors = validateStatus(plan, input, now);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (holdsStatus(plan, input)) return { ok: true, value: plan };
  const previous = plan.statusReport;
  const earlier: StatusRecord[] = [...(previous?.history ?? [])];
  if (previous?.recordedAt) earlier.push({ ...currentStatus(plan), recordedAt: previous.recordedAt, recordedBy: previous.recordedBy ?? '' });
  const lastHeldOn = input.lastHeldOn || plan.statusMeeting?.lastHeldOn;
  const invitedOn = input.invitedOn || plan.statusMeeting?.invitedOn;
  return {
    ok: true,
    value: {
      ...plan,
      statusReport: {
        lastSentOn: input.lastSentOn,
        intervalMonths: Number(input.intervalMonths),
        recordedAt: isoNow(now),
        recordedBy: actorId,
        ...(earlier.length > 0 ? { history: earlier.slice(-STATUS_HISTORY_MAX) } : {}),
      },
      ...(lastHeldOn || invitedOn ? { statusMeeting: { ...(lastHeldOn ? { lastHeldOn } : {}), ...(invitedOn ? { invitedOn } : {}) } } : {}),
    },
  };
}

export interface GoalInput {
  id: string;
  parentId?: string;
  themeId: string;
  text: string;
  ownerId: string;
  revisionDate: string;
  endDate?: string;
  indicator?: string;
  purposeLinked?: boolean;
  kind?: 'progression' | 'maintenance';
  participationMode?: 'citizen' | 'representative' | 'declined';
  participation?: string;
  interventions?: string[];
  externalActors?: string[];
  revisionOf?: string;
  smorteCodes?: string[];
}

export function findGoal(plan: Plan, goalId: string): Goal | undefined {
  return plan.goals.find((g) => g.id === goalId);
}

export function subGoalsOf(plan: Plan, goalId: string): Goal[] {
  return plan.goals.filter((g) => g.parentId === goalId);
}

export function topLevelGoals(plan: Plan): Goal[] {
  return plan.goals.filter((g) => !g.parentId);
}

/** Goals that take diary entries: active sub-goals (delmålsdagbog is kept per delmål). */
export function diaryTargets(plan: Plan): Goal[] {
  return plan.goals.filter((g) => g.parentId && g.state === 'active');
}

export function validateGoal(plan: Plan, input: Omit<GoalInput, 'id'>, now: Date, members?: readonly string[]): FieldErrors {
  const parent = input.parentId ? findGoal(plan, input.parentId) : undefined;
  return collectErrors({
    parentId:
      input.parentId !== undefined && (!parent || parent.parentId)
        ? { da: 'Vælg det mål, delmålet hører under.', en: 'Pick the goal this sub-goal belongs to.' }
        : undefined,
    themeId: input.parentId !== undefined || plan.themes.some((t) => t.id === input.themeId) ? undefined : MESSAGES.invalidChoice,
    text: checkText(input.text, { required: true, max: TEXT_LIMITS.goal }),
    indicator: checkText(input.indicator, { required: false, max: TEXT_LIMITS.short * 2 }),
    ownerId: !input.ownerId || (members && !members.includes(input.ownerId)) ? MESSAGES.invalidChoice : undefined,
    revisionDate: !isIsoDate(input.revisionDate)
      ? { da: 'Revisionsdato skal udfyldes med en gyldig dato.', en: 'Enter a valid revision date.' }
      : input.revisionDate < todayInZone(now)
        ? { da: 'Revisionsdatoen ligger i fortiden.', en: 'The revision date is in the past.' }
        : input.endDate && isIsoDate(input.endDate) && input.revisionDate > input.endDate
          ? { da: 'Revisionsdatoen ligger efter slutdatoen.', en: 'The revision date is after the end date.' }
          : undefined,
    endDate:
      input.endDate === undefined || input.endDate === ''
        ? undefined
        : !isIsoDate(input.endDate)
          ? MESSAGES.invalidDate
          : input.endDate < todayInZone(now)
            ? { da: 'Slutdatoen ligger i fortiden.', en: 'The end date is in the past.' }
            : undefined,
  });
}

export function addGoal(plan: Plan, input: GoalInput, actorId: string, now: Date, members?: readonly string[]): Outcome<Plan> {
  if (findGoal(plan, input.id)) return { ok: true, value: plan };
  const errors = validateGoal(plan, input, now, members);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parent = input.parentId ? findGoal(plan, input.parentId) : undefined;
  const at = isoNow(now);
  const goal: Goal = {
    id: input.id,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    themeId: parent?.themeId ?? input.themeId,
    purposeLinked: input.purposeLinked ?? plan.purpose !== undefined,
    text: input.text.trim(),
    ownerId: input.ownerId,
    revisionDate: input.revisionDate,
    ...(input.endDate ? { endDate: input.endDate } : {}),
    ...(input.indicator?.trim() ? { indicator: input.indicator.trim() } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.participationMode ? { participationMode: input.participationMode } : {}),
    ...(input.participation?.trim() ? { participation: input.participation.trim() } : {}),
    ...(input.revisionOf ? { revisionOf: input.revisionOf } : {}),
    ...(input.smorteCodes ? { smorteCodes: input.smorteCodes } : {}),
    state: 'active',
    interventions: input.interventions ?? [],
    externalActors: input.externalActors ?? [],
    createdAt: at,
    createdBy: actorId,
    updatedAt: at,
    history: [{ at, by: actorId, fields: input.revisionOf ? ['created', 'revisionOf'] : ['created'], toState: 'active' }],
  };
  return { ok: true, value: { ...plan, goals: [...plan.goals, goal] } };
}
