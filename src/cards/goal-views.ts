/**
 * Cards for the SMORTE goal wizard and for evaluation. The wizard is one form card per
 * step; findings from the goal checker are shown under the field they are about.
 */
import { EXTERNAL_ACTORS, STEP_LETTERS, WIZARD_STEPS, checkDraft, draftFieldsFor, stepIndex, type GoalDraftFields, type WizardStep } from '../domain/goal-wizard.js';
import type { GoalConflict } from '../domain/goal-lifecycle.js';
import type { Evidence, Goal, GoalChange, Institution, Plan } from '../domain/model.js';
import { latestEvaluation, NO_GAS_SCORE } from '../domain/evaluation.js';
import { findGoal, topLevelGoals } from '../domain/plan.js';
import type { SmorteFinding } from '../domain/smorte.js';
import { TEXT_LIMITS, type FieldErrors } from '../domain/text.js';
import { formatDate, formatDateTime, formatNumber, strings, type Locale } from './i18n.js';
import { formatCalendarDate } from '../domain/dates.js';
import { renderCard } from './templates.js';
import { VERBS } from './verbs.js';
import { evaluationOutcome, formField, LIST_PAGE_SIZE, LIST_TEXT_MAX, memberName, menuCard, NO_PAGER, noticeFields, pageOf, paragraph, pagerFor, scoreLabel, stateLabel, truncate, type Card, type FieldVm, type Notice } from './views.js';

type L = { da: string; en: string };
const t = (locale: Locale, text: L): string => text[locale];

const W = {
  titleGoal: { da: 'Nyt mål', en: 'New goal' },
  titleSub: { da: 'Nyt delmål', en: 'New sub-goal' },
  titleEdit: { da: 'Ret mål', en: 'Edit goal' },
  titleRevise: { da: 'Revidér mål', en: 'Revise goal' },
  step: { da: 'Trin', en: 'Step' },
  of: { da: 'af', en: 'of' },
  advised: {
    da: 'Refleks har forslag til målet (se under teksten). Ret teksten sammen med borgeren, eller tryk Næste for at gå videre.',
    en: 'Refleks has suggestions for the goal (see below the text). Edit it with the citizen, or press Next to go on.',
  },
  resumed: { da: 'Du fortsætter, hvor du slap. Vælg "Start forfra" for at begynde på en ny.', en: 'You are continuing where you left off. Choose "Start over" to begin anew.' },
  next: { da: 'Næste', en: 'Next' },
  back: { da: 'Tilbage', en: 'Back' },
  save: { da: 'Gem målet', en: 'Save the goal' },
  restart: { da: 'Start forfra', en: 'Start over' },
  stepNames: {
    relevance: { da: 'Tema og formål (R)', en: 'Theme and purpose (R)' },
    text: { da: 'Målet (S, M, O)', en: 'The goal (S, M, O)' },
    measure: { da: 'Sådan måler I det (M)', en: 'How you measure it (M)' },
    participation: { da: 'Borgerens medvirken', en: 'The citizen’s participation' },
    interventions: { da: 'Indsatser og eksterne aktører', en: 'Interventions and external actors' },
    time: { da: 'Ansvarlig og datoer (T)', en: 'Owner and dates (T)' },
  } satisfies Record<WizardStep, L>,
  theme: { da: 'Tema', en: 'Theme' },
  parent: { da: 'Hører til målet', en: 'Belongs to goal' },
  purposeLinked: { da: 'Tjener formålet fra handleplanen', en: 'Serves the purpose from the handleplan' },
  purposeYes: { da: 'Ja, målet tjener formålet', en: 'Yes, the goal serves the purpose' },
  purposeNo: { da: 'Nej / ved ikke endnu', en: 'No / not yet known' },
  purposeMissing: { da: 'Formålet fra handleplanen mangler i planen. Målet kan gemmes, men husk at bede kommunen om handleplanen.', en: 'The purpose from the handleplan is missing. The goal can be saved, but remember to ask the municipality for it.' },
  purposeIs: { da: 'Formål', en: 'Purpose' },
  text: { da: 'Hvad skal borgeren kunne? Skriv det sammen med borgeren.', en: 'What should the citizen be able to do? Write it with the citizen.' },
  textPlaceholder: { da: 'Fx "Peter smører selv sin madpakke tre morgener om ugen"', en: 'E.g. "Peter makes his own packed lunch three mornings a week"' },
  textGood: { da: '✓ Målet er specifikt, målbart og formuleret som noget at opnå.', en: '✓ The goal is specific, measurable and phrased as something to reach.' },
  indicator: { da: 'Indikator: hvad scorer/observerer I?', en: 'Indicator: what do you score or observe?' },
  indicatorPlaceholder: { da: 'Fx "antal morgener om ugen, hvor Peter smører selv"', en: 'E.g. "mornings a week Peter makes it himself"' },
  kind: { da: 'Slags mål', en: 'Kind of goal' },
  progression: { da: 'Progression (borgeren skal udvikle sig)', en: 'Progression (the citizen develops)' },
  maintenance: { da: 'Fastholdelse (borgeren skal holde sit niveau)', en: 'Maintenance (keep the current level)' },
  participationMode: { da: 'Hvordan var borgeren med?', en: 'How did the citizen take part?' },
  partCitizen: { da: 'Borgeren var med til at formulere målet', en: 'The citizen helped write the goal' },
  partRepresentative: { da: 'Borgeren ønskede ikke at deltage; en repræsentant deltog', en: 'The citizen declined; a representative took part' },
  partDeclined: { da: 'Borgeren ønskede ikke at deltage, og ingen repræsentant deltog', en: 'The citizen declined and no representative took part' },
  participation: { da: 'Beskriv kort hvordan', en: 'Describe briefly how' },
  participationPlaceholder: { da: 'Fx "Aftalt med Peter ved morgenmaden; han valgte selv madpakken"', en: 'E.g. "Agreed with Peter at breakfast; he chose the packed lunch himself"' },
  interventions: { da: 'Indsatser og metoder (hvad gør personalet?)', en: 'Interventions and methods (what do staff do?)' },
  interventionsPlaceholder: { da: 'Fx "guidning ved køleskabet, piktogramtavle"', en: 'E.g. "guidance at the fridge, pictogram board"' },
  external: { da: 'Eksterne aktører', en: 'External actors' },
  externalOther: { da: 'Andre eksterne aktører (valgfri)', en: 'Other external actors (optional)' },
  owner: { da: 'Ansvarlig', en: 'Owner' },
  endDate: { da: 'Slutdato (hvornår skal målet være nået?)', en: 'End date (by when should the goal be reached?)' },
  revisionDate: { da: 'Revisionsdato (hvornår evaluerer I?)', en: 'Revision date (when do you evaluate?)' },
  summary: { da: 'SMORTE-tjek', en: 'SMORTE check' },
  goalSaved: { da: 'Målet er gemt.', en: 'The goal has been saved.' },
  subSaved: { da: 'Delmålet er gemt.', en: 'The sub-goal has been saved.' },
  editSaved: { da: 'Ændringerne er gemt.', en: 'The changes have been saved.' },
  revised: { da: 'Det nye mål er gemt; det gamle står som revideret.', en: 'The new goal is saved; the old one is marked revised.' },
  storedNow: { da: 'Gemt nu', en: 'Saved now' },
  noParent: { da: 'Borgeren har ingen aktive mål, som delmålet kan høre under. Opret først et mål.', en: 'The citizen has no active goal for the sub-goal to belong to. Create a goal first.' },
  empty: { da: '(tomt)', en: '(empty)' },
} as const;

const E = {
  title: { da: 'Evaluering', en: 'Evaluation' },
  pick: { da: 'Hvilket mål vil du evaluere?', en: 'Which goal do you want to evaluate?' },
  dueHeading: { da: 'Revisionsdato nået', en: 'Revision date reached' },
  none: { da: 'Borgeren har ingen aktive mål at evaluere.', en: 'The citizen has no active goals to evaluate.' },
  evaluate: { da: 'Evaluér', en: 'Evaluate' },
  edit: { da: 'Ret', en: 'Edit' },
  period: { da: 'Periode', en: 'Period' },
  entries: { da: 'Dagbogsnotater', en: 'Diary notes' },
  first: { da: 'Første score', en: 'First score' },
  latest: { da: 'Seneste score', en: 'Latest score' },
  average: { da: 'Gennemsnit', en: 'Average' },
  trend: { da: 'Udvikling', en: 'Trend' },
  gasT: { da: 'Borgerens GAS T-score', en: 'Citizen’s GAS T-score' },
  noEvidence: { da: 'Der er ingen dagbogsnotater for målet i perioden. Vurdér ud fra det, I ved, og skriv det i "Hvad virkede".', en: 'There are no diary notes for the goal in the period. Assess from what you know and write it under "What worked".' },
  assessment: { da: 'Vurdering', en: 'Assessment' },
  achieved: { da: 'Opnået', en: 'Achieved' },
  partlyAchieved: { da: 'Delvist opnået', en: 'Partly achieved' },
  maintained: { da: 'Fastholdt', en: 'Maintained' },
  notAchieved: { da: 'Ikke opnået', en: 'Not achieved' },
  worsened: { da: 'Forværret', en: 'Worsened' },
  whatWorked: { da: 'Hvad virkede? (og hvad virkede ikke)', en: 'What worked? (and what did not)' },
  decision: { da: 'Beslutning', en: 'Decision' },
  cont: { da: 'Fortsæt (med ny revisionsdato)', en: 'Continue (with a new revision date)' },
  revise: { da: 'Revidér (skriv et nyt mål)', en: 'Revise (write a new goal)' },
  close: { da: 'Afslut', en: 'Close' },
  newRevisionDate: { da: 'Ny revisionsdato (ved fortsæt)', en: 'New revision date (when continuing)' },
  gas: { da: 'GAS-score (valgfri)', en: 'GAS score (optional)' },
  gasNone: { da: 'Ingen GAS-score', en: 'No GAS score' },
  gasLabels: ['-2 Meget mindre end forventet', '-1 Mindre end forventet', '0 Som forventet', '+1 Mere end forventet', '+2 Meget mere end forventet'],
  gasLabelsEn: ['-2 Much less than expected', '-1 Less than expected', '0 As expected', '+1 More than expected', '+2 Much more than expected'],
  save: { da: 'Gem evaluering', en: 'Save evaluation' },
  saved: { da: 'Evalueringen er skrevet ind i planen.', en: 'The evaluation has been written into the plan.' },
} as const;

export { E as EVALUATION_STRINGS, W as WIZARD_STRINGS };


function adviceFor(findings: readonly SmorteFinding[], letters: readonly string[], locale: Locale): string[] {
  return findings.filter((f) => letters.includes(f.letter)).map((f) => `${f.severity === 'error' ? '✗' : '⚠'} ${f.letter}: ${f.message[locale]}`);
}

interface WizardCardModel {
  plan: Plan;
  institution: Institution;
  key: string;
  sub: boolean;
  mode: 'new' | 'revise' | 'edit';
  step: WizardStep;
  fields: GoalDraftFields;
  errors: FieldErrors;
  submissionId: string;
  resumed: boolean;
  advised?: boolean;
  now: Date;
  target?: Goal;
  /** A notice that takes the place of the usual ones (a conflict, or "try again"). */
  notice?: Notice;
  /** The values stored now for fields that conflicted, shown under the user's own. */
  current?: Partial<GoalDraftFields>;
}

type Field = FieldVm;
type FieldInput = Partial<FieldVm> & { id: string; kind?: FieldVm['kind']; label: string };

function baseField(locale: Locale, errors: FieldErrors, f: FieldInput): Field {
  return formField(locale, errors, { kind: 'text', ...f });
}

export function goalWizardCard(locale: Locale, m: WizardCardModel): Card {
  const s = strings(locale);
  const f = m.fields;
  const findings = checkDraft(m.plan, f, m.now);
  const hasErrors = Object.keys(m.errors).length > 0;
  // Advice answers what the user wrote: none next to a field still empty on a step just opened
  // (no "intet tema" before a theme could be chosen), all of it once the step was tried.
  const stepTried = hasErrors || m.advised === true;
  const field = (x: FieldInput) => {
    const stored = m.current?.[x.id as keyof GoalDraftFields];
    const answered = stepTried || (typeof x.value === 'string' && x.value.trim() !== '');
    const shown = answered ? x : { ...x, advice: [] };
    return baseField(locale, m.errors, stored === undefined ? shown : { ...shown, hint: `${t(locale, W.storedNow)}: ${draftValueText(locale, m.plan, m.institution, x.id as keyof GoalDraftFields, stored)}` });
  };
  const fields: Field[] = [];
  const facts: Array<{ title: string; value: string }> = [];
  const advice: string[] = [];
  switch (m.step) {
    case 'relevance': {
      if (m.sub) {
        const parents = topLevelGoals(m.plan).filter((g) => g.state === 'active').map((g) => ({ title: g.text.slice(0, 90), value: g.id }));
        // No active goal left (all ended meanwhile): a choice set without choices is not a valid card.
        if (parents.length > 0) fields.push(field({ kind: 'choice', id: 'parentId', label: t(locale, W.parent), value: f.parentId, required: true, choices: parents }));
        else advice.push(`⚠ ${t(locale, W.noParent)}`);
      } else {
        fields.push(field({ kind: 'choice', id: 'themeId', label: t(locale, W.theme), value: f.themeId, required: true, choices: m.plan.themes.map((th) => ({ title: th.name, value: th.id })), advice: adviceFor(findings.filter((x) => x.code === 'R.noTheme'), STEP_LETTERS.relevance, locale) }));
      }
      if (m.plan.purpose) {
        facts.push({ title: t(locale, W.purposeIs), value: m.plan.purpose.text });
        fields.push(field({ kind: 'choice', id: 'purposeLinked', label: t(locale, W.purposeLinked), value: f.purposeLinked, style: 'expanded', choices: [{ title: t(locale, W.purposeYes), value: 'yes' }, { title: t(locale, W.purposeNo), value: 'no' }], advice: adviceFor(findings.filter((x) => x.code !== 'R.noTheme'), STEP_LETTERS.relevance, locale) }));
      } else {
        advice.push(`⚠ ${t(locale, W.purposeMissing)}`);
      }
      break;
    }
    case 'text': {
      const a = adviceFor(findings.filter((x) => !x.code.startsWith('text.')), STEP_LETTERS.text, locale);
      fields.push(field({ id: 'goalText', label: t(locale, W.text), value: f.goalText, placeholder: t(locale, W.textPlaceholder), multiline: true, maxLength: TEXT_LIMITS.goal, required: true, advice: f.goalText.trim() && a.length === 0 ? [t(locale, W.textGood)] : a }));
      break;
    }
    case 'measure':
      fields.push(field({ id: 'indicator', label: t(locale, W.indicator), value: f.indicator, placeholder: t(locale, W.indicatorPlaceholder), maxLength: TEXT_LIMITS.short * 2, advice: adviceFor(findings, STEP_LETTERS.measure, locale) }));
      fields.push(field({ kind: 'choice', id: 'kind', label: t(locale, W.kind), value: f.kind, style: 'expanded', choices: [{ title: t(locale, W.progression), value: 'progression' }, { title: t(locale, W.maintenance), value: 'maintenance' }] }));
      break;
    case 'participation':
      fields.push(field({ kind: 'choice', id: 'participationMode', label: t(locale, W.participationMode), value: f.participationMode, style: 'expanded', choices: [{ title: t(locale, W.partCitizen), value: 'citizen' }, { title: t(locale, W.partRepresentative), value: 'representative' }, { title: t(locale, W.partDeclined), value: 'declined' }] }));
      fields.push(field({ id: 'participation', label: t(locale, W.participation), value: f.participation, placeholder: t(locale, W.participationPlaceholder), multiline: true, maxLength: TEXT_LIMITS.note }));
      break;
    case 'interventions':
      fields.push(field({ id: 'interventions', label: t(locale, W.interventions), value: f.interventions, placeholder: t(locale, W.interventionsPlaceholder), multiline: true, maxLength: TEXT_LIMITS.note }));
      fields.push(field({ kind: 'choice', id: 'externalActors', label: t(locale, W.external), value: f.externalActors, multiSelect: true, style: 'expanded', choices: EXTERNAL_ACTORS.map((a) => ({ title: a, value: a })) }));
      fields.push(field({ id: 'externalOther', label: t(locale, W.externalOther), value: f.externalOther, maxLength: TEXT_LIMITS.note }));
      break;
    case 'time': {
      fields.push(field({ kind: 'choice', id: 'ownerId', label: t(locale, W.owner), value: f.ownerId, required: true, choices: m.institution.members.map((mm) => ({ title: mm.name || mm.aadObjectId, value: mm.aadObjectId })) }));
      fields.push(field({ kind: 'date', id: 'endDate', label: t(locale, W.endDate), value: f.endDate, required: true, advice: adviceFor(findings.filter((x) => x.code !== 'T.revisionAfterEnd'), STEP_LETTERS.time, locale) }));
      fields.push(field({ kind: 'date', id: 'revisionDate', label: t(locale, W.revisionDate), value: f.revisionDate, required: true, advice: adviceFor(findings.filter((x) => x.code === 'T.revisionAfterEnd'), STEP_LETTERS.time, locale) }));
      const letters = ['S', 'M', 'O', 'R', 'T'] as const;
      facts.push({
        title: t(locale, W.summary),
        value: letters.map((l) => `${l}${findings.some((x) => x.letter === l) ? (findings.some((x) => x.letter === l && x.severity === 'error') ? '✗' : '⚠') : '✓'}`).join(' '),
      });
      if (f.goalText) facts.push({ title: m.sub ? s.subGoalText : s.goalText, value: f.goalText });
      break;
    }
  }
  const index = stepIndex(m.step);
  const title = m.mode === 'edit' ? W.titleEdit : m.mode === 'revise' ? W.titleRevise : m.sub ? W.titleSub : W.titleGoal;
  // `draft`, not `key`: Teams clients (the Agents Playground among them) reserve `key` in action data.
  const data = { draft: m.key, step: m.step, submissionId: m.submissionId };
  const actions: Array<Record<string, unknown>> = [];
  if (index > 0) actions.push({ title: t(locale, W.back), verb: VERBS.goalWizardBack, data, style: 'default', inputs: 'auto' });
  if (index < WIZARD_STEPS.length - 1) actions.push({ title: t(locale, W.next), verb: VERBS.goalWizardNext, data, style: 'positive', inputs: 'auto' });
  else actions.push({ title: t(locale, W.save), verb: VERBS.goalWizardSave, data, style: 'positive', inputs: 'auto' });
  if (m.resumed) actions.push({ title: t(locale, W.restart), verb: VERBS.goalWizardRestart, data, style: 'default', inputs: 'none' });
  const notice: Notice | undefined = m.notice
    ? m.notice
    : hasErrors
    ? { text: s.errorFixFields, style: 'attention' }
    : m.advised
      ? { text: t(locale, W.advised), style: 'warning' }
      : m.resumed
        ? { text: t(locale, W.resumed), style: 'accent' }
        : undefined;
  // Wizard inputs are validated by the bot (not the client) so "Tilbage" never loses or blocks input.
  // The required mark stays on the label, as the client would show it for a required input.
  const relaxed = fields.map((x) => ({ ...x, required: false, label: x.required ? `${x.label} *` : x.label }));
  return renderCard('form', {
    badge: m.plan.demo ? s.demoBadge : '',
    title: `${t(locale, title)}: ${m.plan.alias}`,
    subtitle: `${t(locale, W.step)} ${index + 1} ${t(locale, W.of)} ${WIZARD_STEPS.length} · ${t(locale, W.stepNames[m.step])}`,
    intro: m.target && m.mode !== 'new' ? `${m.mode === 'edit' ? '✎' : '↻'} ${m.target.text}` : '',
    ...noticeFields(notice),
    facts,
    advice,
    fields: relaxed,
    actions,
  });
}

export function alreadySavedNotice(locale: Locale): string {
  return locale === 'en' ? 'This was already saved. Here is the plan.' : 'Det er allerede gemt. Her er planen.';
}

export function wizardSavedNotice(locale: Locale, mode: 'new' | 'revise' | 'edit', sub: boolean): string {
  return t(locale, mode === 'edit' ? W.editSaved : mode === 'revise' ? W.revised : sub ? W.subSaved : W.goalSaved);
}

// ---------------------------------------------------------------- evaluation

function goalLine(plan: Plan, goal: Goal, locale: Locale): string {
  const parent = goal.parentId ? findGoal(plan, goal.parentId) : undefined;
  const theme = plan.themes.find((th) => th.id === goal.themeId)?.name ?? '';
  return [parent ? `↳ ${parent.text.slice(0, 50)}` : theme, `${strings(locale).planRevision} ${formatDate(goal.revisionDate, locale)}`].filter(Boolean).join(' · ');
}

/** The goals to evaluate, those with the revisionsdato reached first, a page at a time. */
export function evaluationPickCard(locale: Locale, m: { plan: Plan; due: Goal[]; later: Goal[]; notice?: string; page?: number }): Card {
  const s = strings(locale);
  const ids = { teamId: m.plan.teamId, citizenId: m.plan.id };
  const all = [...m.due.map((goal) => ({ goal, due: true })), ...m.later.map((goal) => ({ goal, due: false }))];
  const page = pageOf(all, m.page ?? 1);
  const item = (goal: Goal, due: boolean) => ({
    title: `${due ? '⚠ ' : ''}${truncate(goal.text, LIST_TEXT_MAX)}`,
    subtitle: goalLine(m.plan, goal, locale),
    actions: [
      { title: t(locale, E.evaluate), verb: VERBS.evalOpen, data: { ...ids, goalId: goal.id } },
      { title: t(locale, E.edit), verb: VERBS.goalEdit, data: { ...ids, goalId: goal.id } },
    ],
  });
  return menuCard({
    badge: m.plan.demo ? s.demoBadge : '',
    title: `${t(locale, E.title)}: ${m.plan.alias}`,
    subtitle: t(locale, E.pick),
    notice: m.notice ?? (all.length === 0 ? t(locale, E.none) : ''),
    noticeStyle: m.notice ? 'good' : 'accent',
    paragraphs: m.due.length > 0 ? [paragraph(`${t(locale, E.dueHeading)}: ${m.due.length}`, 'Bolder')] : [],
    facts: [],
    items: page.items.map((x) => item(x.goal, x.due)),
    pager: all.length > LIST_PAGE_SIZE ? pagerFor(locale, s.pageGoals(page.first, page.last, page.total), VERBS.evalStart, ids, page) : NO_PAGER,
    actions: [{ title: s.btnShowPlan, verb: VERBS.planShow, data: ids }],
  });
}

function scoreText(institution: Institution, score: number | undefined, locale: Locale): string {
  return score === undefined ? '–' : scoreLabel(institution, score, locale);
}

export interface EvaluationForm {
  assessment: string;
  whatWorked: string;
  decision: string;
  newRevisionDate: string;
  gas: string;
}

export function evaluationFormCard(
  locale: Locale,
  m: {
    plan: Plan;
    institution: Institution;
    goal: Goal;
    evidence: Evidence;
    gasT?: number;
    form: EvaluationForm;
    errors: FieldErrors;
    submissionId: string;
    now: Date;
    notice?: Notice;
    /** The goal version the user's input is based on (default: the goal as shown, i.e. a fresh card). */
    baseUpdatedAt?: string;
  },
): Card {
  const s = strings(locale);
  const ev = m.evidence;
  const trendKey = { improving: s.trendImproving, stable: s.trendStable, worsening: s.trendWorsening, insufficient: s.trendInsufficient }[ev.trend];
  const facts = [
    { title: t(locale, E.period), value: `${formatCalendarDate(new Date(ev.periodFrom), locale)} – ${formatCalendarDate(m.now, locale)}` },
    { title: t(locale, E.entries), value: `${ev.entries} (${ev.notes} ${locale === 'en' ? 'with text' : 'med tekst'}, ${ev.scored} ${locale === 'en' ? 'scored' : 'med score'})` },
    { title: t(locale, E.first), value: scoreText(m.institution, ev.first, locale) },
    { title: t(locale, E.latest), value: scoreText(m.institution, ev.latest, locale) },
    { title: t(locale, E.average), value: ev.average === undefined ? '–' : formatNumber(locale, ev.average) },
    { title: t(locale, E.trend), value: trendKey },
  ];
  if (m.gasT !== undefined) facts.push({ title: t(locale, E.gasT), value: formatNumber(locale, m.gasT) });
  const field = (x: FieldInput) => baseField(locale, m.errors, x);
  const gasLabels = locale === 'en' ? E.gasLabelsEn : E.gasLabels;
  const ids = { teamId: m.plan.teamId, citizenId: m.plan.id, goalId: m.goal.id };
  const notice: Notice | undefined = m.notice ?? (Object.keys(m.errors).length > 0 ? { text: s.errorFixFields, style: 'attention' } : ev.entries === 0 ? { text: t(locale, E.noEvidence), style: 'accent' } : undefined);
  return renderCard('form', {
    badge: m.plan.demo ? s.demoBadge : '',
    title: `${t(locale, E.title)}: ${m.plan.alias}`,
    subtitle: m.goal.text,
    intro: '',
    ...noticeFields(notice),
    facts,
    advice: [],
    fields: [
      field({ kind: 'choice', id: 'assessment', label: t(locale, E.assessment), value: m.form.assessment, style: 'expanded', choices: (['achieved', 'partlyAchieved', 'maintained', 'notAchieved', 'worsened'] as const).map((v) => ({ title: t(locale, E[v]), value: v })) }),
      field({ id: 'whatWorked', label: t(locale, E.whatWorked), value: m.form.whatWorked, multiline: true, maxLength: TEXT_LIMITS.note }),
      field({ kind: 'choice', id: 'decision', label: t(locale, E.decision), value: m.form.decision, style: 'expanded', choices: [{ title: t(locale, E.cont), value: 'continue' }, { title: t(locale, E.revise), value: 'revise' }, { title: t(locale, E.close), value: 'close' }] }),
      field({ kind: 'date', id: 'newRevisionDate', label: t(locale, E.newRevisionDate), value: m.form.newRevisionDate }),
      field({ kind: 'choice', id: 'gas', label: t(locale, E.gas), value: m.form.gas, choices: [{ title: t(locale, E.gasNone), value: NO_GAS_SCORE }, ...gasLabels.map((title, i) => ({ title, value: String(i - 2) }))] }),
    ],
    actions: [
      { title: t(locale, E.save), verb: VERBS.evalSave, data: { ...ids, baseUpdatedAt: m.baseUpdatedAt ?? m.goal.updatedAt, submissionId: m.submissionId }, style: 'positive', inputs: 'auto' },
      { title: s.btnBack, verb: VERBS.evalStart, data: { teamId: m.plan.teamId, citizenId: m.plan.id }, style: 'default', inputs: 'none' },
    ],
  });
}

export function evaluationSavedNotice(locale: Locale): string {
  return t(locale, E.saved);
}

/**
 * The goal was ended (or revised) by someone else while this evaluation was written: it cannot
 * be evaluated any more, so the card says so and shows what the user wrote, so it is not lost.
 */
export function evaluationEndedCard(locale: Locale, m: { plan: Plan; goal: Goal; form: EvaluationForm; notice: Notice }): Card {
  const s = strings(locale);
  const ids = { teamId: m.plan.teamId, citizenId: m.plan.id };
  const facts: Array<{ title: string; value: string }> = [];
  const assessment = (['achieved', 'partlyAchieved', 'maintained', 'notAchieved', 'worsened'] as const).find((a) => a === m.form.assessment);
  if (assessment) facts.push({ title: t(locale, E.assessment), value: t(locale, E[assessment]) });
  const decision = ({ continue: E.cont, revise: E.revise, close: E.close } as Record<string, L>)[m.form.decision];
  if (decision) facts.push({ title: t(locale, E.decision), value: t(locale, decision) });
  if (m.form.decision === 'continue' && m.form.newRevisionDate) facts.push({ title: t(locale, E.newRevisionDate), value: formatDate(m.form.newRevisionDate, locale) });
  const gas = m.form.gas !== '' && m.form.gas !== NO_GAS_SCORE ? Number(m.form.gas) : undefined;
  if (gas !== undefined && Number.isInteger(gas)) facts.push({ title: t(locale, E.gas), value: (locale === 'en' ? E.gasLabelsEn : E.gasLabels)[gas + 2] ?? String(gas) });
  const whatWorked = m.form.whatWorked.trim();
  return menuCard({
    badge: m.plan.demo ? s.demoBadge : '',
    title: `${t(locale, E.title)}: ${m.plan.alias}`,
    subtitle: m.goal.text,
    ...noticeFields(m.notice),
    paragraphs: whatWorked ? [paragraph(t(locale, E.whatWorked), 'Bolder'), paragraph(whatWorked)] : [],
    facts,
    items: [],
    actions: [
      { title: s.btnShowPlan, verb: VERBS.planShow, data: ids },
      { title: s.btnEvaluate, verb: VERBS.evalStart, data: ids },
    ],
  });
}

// ---------------------------------------------------------------- conflicts

/** Short names of goal fields, for "Bo har ændret revisionsdatoen". */
const FIELD_NAMES: Record<string, L> = {
  text: { da: 'målteksten', en: 'the goal text' },
  indicator: { da: 'indikatoren', en: 'the indicator' },
  kind: { da: 'slags mål', en: 'the kind of goal' },
  participationMode: { da: 'borgerens medvirken', en: 'the citizen’s participation' },
  participation: { da: 'borgerens medvirken', en: 'the citizen’s participation' },
  interventions: { da: 'indsatserne', en: 'the interventions' },
  externalActors: { da: 'de eksterne aktører', en: 'the external actors' },
  ownerId: { da: 'den ansvarlige', en: 'the owner' },
  endDate: { da: 'slutdatoen', en: 'the end date' },
  revisionDate: { da: 'revisionsdatoen', en: 'the revision date' },
  themeId: { da: 'temaet', en: 'the theme' },
  purposeLinked: { da: 'koblingen til formålet', en: 'the link to the purpose' },
};

const C = {
  and: { da: 'og', en: 'and' },
  evaluated: { da: 'har evalueret målet', en: 'evaluated the goal' },
  changed: { da: 'har ændret', en: 'changed' },
  ended: { da: 'har afsluttet målet', en: 'ended the goal' },
  revisedGoal: { da: 'har revideret målet', en: 'revised the goal' },
  whileYouWrote: { da: 'mens du skrev', en: 'while you were writing' },
  missing: { da: 'Målet findes ikke længere i planen.', en: 'The goal is no longer in the plan.' },
  evaluate: {
    da: 'Din evaluering er ikke gemt endnu – dine svar står herunder. Tryk "Gem evaluering" igen, hvis den også skal skrives ind.',
    en: 'Your evaluation is not saved yet – your answers are below. Press "Save evaluation" again if it should be written in too.',
  },
  evaluateEnded: { da: 'Målet kan ikke evalueres længere, så din evaluering er ikke gemt. Her er det, du skrev.', en: 'The goal can no longer be evaluated, so your evaluation is not saved. Here is what you wrote.' },
  wizard: {
    da: 'Dine svar er bevaret, og det, der er gemt nu, står under feltet. Gem målet igen for at gemme din version.',
    en: 'Your answers are kept, and what is saved now is shown under the field. Save the goal again to save your version.',
  },
  wizardMismatch: {
    da: 'Dine svar er bevaret, men passer ikke længere sammen med det gemte. Ret det markerede felt, og gem igen.',
    en: 'Your answers are kept but no longer fit with what is saved. Correct the marked field and save again.',
  },
  editEnded: { da: 'Målet kan ikke rettes længere, så dine ændringer er ikke gemt', en: 'The goal can no longer be edited, so your changes are not saved' },
  reviseEnded: { da: 'Dine svar er bevaret. Gem målet igen, hvis din version skal gemmes som et nyt mål.', en: 'Your answers are kept. Save the goal again if your version should be saved as a new goal.' },
  parentEnded: { da: 'Delmålet kan ikke høre under det længere. Vælg et andet mål; dine andre svar er bevaret.', en: 'The sub-goal can no longer belong to it. Pick another goal; your other answers are kept.' },
} as const;

/** What the user's action was, for the last sentence of a conflict notice. */
export type ConflictAction = 'evaluate' | 'evaluateEnded' | 'wizard' | 'wizardMismatch' | 'editEnded' | 'reviseEnded' | 'parentEnded';

function joinWords(locale: Locale, words: readonly string[]): string {
  const unique = [...new Set(words)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} ${t(locale, C.and)} ${unique.at(-1)}`;
}

function whoChanged(locale: Locale, institution: Institution, changes: readonly GoalChange[]): string {
  const names = changes.map((c) => institution.members.find((m) => m.aadObjectId === c.by)?.name || strings(locale).someoneElse);
  return joinWords(locale, names);
}

/** One sentence on what someone else did to the goal, from the history entries that conflicted. */
function describeConflict(locale: Locale, plan: Plan, institution: Institution, conflict: GoalConflict): string {
  if (conflict.kind === 'missing') return t(locale, C.missing);
  const changes = conflict.changes;
  const latest = changes.at(-1);
  const when = latest ? ` (${formatDateTime(latest.at, locale)})` : '';
  const who = changes.length > 0 ? whoChanged(locale, institution, changes) : strings(locale).someoneElse;
  const goal = findGoal(plan, conflict.goalId);
  const evaluation = goal ? latestEvaluation(plan, goal.id) : undefined;
  const evaluated = changes.some((c) => c.fields.includes('evaluation'));
  let what: string;
  if (conflict.kind === 'ended') {
    const state = goal ? stateLabel(locale, goal.state) : '';
    what = goal?.state === 'revised' ? t(locale, C.revisedGoal) : evaluated && evaluation ? `${t(locale, C.evaluated)}: ${evaluationOutcome(locale, evaluation)}` : `${t(locale, C.ended)}${state ? ` (${state})` : ''}`;
  } else if (evaluated) {
    what = `${t(locale, C.evaluated)}${evaluation ? `: ${evaluationOutcome(locale, evaluation)}` : ''}`;
  } else {
    const names = conflict.fields.map((f) => FIELD_NAMES[f]).filter((x): x is L => !!x).map((x) => t(locale, x));
    what = `${t(locale, C.changed)} ${joinWords(locale, names.length > 0 ? names : [t(locale, FIELD_NAMES['text']!)])}`;
  }
  return `${who} ${what}${when}, ${t(locale, C.whileYouWrote)}.`;
}

/** The notice for an action that met a real conflict: what the other person did, then what happens to the user's input. */
export function goalConflictNotice(locale: Locale, m: { plan: Plan; institution: Institution; conflict: GoalConflict; action: ConflictAction; kept?: string }): Notice {
  const tail = t(locale, C[m.action]);
  const kept = m.kept ? `: ${m.kept}` : '';
  return { text: `${describeConflict(locale, m.plan, m.institution, m.conflict)} ${tail}${m.action === 'editEnded' ? `${kept}.` : ''}`, style: 'warning' };
}

/** A draft value as the user would read it (a choice's title, a date, a name). */
export function draftValueText(locale: Locale, plan: Plan, institution: Institution, name: keyof GoalDraftFields, value: string): string {
  if (value.trim() === '') return t(locale, W.empty);
  switch (name) {
    case 'themeId':
      return plan.themes.find((th) => th.id === value)?.name ?? value;
    case 'parentId':
      return findGoal(plan, value)?.text ?? value;
    case 'purposeLinked':
      return t(locale, value === 'no' ? W.purposeNo : W.purposeYes);
    case 'kind':
      return t(locale, value === 'maintenance' ? W.maintenance : W.progression);
    case 'participationMode':
      return t(locale, value === 'representative' ? W.partRepresentative : value === 'declined' ? W.partDeclined : W.partCitizen);
    case 'ownerId':
      return memberName(institution, value);
    case 'endDate':
    case 'revisionDate':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value, locale) : value;
    case 'externalActors':
      return value.split(',').map((x) => x.trim()).filter(Boolean).join(', ');
    default:
      return value;
  }
}

/** The user's values for some goal fields, as one line ("målteksten: »…«; revisionsdatoen: 1. feb. 2027"). */
export function draftValuesText(locale: Locale, plan: Plan, institution: Institution, fields: GoalDraftFields, goalFields: readonly string[]): string {
  const parts: string[] = [];
  for (const goalField of goalFields) {
    const names = draftFieldsFor([goalField]);
    const values = names.map((n) => fields[n].trim()).filter(Boolean);
    if (values.length === 0) continue;
    const label = FIELD_NAMES[goalField] ? t(locale, FIELD_NAMES[goalField]!) : goalField;
    parts.push(`${label}: "${names.map((n) => draftValueText(locale, plan, institution, n, fields[n])).filter((v) => v !== t(locale, W.empty)).join(', ')}"`);
  }
  return parts.join('; ');
}
