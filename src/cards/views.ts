/**
 * View models for every card, rendered through the templates in `cards/`. Returns plain
 * JSON; no botbuilder here. Every form carries a fresh submission id (the idempotency key).
 */
import { randomUUID } from 'node:crypto';
import { NOT_ASSESSED_LABEL } from '../domain/defaults.js';
import { NOT_ASSESSED } from '../domain/diary.js';
import type { Assessment, CitizenIndexEntry, Decision, DiaryEntry, Evaluation, Goal, GoalState, Institution, Plan, RepresentativeRole } from '../domain/model.js';
import { evaluationIndex } from '../domain/evaluation.js';
import { smorteBadges } from '../domain/goal-wizard.js';
import { diaryTargets, findGoal, isIsoDate, statusIntervalChoices, todayInZone } from '../domain/plan.js';
import { DEFAULT_STATUS_INTERVAL_MONTHS, planDeadlines } from '../domain/deadlines.js';
import type { ScoreSummary, Trend } from '../domain/scores.js';
import type { FieldErrors } from '../domain/text.js';
import { TEXT_LIMITS } from '../domain/text.js';
import { formatDate, formatDateTime, formatNumber, strings, type Locale, type Strings } from './i18n.js';
import { renderCard } from './templates.js';
import { VERBS, type Verb } from './verbs.js';

/** A paragraph of a menu card: plain text, or a heading (bold by the TextBlock's weight, never by Markdown). */
export function paragraph(text: string, weight: 'Default' | 'Bolder' = 'Default'): { text: string; weight: string } {
  return { text, weight };
}

export type Card = Record<string, unknown>;

interface ActionVm {
  title: string;
  verb: Verb;
  data: Record<string, string>;
  style?: 'positive' | 'default' | 'destructive';
  inputs?: 'auto' | 'none';
}

interface Notice {
  text: string;
  style: 'attention' | 'good' | 'warning' | 'accent';
}

export function noticeFields(notice?: Notice): { notice: string; noticeStyle: string } {
  return { notice: notice?.text ?? '', noticeStyle: notice?.style ?? 'default' };
}

function action(title: string, verb: Verb, data: Record<string, string> = {}, extra: Partial<ActionVm> = {}): ActionVm {
  return { title, verb, data, style: 'default', inputs: 'auto', ...extra };
}

/**
 * A field in an action's data that says: leave the card this action is on as it is, and open
 * the answer as a new card below it (a confirmation keeps its place in the chat).
 */
export const OPENS_NEW_CARD = 'opensNewCard';

/** An Action.Execute with its Action.Submit fallback (the verb in the submit data), for the cards built in code. */
export function executeAction(title: string, verb: string, data: Record<string, string>, style?: 'positive'): Record<string, unknown> {
  return { type: 'Action.Execute', title, verb, data, ...(style ? { style } : {}), fallback: { type: 'Action.Submit', title, data: { ...data, verb } } };
}

export function newSubmissionId(): string {
  return randomUUID();
}

const STATE_KEYS: Record<GoalState, keyof Strings> = {
  active: 'stateActive',
  achieved: 'stateAchieved',
  partlyAchieved: 'statePartlyAchieved',
  notAchieved: 'stateNotAchieved',
  revised: 'stateRevised',
  closed: 'stateClosed',
};

const TREND_KEYS: Record<Trend, keyof Strings> = {
  improving: 'trendImproving',
  stable: 'trendStable',
  worsening: 'trendWorsening',
  insufficient: 'trendInsufficient',
};

const TREND_ARROWS: Record<Trend, string> = { improving: '↘', stable: '→', worsening: '↗', insufficient: '·' };

/** A trend as the plan card shows it: its arrow and words ("↘ mindre støttebehov"). */
export function trendText(trend: Trend, locale: Locale): string {
  return `${TREND_ARROWS[trend]} ${str(strings(locale), TREND_KEYS[trend])}`.trim();
}

function str(s: Strings, key: keyof Strings): string {
  const value = s[key];
  return typeof value === 'string' ? value : '';
}

/** A score with its label on the tilbud's scale ("2 Moderat støttebehov"); null is "Ikke vurderet". */
export function scoreLabel(institution: Institution, score: number | null, locale: Locale): string {
  if (score === null) return NOT_ASSESSED_LABEL[locale];
  const step = institution.settings.supportScale.find((x) => x.value === score);
  return step ? `${score} ${step.label[locale]}` : String(score);
}

export function memberName(institution: Institution, aadObjectId: string): string {
  return institution.members.find((m) => m.aadObjectId === aadObjectId)?.name || '–';
}

/** A goal state as the plan card says it ("opnået"). */
export function stateLabel(locale: Locale, state: GoalState): string {
  return str(strings(locale), STATE_KEYS[state]);
}

function badge(s: Strings, demo: boolean): string {
  return demo ? s.demoBadge : '';
}

// ---------------------------------------------------------------- menus

/** The search box of a long list (an Input.Text and its buttons); `label` '' shows none. */
export interface SearchVm {
  label: string;
  value: string;
  placeholder: string;
  maxLength: number;
  actions: ActionVm[];
}

/** Where a page of a long list is ("Borger 11–20 af 200") and the buttons to the others; `text` '' shows none. */
export interface PagerVm {
  text: string;
  actions: ActionVm[];
}

export const NO_SEARCH: SearchVm = { label: '', value: '', placeholder: '', maxLength: 0, actions: [] };
export const NO_PAGER: PagerVm = { text: '', actions: [] };

/** The menu template (lists, messages) with no search box and no pager unless given. */
export function menuCard(data: { search?: SearchVm; pager?: PagerVm } & Record<string, unknown>): Card {
  return renderCard('menu', { ...data, search: data.search ?? NO_SEARCH, pager: data.pager ?? NO_PAGER });
}

/** Rows of a list per page: every list card shows at most this many, whatever the data. */
export const LIST_PAGE_SIZE = 10;

/** The longest search text the list cards take (an alias is at most 24 characters). */
export const SEARCH_MAX = 50;

export interface Page<T> {
  items: T[];
  /** 1-based, within 1 … the last page. */
  page: number;
  /** 1-based positions of the first and last item shown. */
  first: number;
  last: number;
  total: number;
  hasNext: boolean;
}

/** One page of a list; a page past the end shows the last one (the list may have shrunk since the card was drawn). */
export function pageOf<T>(all: readonly T[], page: number, size = LIST_PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const start = (current - 1) * size;
  const items = all.slice(start, start + size);
  return { items, page: current, first: items.length > 0 ? start + 1 : 0, last: start + items.length, total: all.length, hasNext: start + size < all.length };
}

/** Forrige and Flere for a page (they carry the page number and take no input). */
export function pagerFor(locale: Locale, text: string, verb: Verb, data: Record<string, string>, page: { page: number; hasNext: boolean }, nextTitle?: string): PagerVm {
  const s = strings(locale);
  const actions: ActionVm[] = [];
  if (page.page > 1) actions.push(action(s.btnPrevious, verb, { ...data, page: String(page.page - 1) }, { inputs: 'none' }));
  if (page.hasNext) actions.push(action(nextTitle ?? s.btnMore, verb, { ...data, page: String(page.page + 1) }, { inputs: 'none' }));
  return { text, actions };
}

export function helpCard(locale: Locale): Card {
  const s = strings(locale);
  return menuCard({
    badge: '',
    title: s.helpTitle,
    subtitle: '',
    ...noticeFields(),
    paragraphs: [paragraph(s.helpIntro), paragraph(s.helpTeam)],
    facts: s.helpCommands.map(([title, value]) => ({ title, value })),
    items: [],
    actions: [action(s.btnDiary, VERBS.diaryStart), action(s.btnCitizens, VERBS.citizenList), action(s.btnNewCitizen, VERBS.citizenNew)],
  });
}

/** A short message with optional buttons: refusals, notices, "not found". */
export function messageCard(locale: Locale, text: string, options: { title?: string; style?: Notice['style']; actions?: ActionVm[] } = {}): Card {
  const s = strings(locale);
  return menuCard({
    badge: '',
    title: options.title ?? s.appName,
    subtitle: '',
    ...noticeFields({ text, style: options.style ?? 'attention' }),
    paragraphs: [],
    facts: [],
    items: [],
    actions: options.actions ?? [action(s.btnCitizens, VERBS.citizenList)],
  });
}

export interface CitizenItem {
  institution: Institution;
  /** The citizen as the tilbud's citizen index lists it (no plan is read for a list). */
  citizen: CitizenIndexEntry;
  /** The user's own citizen: kontaktperson, or owner of one of the citizen's active goals. */
  mine: boolean;
  /** Mine because the user owns a goal (not kontaktperson). */
  ownerOnly?: boolean;
  /** Among the citizens the user opened last. */
  recent?: boolean;
}

/** What a list card shows of the list: the page, the search it answers, and how many citizens there are before searching. */
export interface CitizenListView {
  page?: number;
  query?: string;
  /** The user's citizens before the search (default: the items). */
  total?: number;
}

function citizenSubtitle(s: Strings, item: CitizenItem, many: boolean): string {
  const parts: string[] = [];
  if (many) parts.push(truncate(item.institution.name, 60));
  if (item.recent) parts.push(s.citizensRecent);
  if (item.mine) parts.push(item.ownerOnly ? s.citizensOwner : s.citizensMine);
  if (!item.citizen.hasPurpose) parts.push(s.purposeMissingShort);
  return parts.join(' · ');
}

/** The search box of a citizen list: Søg takes the typed text; Vis alle clears it. */
function citizenSearch(locale: Locale, verb: Verb, query: string): SearchVm {
  const s = strings(locale);
  const actions = [action(s.btnSearch, verb, {})];
  if (query) actions.push(action(s.btnShowAll, verb, {}, { inputs: 'none' }));
  return { label: s.searchLabel, value: query, placeholder: s.searchPlaceholder, maxLength: SEARCH_MAX, actions };
}

/**
 * A list of the actor's citizens with buttons per citizen (shared by "borgere" and "dagbog"),
 * a page at a time; a search box once there are more than fit on a page.
 */
function citizenListCard(
  locale: Locale,
  items: CitizenItem[],
  institutions: Institution[],
  view: { title: string; subtitle: string; notice?: Notice; verb: Verb; recentFirst: boolean; list: CitizenListView; itemActions: (ids: Record<string, string>) => ActionVm[]; actions: ActionVm[] },
): Card {
  const s = strings(locale);
  const many = institutions.length > 1;
  const none = institutions.length === 0;
  const query = (view.list.query ?? '').trim().slice(0, SEARCH_MAX);
  const total = view.list.total ?? items.length;
  const page = pageOf(items, view.list.page ?? 1);
  const paragraphs = none ? [] : items.length === 0 ? [paragraph(query ? s.searchNone(query) : s.citizensEmpty)] : [];
  return menuCard({
    badge: badge(s, institutions.some((i) => i.demo)),
    title: view.title,
    subtitle: view.subtitle,
    ...noticeFields(view.notice ?? (none ? { text: s.noInstitution, style: 'warning' } : undefined)),
    paragraphs,
    facts: [],
    search: !none && (query !== '' || total > LIST_PAGE_SIZE) ? citizenSearch(locale, view.verb, query) : NO_SEARCH,
    items: page.items.map((item) => ({
      title: item.citizen.alias,
      subtitle: citizenSubtitle(s, item, many),
      actions: view.itemActions({ teamId: item.institution.teamId, citizenId: item.citizen.id }),
    })),
    pager: items.length > LIST_PAGE_SIZE ? pagerFor(locale, s.pageCitizens(page.first, page.last, page.total, query, view.recentFirst), view.verb, query ? { query } : {}, page) : NO_PAGER,
    actions: none ? [] : view.actions,
  });
}

export function citizensCard(locale: Locale, items: CitizenItem[], institutions: Institution[], notice?: Notice, list: CitizenListView = {}): Card {
  const s = strings(locale);
  return citizenListCard(locale, items, institutions, {
    title: s.citizensTitle,
    subtitle: truncate(institutions.map((i) => i.name).join(', '), 200),
    ...(notice ? { notice } : {}),
    verb: VERBS.citizenList,
    recentFirst: false,
    list,
    itemActions: (ids) => [action(s.btnPlan, VERBS.planShow, ids), action(s.btnDiary, VERBS.diaryPickCitizen, ids)],
    actions: [action(s.btnNewCitizen, VERBS.citizenNew)],
  });
}

/** The diary's first step: the citizens the user opened last and their own first, then the rest. */
export function diaryPickCitizenCard(locale: Locale, items: CitizenItem[], institutions: Institution[], list: CitizenListView = {}): Card {
  const s = strings(locale);
  return citizenListCard(locale, items, institutions, {
    title: s.diaryTitle,
    subtitle: s.diaryPickCitizen,
    verb: VERBS.diaryStart,
    recentFirst: true,
    list,
    itemActions: (ids) => [action(s.btnDiary, VERBS.diaryPickCitizen, ids)],
    actions: [],
  });
}

const VERB_BUTTON: Partial<Record<Verb, keyof Strings>> = {
  [VERBS.diaryPickCitizen]: 'btnDiary',
  [VERBS.purposeEdit]: 'btnPurpose',
  [VERBS.evalStart]: 'btnEvaluate',
  [VERBS.goalNew]: 'btnNewGoal',
};

/** The most candidates the "which citizen?" card lists; beyond them it leads to the search. */
export const AMBIGUOUS_MAX = LIST_PAGE_SIZE;

/**
 * Several citizens match the alias typed: one button each, for the same action. At most
 * AMBIGUOUS_MAX of them; when more match, the card says so and offers the search (the diary's
 * picker for the diary, the citizen list for the rest) with the alias already typed in.
 */
export function ambiguousCitizenCard(locale: Locale, items: CitizenItem[], verb: Verb, extra: Record<string, string> = {}, typed = ''): Card {
  const s = strings(locale);
  const title = verb === VERBS.goalNew && extra['kind'] === 'sub' ? s.btnNewSubGoal : str(s, VERB_BUTTON[verb] ?? 'btnPlan');
  const shown = items.slice(0, AMBIGUOUS_MAX);
  const query = typed.trim().slice(0, SEARCH_MAX);
  const more = items.length > shown.length;
  return menuCard({
    badge: '',
    title: s.appName,
    subtitle: '',
    ...noticeFields({ text: s.errorAmbiguous, style: 'accent' }),
    paragraphs: more ? [paragraph(s.ambiguousMore(shown.length, items.length))] : [],
    facts: [],
    items: shown.map((item) => ({
      title: item.citizen.alias,
      subtitle: truncate(item.institution.name, 60),
      // The button names the citizen: a row of identical buttons says nothing to a screen reader or on a phone.
      // The same alias in two tilbud: the button names the tilbud too.
      actions: [
        action(
          shown.filter((other) => other.citizen.aliasKey === item.citizen.aliasKey).length > 1 ? `${title}: ${item.citizen.alias} · ${truncate(item.institution.name, 40)}` : `${title}: ${item.citizen.alias}`,
          verb,
          { teamId: item.institution.teamId, citizenId: item.citizen.id, ...extra },
        ),
      ],
    })),
    actions: more ? [action(s.btnSearchCitizens, verb === VERBS.diaryPickCitizen ? VERBS.diaryStart : VERBS.citizenList, query ? { query } : {}, { inputs: 'none' })] : [],
  });
}

/** The diary's second step: the active delmål, a page at a time, and the beboerdagbog on every page. */
export function diaryPickTargetCard(locale: Locale, plan: Plan, notice?: Notice, pageNumber = 1): Card {
  const s = strings(locale);
  const ids = { teamId: plan.teamId, citizenId: plan.id };
  const targets = diaryTargets(plan);
  const page = pageOf(targets, pageNumber);
  return menuCard({
    badge: badge(s, plan.demo),
    title: `${s.diaryTitle}: ${plan.alias}`,
    subtitle: s.diaryPickTarget,
    ...noticeFields(notice ?? (targets.length === 0 ? { text: s.diaryNoSubGoals, style: 'accent' } : undefined)),
    paragraphs: [],
    facts: [],
    items: [
      ...page.items.map((goal) => {
        const parent = goal.parentId ? findGoal(plan, goal.parentId) : undefined;
        return {
          title: truncate(goal.text, LIST_TEXT_MAX),
          subtitle: [themeName(plan, goal), parent ? `${s.diarySubGoal} · ${truncate(parent.text, 60)}` : ''].filter(Boolean).join(' · '),
          // The button names its delmål, so three of them are not three identical "Delmålsdagbog".
          actions: [action(`${s.diaryKindSub}: ${truncate(goal.text, 40)}`, VERBS.diaryPickTarget, { ...ids, target: 'subGoal', goalId: goal.id })],
        };
      }),
      {
        title: s.diaryKindResident,
        subtitle: s.diaryResident,
        actions: [action(s.diaryKindResident, VERBS.diaryPickTarget, { ...ids, target: 'resident', goalId: '' })],
      },
    ],
    pager: targets.length > LIST_PAGE_SIZE ? pagerFor(locale, s.pageSubGoals(page.first, page.last, page.total), VERBS.diaryPickCitizen, ids, page) : NO_PAGER,
    actions: [action(s.btnBack, VERBS.diaryStart, {}, { inputs: 'none' })],
  });
}

/** How much of a goal's text a list row shows (the whole text is on the goal's own cards). */
export const LIST_TEXT_MAX = 150;

/** The first words of a text (at most `count`), with an ellipsis when there was more. */
function firstWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/u);
  const head = truncate(words.slice(0, count).join(' '), 100);
  return words.length > count && !head.endsWith('…') ? `${head} …` : head;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function themeName(plan: Plan, goal: Goal): string {
  return plan.themes.find((t) => t.id === goal.themeId)?.name ?? '';
}

// ---------------------------------------------------------------- forms

interface FieldVm {
  kind: 'text' | 'choice' | 'date';
  id: string;
  label: string;
  value: string;
  placeholder: string;
  multiline: boolean;
  maxLength: number;
  required: boolean;
  requiredMessage: string;
  style: 'compact' | 'expanded';
  choices: Array<{ title: string; value: string }>;
  error: string;
  hint: string;
  /** SMORTE advice shown under the field (never blocks). */
  advice: string[];
  multiSelect: boolean;
}

/** One input of the form template with its defaults, its error and its advice lines. */
export function formField(
  locale: Locale,
  errors: FieldErrors,
  f: Partial<FieldVm> & Pick<FieldVm, 'kind' | 'id' | 'label'>,
): FieldVm {
  return {
    value: '',
    // A date input says what it wants in Danish (the client's own placeholder is English).
    placeholder: f.kind === 'date' ? (locale === 'en' ? 'Pick a date' : 'Vælg en dato') : '',
    multiline: false,
    maxLength: TEXT_LIMITS.short,
    required: false,
    requiredMessage: locale === 'en' ? 'Required.' : 'Skal udfyldes.',
    style: 'compact',
    choices: [],
    hint: '',
    multiSelect: false,
    ...f,
    // A text input never shows more than it accepts: refused input that was longer comes back cut
    // to the limit (its field error says so), so an echo cannot outgrow the card.
    ...(f.kind === 'text' && f.value !== undefined && f.value.length > (f.maxLength ?? TEXT_LIMITS.short) ? { value: f.value.slice(0, f.maxLength ?? TEXT_LIMITS.short) } : {}),
    error: errors[f.id]?.[locale] ?? '',
    // An error on the field says it already; advice would repeat it.
    advice: errors[f.id] ? [] : (f.advice ?? []),
  };
}

const field = formField;

function formCard(
  locale: Locale,
  model: {
    demo: boolean;
    title: string;
    subtitle: string;
    intro: string;
    notice?: Notice;
    fields: FieldVm[];
    actions: ActionVm[];
    facts?: Array<{ title: string; value: string }>;
    advice?: string[];
  },
): Card {
  const s = strings(locale);
  return renderCard('form', {
    badge: badge(s, model.demo),
    title: model.title,
    subtitle: model.subtitle,
    intro: model.intro,
    ...noticeFields(model.notice),
    facts: model.facts ?? [],
    advice: model.advice ?? [],
    fields: model.fields,
    actions: model.actions,
  });
}

/** The notice shown above a form that came back with errors. */
export function errorNotice(locale: Locale, errors: FieldErrors): Notice | undefined {
  if (Object.keys(errors).length === 0) return undefined;
  return { text: strings(locale).errorFixFields, style: 'attention' };
}

export interface CitizenForm {
  alias: string;
  targetGroup: string;
  teamId: string;
  representative: string;
  /** Kontaktpersoner: comma-separated AAD object ids (a multi-select's value). */
  contactPersons: string;
}

export function citizenFormCard(
  locale: Locale,
  model: { institutions: Institution[]; form: CitizenForm; errors: FieldErrors; submissionId: string; notice?: Notice },
): Card {
  const s = strings(locale);
  const fields: FieldVm[] = [
    field(locale, model.errors, { kind: 'text', id: 'alias', label: s.alias, value: model.form.alias, placeholder: s.aliasPlaceholder, required: true, maxLength: TEXT_LIMITS.alias }),
    field(locale, model.errors, {
      kind: 'choice',
      id: 'targetGroup',
      label: s.targetGroup,
      value: model.form.targetGroup || 'adult',
      style: 'expanded',
      required: true,
      choices: [
        { title: s.targetAdult, value: 'adult' },
        { title: s.targetChild, value: 'child' },
      ],
    }),
  ];
  if (model.institutions.length > 1) {
    fields.push(
      field(locale, model.errors, {
        kind: 'choice',
        id: 'teamId',
        label: s.institution,
        value: model.form.teamId,
        required: true,
        choices: model.institutions.map((i) => ({ title: i.name, value: i.teamId })),
      }),
    );
  }
  const only = model.institutions.length === 1 ? model.institutions[0] : undefined;
  if (only && only.members.length > 1) {
    // Kontaktpersoner are picked among the team's members (with several tilbud, the creator is it).
    fields.push(
      field(locale, model.errors, {
        kind: 'choice',
        id: 'contactPersons',
        label: s.contactPersons,
        value: model.form.contactPersons,
        multiSelect: true,
        choices: only.members.map((m) => ({ title: m.name || m.aadObjectId, value: m.aadObjectId })),
      }),
    );
  }
  fields.push(
    field(locale, model.errors, {
      kind: 'choice',
      id: 'representative',
      label: s.representative,
      value: model.form.representative || 'none',
      choices: [
        { title: s.repNone, value: 'none' },
        { title: s.repGuardian, value: 'guardian' },
        { title: s.repRelative, value: 'relative' },
        { title: s.repCustody, value: 'custodyHolder' },
      ],
    }),
  );
  const data: Record<string, string> = { submissionId: model.submissionId };
  if (model.institutions.length === 1 && model.institutions[0]) data['defaultTeamId'] = model.institutions[0].teamId;
  return formCard(locale, {
    demo: model.institutions.some((i) => i.demo),
    title: s.citizenFormTitle,
    subtitle: '',
    intro: s.citizenFormIntro,
    ...(model.notice ?? errorNotice(locale, model.errors) ? { notice: model.notice ?? errorNotice(locale, model.errors) } : {}),
    fields,
    // Annullér saves nothing and goes to the citizen list (it takes no input, so it never trips a required field).
    actions: [action(s.btnSave, VERBS.citizenSave, data, { style: 'positive' }), action(s.btnCancel, VERBS.citizenList, {}, { inputs: 'none' })],
  });
}

export interface PurposeForm {
  text: string;
  receivedOn: string;
}

export function purposeFormCard(
  locale: Locale,
  model: {
    plan: Plan;
    form: PurposeForm;
    errors: FieldErrors;
    submissionId: string;
    now: Date;
    notice?: Notice;
    /** The formål the user's input is based on (default: the plan's current one, i.e. a fresh card). */
    basePurposeId?: string;
  },
): Card {
  const s = strings(locale);
  const { plan } = model;
  const notice = model.notice ?? errorNotice(locale, model.errors);
  return formCard(locale, {
    demo: plan.demo,
    title: `${s.purposeTitle}: ${plan.alias}`,
    subtitle: plan.purpose
      ? [formatDate(plan.purpose.receivedOn, locale), plan.purpose.revisions.length > 0 ? `${plan.purpose.revisions.length} ${s.purposeRevisions}` : ''].filter(Boolean).join(' · ')
      : '',
    intro: s.purposeIntro,
    ...(notice ? { notice } : {}),
    fields: [
      field(locale, model.errors, { kind: 'text', id: 'purposeText', label: s.purposeText, value: model.form.text, multiline: true, required: true, maxLength: TEXT_LIMITS.purpose }),
      field(locale, model.errors, { kind: 'date', id: 'receivedOn', label: s.purposeReceived, value: model.form.receivedOn || todayInZone(model.now), required: true }),
    ],
    actions: [
      action(s.btnSave, VERBS.purposeSave, { teamId: plan.teamId, citizenId: plan.id, basePurposeId: model.basePurposeId ?? plan.purpose?.id ?? '', submissionId: model.submissionId }, { style: 'positive' }),
      action(s.btnShowPlan, VERBS.planShow, { teamId: plan.teamId, citizenId: plan.id }, { inputs: 'none' }),
    ],
  });
}

/** The notice on a formål form whose save met a formål someone else recorded meanwhile. */
export function purposeConflictNotice(locale: Locale, plan: Plan, institution: Institution): Notice {
  const s = strings(locale);
  const p = plan.purpose;
  if (!p) return { text: s.busyRetry, style: 'warning' };
  const who = institution.members.find((m) => m.aadObjectId === p.recordedBy)?.name || s.someoneElse;
  return { text: s.purposeConflict(who, formatDateTime(p.recordedAt, locale), p.text), style: 'warning' };
}

export interface SubGoalDiaryForm {
  score: string;
  note: string;
  intervention: string;
  externalActors: string;
}

export function subGoalDiaryFormCard(
  locale: Locale,
  model: { institution: Institution; plan: Plan; goal: Goal; form: SubGoalDiaryForm; errors: FieldErrors; submissionId: string; notice?: Notice },
): Card {
  const s = strings(locale);
  const { plan, goal, institution } = model;
  const scaleChoices = [
    ...institution.settings.supportScale.map((step) => ({ title: `${step.value} ${step.label[locale]}`, value: String(step.value) })),
    { title: NOT_ASSESSED_LABEL[locale], value: NOT_ASSESSED },
  ];
  const notice = model.notice ?? errorNotice(locale, model.errors);
  const ids = { teamId: plan.teamId, citizenId: plan.id };
  return formCard(locale, {
    demo: plan.demo,
    title: `${s.diaryKindSub}: ${plan.alias}`,
    subtitle: goal.text,
    intro: '',
    ...(notice ? { notice } : {}),
    fields: [
      field(locale, model.errors, { kind: 'choice', id: 'score', label: s.diaryScore, value: model.form.score, style: 'expanded', required: true, choices: scaleChoices }),
      field(locale, model.errors, { kind: 'text', id: 'note', label: s.diaryNote, value: model.form.note, placeholder: s.diaryNotePlaceholder, multiline: true, required: true, maxLength: TEXT_LIMITS.note }),
      field(locale, model.errors, { kind: 'text', id: 'intervention', label: s.diaryIntervention, value: model.form.intervention }),
      field(locale, model.errors, { kind: 'text', id: 'externalActors', label: s.diaryExternal, value: model.form.externalActors }),
    ],
    actions: [
      action(s.btnSave, VERBS.diarySave, { ...ids, target: 'subGoal', goalId: goal.id, submissionId: model.submissionId }, { style: 'positive' }),
      action(s.btnBack, VERBS.diaryPickCitizen, ids, { inputs: 'none' }),
    ],
  });
}

export interface ResidentDiaryForm {
  contextType: string;
  note: string;
}

export function residentDiaryFormCard(
  locale: Locale,
  model: { institution: Institution; plan: Plan; form: ResidentDiaryForm; errors: FieldErrors; submissionId: string; notice?: Notice },
): Card {
  const s = strings(locale);
  const { plan, institution } = model;
  const choices = institution.settings.residentContexts.flatMap((c) => c.types.map((t) => ({ title: `${c.name} – ${t.name}`, value: `${c.id}/${t.id}` })));
  const notice = model.notice ?? errorNotice(locale, model.errors);
  const ids = { teamId: plan.teamId, citizenId: plan.id };
  const errors: FieldErrors = { ...model.errors };
  const contextError = errors['contextId'] ?? errors['entryTypeId'];
  if (contextError) errors['contextType'] = contextError;
  return formCard(locale, {
    demo: plan.demo,
    title: `${s.diaryKindResident}: ${plan.alias}`,
    subtitle: '',
    intro: '',
    ...(notice ? { notice } : {}),
    fields: [
      field(locale, errors, { kind: 'choice', id: 'contextType', label: s.diaryContextType, value: model.form.contextType, required: true, choices }),
      field(locale, errors, { kind: 'text', id: 'note', label: s.diaryNote, value: model.form.note, placeholder: s.diaryNotePlaceholder, multiline: true, required: true, maxLength: TEXT_LIMITS.note }),
    ],
    actions: [
      action(s.btnSave, VERBS.diarySave, { ...ids, target: 'resident', goalId: '', submissionId: model.submissionId }, { style: 'positive' }),
      action(s.btnBack, VERBS.diaryPickCitizen, ids, { inputs: 'none' }),
    ],
  });
}

export function diarySavedCard(locale: Locale, model: { institution: Institution; plan: Plan; entry: DiaryEntry }): Card {
  const s = strings(locale);
  const { plan, entry, institution } = model;
  const facts: Array<{ title: string; value: string }> = [];
  if (entry.kind === 'subGoal') {
    const goal = findGoal(plan, entry.goalId);
    facts.push({ title: s.diarySubGoal, value: goal ? truncate(goal.text, 120) : '–' });
    facts.push({ title: s.diaryScore, value: scoreLabel(institution, entry.score, locale) });
  } else {
    const context = institution.settings.residentContexts.find((c) => c.id === entry.contextId);
    const type = context?.types.find((t) => t.id === entry.entryTypeId);
    facts.push({ title: s.diaryContextType, value: `${context?.name ?? entry.contextId} – ${type?.name ?? entry.entryTypeId}` });
  }
  facts.push({ title: s.diaryNote, value: firstWords(entry.note, 12) });
  facts.push({ title: locale === 'en' ? 'Time' : 'Tidspunkt', value: formatDateTime(entry.occurredAt, locale) });
  // The confirmation stays in the chat as the record of what was saved: its buttons open the
  // next card below it instead of replacing it.
  const ids = { teamId: plan.teamId, citizenId: plan.id, [OPENS_NEW_CARD]: '1' };
  return renderCard('saved', {
    badge: badge(s, plan.demo),
    title: `✓ ${s.diarySaved}`,
    subtitle: `${entry.kind === 'subGoal' ? s.diaryKindSub : s.diaryKindResident} · ${plan.alias}`,
    facts,
    actions: [action(s.btnNewEntry, VERBS.diaryPickCitizen, ids), action(s.btnShowPlan, VERBS.planShow, ids)],
  });
}

// ---------------------------------------------------------------- plan

const REP_KEYS: Record<RepresentativeRole, keyof Strings> = { guardian: 'repGuardian', relative: 'repRelative', custodyHolder: 'repCustody' };

const ASSESS_KEYS: Record<Assessment, keyof Strings> = {
  achieved: 'assessAchieved',
  partlyAchieved: 'assessPartlyAchieved',
  maintained: 'assessMaintained',
  notAchieved: 'assessNotAchieved',
  worsened: 'assessWorsened',
};
const DECIDE_KEYS: Record<Decision, keyof Strings> = { continue: 'decideContinue', revise: 'decideRevise', close: 'decideClose' };

/** An evaluation's outcome as the plan card says it ("delvist opnået → fortsætter"). */
export function evaluationOutcome(locale: Locale, e: { assessment: Assessment; decision: Decision }): string {
  const s = strings(locale);
  return `${str(s, ASSESS_KEYS[e.assessment])} → ${str(s, DECIDE_KEYS[e.decision])}`;
}

/** The day of a moment, in the date style of the cards ("16. jan. 2027"). */
function dayOf(iso: string, locale: Locale): string {
  return formatDateTime(iso, locale).replace(/ \d\d:\d\d$/, '');
}

function evaluationLine(s: Strings, locale: Locale, e: Evaluation | undefined): string {
  if (!e) return '';
  const gas = e.gas !== undefined ? ` · GAS ${e.gas > 0 ? '+' : ''}${e.gas}` : '';
  return `${s.planEvaluated} ${dayOf(e.evaluatedAt, locale)}: ${str(s, ASSESS_KEYS[e.assessment])} → ${str(s, DECIDE_KEYS[e.decision])}${gas}`;
}

function badges(goal: Goal): string {
  if (!goal.smorteCodes) return '';
  return `SMORTE ${smorteBadges(goal.smorteCodes).map((b) => `${b.letter}${b.ok ? '✓' : '⚠'}`).join(' ')}`;
}

function goalMeta(s: Strings, locale: Locale, institution: Institution, goal: Goal, summary: ScoreSummary | undefined, today: string, evaluation: Evaluation | undefined): { meta: string; metaColor: string; evaluation: string } {
  const parts: string[] = [str(s, STATE_KEYS[goal.state])];
  parts.push(`${s.planRevision} ${formatDate(goal.revisionDate, locale)}`);
  parts.push(`${s.planOwner}: ${truncate(memberName(institution, goal.ownerId), 60)}`);
  if (summary && summary.entries > 0) {
    const latest = summary.latest !== undefined ? scoreLabel(institution, summary.latest, locale) : s.noScore;
    parts.push(`${s.planLatest}: ${latest}`);
    parts.push(`${TREND_ARROWS[summary.trend]} ${str(s, TREND_KEYS[summary.trend])}`);
    // The period the figures cover, as the evaluation states it: since the latest evaluation, else since the goal was made.
    parts.push(s.planEntriesSince(summary.entries, dayOf(evaluation?.evaluatedAt ?? goal.createdAt, locale)));
  }
  const badge = badges(goal);
  if (badge) parts.push(badge);
  const due = goal.state === 'active' && goal.revisionDate <= today;
  if (due) parts.unshift(`⚠ ${s.planRevisionDue}`);
  // The latest evaluation is a line of its own: a newline inside one text block runs together in clients.
  return { meta: parts.join(' · '), metaColor: due ? 'Attention' : 'Default', evaluation: evaluationLine(s, locale, evaluation) };
}

/** How much of a goal's text the plan card shows, and of the formål (the whole text is one click away). */
export const PLAN_GOAL_TEXT_MAX = 200;
export const PLAN_PURPOSE_TEXT_MAX = 600;
/** The longest notice the plan card shows (a conflict notice quotes what the user typed). */
export const PLAN_NOTICE_MAX = 1500;
/**
 * The bytes of goals and delmål one page of the plan card holds (estimated from their texts,
 * see rowBytes). With the rest of the card bounded too (folded formål, short facts, a capped
 * notice), a page stays under Teams' ~28 KB whatever the plan holds.
 */
export const PLAN_PAGE_BYTES = 16 * 1024;
/** The template's own bytes around a goal's texts and around a delmål's (measured on plan.json: 376 and 270, rounded up). */
const GOAL_ROW_OVERHEAD = 400;
const SUB_ROW_OVERHEAD = 290;

interface GoalRowVm {
  theme: string;
  text: string;
  meta: string;
  metaColor: string;
  evaluation: string;
  subGoals: Array<{ text: string; meta: string; metaColor: string; evaluation: string }>;
}

/**
 * A string's bytes as it travels in the card's JSON, with its quotes: UTF-8 bytes, plus what JSON
 * escapes (a quote or backslash one byte more, a control character or a surrogate cut in half up
 * to six). One pass, no allocation: it runs for every row a plan card considers.
 */
function jsonBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) bytes += 6;
    else if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/** A row's share of a page: its texts as they travel, plus the template around them. */
function rowBytes(row: { text: string; meta: string; evaluation: string; theme?: string }, overhead: number): number {
  return overhead + jsonBytes(row.text) + jsonBytes(row.meta) + jsonBytes(row.evaluation) + (row.theme ? jsonBytes(row.theme) : 0);
}

/**
 * The plan's goals in theme order, each followed by its delmål: one row per goal or delmål.
 * One pass over the goals (no per-goal search), so a plan of hundreds of delmål costs rows, not rows².
 */
function planRows(plan: Plan): { goals: Goal[]; rows: Array<{ goal: Goal; parent?: Goal; index: number }> } {
  const themeOrder = new Map(plan.themes.map((t, i) => [t.id, i]));
  const children = new Map<string, Goal[]>();
  const top: Goal[] = [];
  for (const goal of plan.goals) {
    if (!goal.parentId) top.push(goal);
    else {
      const list = children.get(goal.parentId);
      if (list) list.push(goal);
      else children.set(goal.parentId, [goal]);
    }
  }
  // Goals grouped under their theme, in the plan's theme order: one heading per theme, also
  // when a revised goal and the goal that replaced it share it.
  const goals = top
    .map((goal, i) => ({ goal, i }))
    .sort((a, b) => (themeOrder.get(a.goal.themeId) ?? 1e9) - (themeOrder.get(b.goal.themeId) ?? 1e9) || a.i - b.i)
    .map(({ goal }) => goal);
  const rows: Array<{ goal: Goal; parent?: Goal; index: number }> = [];
  goals.forEach((goal, index) => {
    rows.push({ goal, index });
    for (const sub of children.get(goal.id) ?? []) rows.push({ goal: sub, parent: goal, index });
  });
  return { goals, rows };
}

export function planCard(
  locale: Locale,
  model: { institution: Institution; plan: Plan; scores: Record<string, ScoreSummary>; resident: { entries: number; latestAt?: string }; now: Date; notice?: Notice; page?: number },
): Card {
  const s = strings(locale);
  const { plan, institution } = model;
  const today = todayInZone(model.now);
  const ids = { teamId: plan.teamId, citizenId: plan.id };
  const purpose = plan.purpose
    ? {
        style: 'emphasis',
        heading: s.purposeTitle,
        text: truncate(plan.purpose.text, PLAN_PURPOSE_TEXT_MAX),
        meta: `${s.purposeReceived}: ${formatDate(plan.purpose.receivedOn, locale)}${plan.purpose.revisions.length ? ` · ${plan.purpose.revisions.length} ${s.purposeRevisions}` : ''}`,
      }
    : { style: 'warning', heading: s.purposeTitle, text: s.purposeMissing, meta: '' };

  const status = statusSection(s, locale, plan);

  // Each goal's latest evaluation and the GAS T-score, from one pass over the evaluations.
  const { latestOf, gasT } = evaluationIndex(plan);
  const { goals: ordered, rows } = planRows(plan);
  const rowMeta = (goal: Goal) => goalMeta(s, locale, institution, goal, model.scores[goal.id], today, latestOf(goal.id));
  const themeOf = (goal: Goal) => themeName(plan, goal);
  const goalRow = (goal: Goal, theme: string, continued: boolean): GoalRowVm => ({
    theme,
    text: continued ? `${truncate(goal.text, PLAN_GOAL_TEXT_MAX)} ${s.goalContinued}` : truncate(goal.text, PLAN_GOAL_TEXT_MAX),
    ...(continued ? { meta: '', metaColor: 'Default', evaluation: '' } : rowMeta(goal)),
    subGoals: [],
  });

  // The rows are cut into pages of at most PLAN_PAGE_BYTES; only the pages up to the one asked
  // for are built. A page that starts inside a goal repeats the goal's text, "(fortsat)".
  const wanted = Math.max(1, Math.floor(model.page ?? 1) || 1);
  let pageNumber = 1;
  let shown: GoalRowVm[] = [];
  let bytes = 0;
  let firstIndex = 0;
  let lastIndex = -1;
  let lastTheme: string | undefined;
  let more = false;
  for (const row of rows) {
    const theme = themeOf(row.parent ?? row.goal);
    const sub = row.parent ? { text: `↳ ${truncate(row.goal.text, PLAN_GOAL_TEXT_MAX)}`, ...rowMeta(row.goal) } : undefined;
    const head = row.parent ? undefined : goalRow(row.goal, theme, false);
    const size = sub ? rowBytes(sub, SUB_ROW_OVERHEAD) : rowBytes(head!, GOAL_ROW_OVERHEAD);
    if (shown.length > 0 && bytes + size > PLAN_PAGE_BYTES) {
      if (pageNumber === wanted) {
        more = true;
        break;
      }
      pageNumber++;
      shown = [];
      bytes = 0;
      lastTheme = undefined;
    }
    if (shown.length === 0) {
      firstIndex = row.index;
      if (row.parent) {
        // A page that starts inside a goal: the goal's text first, as the heading of its delmål.
        const continued = goalRow(row.parent, theme, true);
        shown.push(continued);
        bytes += rowBytes(continued, GOAL_ROW_OVERHEAD);
        lastTheme = theme;
      }
    }
    if (sub) shown.at(-1)!.subGoals.push(sub);
    else {
      // One theme heading per theme on a page.
      if (theme === lastTheme) head!.theme = '';
      shown.push(head!);
      lastTheme = theme;
    }
    bytes += size;
    lastIndex = row.index;
  }
  const paged = rows.length > 0 && (pageNumber > 1 || more);
  const pager = paged
    ? pagerFor(locale, s.pageGoals(firstIndex + 1, lastIndex + 1, ordered.length), VERBS.planShow, ids, { page: pageNumber, hasNext: more }, s.btnMoreGoals)
    : NO_PAGER;

  const usedThemes = new Set(plan.goals.map((g) => g.themeId));
  const notice = model.notice ? { ...model.notice, text: truncate(model.notice.text, PLAN_NOTICE_MAX) } : undefined;
  return renderCard('plan', {
    badge: badge(s, plan.demo),
    title: `${s.planTitle}: ${plan.alias}`,
    subtitle: [truncate(institution.name, 80), plan.targetGroup === 'adult' ? s.targetAdult : s.targetChild].join(' · '),
    ...noticeFields(notice),
    purpose,
    status,
    goalsHeading: s.planGoals,
    noGoals: s.planNoGoals,
    goals: shown,
    pager,
    facts: [
      { title: s.contactPersons, value: truncate(plan.contactPersons.map((id) => memberName(institution, id)).join(', '), 300) || '–' },
      ...(plan.representative ? [{ title: s.representativeShort, value: str(s, REP_KEYS[plan.representative]) }] : []),
      { title: s.planThemes, value: truncate(plan.themes.filter((t) => usedThemes.has(t.id)).map((t) => t.name).join(', '), 300) || '–' },
      { title: s.planResidentEntries, value: s.planResidentValue(model.resident.entries, model.resident.latestAt ? formatDateTime(model.resident.latestAt, locale) : '') },
      ...(gasT !== undefined ? [{ title: s.planGas, value: formatNumber(locale, gasT) }] : []),
    ],
    actions: [
      action(s.btnDiary, VERBS.diaryPickCitizen, ids),
      action(s.btnNewGoal, VERBS.goalNew, { ...ids, kind: 'goal' }),
      action(s.btnNewSubGoal, VERBS.goalNew, { ...ids, kind: 'sub' }),
      action(s.btnEvaluate, VERBS.evalStart, ids),
      action(s.btnPurpose, VERBS.purposeEdit, ids),
      action(s.btnRecordStatus, VERBS.statusEdit, ids),
    ],
  });
}

/**
 * The plan card's "Status til myndighed": the latest status sent, the interval, the next status
 * due and the statusmøde, the due dates from planDeadlines (the dates the reminders use).
 */
function statusSection(s: Strings, locale: Locale, plan: Plan): { heading: string; facts: Array<{ title: string; value: string }> } {
  const deadlines = planDeadlines(plan);
  const report = deadlines.find((d) => d.kind === 'statusReport');
  const meeting = deadlines.find((d) => d.kind === 'statusMeetingInvitation');
  const lastSent = plan.statusReport?.lastSentOn;
  const interval = plan.statusReport?.intervalMonths ?? DEFAULT_STATUS_INTERVAL_MONTHS;
  const next = !report ? s.statusNextAfterPurpose : report.kind === 'statusReport' && report.basis === 'purpose' ? s.statusFromPurpose(formatDate(report.dueDate, locale)) : formatDate(report.dueDate, locale);
  const held = plan.statusMeeting?.lastHeldOn;
  const invited = plan.statusMeeting?.invitedOn;
  const facts = [
    { title: s.statusLastSent, value: lastSent ? formatDate(lastSent, locale) : s.statusNone },
    { title: s.statusInterval, value: s.statusIntervalValue(interval) },
    { title: s.statusNextDue, value: next },
    { title: s.statusMeeting, value: s.statusMeetingValue(held ? formatDate(held, locale) : '', invited ? formatDate(invited, locale) : '') },
  ];
  if (meeting) facts.push({ title: s.statusNextInvitation, value: formatDate(meeting.dueDate, locale) });
  else if (invited) facts.push({ title: s.statusNextInvitation, value: s.statusInvitationDone });
  return { heading: s.statusTitle, facts };
}

export interface StatusForm {
  lastSentOn: string;
  intervalMonths: string;
  lastHeldOn: string;
  invitedOn: string;
}

/** The "Registrér status" form: filled with the plan's dates (a fresh card) or the user's input (errors, a conflict). */
export function statusFormCard(
  locale: Locale,
  model: { plan: Plan; form: StatusForm; errors: FieldErrors; submissionId: string; baseStatus: string; notice?: Notice },
): Card {
  const s = strings(locale);
  const { plan } = model;
  const notice = model.notice ?? errorNotice(locale, model.errors);
  const intervalTitle = (months: number) => (months === 12 ? s.statusFormInterval12 : months === 24 ? s.statusFormInterval24 : s.statusFormIntervalOther(months));
  const current = statusSection(s, locale, plan);
  const choices = statusIntervalChoices(plan).map((m) => ({ title: intervalTitle(m), value: String(m) }));
  // A date input shows a date or nothing; a choice one of its options (crafted input is refused beside the field, not echoed).
  const date = (value: string) => (isIsoDate(value) ? value : '');
  const interval = model.form.intervalMonths || String(DEFAULT_STATUS_INTERVAL_MONTHS);
  return formCard(locale, {
    demo: plan.demo,
    title: `${s.statusTitle}: ${plan.alias}`,
    subtitle: '',
    intro: s.statusFormIntro,
    ...(notice ? { notice } : {}),
    facts: current.facts,
    fields: [
      field(locale, model.errors, { kind: 'date', id: 'lastSentOn', label: s.statusFormLastSent, value: date(model.form.lastSentOn), required: true }),
      field(locale, model.errors, {
        kind: 'choice',
        id: 'intervalMonths',
        label: s.statusFormInterval,
        value: choices.some((c) => c.value === interval) ? interval : '',
        style: 'expanded',
        required: true,
        choices,
      }),
      field(locale, model.errors, { kind: 'date', id: 'lastHeldOn', label: s.statusFormHeld, value: date(model.form.lastHeldOn) }),
      field(locale, model.errors, { kind: 'date', id: 'invitedOn', label: s.statusFormInvited, value: date(model.form.invitedOn) }),
    ],
    actions: [
      action(s.btnSave, VERBS.statusSave, { teamId: plan.teamId, citizenId: plan.id, baseStatus: model.baseStatus, submissionId: model.submissionId }, { style: 'positive' }),
      action(s.btnShowPlan, VERBS.planShow, { teamId: plan.teamId, citizenId: plan.id }, { inputs: 'none' }),
    ],
  });
}

export type { Notice, ActionVm, FieldVm };
