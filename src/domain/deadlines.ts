/**
 * Deadlines and reminders (DOMAIN.md section 5). Pure: the plan, the tilbud's reminder
 * settings and `now` come in; nothing is stored or sent here.
 *
 * - A **deadline** is something a person must do by a calendar day (`dueDate`, Copenhagen):
 *   revise a goal, send the status til myndighed, invite to the statusmøde, get the formål.
 *   `planDeadlines` lists a plan's open deadlines; one that is done (the goal evaluated since its
 *   revisionsdato was set, the goal no longer active, a status sent, the formål recorded …) is
 *   simply not in the list, so it has no reminders. Its id names the kind and what it is about
 *   (`goalRevision:<plan>:<goal>`), not the date.
 * - A **reminder** is one lead of a deadline: `offsetDays` -14 (14 days before), 0 (on the day),
 *   +7 (a week overdue) … Its id is the deadline's id, the due date and the lead, so a new due
 *   date gives new ids and the old reminders are no longer current. It is planned at the
 *   tilbud's send time on its day (`plannedAt`) and goes out at `dueAt`: the same, or, inside the
 *   quiet hours or on a weekend, the next working morning. Local times are Copenhagen's on both
 *   sides of a change to or from summer time.
 * - Overdue reminders repeat without end while the deadline stays open, so nothing here lists
 *   them all: `remindersBetween` gives those due in a window, `nextReminder` the first at or
 *   after a time, `latestDueReminder` the one that is due now. Only the latest due reminder of a
 *   deadline is current: after a pause the sender sends one reminder, not every missed one.
 * - `isReminderCurrent` is what a sender asks just before it sends: is this reminder still the
 *   one to send for the plan as it is now?
 *
 * A lead whose time had passed when the deadline got its due date (`openedAt`: a goal made with
 * a revisionsdato in 10 days has no "14 days before") is left out, except that a due date
 * already reached then is reminded of once, at once (the formål-missing reminder "at once" is
 * this rule: its due date is the day the plan was made).
 *
 * New kinds (aftalepapir actions, prøvehandling steps, the tilbud's yearly method evaluation)
 * come from other documents: add the kind to `DeadlineKindSchema`, its default lead times to
 * `DEFAULT_LEAD_DAYS`, its member of the `Deadline` union and a function that lists them; the
 * schedule functions take any `Deadline` and `isReminderCurrentAmong` checks against any list.
 */
import { addDays, addMonths, differenceInCalendarDays, format, getDay, isWeekend, nextMonday, parse, parseISO } from 'date-fns';
import { tz } from '@date-fns/tz';
import type { DeadlineKind, Goal, LocalTime, Plan, QuietHours, ReminderOverrides, WeekendPolicy } from './model.js';
import { DeadlineKindSchema, QuietHoursSchema } from './model.js';
import { latestEvaluation } from './evaluation.js';
import { isIsoDate, ZONE } from './plan.js';
import { actionDeadlines, type Meeting } from './reflection-meeting.js';
import { trialDeadlines, type Trial } from './learning-cycle.js';

const IN_ZONE = { in: tz(ZONE) };

// ---------------------------------------------------------------- settings

/** A kind's lead times: days before the due date (0 = on the day), then every n days while overdue (0 = none). */
export interface LeadSchedule {
  /** Distinct, largest first. */
  readonly before: readonly number[];
  readonly overdueEveryDays: number;
}

/** DOMAIN.md section 5. */
export const DEFAULT_LEAD_DAYS: Readonly<Record<DeadlineKind, LeadSchedule>> = {
  goalRevision: { before: [14, 3, 0], overdueEveryDays: 7 },
  statusReport: { before: [30, 7, 0], overdueEveryDays: 7 },
  statusMeetingInvitation: { before: [30], overdueEveryDays: 0 },
  // Its due date is the day the plan was made: "at once" (see the module comment), then every 14 days.
  purposeMissing: { before: [0], overdueEveryDays: 14 },
  // Seed 004: the day before and on the day (a week overdue, the managers hear of it as of any deadline).
  meetingAction: { before: [1, 0], overdueEveryDays: 0 },
  trialStep: { before: [1, 0], overdueEveryDays: 0 },
};

export const DEFAULT_QUIET_HOURS: QuietHours = '17:00-07:30';
export const DEFAULT_WEEKENDS: WeekendPolicy = 'skip';
/** The send time when the quiet hours are off. */
export const DEFAULT_SEND_TIME: LocalTime = '07:30';
/** Status til myndighed: at least once a year unless another interval is agreed (seed 001). */
export const DEFAULT_STATUS_INTERVAL_MONTHS = 12;
/** Statusmøde: the municipality is invited at least once a year (seed 001). */
export const STATUS_MEETING_INTERVAL_MONTHS = 12;

export type QuietPeriod = { readonly from: LocalTime; readonly to: LocalTime };

/** Everything the schedule needs, resolved: the bot's defaults with the tilbud's own settings on top. */
export interface ReminderSettings {
  readonly leadDays: Readonly<Record<DeadlineKind, LeadSchedule>>;
  /** Copenhagen time; `from` > `to` runs over midnight. */
  readonly quietHours: QuietPeriod | 'off';
  readonly weekends: WeekendPolicy;
  /** When a reminder "on day X" is planned on that day: the end of the quiet hours unless the tilbud says otherwise. */
  readonly sendTime: LocalTime;
}

/** The bot's defaults (config REMINDER_QUIET_HOURS and REMINDER_WEEKENDS). */
export interface ReminderDefaults {
  quietHours?: QuietHours;
  weekends?: WeekendPolicy;
}

export function parseQuietHours(value: QuietHours): QuietPeriod | 'off' {
  const checked = QuietHoursSchema.parse(value);
  return checked === 'off' ? 'off' : { from: checked.slice(0, 5), to: checked.slice(6) };
}

/** The settings for a tilbud: its own (`institution.settings.reminders`) over the bot's defaults over the domain's. */
export function resolveReminderSettings(defaults: ReminderDefaults = {}, own: ReminderOverrides = {}): ReminderSettings {
  const quietHours = parseQuietHours(own.quietHours ?? defaults.quietHours ?? DEFAULT_QUIET_HOURS);
  const leadDays = {} as Record<DeadlineKind, LeadSchedule>;
  for (const kind of DeadlineKindSchema.options) {
    const base = DEFAULT_LEAD_DAYS[kind];
    const mine = own.leadDays?.[kind];
    leadDays[kind] = {
      before: [...new Set(mine?.before ?? base.before)].sort((x, y) => y - x),
      overdueEveryDays: mine?.overdueEveryDays ?? base.overdueEveryDays,
    };
  }
  return {
    leadDays,
    quietHours,
    weekends: own.weekends ?? defaults.weekends ?? DEFAULT_WEEKENDS,
    sendTime: own.sendTime ?? (quietHours === 'off' ? DEFAULT_SEND_TIME : quietHours.to),
  };
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = resolveReminderSettings();

// ---------------------------------------------------------------- local time (Copenhagen)

/**
 * Time-zone arithmetic is most of what planning a reminder costs (the engine plans each one it
 * sends twice: the check before sending and the next occurrence after), and the same few days
 * and times come back for every deadline: the results are remembered, as instants (ms), per
 * input. Pure: the same input always gives the same instant; bounded, cleared when full. They
 * come back as plain Dates (instants): a TZDate costs an Intl call on every construction and
 * every step of arithmetic, which made planning 40 % slower. So nothing reads a calendar field
 * of them directly (getDay() would read the process's zone): every date-fns call here passes
 * IN_ZONE.
 */
const REMEMBERED_LIMIT = 10_000;
const rememberedDays = new Map<string, number>();
const rememberedTimes = new Map<string, number>();

function remembered(cache: Map<string, number>, key: string, compute: () => Date): Date {
  let ms = cache.get(key);
  if (ms === undefined) {
    ms = compute().getTime();
    if (cache.size >= REMEMBERED_LIMIT) cache.clear();
    cache.set(key, ms);
  }
  return new Date(ms);
}

/** The start of a calendar day in Copenhagen. */
function localDay(isoDate: string): Date {
  return remembered(rememberedDays, isoDate, () => parseISO(isoDate, IN_ZONE));
}

/** The calendar day of an instant in Copenhagen, yyyy-MM-dd. */
function dateOf(instant: Date): string {
  return format(instant, 'yyyy-MM-dd', IN_ZONE);
}

/** The instant of a Copenhagen time of day on the (Copenhagen) day of `day`. */
function atLocalTime(day: Date, time: LocalTime): Date {
  return parse(time, 'HH:mm', day, IN_ZONE);
}

/** The morning a reminder waits for: the end of the quiet hours, or the send time when they are off. */
function workingMorning(settings: ReminderSettings): LocalTime {
  return settings.quietHours === 'off' ? settings.sendTime : settings.quietHours.to;
}

/**
 * When a reminder planned at `at` may go out: `at` itself, or, inside the quiet hours, their
 * end; on a Saturday or Sunday (weekends: skip), Monday's working morning.
 */
export function sendableTime(at: Date, settings: ReminderSettings): Date {
  let time = at;
  const quiet = settings.quietHours;
  if (quiet !== 'off') {
    const clock = format(time, 'HH:mm', IN_ZONE);
    if (quiet.from > quiet.to) {
      if (clock >= quiet.from) time = atLocalTime(addDays(time, 1, IN_ZONE), quiet.to);
      else if (clock < quiet.to) time = atLocalTime(time, quiet.to);
    } else if (clock >= quiet.from && clock < quiet.to) {
      time = atLocalTime(time, quiet.to);
    }
  }
  if (settings.weekends === 'skip' && isWeekend(time, IN_ZONE)) time = atLocalTime(nextMonday(time, IN_ZONE), workingMorning(settings));
  return new Date(time.getTime());
}

// ---------------------------------------------------------------- deadlines

interface DeadlineBase<K extends DeadlineKind> {
  /** Kind, plan and subject: stable while the deadline exists, whatever its due date. */
  readonly id: string;
  readonly kind: K;
  readonly tenantId: string;
  readonly teamId: string;
  readonly planId: string;
  /** The calendar day (Copenhagen) by which it must be done, yyyy-MM-dd. */
  readonly dueDate: string;
  /** When the deadline got this due date (ISO): leads already past then are not sent. */
  readonly openedAt: string;
  /** Who is reminded (Teams aad object ids): the goal's ansvarlig, else the plan's kontaktpersoner. */
  readonly ownerIds: readonly string[];
}

/** A goal's or sub-goal's revisionsdato. */
export interface GoalRevisionDeadline extends DeadlineBase<'goalRevision'> {
  readonly goalId: string;
  /** Set for a delmål. */
  readonly parentGoalId?: string;
}

/** The next status til myndighed: `intervalMonths` after the last one sent, or after the formål was received. */
export interface StatusReportDeadline extends DeadlineBase<'statusReport'> {
  readonly basis: 'lastSent' | 'purpose';
  /** The day it counts from (the last status sent, or the formål's date received). */
  readonly fromDate: string;
  readonly intervalMonths: number;
}

/** Invite the municipality to the yearly statusmøde: a year after the last one, or after the formål was received. */
export interface StatusMeetingInvitationDeadline extends DeadlineBase<'statusMeetingInvitation'> {
  readonly basis: 'lastHeld' | 'purpose';
  readonly fromDate: string;
}

/** The formål fra handleplanen is not in the plan: ask the municipality for it, from the day the plan was made. */
export type PurposeMissingDeadline = DeadlineBase<'purposeMissing'>;

/**
 * An action of a finished refleksionsmøde's aftalepapir, for its owners (hvem). `planId` is the
 * meeting's source id (`teamTaskSourceId('meeting', id)`): the deadline belongs to the team's
 * meeting, not to a plan.
 */
export interface MeetingActionDeadline extends DeadlineBase<'meetingAction'> {
  readonly meetingId: string;
  readonly actionId: string;
}

/** A step of a running prøvehandling, for the people the plan names. `planId` is the trial's source id. */
export interface TrialStepDeadline extends DeadlineBase<'trialStep'> {
  readonly trialId: string;
  readonly step: string;
}

export type Deadline = GoalRevisionDeadline | StatusReportDeadline | StatusMeetingInvitationDeadline | PurposeMissingDeadline | MeetingActionDeadline | TrialStepDeadline;

/** Where a team's own deadlines come from (not a plan): a meeting's aftalepapir, a læringscirkel's prøvehandling. */
export type TeamTaskSource = 'meeting' | 'trial';

/**
 * The id a team task's deadlines and reminder entries carry in place of a plan id:
 * `meeting:<id>` / `trial:<id>`. A citizen's id never has this form (it is a generated id without `:`).
 */
export function teamTaskSourceId(source: TeamTaskSource, id: string): string {
  return `${source}:${id}`;
}

/** The team task a source id names, or undefined for a plan's id. */
export function teamTaskOf(planId: string): { source: TeamTaskSource; id: string } | undefined {
  const match = /^(meeting|trial):(.+)$/.exec(planId);
  return match ? { source: match[1] as TeamTaskSource, id: match[2]! } : undefined;
}

/** A running prøvehandling's steps from the current one on, once its plan has dates: deadlines for the people it names. */
export function trialStepDeadlines(trial: Trial): TrialStepDeadline[] {
  const planId = teamTaskSourceId('trial', trial.id);
  return trialDeadlines(trial)
    .filter((d) => validDate(d.dueDate))
    .map((d) => ({
      id: deadlineId('trialStep', planId, d.step),
      kind: 'trialStep' as const,
      tenantId: trial.tenantId,
      teamId: trial.teamId,
      planId,
      dueDate: d.dueDate,
      openedAt: d.openedAt,
      ownerIds: d.ownerIds,
      trialId: trial.id,
      step: d.step,
    }));
}

/** A finished meeting's open actions, as deadlines for their owners. */
export function meetingDeadlines(meeting: Meeting): MeetingActionDeadline[] {
  const planId = teamTaskSourceId('meeting', meeting.id);
  return actionDeadlines(meeting)
    .filter((a) => validDate(a.dueDate))
    .map((a) => ({
      id: deadlineId('meetingAction', planId, a.actionId),
      kind: 'meetingAction' as const,
      tenantId: meeting.tenantId,
      teamId: meeting.teamId,
      planId,
      dueDate: a.dueDate,
      openedAt: a.openedAt,
      ownerIds: a.ownerIds,
      meetingId: meeting.id,
      actionId: a.actionId,
    }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
}

export function deadlineId(kind: DeadlineKind, planId: string, subjectId?: string): string {
  return subjectId === undefined ? `${kind}:${planId}` : `${kind}:${planId}:${subjectId}`;
}

function addMonthsToDate(isoDate: string, months: number): string {
  return dateOf(addMonths(localDay(isoDate), months, IN_ZONE));
}

/** An instant as ISO in UTC ("…Z"), whatever zone the Date carries. */
function isoUtc(instant: Date): string {
  return new Date(instant.getTime()).toISOString();
}

function startOfLocalDay(isoDate: string): string {
  return isoUtc(localDay(isoDate));
}

const later = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

/**
 * When the goal's revisionsdato got its current value: the newest change in its history that
 * set it (made the goal, edited the date, an evaluation that continued it). Undefined when that
 * change has left the plan (retention keeps the newest changes only).
 */
function revisionDateSetAt(goal: Goal): string | undefined {
  if (goal.history.length === 0) return goal.createdAt;
  return goal.history.filter((h) => h.fields.includes('created') || h.fields.includes('revisionDate')).at(-1)?.at;
}

/** Has the goal been evaluated since its revisionsdato was set (e.g. revidér: still active, the new version not yet saved)? */
function isRevisionDone(plan: Plan, goal: Goal): boolean {
  const evaluation = latestEvaluation(plan, goal.id);
  if (!evaluation) return false;
  const setAt = revisionDateSetAt(goal);
  if (setAt !== undefined) return later(evaluation.evaluatedAt, setAt);
  // The date was set before every change still in the plan; an evaluation newer than all of those
  // came after it, unless it is the one that set the date (fortsæt).
  return evaluation.decision !== 'continue' && !later(goal.history[0]!.at, evaluation.evaluatedAt);
}

function goalDeadline(plan: Plan, goal: Goal): GoalRevisionDeadline {
  return {
    id: deadlineId('goalRevision', plan.id, goal.id),
    kind: 'goalRevision',
    tenantId: plan.tenantId,
    teamId: plan.teamId,
    planId: plan.id,
    goalId: goal.id,
    ...(goal.parentId ? { parentGoalId: goal.parentId } : {}),
    dueDate: goal.revisionDate,
    // When the change that set the date left the plan: it was before the oldest change kept.
    openedAt: revisionDateSetAt(goal) ?? goal.history[0]!.at,
    ownerIds: [goal.ownerId],
  };
}

function planBase(plan: Plan) {
  return { tenantId: plan.tenantId, teamId: plan.teamId, planId: plan.id, ownerIds: [...plan.contactPersons] };
}

/** A stored yyyy-MM-dd that is a real day (the schema checks the pattern only: 2027-02-30 passes it). */
function validDate(value: string | undefined): string | undefined {
  return isIsoDate(value) ? value : undefined;
}

function statusReportDeadline(plan: Plan): StatusReportDeadline | undefined {
  const lastSentOn = validDate(plan.statusReport?.lastSentOn);
  const fromDate = lastSentOn ?? validDate(plan.purpose?.receivedOn);
  if (fromDate === undefined) return undefined;
  const intervalMonths = plan.statusReport?.intervalMonths ?? DEFAULT_STATUS_INTERVAL_MONTHS;
  return {
    id: deadlineId('statusReport', plan.id),
    kind: 'statusReport',
    ...planBase(plan),
    basis: lastSentOn ? 'lastSent' : 'purpose',
    fromDate,
    intervalMonths,
    dueDate: addMonthsToDate(fromDate, intervalMonths),
    openedAt: lastSentOn ? startOfLocalDay(lastSentOn) : plan.purpose!.recordedAt,
  };
}

function statusMeetingDeadline(plan: Plan): StatusMeetingInvitationDeadline | undefined {
  const lastHeldOn = validDate(plan.statusMeeting?.lastHeldOn);
  const fromDate = lastHeldOn ?? validDate(plan.purpose?.receivedOn);
  if (fromDate === undefined) return undefined;
  const invitedOn = validDate(plan.statusMeeting?.invitedOn);
  if (invitedOn !== undefined && invitedOn >= fromDate) return undefined; // the invitation for the next one is done
  return {
    id: deadlineId('statusMeetingInvitation', plan.id),
    kind: 'statusMeetingInvitation',
    ...planBase(plan),
    basis: lastHeldOn ? 'lastHeld' : 'purpose',
    fromDate,
    dueDate: addMonthsToDate(fromDate, STATUS_MEETING_INTERVAL_MONTHS),
    openedAt: lastHeldOn ? startOfLocalDay(lastHeldOn) : plan.purpose!.recordedAt,
  };
}

function purposeMissingDeadline(plan: Plan): PurposeMissingDeadline | undefined {
  if (plan.purpose) return undefined;
  return {
    id: deadlineId('purposeMissing', plan.id),
    kind: 'purposeMissing',
    ...planBase(plan),
    dueDate: dateOf(new Date(plan.createdAt)),
    openedAt: plan.createdAt,
  };
}

/**
 * The plan's open deadlines, by due date: the revisionsdato of each active goal and sub-goal
 * not evaluated since it was set; the next status til myndighed and statusmøde invitation
 * (none before the formål or a status/meeting gives a date to count from); the missing formål.
 */
export function planDeadlines(plan: Plan): Deadline[] {
  const deadlines: Deadline[] = [];
  const purpose = purposeMissingDeadline(plan);
  if (purpose) deadlines.push(purpose);
  const status = statusReportDeadline(plan);
  if (status) deadlines.push(status);
  const meeting = statusMeetingDeadline(plan);
  if (meeting) deadlines.push(meeting);
  for (const goal of plan.goals) {
    if (goal.state === 'active' && validDate(goal.revisionDate) && !isRevisionDone(plan, goal)) deadlines.push(goalDeadline(plan, goal));
  }
  return deadlines.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------- reminders

export type ReminderLead = 'before' | 'onDay' | 'overdue';

export interface Reminder {
  /** Deadline, due date and lead: `goalRevision:<plan>:<goal>@2027-03-29/-14d`. */
  readonly id: string;
  readonly deadlineId: string;
  readonly kind: DeadlineKind;
  readonly planId: string;
  /** The deadline's due date this reminder is for. */
  readonly deadlineDate: string;
  /** Days from the due date: -14 = 14 days before, 0 = on the day, 7 = a week overdue. */
  readonly offsetDays: number;
  readonly lead: ReminderLead;
  /** When the lead falls (ISO, UTC), before quiet hours and weekends. */
  readonly plannedAt: string;
  /** When it goes out (ISO, UTC). */
  readonly dueAt: string;
}

export function reminderId(deadlineIdValue: string, dueDate: string, offsetDays: number): string {
  return `${deadlineIdValue}@${dueDate}/${offsetDays > 0 ? '+' : ''}${offsetDays}d`;
}

interface Slot {
  offsetDays: number;
  plannedAt: Date;
  dueAt: Date;
}

/** Quiet hours and weekends move a reminder by less than this (at most Friday evening to Monday morning). */
const MAX_SHIFT_DAYS = 7;

/**
 * The deadline's reminders in time order, as lazily as the overdue repetition needs: every
 * reminder due at or after `from`, possibly preceded by some earlier ones. Endless when the
 * kind repeats while overdue: callers stop.
 */
function* slotsOf(deadline: Deadline, settings: ReminderSettings, from: Date): Generator<Slot> {
  if (Number.isNaN(from.getTime())) throw new RangeError('Invalid time for a reminder schedule');
  const lead = settings.leadDays[deadline.kind];
  const due = localDay(deadline.dueDate);
  const opened = new Date(deadline.openedAt);
  const every = lead.overdueEveryDays;
  const planned = (offset: number): Date =>
    remembered(rememberedTimes, `${deadline.dueDate}|${offset}|${settings.sendTime}`, () => atLocalTime(addDays(due, offset, IN_ZONE), settings.sendTime));
  const before = [...lead.before].map((days) => 0 - days).sort((a, b) => a - b); // 0 - 0 is +0, not -0

  // The latest lead on or after the due date that had passed when the deadline opened: sent at `openedAt`.
  let caughtUp: number | undefined;
  if (every > 0) {
    const n = Math.floor(differenceInCalendarDays(opened, due, IN_ZONE) / every);
    caughtUp = [n, n - 1].filter((k) => k >= 1).map((k) => k * every).find((offset) => planned(offset) < opened);
  }
  if (caughtUp === undefined && before.includes(0) && planned(0) < opened) caughtUp = 0;

  // Overdue repetitions that end before `from` are skipped without being computed.
  const firstRepeat = every > 0 ? Math.max(1, Math.floor((differenceInCalendarDays(from, due, IN_ZONE) - MAX_SHIFT_DAYS) / every)) : 0;
  function* offsets(): Generator<number> {
    yield* before;
    if (caughtUp !== undefined && caughtUp > 0 && caughtUp < firstRepeat * every) yield caughtUp;
    if (every > 0) for (let n = firstRepeat; ; n++) yield n * every;
  }
  for (const offsetDays of offsets()) {
    let at = planned(offsetDays);
    if (at < opened) {
      if (offsetDays !== caughtUp) continue;
      at = opened;
    }
    yield { offsetDays, plannedAt: at, dueAt: sendableTime(at, settings) };
  }
}

/** Two leads that go out at the same moment (a Saturday and a Sunday lead both on Monday morning): the later lead only. */
function* distinct(slots: Iterable<Slot>): Generator<Slot> {
  let previous: Slot | undefined;
  for (const slot of slots) {
    if (previous && previous.dueAt.getTime() !== slot.dueAt.getTime()) yield previous;
    previous = slot;
  }
  if (previous) yield previous;
}

function toReminder(deadline: Deadline, slot: Slot): Reminder {
  return {
    id: reminderId(deadline.id, deadline.dueDate, slot.offsetDays),
    deadlineId: deadline.id,
    kind: deadline.kind,
    planId: deadline.planId,
    deadlineDate: deadline.dueDate,
    offsetDays: slot.offsetDays,
    lead: slot.offsetDays < 0 ? 'before' : slot.offsetDays === 0 ? 'onDay' : 'overdue',
    plannedAt: isoUtc(slot.plannedAt),
    dueAt: isoUtc(slot.dueAt),
  };
}

/** The deadline's reminders due in [from, to), in time order (bounded by the window). */
export function remindersBetween(deadline: Deadline, from: Date, to: Date, settings: ReminderSettings): Reminder[] {
  const found: Reminder[] = [];
  for (const slot of distinct(slotsOf(deadline, settings, from))) {
    if (slot.dueAt >= to) break;
    if (slot.dueAt >= from) found.push(toReminder(deadline, slot));
  }
  return found;
}

/** The deadline's first reminder due at or after `at`; undefined when none is left (no repetition, all past). */
export function nextReminder(deadline: Deadline, at: Date, settings: ReminderSettings): Reminder | undefined {
  for (const slot of distinct(slotsOf(deadline, settings, at))) {
    if (slot.dueAt >= at) return toReminder(deadline, slot);
  }
  return undefined;
}

/** The deadline's latest reminder due at or before `now`: the one to have sent by now. */
export function latestDueReminder(deadline: Deadline, now: Date, settings: ReminderSettings): Reminder | undefined {
  const every = settings.leadDays[deadline.kind].overdueEveryDays;
  let latest: Slot | undefined;
  for (const slot of distinct(slotsOf(deadline, settings, addDays(now, -every, IN_ZONE)))) {
    if (slot.dueAt > now) break;
    latest = slot;
  }
  return latest ? toReminder(deadline, latest) : undefined;
}

/** The reminder of one lead as the deadline stands (undefined: no such lead, or it had passed when the deadline opened). */
function reminderAtOffset(deadline: Deadline, offsetDays: number, settings: ReminderSettings): Reminder | undefined {
  for (const slot of slotsOf(deadline, settings, addDays(localDay(deadline.dueDate), offsetDays - 1, IN_ZONE))) {
    if (slot.offsetDays === offsetDays) return toReminder(deadline, slot);
    if (slot.offsetDays > offsetDays) return undefined;
  }
  return undefined;
}

/** A deadline with where it stands at `now`. */
export interface DeadlineSchedule {
  readonly deadline: Deadline;
  /** Calendar days from today (Copenhagen) to the due date: negative when overdue. */
  readonly daysUntilDue: number;
  /** The latest reminder due by now (the one that is current), if any. */
  readonly latestDue?: Reminder;
  /** The first reminder due after now, if any. */
  readonly next?: Reminder;
}

/** Each open deadline of the plan with its current and next reminder. */
export function planSchedule(plan: Plan, now: Date, settings: ReminderSettings): DeadlineSchedule[] {
  return scheduleOf(planDeadlines(plan), now, settings);
}

/** Each deadline (any source) with where it stands at `now`: its current and next reminder. */
export function scheduleOf(deadlines: readonly Deadline[], now: Date, settings: ReminderSettings): DeadlineSchedule[] {
  const afterNow = new Date(now.getTime() + 1);
  return deadlines.map((deadline) => {
    const latestDue = latestDueReminder(deadline, now, settings);
    const next = nextReminder(deadline, afterNow, settings);
    return {
      deadline,
      daysUntilDue: differenceInCalendarDays(localDay(deadline.dueDate), now, IN_ZONE),
      ...(latestDue ? { latestDue } : {}),
      ...(next ? { next } : {}),
    };
  });
}

/** All the plan's reminders due in [from, to), in time order: what a scan of that window sends. */
export function planRemindersBetween(plan: Plan, from: Date, to: Date, settings: ReminderSettings): Reminder[] {
  return planDeadlines(plan)
    .flatMap((deadline) => remindersBetween(deadline, from, to, settings))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
}

/** What a stored reminder must carry to be checked again. */
export type ReminderRef = Pick<Reminder, 'id' | 'deadlineId' | 'deadlineDate' | 'offsetDays'>;

export type ReminderCheck =
  | { readonly current: true; readonly deadline: Deadline; readonly reminder: Reminder }
  /** The deadline is done or no longer applies (goal evaluated or no longer active, formål recorded, invitation sent …). */
  | { readonly current: false; readonly reason: 'done' }
  /** The deadline has another due date now, or the tilbud's lead times no longer have this lead. */
  | { readonly current: false; readonly reason: 'replanned'; readonly deadline: Deadline }
  /** Not due yet as things stand (the settings moved it later): `reminder` has its time now. */
  | { readonly current: false; readonly reason: 'notYetDue'; readonly deadline: Deadline; readonly reminder: Reminder }
  /** A later reminder of the deadline is due too (after a pause): `reminder` is that one. */
  | { readonly current: false; readonly reason: 'superseded'; readonly deadline: Deadline; readonly reminder: Reminder };

/** Is the reminder still the one to send now, for these deadlines (any source)? */
export function isReminderCurrentAmong(deadlines: readonly Deadline[], reminder: ReminderRef, now: Date, settings: ReminderSettings): ReminderCheck {
  const deadline = deadlines.find((d) => d.id === reminder.deadlineId);
  if (!deadline) return { current: false, reason: 'done' };
  if (deadline.dueDate !== reminder.deadlineDate || reminderId(deadline.id, deadline.dueDate, reminder.offsetDays) !== reminder.id) {
    return { current: false, reason: 'replanned', deadline };
  }
  const latest = latestDueReminder(deadline, now, settings);
  if (latest?.id === reminder.id) return { current: true, deadline, reminder: latest };
  const same = reminderAtOffset(deadline, reminder.offsetDays, settings);
  if (!same) return { current: false, reason: 'replanned', deadline };
  if (Date.parse(same.dueAt) > now.getTime()) return { current: false, reason: 'notYetDue', deadline, reminder: same };
  return { current: false, reason: 'superseded', deadline, reminder: latest ?? same };
}

/**
 * The sender's last check, just before it sends: is this reminder still current for the plan
 * as it is now (the deadline open, with this due date and lead, due by now, and no later
 * reminder of it due as well)?
 */
export function isReminderCurrent(plan: Plan, reminder: ReminderRef, now: Date, settings: ReminderSettings): ReminderCheck {
  return isReminderCurrentAmong(planDeadlines(plan), reminder, now, settings);
}

// ---------------------------------------------------------------- managers: escalation and the weekly digest

/**
 * The recipient of a deadline's escalation: the tilbud's ledere (a per-tilbud setting), looked
 * up when it is sent, so a change of managers needs no re-planning. Not an AAD object id.
 */
export const MANAGERS_RECIPIENT = '@ledere';

/** A deadline still open this many days after its due date is escalated to the managers, once. */
export const ESCALATION_AFTER_DAYS = 7;

/** The schedule of escalations: one lead, `afterDays` after the due date, at the tilbud's send time, in working hours. */
export function escalationSettings(settings: ReminderSettings, afterDays: number = ESCALATION_AFTER_DAYS): ReminderSettings {
  const leadDays = {} as Record<DeadlineKind, LeadSchedule>;
  for (const kind of DeadlineKindSchema.options) leadDays[kind] = { before: [-afterDays], overdueEveryDays: 0 };
  return { ...settings, leadDays };
}

/** The schedule an entry for `recipientId` follows: the managers' escalation, or the owner's reminders. */
export function settingsForRecipient(settings: ReminderSettings, recipientId: string): ReminderSettings {
  return recipientId === MANAGERS_RECIPIENT ? escalationSettings(settings) : settings;
}

/** The weekly digest goes out on Monday at this Copenhagen time. */
export const DIGEST_TIME: LocalTime = '08:00';

/** The next weekly digest strictly after `now`: Monday 08:00 in Copenhagen (this Monday's if it is still ahead). */
export function nextDigestAt(now: Date): Date {
  const today = localDay(dateOf(now));
  const monday = getDay(today, IN_ZONE) === 1 ? today : nextMonday(today, IN_ZONE);
  const at = atLocalTime(monday, DIGEST_TIME);
  return at.getTime() > now.getTime() ? new Date(at.getTime()) : new Date(atLocalTime(nextMonday(monday, IN_ZONE), DIGEST_TIME).getTime());
}

/** The calendar week a digest sent at `now` covers: today (Copenhagen) through Sunday, yyyy-MM-dd. */
export function digestWeek(now: Date): { today: string; weekEnd: string } {
  const today = localDay(dateOf(now));
  const weekday = getDay(today, IN_ZONE);
  const sunday = weekday === 0 ? today : addDays(today, 7 - weekday, IN_ZONE);
  return { today: dateOf(today), weekEnd: dateOf(sunday) };
}

/** Calendar days from `now`'s day (Copenhagen) to `isoDate`: negative when it has passed. */
export function daysUntil(isoDate: string, now: Date): number {
  return differenceInCalendarDays(localDay(isoDate), now, IN_ZONE);
}

