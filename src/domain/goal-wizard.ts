/**
 * The SMORTE goal wizard (pure): the steps, what each step asks, the hard checks that keep
 * a step from moving on, and the SMORTE findings shown beside the fields. A draft is plain
 * strings, as they come from the card; it is stored between steps so it survives a closed chat.
 */
import { goalAsInput } from './goal-lifecycle.js';
import type { Goal, Plan } from './model.js';
import { findGoal, isIsoDate, todayInZone, type GoalInput } from './plan.js';
import { blocksSaving, checkSmorte, type SmorteFinding, type SmorteLetter } from './smorte.js';
import { checkText, collectErrors, MESSAGES, TEXT_LIMITS, type FieldErrors } from './text.js';

export const WIZARD_STEPS = ['relevance', 'text', 'measure', 'participation', 'interventions', 'time'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** Suggested eksterne aktører; free text stays possible. */
export const EXTERNAL_ACTORS: readonly string[] = ['Læge', 'Psykiatri', 'Jobcenter', 'Skole', 'Familie', 'Værge', 'Sagsbehandler (kommunen)', 'Fysioterapeut', 'Tandlæge'];

export interface GoalDraftFields {
  parentId: string;
  themeId: string;
  purposeLinked: string; // 'yes' | 'no'
  goalText: string;
  indicator: string;
  kind: string; // 'progression' | 'maintenance'
  participationMode: string; // 'citizen' | 'representative' | 'declined'
  participation: string;
  interventions: string;
  externalActors: string; // comma-separated choices
  externalOther: string;
  ownerId: string;
  endDate: string;
  revisionDate: string;
}

export const EMPTY_DRAFT: GoalDraftFields = {
  parentId: '',
  themeId: '',
  purposeLinked: 'yes',
  goalText: '',
  indicator: '',
  kind: 'progression',
  participationMode: 'citizen',
  participation: '',
  interventions: '',
  externalActors: '',
  externalOther: '',
  ownerId: '',
  endDate: '',
  revisionDate: '',
};

export const STEP_FIELDS: Record<WizardStep, ReadonlyArray<keyof GoalDraftFields>> = {
  relevance: ['parentId', 'themeId', 'purposeLinked'],
  text: ['goalText'],
  measure: ['indicator', 'kind'],
  participation: ['participationMode', 'participation'],
  interventions: ['interventions', 'externalActors', 'externalOther'],
  time: ['ownerId', 'endDate', 'revisionDate'],
};

/** Which SMORTE letters each step is about (findings are shown on that step). */
export const STEP_LETTERS: Record<WizardStep, readonly SmorteLetter[]> = {
  relevance: ['R'],
  text: ['S', 'M', 'O'],
  measure: ['M'],
  participation: [],
  interventions: [],
  time: ['T'],
};

export const FREE_TEXT_FIELDS: ReadonlyArray<keyof GoalDraftFields> = ['goalText', 'indicator', 'participation', 'interventions', 'externalOther'];

/** The fields whose value is an id (a goal, a theme, a person), checked for a CPR number as ids are (see idContainsCpr). */
export const ID_FIELDS: ReadonlySet<keyof GoalDraftFields> = new Set(['parentId', 'themeId', 'ownerId']);

/** The longest a choice value (an id, a date, a list of choices) can sensibly be: longer is cut, and then refused as a choice. */
const CHOICE_MAX = 1000;

/** How many characters a draft field holds: a free text its limit, anything else CHOICE_MAX. */
export function draftFieldMax(name: keyof GoalDraftFields): number {
  switch (name) {
    case 'goalText':
      return TEXT_LIMITS.goal;
    case 'indicator':
      return TEXT_LIMITS.short * 2;
    case 'participation':
    case 'interventions':
    case 'externalOther':
      return TEXT_LIMITS.note;
    default:
      return CHOICE_MAX;
  }
}

/**
 * Takes a step's inputs from card data into the draft. The draft never holds more than a
 * field's limit: a longer text is cut to it (and the user told so next to the field), so what is
 * stored, checked and shown is bounded whatever a card sends. A value that is not text is a
 * field error; the field keeps what the draft had.
 */
export function takeStepInputs(step: WizardStep, fields: GoalDraftFields, inputs: Readonly<Record<string, unknown>>): { fields: GoalDraftFields; errors: FieldErrors } {
  const next: GoalDraftFields = { ...fields };
  const errors: FieldErrors = {};
  for (const name of STEP_FIELDS[step]) {
    const value = inputs[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      errors[name] = MESSAGES.notText;
      continue;
    }
    const max = draftFieldMax(name);
    if (value.length > max) {
      next[name] = value.slice(0, max);
      if (FREE_TEXT_FIELDS.includes(name)) errors[name] = MESSAGES.tooLong(max);
    } else {
      next[name] = value;
    }
  }
  return { fields: next, errors };
}

export function stepIndex(step: WizardStep): number {
  return WIZARD_STEPS.indexOf(step);
}

export function isWizardStep(value: unknown): value is WizardStep {
  return typeof value === 'string' && (WIZARD_STEPS as readonly string[]).includes(value);
}

/** Splits a comma/semicolon/newline list into trimmed, de-duplicated items. */
export function splitList(value: string): string[] {
  return [...new Set(value.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
}

/** The SMORTE findings for the draft as it stands. */
export function checkDraft(plan: Plan, fields: GoalDraftFields, now: Date): SmorteFinding[] {
  const parent = fields.parentId ? findGoal(plan, fields.parentId) : undefined;
  const themeId = parent?.themeId ?? fields.themeId;
  return checkSmorte(
    {
      text: fields.goalText,
      ...(fields.indicator.trim() ? { indicator: fields.indicator } : {}),
      ...(fields.endDate ? { endDate: fields.endDate } : {}),
      ...(fields.revisionDate ? { revisionDate: fields.revisionDate } : {}),
      ...(plan.purpose && fields.purposeLinked === 'yes' ? { purposeId: plan.purpose.id } : {}),
      ...(themeId ? { themeId } : {}),
    },
    { now },
  );
}

/**
 * The hard checks for one step: what must be fixed before moving on (CPR, length, required
 * choices). SMORTE advice never blocks a step; the T errors block saving on the last step.
 */
export function validateStep(step: WizardStep, plan: Plan, fields: GoalDraftFields, sub: boolean, members: readonly string[], now: Date): FieldErrors {
  const errors: FieldErrors = {};
  for (const name of STEP_FIELDS[step]) {
    if (!FREE_TEXT_FIELDS.includes(name)) continue;
    const error = checkText(fields[name], { required: name === 'goalText', max: draftFieldMax(name) });
    if (error) errors[name] = error;
  }
  switch (step) {
    case 'relevance': {
      if (sub) {
        const parent = findGoal(plan, fields.parentId);
        if (!parent || parent.parentId || parent.state !== 'active') errors['parentId'] = { da: 'Vælg det aktive mål, delmålet hører under.', en: 'Pick the active goal this sub-goal belongs to.' };
      } else if (!plan.themes.some((t) => t.id === fields.themeId)) {
        errors['themeId'] = { da: 'Vælg det tema, målet hører under.', en: 'Pick the theme the goal belongs to.' };
      }
      break;
    }
    case 'measure':
      if (!['progression', 'maintenance'].includes(fields.kind)) errors['kind'] = MESSAGES.invalidChoice;
      break;
    case 'participation':
      if (!['citizen', 'representative', 'declined'].includes(fields.participationMode)) errors['participationMode'] = MESSAGES.invalidChoice;
      else if (fields.participation.trim() === '')
        errors['participation'] = {
          da: 'Beskriv kort, hvordan borgeren (eller repræsentanten) var med til at formulere målet.',
          en: 'Briefly describe how the citizen (or the representative) took part in writing the goal.',
        };
      break;
    case 'time': {
      if (!members.includes(fields.ownerId)) errors['ownerId'] = { da: 'Vælg en ansvarlig fra teamet.', en: 'Pick an owner from the team.' };
      const t = checkDraft(plan, fields, now).filter((f) => f.letter === 'T' && f.severity === 'error');
      for (const finding of t) {
        const field = finding.code === 'T.revisionAfterEnd' || (finding.code === 'T.invalidDate' && fields.revisionDate && !isIsoDate(fields.revisionDate)) ? 'revisionDate' : 'endDate';
        errors[field] ??= finding.message;
      }
      if (!isIsoDate(fields.revisionDate)) errors['revisionDate'] ??= { da: 'Revisionsdato skal udfyldes.', en: 'The revision date is required.' };
      else if (fields.revisionDate < todayInZone(now)) {
        errors['revisionDate'] ??= { da: 'Revisionsdatoen ligger i fortiden. Vælg en dato fra i dag og frem.', en: 'The revision date is in the past. Pick today or a later date.' };
      }
      break;
    }
    default:
      break;
  }
  return collectErrors(errors);
}

/** Everything that keeps the draft from being saved, step by step (first failing step first). */
export function firstBlockingStep(plan: Plan, fields: GoalDraftFields, sub: boolean, members: readonly string[], now: Date): { step: WizardStep; errors: FieldErrors } | undefined {
  for (const step of WIZARD_STEPS) {
    const errors = validateStep(step, plan, fields, sub, members, now);
    if (Object.keys(errors).length > 0) return { step, errors };
  }
  const findings = checkDraft(plan, fields, now);
  if (blocksSaving(findings)) return { step: 'time', errors: { endDate: findings.find((f) => f.severity === 'error')!.message } };
  return undefined;
}

/** The goal input the draft describes (after firstBlockingStep found nothing). */
export function draftToGoalInput(plan: Plan, fields: GoalDraftFields, sub: boolean, now: Date): Omit<GoalInput, 'id'> {
  const findings = checkDraft(plan, fields, now);
  const external = [...splitList(fields.externalActors), ...splitList(fields.externalOther)];
  return {
    ...(sub ? { parentId: fields.parentId } : {}),
    themeId: fields.themeId,
    text: fields.goalText.trim(),
    ownerId: fields.ownerId,
    revisionDate: fields.revisionDate,
    endDate: fields.endDate,
    ...(fields.indicator.trim() ? { indicator: fields.indicator.trim() } : {}),
    purposeLinked: !!plan.purpose && fields.purposeLinked === 'yes',
    kind: fields.kind === 'maintenance' ? 'maintenance' : 'progression',
    participationMode: fields.participationMode as 'citizen' | 'representative' | 'declined',
    participation: fields.participation.trim(),
    interventions: splitList(fields.interventions),
    externalActors: [...new Set(external)],
    smorteCodes: findings.map((f) => f.code),
  };
}

/** SMORTE badges for a saved goal: a letter is ✓ unless one of its codes was found. */
export function smorteBadges(codes: readonly string[] | undefined): Array<{ letter: SmorteLetter; ok: boolean }> {
  const letters: SmorteLetter[] = ['S', 'M', 'O', 'R', 'T'];
  return letters.map((letter) => ({ letter, ok: !(codes ?? []).some((c) => c.startsWith(`${letter}.`)) }));
}

// ---------------------------------------------------------------- drafts of an existing goal

/** The goal field each draft field edits (a sub-goal's parent is not edited). */
export const GOAL_FIELD_OF: Record<keyof GoalDraftFields, string | undefined> = {
  parentId: undefined,
  themeId: 'themeId',
  purposeLinked: 'purposeLinked',
  goalText: 'text',
  indicator: 'indicator',
  kind: 'kind',
  participationMode: 'participationMode',
  participation: 'participation',
  interventions: 'interventions',
  externalActors: 'externalActors',
  externalOther: 'externalActors',
  ownerId: 'ownerId',
  endDate: 'endDate',
  revisionDate: 'revisionDate',
};

const DRAFT_FIELDS = Object.keys(EMPTY_DRAFT) as Array<keyof GoalDraftFields>;

/** The draft fields through which the wizard edits these goal fields. */
export function draftFieldsFor(goalFields: readonly string[]): Array<keyof GoalDraftFields> {
  return DRAFT_FIELDS.filter((name) => {
    const field = GOAL_FIELD_OF[name];
    return field !== undefined && goalFields.includes(field);
  });
}

/** The first wizard step that shows one of these goal fields. */
export function firstStepFor(goalFields: readonly string[]): WizardStep | undefined {
  const names = draftFieldsFor(goalFields);
  return WIZARD_STEPS.find((step) => STEP_FIELDS[step].some((name) => names.includes(name)));
}

/** An existing goal as wizard fields (to edit or revise it). */
export function goalToDraftFields(goal: Goal): GoalDraftFields {
  const input = goalAsInput(goal);
  return {
    ...EMPTY_DRAFT,
    parentId: input.parentId ?? '',
    themeId: input.themeId,
    purposeLinked: input.purposeLinked === false ? 'no' : 'yes',
    goalText: input.text,
    indicator: input.indicator ?? '',
    kind: input.kind ?? 'progression',
    participationMode: input.participationMode ?? 'citizen',
    participation: input.participation ?? '',
    interventions: (input.interventions ?? []).join(', '),
    externalActors: (input.externalActors ?? []).join(','),
    ownerId: input.ownerId,
    endDate: input.endDate ?? '',
    revisionDate: input.revisionDate,
  };
}

/** The value each editable goal field gets from the draft, normalised as it is saved. */
function savedValues(fields: GoalDraftFields): Record<string, unknown> {
  return {
    themeId: fields.themeId,
    purposeLinked: fields.purposeLinked !== 'no',
    text: fields.goalText.trim(),
    indicator: fields.indicator.trim(),
    kind: fields.kind,
    participationMode: fields.participationMode,
    participation: fields.participation.trim(),
    interventions: splitList(fields.interventions),
    externalActors: [...new Set([...splitList(fields.externalActors), ...splitList(fields.externalOther)])],
    ownerId: fields.ownerId,
    endDate: fields.endDate,
    revisionDate: fields.revisionDate,
  };
}

/**
 * The goal fields the user changed: where the draft, as it would be saved, differs from the
 * base it started from. Only these are written by an edit and only these can conflict.
 */
export function changedGoalFields(base: GoalDraftFields, fields: GoalDraftFields): string[] {
  const before = savedValues(base);
  const after = savedValues(fields);
  return Object.keys(after).filter((key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]));
}

/**
 * Rebases the user's changes onto a newer version of the goal: `current` with every goal field
 * the user changed (relative to `base`) taken from `fields`. Fields the user left alone follow
 * the newer version, so another person's change of another field is kept.
 */
export function rebaseDraft(base: GoalDraftFields, fields: GoalDraftFields, current: GoalDraftFields): GoalDraftFields {
  const out: GoalDraftFields = { ...current };
  for (const name of draftFieldsFor(changedGoalFields(base, fields))) out[name] = fields[name];
  // The parent of a new sub-goal is not a goal field: it stays as chosen.
  out.parentId = fields.parentId;
  return out;
}
