/**
 * Læringscirkel og prøvehandling (seed 004, booklet 4; DOMAIN.md section 3).
 *
 * - An **udviklingspunkt** answers forbedringsmodellens three questions: Hvad skal vi opnå?
 *   (`aim`), Hvordan ved vi, at et tiltag er en forbedring? (`measure`) and Hvilke tiltag kan vi
 *   iværksætte? – the **forandringskatalog**, a list of ideas anyone in the team adds to.
 * - A **prøvehandling** runs the four steps of the læringscirkel in order: Planlæg (a hypothesis
 *   that can hold or not; what, who, where, when; which data, collected how), Afprøv (what
 *   happened, surprises, the data), Reflektér (the data against the hypothesis) and Justér
 *   (bekræft / justér / forkast with a short reason). Saving a step keeps a draft; moving on
 *   needs the step's required fields; going back is allowed until the decision, which finishes
 *   the cycle. A finished cycle can start the next one (prefilled for bekræft and justér).
 * - Cycles are short: a plan longer than the tilbud's limit (default 14 days) is a warning.
 * - Each step has a deadline for the plan's people (`trialDeadlines`).
 * - A tiltag spreads in stages: én borger → flere borgere → fuld skala → implementeret.
 * - Every finished cycle is an entry of the team's forbedringskatalog (`catalogueEntry`), and
 *   the fremdriftsmøde's board (`progressBoard`) shows running trials, new ideas, aims and the log.
 *
 * Pure: time comes in as `now`, ids come in from the caller; dates are Copenhagen calendar days.
 */
import { addDays, differenceInCalendarDays, formatISO, parseISO } from 'date-fns';
import { tz } from '@date-fns/tz';
import { z } from 'zod';
import { IsoDateSchema, IsoDateTimeSchema, StoredIdSchema } from './model.js';
import { isIsoDate, todayInZone, ZONE } from './plan.js';
import { checkText, collectErrors, hasErrors, MESSAGES, TEXT_LIMITS, type FieldErrors, type LocalizedText } from './text.js';

const IN_ZONE = { in: tz(ZONE) };

// ---------------------------------------------------------------- constants and names

export const TRIAL_STEPS = ['plan', 'do', 'study', 'act'] as const;
export type TrialStep = (typeof TRIAL_STEPS)[number];

export const TRIAL_STEP_NAMES: Readonly<Record<TrialStep, LocalizedText>> = {
  plan: { da: 'Planlæg', en: 'Plan' },
  do: { da: 'Afprøv', en: 'Try' },
  study: { da: 'Reflektér', en: 'Reflect' },
  act: { da: 'Justér', en: 'Adjust' },
};

export const DECISIONS = ['adopt', 'adapt', 'abandon'] as const;
export type Decision = (typeof DECISIONS)[number];

export const DECISION_NAMES: Readonly<Record<Decision, LocalizedText>> = {
  adopt: { da: 'Bekræft', en: 'Adopt' },
  adapt: { da: 'Justér', en: 'Adapt' },
  abandon: { da: 'Forkast', en: 'Abandon' },
};

/** Did the data bear the hypothesis out (Reflektér)? */
export const HYPOTHESIS_HELD = ['yes', 'partly', 'no'] as const;
export type HypothesisHeld = (typeof HYPOTHESIS_HELD)[number];

export const HYPOTHESIS_HELD_NAMES: Readonly<Record<HypothesisHeld, LocalizedText>> = {
  yes: { da: 'Hypotesen holdt', en: 'The hypothesis held' },
  partly: { da: 'Hypotesen holdt delvist', en: 'The hypothesis partly held' },
  no: { da: 'Hypotesen holdt ikke', en: 'The hypothesis did not hold' },
};

/** The spread of a tiltag (booklet 4, section 3), one stage at a time. */
export const SPREAD_STAGES = ['oneCitizen', 'severalCitizens', 'fullScale', 'implemented'] as const;
export type SpreadStage = (typeof SPREAD_STAGES)[number];

export const SPREAD_STAGE_NAMES: Readonly<Record<SpreadStage, LocalizedText>> = {
  oneCitizen: { da: 'Én borger', en: 'One citizen' },
  severalCitizens: { da: 'Flere borgere', en: 'Several citizens' },
  fullScale: { da: 'Fuld skala', en: 'Full scale' },
  implemented: { da: 'Implementeret', en: 'Implemented' },
};

/** The tilbud's default longest plan, in calendar days counting both ends ("dage, ikke uger"). */
export const DEFAULT_MAX_CYCLE_DAYS = 14;
/** Reflektér is due this many days after the plan's end date (the data are in; reflect while they are fresh). */
export const STUDY_DAYS_AFTER_END = 2;
/** Justér is due this many days after the plan's end date (a couple of days after Reflektér). */
export const ACT_DAYS_AFTER_END = 4;
/** The most ideas one forandringskatalog holds (a card shows them). */
export const IDEAS_MAX = 50;
/** How many ideas and log entries the fremdriftsmøde's board shows by default. */
export const BOARD_IDEAS_MAX = 10;
export const BOARD_LOG_MAX = 10;

// ---------------------------------------------------------------- records

export interface ChangeIdea {
  readonly id: string;
  readonly text: string;
  readonly addedBy: string;
  readonly addedAt: string;
}

/** An udviklingspunkt with the answers to forbedringsmodellens three questions. */
export interface ImprovementPoint {
  readonly id: string;
  readonly tenantId: string;
  readonly teamId: string;
  readonly title: string;
  /** Hvad skal vi opnå? */
  readonly aim: string;
  /** Hvordan ved vi, at et tiltag er en forbedring? */
  readonly measure: string;
  /** Hvilke tiltag kan vi iværksætte? (forandringskataloget) */
  readonly ideas: readonly ChangeIdea[];
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface TrialPlan {
  readonly hypothesis: string;
  readonly what: string;
  /** Who carries it out (aad object ids of members of the team). */
  readonly who: readonly string[];
  readonly where: string;
  /** yyyy-MM-dd, or '' while the draft has none. */
  readonly startDate: string;
  readonly endDate: string;
  /** Which data show whether it worked. */
  readonly data: string;
  /** Where, when and how they are collected (interview, observation, counting …). */
  readonly collection: string;
  readonly savedAt: string;
}

export interface TrialRun {
  readonly happened: string;
  readonly surprises: string;
  readonly data: string;
  readonly savedAt: string;
}

export interface TrialReflection {
  /** The data against the hypothesis. */
  readonly comparison: string;
  readonly held?: HypothesisHeld;
  readonly savedAt: string;
}

export interface TrialDecision {
  readonly decision: Decision;
  readonly reason: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface Trial {
  readonly id: string;
  readonly tenantId: string;
  readonly teamId: string;
  readonly improvementPointId: string;
  /** The idea of the forandringskatalog it tries, if any. */
  readonly ideaId?: string;
  readonly step: TrialStep;
  readonly plan?: TrialPlan;
  readonly run?: TrialRun;
  readonly reflection?: TrialReflection;
  readonly decision?: TrialDecision;
  readonly stage: SpreadStage;
  /** The cycle this one continues. */
  readonly previousTrialId?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly finishedAt?: string;
}

/** Saving or moving on: either the new value (with any warnings) or errors per field. */
export type CycleOutcome<T> = { ok: true; value: T; warnings: FieldErrors } | { ok: false; errors: FieldErrors; warnings: FieldErrors };

/** A change the cycle's state does not allow (the card then shows the trial as it is, with the reason). */
export class TrialStateError extends Error {
  override readonly name = 'TrialStateError';
  constructor(readonly reason: LocalizedText) {
    super(reason.en);
  }
}

const FINISHED: LocalizedText = {
  da: 'Prøvehandlingen er afsluttet med en beslutning. Start en ny læringscirkel for at arbejde videre.',
  en: 'The trial has been finished with a decision. Start a new cycle to carry on.',
};

function requireRunning(trial: Trial): void {
  if (trial.finishedAt) throw new TrialStateError(FINISHED);
}

function requireStep(trial: Trial, step: TrialStep): void {
  requireRunning(trial);
  if (trial.step !== step) {
    const name = TRIAL_STEP_NAMES[step];
    const current = TRIAL_STEP_NAMES[trial.step];
    throw new TrialStateError({
      da: `Prøvehandlingen er ved "${current.da}": "${name.da}" udfyldes, når den er ved det trin.`,
      en: `The trial is at "${current.en}": "${name.en}" is filled in at that step.`,
    });
  }
}

export function isFinished(trial: Trial): boolean {
  return trial.finishedAt !== undefined;
}

// ---------------------------------------------------------------- udviklingspunkt and forandringskatalog

export interface ImprovementPointInput {
  id: string;
  tenantId: string;
  teamId: string;
  title: string;
  aim: string;
  measure: string;
}

export function validateImprovementPoint(input: Pick<ImprovementPointInput, 'title' | 'aim' | 'measure'>): FieldErrors {
  return collectErrors({
    title: checkText(input.title.trim(), { required: true, max: TEXT_LIMITS.short }),
    aim: checkText(input.aim.trim(), { required: true, max: TEXT_LIMITS.goal }),
    measure: checkText(input.measure.trim(), { required: true, max: TEXT_LIMITS.goal }),
  });
}

/** A new udviklingspunkt with its aim and measure; its forandringskatalog starts empty. */
export function createImprovementPoint(input: ImprovementPointInput, actorId: string, now: Date): CycleOutcome<ImprovementPoint> {
  const errors = validateImprovementPoint(input);
  if (hasErrors(errors)) return { ok: false, errors, warnings: {} };
  return {
    ok: true,
    warnings: {},
    value: {
      id: input.id,
      tenantId: input.tenantId,
      teamId: input.teamId,
      title: input.title.trim(),
      aim: input.aim.trim(),
      measure: input.measure.trim(),
      ideas: [],
      createdAt: now.toISOString(),
      createdBy: actorId,
    },
  };
}

/** Changes the aim, the measure or the title (the ideas stay). */
export function editImprovementPoint(point: ImprovementPoint, input: Pick<ImprovementPointInput, 'title' | 'aim' | 'measure'>): CycleOutcome<ImprovementPoint> {
  const errors = validateImprovementPoint(input);
  if (hasErrors(errors)) return { ok: false, errors, warnings: {} };
  return { ok: true, warnings: {}, value: { ...point, title: input.title.trim(), aim: input.aim.trim(), measure: input.measure.trim() } };
}

/** Anyone adds an idea to the forandringskatalog; the same id twice (a resent card) changes nothing. */
export function addIdea(point: ImprovementPoint, input: { id: string; text: string }, actorId: string, now: Date): CycleOutcome<ImprovementPoint> {
  if (point.ideas.some((i) => i.id === input.id)) return { ok: true, value: point, warnings: {} };
  const text = input.text.trim();
  const errors = collectErrors({
    text:
      checkText(text, { required: true, max: TEXT_LIMITS.short }) ??
      (point.ideas.length >= IDEAS_MAX ? { da: `Forandringskataloget har allerede ${IDEAS_MAX} idéer. Slet nogle, før du tilføjer flere.`, en: `The change catalogue already holds ${IDEAS_MAX} ideas. Remove some before adding more.` } : undefined),
  });
  if (hasErrors(errors)) return { ok: false, errors, warnings: {} };
  return { ok: true, warnings: {}, value: { ...point, ideas: [...point.ideas, { id: input.id, text, addedBy: actorId, addedAt: now.toISOString() }] } };
}

// ---------------------------------------------------------------- the hypothesis

export const HYPOTHESIS_HOW: LocalizedText = {
  da: 'Skriv hypotesen som en påstand, der kan vise sig at holde eller ikke holde, fx "Hvis vi …, så vil …".',
  en: 'Write the hypothesis as a statement that can turn out to hold or not, e.g. "If we …, then …".',
};

export const HYPOTHESIS_MESSAGES = {
  question: {
    da: `Hypotesen er skrevet som et spørgsmål. ${HYPOTHESIS_HOW.da}`,
    en: `The hypothesis is written as a question. ${HYPOTHESIS_HOW.en}`,
  },
  wish: {
    da: `Hypotesen beskriver et ønske, ikke en forventning, I kan afprøve. ${HYPOTHESIS_HOW.da}`,
    en: `The hypothesis describes a wish, not an expectation you can test. ${HYPOTHESIS_HOW.en}`,
  },
  noEffect: {
    da: `Hypotesen siger ikke, hvad I forventer, der sker. ${HYPOTHESIS_HOW.da}`,
    en: `The hypothesis does not say what you expect to happen. ${HYPOTHESIS_HOW.en}`,
  },
} as const satisfies Record<string, LocalizedText>;

export type HypothesisProblem = keyof typeof HYPOTHESIS_MESSAGES;

/** Words that open a question ("Hvordan får vi …", "Hvad sker der, hvis …"). */
const QUESTION_WORDS = new Set(['hvordan', 'hvorfor', 'hvad', 'hvem', 'hvilke', 'hvilken', 'hvilket', 'hvornår', 'hvor', 'mon']);
/** A modal verb first is a yes/no question or a proposal ("Kan piktogrammer …", "Skal vi prøve …"). */
const QUESTION_MODALS = new Set(['kan', 'vil', 'skal', 'bør', 'må', 'burde']);
/** Another verb first, then its subject, is a yes/no question too ("Virker det …", "Hjælper det …"). */
const QUESTION_VERBS = new Set(['er', 'bliver', 'virker', 'hjælper', 'giver', 'får', 'gør', 'har']);
const SUBJECTS = new Set(['vi', 'det', 'man', 'de', 'han', 'hun', 'du', 'i', 'der', 'personalet', 'borgeren', 'borgerne']);
/** Openers of a condition ("Hvis vi …", "Når personalet …", "Ved at …"). */
const CONDITION_OPENERS = ['hvis', 'når', 'såfremt', 'ved at', 'i takt med at', 'efter at', 'fordi'];
/** Words saying what the condition leads to. */
const CONSEQUENCE_MARKERS = ['så', 'vil', 'kan vi forvente', 'forventer vi', 'forventes'];
/** Verbs of a prediction. */
const PREDICTION_VERBS = new Set(['vil', 'forventer', 'forventes', 'medfører', 'medføre', 'fører', 'betyder', 'resulterer', 'giver', 'bliver', 'får', 'gør']);
/** Verbs that are themselves a predicted change ("Madplanen øger AB's deltagelse"). */
const CHANGE_VERBS = new Set(['øger', 'øges', 'mindsker', 'mindskes', 'reducerer', 'reduceres', 'forbedrer', 'forbedres', 'styrker', 'styrkes', 'stimulerer', 'forkorter', 'forlænger', 'halverer', 'fordobler', 'stiger', 'falder']);
/** Words of an expected change: comparatives, amounts, change verbs. */
const CHANGE_WORDS = new Set([
  ...CHANGE_VERBS,
  'mere', 'mindre', 'flere', 'færre', 'oftere', 'sjældnere', 'bedre', 'værre', 'hurtigere', 'langsommere', 'længere', 'kortere', 'højere', 'lavere', 'større', 'roligere', 'gladere', 'tryggere',
  'mindst', 'højst', 'procent', 'halvdelen', 'dobbelt', 'hver', 'alle', 'ingen',
  'øge', 'øget', 'mindske', 'reducere', 'forbedre', 'styrke', 'stimulere', 'forkorte', 'stige', 'falde', 'undgå', 'undgår', 'selv',
  'to', 'tre', 'fire', 'fem', 'seks', 'syv', 'otte', 'ni', 'ti', 'tyve', 'tredive',
]);
const WISH_WORDS = new Set(['gerne', 'ønsker', 'ønske', 'håber', 'håbet', 'drømmer']);

function words(text: string): string[] {
  return text
    .toLocaleLowerCase('da-DK')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * What is wrong with a hypothesis, or undefined when it is a testable statement. The check is
 * deliberately simple, so a member can see why:
 * 1. a question is refused: a "?" anywhere, a question word first (hvordan, hvad …), a modal
 *    verb first ("Kan piktogrammer …", "Skal vi …"), or another verb first followed by its
 *    subject ("Virker det …");
 * 2. a condition with a consequence is accepted: "Hvis/Når/Ved at … , så/vil …" with at least two
 *    words after the consequence, or a condition whose text names an expected change;
 * 3. a wish is refused ("Vi vil gerne …", "Vi håber …");
 * 4. otherwise a prediction verb (vil, forventer, medfører, bliver …) and an expected change
 *    (a comparative such as flere/færre/bedre, an amount such as "mindst tre" or "20 minutter",
 *    or a change verb such as øger/mindsker) are needed; a change verb alone ("… øger …") is one.
 */
export function hypothesisProblem(text: string): HypothesisProblem | undefined {
  const trimmed = text.trim();
  const all = words(trimmed);
  if (all.length === 0) return 'noEffect';
  const [first, second] = all;
  if (trimmed.includes('?') || QUESTION_WORDS.has(first ?? '') || QUESTION_MODALS.has(first ?? '') || (QUESTION_VERBS.has(first ?? '') && SUBJECTS.has(second ?? ''))) return 'question';
  const joined = ` ${all.join(' ')} `;
  const hasChange = all.some((w) => CHANGE_WORDS.has(w) || /\d/.test(w));
  const isWish = all.some((w) => WISH_WORDS.has(w));
  const opener = CONDITION_OPENERS.find((o) => joined.startsWith(` ${o} `));
  if (opener) {
    const rest = joined.slice(opener.length + 2);
    for (const marker of CONSEQUENCE_MARKERS) {
      const at = rest.indexOf(` ${marker} `);
      if (at < 0) continue;
      const condition = words(rest.slice(0, at));
      const consequence = words(rest.slice(at + marker.length + 2));
      if (condition.length >= 1 && consequence.length >= 2) return consequence.some((w) => WISH_WORDS.has(w)) ? 'wish' : undefined;
    }
    if (hasChange && !isWish && trimmed.includes(',')) return undefined;
  }
  if (isWish) return 'wish';
  const predicts = all.some((w) => PREDICTION_VERBS.has(w));
  if ((predicts && hasChange) || all.some((w) => CHANGE_VERBS.has(w))) return undefined;
  return 'noEffect';
}

/** The hypothesis field's error: CPR and length first (checkText), then the form of the statement. */
export function checkHypothesis(text: string, required: boolean): LocalizedText | undefined {
  const basic = checkText(text, { required, max: TEXT_LIMITS.goal });
  if (basic || text.trim() === '') return basic;
  const problem = hypothesisProblem(text);
  return problem ? HYPOTHESIS_MESSAGES[problem] : undefined;
}

// ---------------------------------------------------------------- starting a trial

export interface NewTrialInput {
  id: string;
  actorId: string;
  /** The idea of the udviklingspunkt's forandringskatalog it tries; its text starts the plan's "what". */
  ideaId?: string;
}

/** A new prøvehandling of an udviklingspunkt, at Planlæg, at stage én borger. */
export function startTrial(point: ImprovementPoint, input: NewTrialInput, now: Date): Trial {
  const idea = input.ideaId === undefined ? undefined : point.ideas.find((i) => i.id === input.ideaId);
  if (input.ideaId !== undefined && !idea) throw new TrialStateError({ da: 'Idéen findes ikke længere i forandringskataloget.', en: 'The idea is no longer in the change catalogue.' });
  const at = now.toISOString();
  return {
    id: input.id,
    tenantId: point.tenantId,
    teamId: point.teamId,
    improvementPointId: point.id,
    ...(idea ? { ideaId: idea.id } : {}),
    step: 'plan',
    ...(idea ? { plan: { hypothesis: '', what: idea.text, who: [], where: '', startDate: '', endDate: '', data: '', collection: '', savedAt: at } } : {}),
    stage: 'oneCitizen',
    createdAt: at,
    createdBy: input.actorId,
  };
}

// ---------------------------------------------------------------- Planlæg

export interface PlanInput {
  hypothesis: string;
  what: string;
  who: string[];
  where: string;
  startDate: string;
  endDate: string;
  data: string;
  collection: string;
}

export interface PlanContext {
  /** The team's members (aad object ids): who may be named. */
  members: readonly string[];
  /** The tilbud's longest cycle in days (default DEFAULT_MAX_CYCLE_DAYS). */
  maxCycleDays?: number;
}

/** Days a plan runs, counting both its start and its end day. */
export function planDays(startDate: string, endDate: string): number {
  return differenceInCalendarDays(parseISO(endDate, IN_ZONE), parseISO(startDate, IN_ZONE), IN_ZONE) + 1;
}

/**
 * The plan's errors and warnings. `complete` (moving on to Afprøv) also requires every field;
 * a draft may leave fields empty, but what it holds must be right (no CPR, real dates, a
 * testable hypothesis, end not before start). A plan longer than the limit is only a warning.
 */
export function validatePlan(input: PlanInput, context: PlanContext, complete: boolean): { errors: FieldErrors; warnings: FieldErrors } {
  const maxDays = context.maxCycleDays ?? DEFAULT_MAX_CYCLE_DAYS;
  const required = complete;
  const date = (value: string): LocalizedText | undefined => (value === '' ? (required ? MESSAGES.required : undefined) : isIsoDate(value) ? undefined : MESSAGES.invalidDate);
  const checks: Record<string, LocalizedText | undefined> = {
    hypothesis: checkHypothesis(input.hypothesis, required),
    what: checkText(input.what.trim(), { required, max: TEXT_LIMITS.goal }),
    who:
      input.who.length === 0
        ? required
          ? { da: 'Vælg, hvem der afprøver det.', en: 'Pick who tries it out.' }
          : undefined
        : input.who.every((id) => context.members.includes(id))
          ? undefined
          : { da: 'Vælg blandt teamets medlemmer.', en: 'Pick among the team’s members.' },
    where: checkText(input.where.trim(), { required, max: TEXT_LIMITS.short }),
    startDate: date(input.startDate),
    endDate: date(input.endDate),
    data: checkText(input.data.trim(), { required, max: TEXT_LIMITS.goal }),
    collection: checkText(input.collection.trim(), { required, max: TEXT_LIMITS.goal }),
  };
  const warnings: FieldErrors = {};
  if (!checks.startDate && !checks.endDate && input.startDate !== '' && input.endDate !== '') {
    const days = planDays(input.startDate, input.endDate);
    if (days < 1) checks.endDate = { da: 'Slutdatoen ligger før startdatoen.', en: 'The end date is before the start date.' };
    else if (days > maxDays) {
      warnings.endDate = {
        da: `Prøvehandlingen varer ${days} dage. En læringscirkel skal være kort – hos jer højst ${maxDays} dage. Overvej at afprøve i mindre skala og i kortere tid.`,
        en: `The trial runs for ${days} days. A learning cycle should be short – at most ${maxDays} days here. Consider trying it on a smaller scale for a shorter time.`,
      };
    }
  }
  return { errors: collectErrors(checks), warnings };
}

function toPlan(input: PlanInput, now: Date): TrialPlan {
  return {
    hypothesis: input.hypothesis.trim(),
    what: input.what.trim(),
    who: [...new Set(input.who)],
    where: input.where.trim(),
    startDate: input.startDate,
    endDate: input.endDate,
    data: input.data.trim(),
    collection: input.collection.trim(),
    savedAt: now.toISOString(),
  };
}

/** Saves the plan (a draft: fields may be empty) while the trial is at Planlæg. */
export function savePlan(trial: Trial, input: PlanInput, context: PlanContext, now: Date): CycleOutcome<Trial> {
  requireStep(trial, 'plan');
  const { errors, warnings } = validatePlan(input, context, false);
  if (hasErrors(errors)) return { ok: false, errors, warnings };
  return { ok: true, value: { ...trial, plan: toPlan(input, now) }, warnings };
}

// ---------------------------------------------------------------- Afprøv and Reflektér

export interface RunInput {
  happened: string;
  surprises: string;
  data: string;
}

export function validateRun(input: RunInput, complete: boolean): FieldErrors {
  return collectErrors({
    happened: checkText(input.happened.trim(), { required: complete, max: TEXT_LIMITS.note }),
    // Nothing may have surprised anyone: never required.
    surprises: checkText(input.surprises.trim(), { required: false, max: TEXT_LIMITS.note }),
    data: checkText(input.data.trim(), { required: complete, max: TEXT_LIMITS.note }),
  });
}

/** Saves Afprøv (what happened, surprises, the data) while the trial is at that step. */
export function saveRun(trial: Trial, input: RunInput, now: Date): CycleOutcome<Trial> {
  requireStep(trial, 'do');
  const errors = validateRun(input, false);
  if (hasErrors(errors)) return { ok: false, errors, warnings: {} };
  return { ok: true, warnings: {}, value: { ...trial, run: { happened: input.happened.trim(), surprises: input.surprises.trim(), data: input.data.trim(), savedAt: now.toISOString() } } };
}

export interface ReflectionInput {
  comparison: string;
  /** '' while not chosen. */
  held: HypothesisHeld | '';
}

export function validateReflection(input: ReflectionInput, complete: boolean): FieldErrors {
  return collectErrors({
    comparison: checkText(input.comparison.trim(), { required: complete, max: TEXT_LIMITS.note }),
    held:
      input.held === ''
        ? complete
          ? { da: 'Vælg, om hypotesen holdt.', en: 'Pick whether the hypothesis held.' }
          : undefined
        : (HYPOTHESIS_HELD as readonly string[]).includes(input.held)
          ? undefined
          : MESSAGES.invalidChoice,
  });
}

/** Saves Reflektér (the data against the hypothesis, and whether it held) while at that step. */
export function saveReflection(trial: Trial, input: ReflectionInput, now: Date): CycleOutcome<Trial> {
  requireStep(trial, 'study');
  const errors = validateReflection(input, false);
  if (hasErrors(errors)) return { ok: false, errors, warnings: {} };
  const reflection: TrialReflection = { comparison: input.comparison.trim(), ...(input.held ? { held: input.held } : {}), savedAt: now.toISOString() };
  return { ok: true, warnings: {}, value: { ...trial, reflection } };
}

// ---------------------------------------------------------------- moving between steps

const EMPTY_PLAN: PlanInput = { hypothesis: '', what: '', who: [], where: '', startDate: '', endDate: '', data: '', collection: '' };

/**
 * Forward one step when the current step's required fields are filled in: Planlæg → Afprøv →
 * Reflektér → Justér. The errors name the missing fields. At Justér the decision finishes the
 * cycle (`decideTrial`).
 */
export function advanceTrial(trial: Trial, context: PlanContext): CycleOutcome<Trial> {
  requireRunning(trial);
  let errors: FieldErrors;
  let warnings: FieldErrors = {};
  switch (trial.step) {
    case 'plan': {
      const plan = trial.plan ?? EMPTY_PLAN;
      ({ errors, warnings } = validatePlan({ ...plan, who: [...plan.who] }, context, true));
      break;
    }
    case 'do':
      errors = validateRun(trial.run ?? { happened: '', surprises: '', data: '' }, true);
      break;
    case 'study':
      errors = validateReflection({ comparison: trial.reflection?.comparison ?? '', held: trial.reflection?.held ?? '' }, true);
      break;
    case 'act':
      throw new TrialStateError({ da: 'Afslut læringscirklen med en beslutning: bekræft, justér eller forkast.', en: 'Finish the cycle with a decision: adopt, adapt or abandon.' });
  }
  if (hasErrors(errors)) return { ok: false, errors, warnings };
  const next = TRIAL_STEPS[TRIAL_STEPS.indexOf(trial.step) + 1] ?? trial.step;
  return { ok: true, value: { ...trial, step: next }, warnings };
}

/** Back one step (what was written stays); allowed until the cycle is finished. */
export function stepBack(trial: Trial): Trial {
  requireRunning(trial);
  const previous = TRIAL_STEPS[TRIAL_STEPS.indexOf(trial.step) - 1];
  if (!previous) throw new TrialStateError({ da: 'Prøvehandlingen er ved "Planlæg": der er intet trin før.', en: 'The trial is at "Plan": there is no step before it.' });
  return { ...trial, step: previous };
}

// ---------------------------------------------------------------- Justér

export interface DecisionInput {
  /** '' while not chosen. */
  decision: Decision | '';
  reason: string;
}

export function validateDecision(input: DecisionInput): FieldErrors {
  return collectErrors({
    decision:
      input.decision === ''
        ? { da: 'Vælg: bekræft, justér eller forkast.', en: 'Pick: adopt, adapt or abandon.' }
        : (DECISIONS as readonly string[]).includes(input.decision)
          ? undefined
          : MESSAGES.invalidChoice,
    reason: checkText(input.reason.trim(), { required: true, max: TEXT_LIMITS.short }),
  });
}

/** The decision at Justér (bekræft / justér / forkast, with a short reason) finishes the cycle. */
export function decideTrial(trial: Trial, input: DecisionInput, actorId: string, now: Date): CycleOutcome<Trial> {
  requireStep(trial, 'act');
  const errors = validateDecision(input);
  if (hasErrors(errors) || input.decision === '') return { ok: false, errors, warnings: {} };
  const at = now.toISOString();
  return { ok: true, warnings: {}, value: { ...trial, decision: { decision: input.decision, reason: input.reason.trim(), decidedBy: actorId, decidedAt: at }, finishedAt: at } };
}

/**
 * The next læringscirkel from a finished one, linked to it, at the same stage. After bekræft or
 * justér its plan is prefilled from this one (hypothesis, what, who, where, data, collection; new
 * dates to be chosen) to be adjusted; after forkast it starts empty.
 */
export function startNextCycle(previous: Trial, input: { id: string; actorId: string }, now: Date): Trial {
  if (!previous.finishedAt || !previous.decision) throw new TrialStateError({ da: 'Afslut læringscirklen med en beslutning, før den næste startes.', en: 'Finish the cycle with a decision before starting the next.' });
  const at = now.toISOString();
  const p = previous.plan;
  const prefill = previous.decision.decision !== 'abandon' && p;
  return {
    id: input.id,
    tenantId: previous.tenantId,
    teamId: previous.teamId,
    improvementPointId: previous.improvementPointId,
    ...(previous.ideaId !== undefined ? { ideaId: previous.ideaId } : {}),
    step: 'plan',
    ...(prefill ? { plan: { hypothesis: p.hypothesis, what: p.what, who: p.who, where: p.where, startDate: '', endDate: '', data: p.data, collection: p.collection, savedAt: at } } : {}),
    stage: previous.stage,
    previousTrialId: previous.id,
    createdAt: at,
    createdBy: input.actorId,
  };
}

// ---------------------------------------------------------------- spreading

/**
 * Moves the tiltag to the next spread stage. `to` is the stage the card offered: the same stage
 * again (a resent card) changes nothing; skipping a stage or going back is refused. Only a finished
 * cycle whose decision was bekræft or justér spreads.
 */
export function advanceStage(trial: Trial, to: SpreadStage): Trial {
  const decision = trial.decision?.decision;
  if (!trial.finishedAt || (decision !== 'adopt' && decision !== 'adapt')) {
    throw new TrialStateError({
      da: 'Et tiltag udbredes først, når læringscirklen er afsluttet med "bekræft" eller "justér".',
      en: 'A change spreads only once its cycle is finished with "adopt" or "adapt".',
    });
  }
  if (to === trial.stage) return trial;
  const index = SPREAD_STAGES.indexOf(trial.stage);
  const next = SPREAD_STAGES[index + 1];
  if (!next) throw new TrialStateError({ da: 'Tiltaget er allerede implementeret.', en: 'The change is already implemented.' });
  if (to !== next) {
    throw new TrialStateError({
      da: `Udbred ét trin ad gangen: fra "${SPREAD_STAGE_NAMES[trial.stage].da}" til "${SPREAD_STAGE_NAMES[next].da}".`,
      en: `Spread one stage at a time: from "${SPREAD_STAGE_NAMES[trial.stage].en}" to "${SPREAD_STAGE_NAMES[next].en}".`,
    });
  }
  return { ...trial, stage: next };
}

// ---------------------------------------------------------------- deadlines

/** A step of a running prøvehandling as a tracked deadline for the plan's people. */
export interface TrialStepDeadline {
  /** `trialStep:<trialId>:<step>` */
  readonly id: string;
  readonly trialId: string;
  readonly step: TrialStep;
  readonly dueDate: string;
  readonly ownerIds: readonly string[];
  /** When the due date was set: when the plan with its dates was saved. */
  readonly openedAt: string;
}

function shiftDate(date: string, days: number): string {
  return formatISO(addDays(parseISO(date, IN_ZONE), days, IN_ZONE), { representation: 'date' });
}

/** Each step's due date: Planlæg by the start date, Afprøv by the end date, Reflektér and Justér a few days after. */
export function stepDueDates(plan: Pick<TrialPlan, 'startDate' | 'endDate'>): Record<TrialStep, string> | undefined {
  if (!isIsoDate(plan.startDate) || !isIsoDate(plan.endDate)) return undefined;
  return { plan: plan.startDate, do: plan.endDate, study: shiftDate(plan.endDate, STUDY_DAYS_AFTER_END), act: shiftDate(plan.endDate, ACT_DAYS_AFTER_END) };
}

/**
 * The trial's open step deadlines: its current step and those after it, once the plan has dates;
 * none when the cycle is finished. Owners are the plan's people, else the one who started it.
 */
export function trialDeadlines(trial: Trial): TrialStepDeadline[] {
  if (trial.finishedAt || !trial.plan) return [];
  const due = stepDueDates(trial.plan);
  if (!due) return [];
  const ownerIds = trial.plan.who.length > 0 ? trial.plan.who : [trial.createdBy];
  const openedAt = trial.plan.savedAt;
  return TRIAL_STEPS.slice(TRIAL_STEPS.indexOf(trial.step)).map((step) => ({ id: `trialStep:${trial.id}:${step}`, trialId: trial.id, step, dueDate: due[step], ownerIds, openedAt }));
}

// ---------------------------------------------------------------- forbedringskatalog

/** One finished cycle in the team's forbedringskatalog. */
export interface CatalogueEntry {
  readonly trialId: string;
  readonly improvementPointId: string;
  readonly previousTrialId?: string;
  readonly hypothesis: string;
  /** What was tried (the plan's "what"). */
  readonly tried: string;
  /** The data against the hypothesis. */
  readonly result: string;
  readonly held?: HypothesisHeld;
  readonly decision: Decision;
  readonly decisionName: LocalizedText;
  readonly reason: string;
  readonly stage: SpreadStage;
  readonly stageName: LocalizedText;
  readonly startDate: string;
  readonly endDate: string;
  readonly finishedAt: string;
}

/** A finished cycle as its forbedringskatalog entry. */
export function catalogueEntry(trial: Trial): CatalogueEntry {
  if (!trial.finishedAt || !trial.decision) throw new TrialStateError({ da: 'Kun afsluttede læringscirkler kommer i forbedringskataloget.', en: 'Only finished cycles go into the improvement catalogue.' });
  return {
    trialId: trial.id,
    improvementPointId: trial.improvementPointId,
    ...(trial.previousTrialId !== undefined ? { previousTrialId: trial.previousTrialId } : {}),
    hypothesis: trial.plan?.hypothesis ?? '',
    tried: trial.plan?.what ?? '',
    result: trial.reflection?.comparison ?? '',
    ...(trial.reflection?.held ? { held: trial.reflection.held } : {}),
    decision: trial.decision.decision,
    decisionName: DECISION_NAMES[trial.decision.decision],
    reason: trial.decision.reason,
    stage: trial.stage,
    stageName: SPREAD_STAGE_NAMES[trial.stage],
    startDate: trial.plan?.startDate ?? '',
    endDate: trial.plan?.endDate ?? '',
    finishedAt: trial.finishedAt,
  };
}

// ---------------------------------------------------------------- fremdriftsmøde

export interface BoardTrial {
  readonly trialId: string;
  readonly improvementPointId: string;
  readonly pointTitle: string;
  readonly what: string;
  readonly step: TrialStep;
  readonly stepName: LocalizedText;
  readonly ownerIds: readonly string[];
  /** The current step's due date; undefined while the plan has no dates. */
  readonly dueDate?: string;
  readonly state: 'overdue' | 'open' | 'noDate';
  readonly daysLeft?: number;
}

export interface BoardIdea {
  readonly improvementPointId: string;
  readonly pointTitle: string;
  readonly idea: ChangeIdea;
}

export interface BoardAim {
  readonly improvementPointId: string;
  readonly title: string;
  readonly aim: string;
  readonly measure: string;
}

export interface ProgressBoard {
  readonly running: readonly BoardTrial[];
  readonly ideas: readonly BoardIdea[];
  readonly aims: readonly BoardAim[];
  readonly log: readonly CatalogueEntry[];
  /** How many finished cycles the log left out. */
  readonly logLeftOut: number;
}

/**
 * The fremdriftsmøde's board: the running prøvehandlinger (overdue first, then by due date,
 * those without dates last), the ideas no trial has taken up yet (newest first), the aims of the
 * udviklingspunkter, and the log of finished cycles (newest first, at most `logMax`).
 */
export function progressBoard(
  input: { trials: readonly Trial[]; points: readonly ImprovementPoint[]; ideasMax?: number; logMax?: number },
  now: Date,
): ProgressBoard {
  const today = todayInZone(now);
  const titles = new Map(input.points.map((p) => [p.id, p.title]));
  const rank = { overdue: 0, open: 1, noDate: 2 } as const;
  const running = input.trials
    .filter((t) => !t.finishedAt)
    .map((t): BoardTrial => {
      const due = t.plan ? stepDueDates(t.plan)?.[t.step] : undefined;
      const base = {
        trialId: t.id,
        improvementPointId: t.improvementPointId,
        pointTitle: titles.get(t.improvementPointId) ?? '',
        what: t.plan?.what ?? '',
        step: t.step,
        stepName: TRIAL_STEP_NAMES[t.step],
        ownerIds: t.plan && t.plan.who.length > 0 ? t.plan.who : [t.createdBy],
      };
      if (!due) return { ...base, state: 'noDate' };
      return { ...base, dueDate: due, state: due < today ? 'overdue' : 'open', daysLeft: differenceInCalendarDays(parseISO(due, IN_ZONE), parseISO(today, IN_ZONE), IN_ZONE) };
    })
    .sort((a, b) => rank[a.state] - rank[b.state] || (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.trialId.localeCompare(b.trialId));
  const taken = new Set(input.trials.map((t) => t.ideaId).filter((id): id is string => id !== undefined));
  const ideas = input.points
    .flatMap((p) => p.ideas.filter((i) => !taken.has(i.id)).map((idea) => ({ improvementPointId: p.id, pointTitle: p.title, idea })))
    .sort((a, b) => b.idea.addedAt.localeCompare(a.idea.addedAt) || a.idea.id.localeCompare(b.idea.id))
    .slice(0, input.ideasMax ?? BOARD_IDEAS_MAX);
  const aims = [...input.points].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((p) => ({ improvementPointId: p.id, title: p.title, aim: p.aim, measure: p.measure }));
  const finished = input.trials
    .filter((t) => t.finishedAt && t.decision)
    .map(catalogueEntry)
    .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt) || a.trialId.localeCompare(b.trialId));
  const logMax = input.logMax ?? BOARD_LOG_MAX;
  return { running, ideas, aims, log: finished.slice(0, logMax), logLeftOut: Math.max(0, finished.length - logMax) };
}

// ---------------------------------------------------------------- stored forms

const DraftDate = z.union([IsoDateSchema, z.literal('')]);

export const ChangeIdeaSchema = z.object({
  id: StoredIdSchema,
  text: z.string().max(TEXT_LIMITS.short),
  addedBy: StoredIdSchema,
  addedAt: IsoDateTimeSchema,
}) satisfies z.ZodType<ChangeIdea>;

export const ImprovementPointSchema = z.object({
  id: StoredIdSchema,
  tenantId: StoredIdSchema,
  teamId: StoredIdSchema,
  title: z.string().max(TEXT_LIMITS.short),
  aim: z.string().max(TEXT_LIMITS.goal),
  measure: z.string().max(TEXT_LIMITS.goal),
  ideas: z.array(ChangeIdeaSchema).max(IDEAS_MAX),
  createdAt: IsoDateTimeSchema,
  createdBy: StoredIdSchema,
}) satisfies z.ZodType<ImprovementPoint>;

export const TrialSchema = z.object({
  id: StoredIdSchema,
  tenantId: StoredIdSchema,
  teamId: StoredIdSchema,
  improvementPointId: StoredIdSchema,
  ideaId: StoredIdSchema.optional(),
  step: z.enum(TRIAL_STEPS),
  plan: z
    .object({
      hypothesis: z.string().max(TEXT_LIMITS.goal),
      what: z.string().max(TEXT_LIMITS.goal),
      who: z.array(StoredIdSchema).max(50),
      where: z.string().max(TEXT_LIMITS.short),
      startDate: DraftDate,
      endDate: DraftDate,
      data: z.string().max(TEXT_LIMITS.goal),
      collection: z.string().max(TEXT_LIMITS.goal),
      savedAt: IsoDateTimeSchema,
    })
    .optional(),
  run: z.object({ happened: z.string().max(TEXT_LIMITS.note), surprises: z.string().max(TEXT_LIMITS.note), data: z.string().max(TEXT_LIMITS.note), savedAt: IsoDateTimeSchema }).optional(),
  reflection: z.object({ comparison: z.string().max(TEXT_LIMITS.note), held: z.enum(HYPOTHESIS_HELD).optional(), savedAt: IsoDateTimeSchema }).optional(),
  decision: z.object({ decision: z.enum(DECISIONS), reason: z.string().max(TEXT_LIMITS.short), decidedBy: StoredIdSchema, decidedAt: IsoDateTimeSchema }).optional(),
  stage: z.enum(SPREAD_STAGES),
  previousTrialId: StoredIdSchema.optional(),
  createdAt: IsoDateTimeSchema,
  createdBy: StoredIdSchema,
  finishedAt: IsoDateTimeSchema.optional(),
}) satisfies z.ZodType<Trial>;
