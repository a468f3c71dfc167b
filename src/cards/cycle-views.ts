/**
 * The læringscirkel's cards in the team channel (seed 004, booklet 4; DOMAIN.md section 3):
 *
 * - the form that creates an udviklingspunkt (forbedringsmodellens questions);
 * - the læringscirkel card: the udviklingspunkt with the three questions, its forandringskatalog
 *   with an "add idea" input, and the current prøvehandling with the form of its step (figure
 *   12's fields: hypothesis; what, who, where, when; which data and how collected; what happened;
 *   surprises; the data against the hypothesis; the decision; the spread stage);
 * - the fremdriftsmøde's board: running prøvehandlinger, new ideas (with an input anyone uses),
 *   the aims, the log of finished cycles;
 * - the forbedringskatalog, a page at a time.
 *
 * Built in code with their own Danish and English strings. Every action is Action.Execute with an
 * Action.Submit fallback (`executeAction`); its data holds ids and the version the form was drawn
 * from, never content. Each card is drawn again at lower detail until it is under
 * CYCLE_CARD_MAX_BYTES; long texts fold behind "vis mere".
 */
import {
  DECISION_NAMES,
  DECISIONS,
  HYPOTHESIS_HELD,
  HYPOTHESIS_HELD_NAMES,
  HYPOTHESIS_HOW,
  SPREAD_STAGE_NAMES,
  SPREAD_STAGES,
  TRIAL_STEP_NAMES,
  TRIAL_STEPS,
  validatePlan,
  type CatalogueEntry,
  type ImprovementPoint,
  type ProgressBoard,
  type Trial,
  type TrialStep,
} from '../domain/learning-cycle.js';
import { isIsoDate } from '../domain/plan.js';
import { TEXT_LIMITS, type FieldErrors } from '../domain/text.js';
import { formatDate, type Locale } from './i18n.js';
import { cardSizeBytes } from './render.js';
import { escapeMarkdown } from './templates.js';
import { VERBS } from './verbs.js';
import { executeAction, OPENS_NEW_CARD, type Card, type Notice } from './views.js';

interface CycleStrings {
  cycleTitle: string;
  newPointTitle: string;
  newPointIntro: string;
  pointTitle: string;
  aim: string;
  measure: string;
  ideasQuestion: string;
  ideasLater: string;
  btnCreate: string;
  ideasNone: string;
  ideaLabel: string;
  btnAddIdea: string;
  btnTryIdea: string;
  btnTrialDirect: string;
  ideaTaken: string;
  addedBy: (name: string) => string;
  trial: string;
  trialNone: string;
  stepsLine: (current: TrialStep) => string;
  stage: string;
  hypothesis: string;
  hypothesisHelp: string;
  what: string;
  who: string;
  where: string;
  startDate: string;
  endDate: string;
  data: string;
  collection: string;
  happened: string;
  surprises: string;
  runData: string;
  comparison: string;
  held: string;
  decision: string;
  reason: string;
  startNext: string;
  btnSave: string;
  btnSaveNext: (next: string) => string;
  btnBack: string;
  btnDecide: string;
  btnNextCycle: string;
  btnSpread: (stage: string) => string;
  btnRefresh: string;
  btnOpen: string;
  btnBoard: string;
  btnCatalogue: string;
  btnOlder: string;
  decided: (decision: string, date: string) => string;
  nextStarted: string;
  earlier: string;
  saved: string;
  moved: (step: string) => string;
  ideaAdded: string;
  created: string;
  trialStarted: string;
  finishedNotice: string;
  spreadNotice: (stage: string) => string;
  boardTitle: string;
  boardIntro: string;
  running: string;
  runningNone: string;
  due: (date: string) => string;
  overdue: string;
  daysLeft: (n: number) => string;
  noDate: string;
  newIdeas: string;
  newIdeasNone: string;
  ideaPoint: string;
  aims: string;
  aimsNone: string;
  log: string;
  logNone: string;
  logMore: string;
  noPoints: string;
  catalogueTitle: string;
  catalogueNone: string;
  tried: string;
  result: string;
  period: string;
  more: (n: number) => string;
  moreNames: (n: number) => string;
}

const DA: CycleStrings = {
  cycleTitle: 'Læringscirkel',
  newPointTitle: 'Nyt udviklingspunkt',
  newPointIntro: 'Forbedringsmodellen: svar på de tre spørgsmål. Derefter afprøver I idéerne én ad gangen i korte læringscirkler: Planlæg → Afprøv → Reflektér → Justér.',
  pointTitle: 'Udviklingspunkt',
  aim: 'Hvad skal vi opnå?',
  measure: 'Hvordan ved vi, at et tiltag er en forbedring?',
  ideasQuestion: 'Hvilke tiltag kan vi iværksætte? (forandringskatalog)',
  ideasLater: 'Idéerne samles i forandringskataloget, når udviklingspunktet er oprettet – alle i teamet kan tilføje dem.',
  btnCreate: 'Opret udviklingspunkt',
  ideasNone: 'Ingen idéer endnu.',
  ideaLabel: 'Ny idé',
  btnAddIdea: 'Tilføj idé',
  btnTryIdea: 'Afprøv',
  btnTrialDirect: 'Ny prøvehandling',
  ideaTaken: 'afprøves',
  addedBy: (name) => `tilføjet af ${name}`,
  trial: 'Prøvehandling',
  trialNone: 'Ingen prøvehandling endnu: vælg en idé at afprøve, eller start en ny.',
  stepsLine: (current) => TRIAL_STEPS.map((s) => (s === current ? `▶ ${TRIAL_STEP_NAMES[s].da}` : TRIAL_STEP_NAMES[s].da)).join(' → '),
  stage: 'Udbredelse',
  hypothesis: 'Hypotese: hvad forventer I, der sker?',
  hypothesisHelp: HYPOTHESIS_HOW.da,
  what: 'Hvad afprøver I?',
  who: 'Hvem gør det?',
  where: 'Hvor?',
  startDate: 'Hvornår: fra',
  endDate: 'til',
  data: 'Hvilke data viser, om det virker?',
  collection: 'Hvordan, hvor og hvornår indsamles de?',
  happened: 'Hvad skete der?',
  surprises: 'Hvad overraskede jer?',
  runData: 'Data: hvad viste målingerne?',
  comparison: 'Data holdt op mod hypotesen',
  held: 'Holdt hypotesen?',
  decision: 'Beslutning',
  reason: 'Hvorfor?',
  startNext: 'Start den næste læringscirkel med det samme',
  btnSave: 'Gem udkast',
  btnSaveNext: (next) => `Gem og gå videre til ${next}`,
  btnBack: 'Tilbage',
  btnDecide: 'Afslut læringscirklen',
  btnNextCycle: 'Start næste læringscirkel',
  btnSpread: (stage) => `Udbred: ${stage}`,
  btnRefresh: 'Opdatér',
  btnOpen: 'Åbn',
  btnBoard: 'Fremdrift',
  btnCatalogue: 'Forbedringskatalog',
  btnOlder: 'Ældre',
  decided: (decision, date) => `Afsluttet ${date}: ${decision}.`,
  nextStarted: 'Den næste læringscirkel er startet.',
  earlier: 'Tidligere læringscirkler',
  saved: 'Gemt.',
  moved: (step) => `Prøvehandlingen er nu ved "${step}".`,
  ideaAdded: 'Idéen er tilføjet forandringskataloget.',
  created: 'Udviklingspunktet er oprettet. Tilføj idéer, og vælg én at afprøve.',
  trialStarted: 'Prøvehandlingen er startet. Udfyld planen.',
  finishedNotice: 'Læringscirklen er afsluttet og står i forbedringskataloget.',
  spreadNotice: (stage) => `Tiltaget er nu udbredt: ${stage}.`,
  boardTitle: 'Fremdriftsmøde',
  boardIntro: 'Tavlen: prøvehandlinger i gang, nye idéer, målene og loggen.',
  running: 'Prøvehandlinger i gang',
  runningNone: 'Ingen prøvehandlinger i gang.',
  due: (date) => `frist ${date}`,
  overdue: 'overskredet',
  daysLeft: (n) => (n === 0 ? 'i dag' : n === 1 ? 'i morgen' : `om ${n} dage`),
  noDate: 'ingen datoer endnu',
  newIdeas: 'Nye idéer',
  newIdeasNone: 'Ingen nye idéer.',
  ideaPoint: 'Til udviklingspunkt',
  aims: 'Målene',
  aimsNone: 'Ingen udviklingspunkter endnu.',
  log: 'Log over afsluttede læringscirkler',
  logNone: 'Ingen læringscirkler er afsluttet endnu.',
  logMore: 'Flere står i forbedringskataloget (@Refleks katalog).',
  noPoints: 'Opret et udviklingspunkt med @Refleks læringscirkel <titel>.',
  catalogueTitle: 'Forbedringskatalog',
  catalogueNone: 'Ingen læringscirkler er afsluttet endnu.',
  tried: 'Afprøvet',
  result: 'Resultat',
  period: 'Periode',
  more: (n) => `… og ${n} flere.`,
  moreNames: (n) => `og ${n} flere`,
};

const EN: CycleStrings = {
  cycleTitle: 'Learning cycle',
  newPointTitle: 'New improvement point',
  newPointIntro: 'The model for improvement: answer the three questions. Then try the ideas one at a time in short learning cycles: Plan → Try → Reflect → Adjust.',
  pointTitle: 'Improvement point',
  aim: 'What are we trying to accomplish?',
  measure: 'How will we know that a change is an improvement?',
  ideasQuestion: 'What changes can we make? (change catalogue)',
  ideasLater: 'The ideas are collected in the change catalogue once the point is created – anyone in the team can add them.',
  btnCreate: 'Create improvement point',
  ideasNone: 'No ideas yet.',
  ideaLabel: 'New idea',
  btnAddIdea: 'Add idea',
  btnTryIdea: 'Try it',
  btnTrialDirect: 'New trial',
  ideaTaken: 'being tried',
  addedBy: (name) => `added by ${name}`,
  trial: 'Trial',
  trialNone: 'No trial yet: pick an idea to try, or start a new one.',
  stepsLine: (current) => TRIAL_STEPS.map((s) => (s === current ? `▶ ${TRIAL_STEP_NAMES[s].en}` : TRIAL_STEP_NAMES[s].en)).join(' → '),
  stage: 'Spread',
  hypothesis: 'Hypothesis: what do you expect to happen?',
  hypothesisHelp: HYPOTHESIS_HOW.en,
  what: 'What do you try?',
  who: 'Who does it?',
  where: 'Where?',
  startDate: 'When: from',
  endDate: 'to',
  data: 'Which data show whether it works?',
  collection: 'How, where and when are they collected?',
  happened: 'What happened?',
  surprises: 'What surprised you?',
  runData: 'Data: what did the measurements show?',
  comparison: 'The data against the hypothesis',
  held: 'Did the hypothesis hold?',
  decision: 'Decision',
  reason: 'Why?',
  startNext: 'Start the next learning cycle at once',
  btnSave: 'Save draft',
  btnSaveNext: (next) => `Save and go on to ${next}`,
  btnBack: 'Back',
  btnDecide: 'Finish the learning cycle',
  btnNextCycle: 'Start the next learning cycle',
  btnSpread: (stage) => `Spread: ${stage}`,
  btnRefresh: 'Refresh',
  btnOpen: 'Open',
  btnBoard: 'Progress',
  btnCatalogue: 'Improvement catalogue',
  btnOlder: 'Older',
  decided: (decision, date) => `Finished on ${date}: ${decision}.`,
  nextStarted: 'The next learning cycle has started.',
  earlier: 'Earlier learning cycles',
  saved: 'Saved.',
  moved: (step) => `The trial is now at "${step}".`,
  ideaAdded: 'The idea is added to the change catalogue.',
  created: 'The improvement point is created. Add ideas and pick one to try.',
  trialStarted: 'The trial has started. Fill in the plan.',
  finishedNotice: 'The learning cycle is finished and logged in the improvement catalogue.',
  spreadNotice: (stage) => `The change now spreads: ${stage}.`,
  boardTitle: 'Progress meeting',
  boardIntro: 'The board: trials under way, new ideas, the aims and the log.',
  running: 'Trials under way',
  runningNone: 'No trials under way.',
  due: (date) => `due ${date}`,
  overdue: 'overdue',
  daysLeft: (n) => (n === 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`),
  noDate: 'no dates yet',
  newIdeas: 'New ideas',
  newIdeasNone: 'No new ideas.',
  ideaPoint: 'For improvement point',
  aims: 'The aims',
  aimsNone: 'No improvement points yet.',
  log: 'Log of finished learning cycles',
  logNone: 'No learning cycle has finished yet.',
  logMore: 'More are in the improvement catalogue (@Refleks katalog).',
  noPoints: 'Create an improvement point with @Refleks læringscirkel <title>.',
  catalogueTitle: 'Improvement catalogue',
  catalogueNone: 'No learning cycle has finished yet.',
  tried: 'Tried',
  result: 'Result',
  period: 'Period',
  more: (n) => `… and ${n} more.`,
  moreNames: (n) => `and ${n} more`,
};

export function cycleStrings(locale: Locale): CycleStrings {
  return locale === 'en' ? EN : DA;
}

/** Teams takes 28 KB; each card stays under this. */
export const CYCLE_CARD_MAX_BYTES = 26_000;

/** How much each card holds, by detail level (drawn again with less until it fits). */
const DETAIL = [
  { fold: 600, fullUpTo: 1500, names: 30, ideas: 50, earlier: 5, rows: 30 },
  { fold: 300, fullUpTo: 0, names: 20, ideas: 25, earlier: 3, rows: 20 },
  { fold: 150, fullUpTo: 0, names: 12, ideas: 12, earlier: 2, rows: 12 },
  { fold: 80, fullUpTo: 0, names: 6, ideas: 6, earlier: 0, rows: 6 },
] as const;
type Detail = (typeof DETAIL)[number];

type Block = Record<string, unknown>;
interface Member {
  aadObjectId: string;
  name: string;
}

function fitted(draw: (detail: Detail) => Card): Card {
  let card: Card = {};
  for (const detail of DETAIL) {
    card = draw(detail);
    if (cardSizeBytes(card) <= CYCLE_CARD_MAX_BYTES) return card;
  }
  return card;
}

function adaptive(body: Block[], actions: Block[]): Card {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions };
}

function text(value: string, extra: Record<string, unknown> = {}): Block {
  return { type: 'TextBlock', text: escapeMarkdown(value), wrap: true, ...extra };
}

function noticeBlock(notice: Notice | undefined): Block[] {
  return notice ? [text(notice.text, { color: notice.style === 'good' ? 'Good' : notice.style === 'warning' ? 'Warning' : 'Default' })] : [];
}

function errorBlock(errors: FieldErrors | undefined, field: string, locale: Locale): Block[] {
  const error = errors?.[field];
  return error ? [{ type: 'TextBlock', text: escapeMarkdown(error[locale]), color: 'Attention', size: 'Small', spacing: 'None', wrap: true }] : [];
}

function warningBlock(warnings: FieldErrors | undefined, field: string, locale: Locale): Block[] {
  const warning = warnings?.[field];
  return warning ? [{ type: 'TextBlock', text: escapeMarkdown(warning[locale]), color: 'Warning', size: 'Small', spacing: 'None', wrap: true }] : [];
}

let foldCounter = 0;

/** A labelled text, folded behind "vis mere" when long (the whole text kept when it is not too long for the card). */
function folded(label: string, value: string, detail: Detail, locale: Locale): Block {
  const long = value.length > detail.fold;
  const full = long && value.length <= detail.fullUpTo;
  const id = `more-${++foldCounter}`;
  return {
    type: 'Container',
    spacing: 'Small',
    items: [
      // A label that is a question ("Hvad skal vi opnå?") takes no colon after it.
      text(`${label}${/[?:]$/.test(label) ? '' : ':'} ${long ? `${value.slice(0, detail.fold - 1)}…` : value}`),
      ...(full ? [{ type: 'TextBlock', id, text: escapeMarkdown(value), wrap: true, isVisible: false }] : []),
    ],
    ...(full ? { selectAction: { type: 'Action.ToggleVisibility', title: locale === 'en' ? 'show more' : 'vis mere', targetElements: [id] } } : {}),
  };
}

function namesUpTo(names: string[], max: number, s: CycleStrings): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} ${s.moreNames(names.length - max)}` : names.join(', ');
}

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

// ---------------------------------------------------------------- the form of a new udviklingspunkt

export interface NewPointView {
  teamId: string;
  /** The id the new udviklingspunkt gets (a retry of the same card creates it once). */
  submissionId: string;
  form?: { title?: string; aim?: string; measure?: string };
  errors?: FieldErrors;
  notice?: Notice;
}

export function newPointCard(view: NewPointView, locale: Locale): Card {
  const s = cycleStrings(locale);
  const f = view.form ?? {};
  return adaptive(
    [
      text(s.cycleTitle, { size: 'Small', isSubtle: true }),
      text(s.newPointTitle, { size: 'Large', weight: 'Bolder' }),
      ...noticeBlock(view.notice),
      text(s.newPointIntro, { isSubtle: true }),
      { type: 'Input.Text', id: 'title', label: s.pointTitle, maxLength: TEXT_LIMITS.short, value: f.title ?? '' },
      ...errorBlock(view.errors, 'title', locale),
      { type: 'Input.Text', id: 'aim', label: `1. ${s.aim}`, isMultiline: true, maxLength: TEXT_LIMITS.goal, value: f.aim ?? '' },
      ...errorBlock(view.errors, 'aim', locale),
      { type: 'Input.Text', id: 'measure', label: `2. ${s.measure}`, isMultiline: true, maxLength: TEXT_LIMITS.goal, value: f.measure ?? '' },
      ...errorBlock(view.errors, 'measure', locale),
      text(`3. ${s.ideasQuestion}`, { weight: 'Bolder', spacing: 'Medium' }),
      text(s.ideasLater, { isSubtle: true, spacing: 'None' }),
    ],
    [executeAction(s.btnCreate, VERBS.cycleCreate, { teamId: view.teamId, pointId: view.submissionId }, 'positive')],
  );
}

// ---------------------------------------------------------------- the læringscirkel card

export interface CycleCardView {
  point: ImprovementPoint;
  /** The prøvehandling shown, if any. */
  trial?: Trial;
  /** The point's newest trials (which ideas are taken; the earlier cycles). */
  trials: readonly Trial[];
  /** The version of the current step's content the form is drawn from. */
  stepVersion: string;
  members: readonly Member[];
  /** The tilbud's longest cycle in days. */
  maxCycleDays: number;
  now: Date;
  /** Fresh ids the card's actions carry (a retry of the same card stores once). */
  ideaSubmissionId: string;
  trialSubmissionId: string;
  nextTrialId: string;
  notice?: Notice;
  /** The form's input when it comes back (errors, a conflict): field id → text. */
  form?: Record<string, string>;
  errors?: FieldErrors;
  warnings?: FieldErrors;
}

export function cycleCard(view: CycleCardView, locale: Locale): Card {
  return fitted((detail) => drawCycleCard(view, locale, detail));
}

function drawCycleCard(view: CycleCardView, locale: Locale, detail: Detail): Card {
  foldCounter = 0;
  const s = cycleStrings(locale);
  const p = view.point;
  const names = new Map(view.members.map((m) => [m.aadObjectId, m.name]));
  const nameOf = (id: string): string => names.get(id) ?? '?';
  const pointRef = { teamId: p.teamId, pointId: p.id };
  const trial = view.trial;
  const body: Block[] = [
    text(s.cycleTitle, { size: 'Small', isSubtle: true }),
    text(p.title, { size: 'Large', weight: 'Bolder' }),
    ...noticeBlock(view.notice),
    folded(`1. ${s.aim}`, p.aim, detail, locale),
    folded(`2. ${s.measure}`, p.measure, detail, locale),
    text(`3. ${s.ideasQuestion}`, { weight: 'Bolder', spacing: 'Medium' }),
  ];
  // The forandringskatalog: the newest ideas as the detail allows, each one "Afprøv" unless a trial tries it.
  const taken = new Set(view.trials.map((t) => t.ideaId).filter((x): x is string => x !== undefined));
  const ideas = p.ideas.length > detail.ideas ? p.ideas.slice(p.ideas.length - detail.ideas) : p.ideas;
  if (p.ideas.length === 0) body.push(text(s.ideasNone, { isSubtle: true, spacing: 'None' }));
  if (ideas.length < p.ideas.length) body.push(text(s.more(p.ideas.length - ideas.length), { isSubtle: true, size: 'Small', spacing: 'None' }));
  for (const idea of ideas) {
    const isTaken = taken.has(idea.id);
    body.push({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: 'stretch', items: [text(`• ${cut(idea.text, detail.fold)}`), text(`${s.addedBy(nameOf(idea.addedBy))}${isTaken ? ` · ${s.ideaTaken}` : ''}`, { isSubtle: true, size: 'Small', spacing: 'None' })] },
        ...(isTaken ? [] : [{ type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [executeAction(s.btnTryIdea, VERBS.cycleTrial, { ...pointRef, trialId: view.trialSubmissionId, ideaId: idea.id })] }] }]),
      ],
    });
  }
  body.push(
    { type: 'Input.Text', id: 'ideaText', label: s.ideaLabel, maxLength: TEXT_LIMITS.short, value: view.form?.['ideaText'] ?? '' },
    ...errorBlock(view.errors, 'ideaText', locale),
    { type: 'ActionSet', actions: [executeAction(s.btnAddIdea, VERBS.cycleIdea, { ...pointRef, ideaId: view.ideaSubmissionId, ...(trial ? { trialId: trial.id } : {}) })] },
  );

  const actions: Block[] = [];
  body.push(text(s.trial, { weight: 'Bolder', size: 'Medium', spacing: 'Large', separator: true }));
  if (!trial) body.push(text(s.trialNone, { isSubtle: true }));
  else body.push(...trialBlocks(view, trial, s, locale, detail, nameOf, actions));
  // A new prøvehandling (not from an idea) while none is running here.
  if (!trial || trial.finishedAt) actions.push(executeAction(s.btnTrialDirect, VERBS.cycleTrial, { ...pointRef, trialId: view.trialSubmissionId }));

  // The point's earlier cycles (finished), newest first.
  const earlier = view.trials.filter((t) => t.finishedAt && t.decision && t.id !== trial?.id).slice(0, detail.earlier);
  if (earlier.length > 0) {
    body.push(text(s.earlier, { weight: 'Bolder', spacing: 'Medium' }));
    for (const t of earlier) body.push(text(`${formatDate(t.finishedAt!.slice(0, 10), locale)} · ${DECISION_NAMES[t.decision!.decision][locale]}: ${cut(t.plan?.what ?? '', detail.fold)}`, { spacing: 'None' }));
  }
  actions.push(executeAction(s.btnRefresh, VERBS.cycleView, { ...pointRef, ...(trial ? { trialId: trial.id } : {}) }));
  return adaptive(body, actions);
}

function trialBlocks(view: CycleCardView, trial: Trial, s: CycleStrings, locale: Locale, detail: Detail, nameOf: (id: string) => string, actions: Block[]): Block[] {
  const blocks: Block[] = [];
  const ref = { teamId: trial.teamId, trialId: trial.id };
  const f = view.form ?? {};
  const value = (id: string, saved: string | undefined): string => f[id] ?? saved ?? '';
  const plan = trial.plan;
  if (!trial.finishedAt) blocks.push(text(s.stepsLine(trial.step), { spacing: 'Small' }));
  blocks.push({ type: 'FactSet', facts: [{ title: s.stage, value: SPREAD_STAGE_NAMES[trial.stage][locale] }] });
  const input = (id: string, label: string, saved: string | undefined, max: number, multiline = true): Block[] => [
    { type: 'Input.Text', id, label, isMultiline: multiline, maxLength: max, value: value(id, saved) },
    ...errorBlock(view.errors, id, locale),
  ];
  const base = { ...ref, baseStep: trial.step, baseVersion: view.stepVersion };
  const saveButtons = (step: TrialStep): void => {
    const next = TRIAL_STEPS[TRIAL_STEPS.indexOf(step) + 1];
    blocks.push({
      type: 'ActionSet',
      actions: [
        executeAction(s.btnSave, VERBS.cycleSave, { ...base, advance: '0' }),
        ...(next ? [executeAction(s.btnSaveNext(TRIAL_STEP_NAMES[next][locale]), VERBS.cycleSave, { ...base, advance: '1' }, 'positive')] : []),
      ],
    });
    if (step !== 'plan') actions.push(executeAction(s.btnBack, VERBS.cycleMove, { ...ref, baseStep: trial.step, direction: 'back' }));
  };
  const planSummary = (): Block[] =>
    plan
      ? [
          folded(s.hypothesis, plan.hypothesis, detail, locale),
          folded(s.what, plan.what, detail, locale),
          text(`${s.who} ${namesUpTo(plan.who.map(nameOf), detail.names, s)} · ${s.where} ${cut(plan.where, detail.fold)}`, { spacing: 'Small' }),
          text(`${s.startDate} ${plan.startDate ? formatDate(plan.startDate, locale) : '–'} ${s.endDate} ${plan.endDate ? formatDate(plan.endDate, locale) : '–'}`, { spacing: 'None' }),
        ]
      : [];

  if (trial.finishedAt && trial.decision) {
    blocks.push(text(s.decided(DECISION_NAMES[trial.decision.decision][locale], formatDate(trial.finishedAt.slice(0, 10), locale)), { color: 'Good', weight: 'Bolder' }));
    blocks.push(...planSummary());
    if (trial.run) blocks.push(folded(s.happened, trial.run.happened, detail, locale), folded(s.runData, trial.run.data, detail, locale));
    if (trial.reflection) blocks.push(folded(s.comparison, `${trial.reflection.held ? `${HYPOTHESIS_HELD_NAMES[trial.reflection.held][locale]}. ` : ''}${trial.reflection.comparison}`, detail, locale));
    blocks.push(folded(s.reason, trial.decision.reason, detail, locale));
    const d = trial.decision.decision;
    const nextStage = SPREAD_STAGES[SPREAD_STAGES.indexOf(trial.stage) + 1];
    if ((d === 'adopt' || d === 'adapt') && nextStage) actions.push(executeAction(s.btnSpread(SPREAD_STAGE_NAMES[nextStage][locale]), VERBS.cycleStage, { ...ref, to: nextStage }));
    if (!view.trials.some((t) => t.previousTrialId === trial.id)) actions.push(executeAction(s.btnNextCycle, VERBS.cycleNext, { ...ref, nextTrialId: view.nextTrialId }, 'positive'));
    return blocks;
  }

  switch (trial.step) {
    case 'plan': {
      const who = value('who', plan?.who.join(','));
      const chosen = new Set(who.split(',').filter(Boolean));
      const offered = view.members.filter((m, i) => i < detail.names || chosen.has(m.aadObjectId));
      // The warning of a plan longer than the tilbud's limit, for the dates on the card.
      const start = value('startDate', plan?.startDate);
      const end = value('endDate', plan?.endDate);
      const warnings = { ...(view.warnings ?? {}) };
      if (isIsoDate(start) && isIsoDate(end)) Object.assign(warnings, validatePlan({ hypothesis: '', what: '', who: [], where: '', startDate: start, endDate: end, data: '', collection: '' }, { members: [], maxCycleDays: view.maxCycleDays }, false).warnings);
      blocks.push(
        { type: 'Input.Text', id: 'hypothesis', label: s.hypothesis, placeholder: s.hypothesisHelp, isMultiline: true, maxLength: TEXT_LIMITS.goal, value: value('hypothesis', plan?.hypothesis) },
        ...errorBlock(view.errors, 'hypothesis', locale),
        text(s.hypothesisHelp, { isSubtle: true, size: 'Small', spacing: 'None' }),
        ...input('what', s.what, plan?.what, TEXT_LIMITS.goal),
        { type: 'Input.ChoiceSet', id: 'who', label: s.who, isMultiSelect: true, style: 'compact', choices: offered.map((m) => ({ title: m.name, value: m.aadObjectId })), value: who },
        ...errorBlock(view.errors, 'who', locale),
        ...input('where', s.where, plan?.where, TEXT_LIMITS.short, false),
        { type: 'Input.Date', id: 'startDate', label: s.startDate, value: start },
        ...errorBlock(view.errors, 'startDate', locale),
        { type: 'Input.Date', id: 'endDate', label: s.endDate, value: end },
        ...errorBlock(view.errors, 'endDate', locale),
        ...warningBlock(warnings, 'endDate', locale),
        ...input('data', s.data, plan?.data, TEXT_LIMITS.goal),
        ...input('collection', s.collection, plan?.collection, TEXT_LIMITS.goal),
      );
      saveButtons('plan');
      break;
    }
    case 'do':
      blocks.push(...planSummary(), ...input('happened', s.happened, trial.run?.happened, TEXT_LIMITS.note), ...input('surprises', s.surprises, trial.run?.surprises, TEXT_LIMITS.note), ...input('data', s.runData, trial.run?.data, TEXT_LIMITS.note));
      saveButtons('do');
      break;
    case 'study':
      if (plan) blocks.push(folded(s.hypothesis, plan.hypothesis, detail, locale));
      if (trial.run) blocks.push(folded(s.runData, trial.run.data, detail, locale), ...(trial.run.surprises ? [folded(s.surprises, trial.run.surprises, detail, locale)] : []));
      blocks.push(
        ...input('comparison', s.comparison, trial.reflection?.comparison, TEXT_LIMITS.note),
        { type: 'Input.ChoiceSet', id: 'held', label: s.held, style: 'expanded', choices: HYPOTHESIS_HELD.map((h) => ({ title: HYPOTHESIS_HELD_NAMES[h][locale], value: h })), value: value('held', trial.reflection?.held) },
        ...errorBlock(view.errors, 'held', locale),
      );
      saveButtons('study');
      break;
    case 'act':
      if (plan) blocks.push(folded(s.hypothesis, plan.hypothesis, detail, locale));
      if (trial.reflection) blocks.push(folded(s.comparison, `${trial.reflection.held ? `${HYPOTHESIS_HELD_NAMES[trial.reflection.held][locale]}. ` : ''}${trial.reflection.comparison}`, detail, locale));
      blocks.push(
        { type: 'Input.ChoiceSet', id: 'decision', label: s.decision, style: 'expanded', choices: DECISIONS.map((d) => ({ title: DECISION_NAMES[d][locale], value: d })), value: value('decision', undefined) },
        ...errorBlock(view.errors, 'decision', locale),
        ...input('reason', s.reason, undefined, TEXT_LIMITS.short),
        { type: 'Input.Toggle', id: 'startNext', title: s.startNext, valueOn: '1', valueOff: '0', value: value('startNext', '1') },
        { type: 'ActionSet', actions: [executeAction(s.btnDecide, VERBS.cycleDecide, { ...ref, nextTrialId: view.nextTrialId }, 'positive')] },
      );
      actions.push(executeAction(s.btnBack, VERBS.cycleMove, { ...ref, baseStep: trial.step, direction: 'back' }));
      break;
  }
  return blocks;
}

// ---------------------------------------------------------------- the fremdriftsmøde's board

export interface BoardCardView {
  teamId: string;
  board: ProgressBoard;
  points: readonly ImprovementPoint[];
  members: readonly Member[];
  ideaSubmissionId: string;
  notice?: Notice;
  form?: Record<string, string>;
  errors?: FieldErrors;
}

export function boardCard(view: BoardCardView, locale: Locale): Card {
  return fitted((detail) => drawBoardCard(view, locale, detail));
}

function drawBoardCard(view: BoardCardView, locale: Locale, detail: Detail): Card {
  foldCounter = 0;
  const s = cycleStrings(locale);
  const names = new Map(view.members.map((m) => [m.aadObjectId, m.name]));
  const nameOf = (id: string): string => names.get(id) ?? '?';
  const b = view.board;
  const body: Block[] = [text(s.boardTitle, { size: 'Large', weight: 'Bolder' }), text(s.boardIntro, { isSubtle: true, spacing: 'None' }), ...noticeBlock(view.notice)];

  body.push(text(s.running, { weight: 'Bolder', size: 'Medium', spacing: 'Medium' }));
  if (b.running.length === 0) body.push(text(s.runningNone, { isSubtle: true }));
  const running = b.running.slice(0, detail.rows);
  for (const t of running) {
    const due = t.dueDate ? `${s.due(formatDate(t.dueDate, locale))} (${t.state === 'overdue' ? s.overdue : s.daysLeft(t.daysLeft ?? 0)})` : s.noDate;
    body.push({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            text(cut(t.what || t.pointTitle, detail.fold), { weight: 'Bolder' }),
            text(`${t.pointTitle ? `${cut(t.pointTitle, 80)} · ` : ''}${t.stepName[locale]} · ${namesUpTo(t.ownerIds.map(nameOf), Math.min(detail.names, 5), s)} · ${due}`, { isSubtle: true, spacing: 'None', ...(t.state === 'overdue' ? { color: 'Attention' } : {}) }),
          ],
        },
        { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [executeAction(s.btnOpen, VERBS.cycleView, { teamId: view.teamId, pointId: t.improvementPointId, trialId: t.trialId, [OPENS_NEW_CARD]: '1' })] }] },
      ],
    });
  }
  if (b.running.length > running.length) body.push(text(s.more(b.running.length - running.length), { isSubtle: true }));

  body.push(text(s.newIdeas, { weight: 'Bolder', size: 'Medium', spacing: 'Medium' }));
  if (b.ideas.length === 0) body.push(text(s.newIdeasNone, { isSubtle: true }));
  for (const i of b.ideas.slice(0, detail.rows)) body.push(text(`• ${cut(i.idea.text, detail.fold)}${i.pointTitle ? ` (${cut(i.pointTitle, 80)})` : ''} · ${nameOf(i.idea.addedBy)}`, { spacing: 'None' }));
  if (view.points.length === 0) body.push(text(s.noPoints, { isSubtle: true }));
  else {
    const chosen = view.form?.['ideaPointId'] ?? view.points[0]!.id;
    body.push(
      ...(view.points.length > 1
        ? [{ type: 'Input.ChoiceSet', id: 'ideaPointId', label: s.ideaPoint, style: 'compact', choices: view.points.map((p) => ({ title: cut(p.title, 80), value: p.id })), value: chosen }, ...errorBlock(view.errors, 'ideaPointId', locale)]
        : []),
      { type: 'Input.Text', id: 'ideaText', label: s.ideaLabel, maxLength: TEXT_LIMITS.short, value: view.form?.['ideaText'] ?? '' },
      ...errorBlock(view.errors, 'ideaText', locale),
      // With one point its id is in the data; with several the choice above names it.
      { type: 'ActionSet', actions: [executeAction(s.btnAddIdea, VERBS.cycleBoardIdea, { teamId: view.teamId, ideaId: view.ideaSubmissionId, ...(view.points.length === 1 ? { pointId: view.points[0]!.id } : {}) })] },
    );
  }

  body.push(text(s.aims, { weight: 'Bolder', size: 'Medium', spacing: 'Medium' }));
  if (b.aims.length === 0) body.push(text(s.aimsNone, { isSubtle: true }));
  for (const a of b.aims.slice(0, detail.rows)) body.push(text(cut(a.title, 120), { weight: 'Bolder', spacing: 'Small' }), folded(s.aim, a.aim, detail, locale), folded(s.measure, a.measure, detail, locale));

  body.push(text(s.log, { weight: 'Bolder', size: 'Medium', spacing: 'Medium' }));
  if (b.log.length === 0) body.push(text(s.logNone, { isSubtle: true }));
  for (const e of b.log) body.push(logLine(e, s, locale, detail));
  if (b.logLeftOut > 0) body.push(text(s.logMore, { isSubtle: true }));
  return adaptive(body, [executeAction(s.btnRefresh, VERBS.cycleBoard, { teamId: view.teamId }), executeAction(s.btnCatalogue, VERBS.cycleCatalogue, { teamId: view.teamId, [OPENS_NEW_CARD]: '1' })]);
}

function logLine(e: CatalogueEntry, s: CycleStrings, locale: Locale, detail: Detail): Block {
  return text(`${formatDate(e.finishedAt.slice(0, 10), locale)} · ${e.decisionName[locale]}: ${cut(e.tried, detail.fold)}${e.result ? ` – ${cut(e.result, detail.fold)}` : ''}`, { spacing: 'Small' });
}

// ---------------------------------------------------------------- the forbedringskatalog

export interface CatalogueCardView {
  teamId: string;
  entries: readonly CatalogueEntry[];
  titles: Readonly<Record<string, string>>;
  nextBefore?: string;
}

export function catalogueCard(view: CatalogueCardView, locale: Locale): Card {
  return fitted((detail) => drawCatalogueCard(view, locale, detail));
}

function drawCatalogueCard(view: CatalogueCardView, locale: Locale, detail: Detail): Card {
  foldCounter = 0;
  const s = cycleStrings(locale);
  const body: Block[] = [text(s.catalogueTitle, { size: 'Large', weight: 'Bolder' })];
  if (view.entries.length === 0) body.push(text(s.catalogueNone, { isSubtle: true }));
  for (const e of view.entries) {
    body.push(
      text(`${view.titles[e.improvementPointId] ?? ''}`.trim() || s.pointTitle, { weight: 'Bolder', spacing: 'Medium', separator: true }),
      text(`${e.decisionName[locale]} · ${s.stage}: ${e.stageName[locale]} · ${s.period}: ${e.startDate ? formatDate(e.startDate, locale) : '–'} – ${e.endDate ? formatDate(e.endDate, locale) : '–'}`, { isSubtle: true, spacing: 'None' }),
      folded(s.hypothesis, e.hypothesis, detail, locale),
      folded(s.tried, e.tried, detail, locale),
      folded(s.result, `${e.held ? `${HYPOTHESIS_HELD_NAMES[e.held][locale]}. ` : ''}${e.result}`, detail, locale),
      folded(s.reason, e.reason, detail, locale),
    );
  }
  const actions: Block[] = [];
  if (view.nextBefore) actions.push(executeAction(s.btnOlder, VERBS.cycleCatalogue, { teamId: view.teamId, before: view.nextBefore }));
  actions.push(executeAction(s.btnBoard, VERBS.cycleBoard, { teamId: view.teamId, [OPENS_NEW_CARD]: '1' }));
  return adaptive(body, actions);
}
