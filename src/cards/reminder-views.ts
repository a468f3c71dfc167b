/**
 * The reminder card: what is due, for which citizen (alias) or team task, by when. Built in code (no
 * template): a few text blocks and facts. Its own strings, Danish and English, live here so the
 * shared i18n table is untouched.
 */
import type { DeadlineKind } from '../domain/model.js';
import { TRIAL_STEP_NAMES, type TrialStep } from '../domain/learning-cycle.js';
import type { DigestLine, DigestView, EscalationView, ReminderView } from '../reminders/delivery.js';
import { formatDate, formatDateTime, type Locale } from './i18n.js';
import { VERBS } from './verbs.js';
import { executeAction, OPENS_NEW_CARD } from './views.js';
import { escapeMarkdown } from './templates.js';
import type { Card } from './views.js';

interface ReminderStrings {
  title: string;
  kind: Record<DeadlineKind, string>;
  citizen: string;
  action: string;
  meeting: string;
  level: Record<'citizen' | 'indsats' | 'organisation', string>;
  trial: string;
  step: string;
  btnOpenActions: string;
  btnOpenBoard: string;
  due: string;
  goal: string;
  when: (offsetDays: number, date: string) => string;
  btnDone: string;
  btnSnoozeDay: string;
  btnSnoozeWeek: string;
  btnOpenPlan: string;
  btnEvaluate: string;
  done: string;
  snoozed: (when: string) => string;
  stale: string;
}

const DA: ReminderStrings = {
  title: 'Påmindelse',
  kind: {
    goalRevision: 'Revision af mål',
    statusReport: 'Status til myndighed',
    statusMeetingInvitation: 'Invitation til statusmøde',
    purposeMissing: 'Formål fra handleplanen mangler',
    meetingAction: 'Aftale fra refleksionsmøde',
    trialStep: 'Trin i en prøvehandling',
  },
  citizen: 'Borger',
  action: 'Aftale',
  meeting: 'Møde om',
  level: { citizen: 'borger', indsats: 'indsatsniveau', organisation: 'organisationsniveau' },
  trial: 'Prøvehandling',
  step: 'Trin',
  btnOpenActions: 'Se aftalerne',
  btnOpenBoard: 'Åbn fremdriftstavlen',
  due: 'Frist',
  goal: 'Mål',
  when: (d, date) => (d < 0 ? `Om ${-d} ${-d === 1 ? 'dag' : 'dage'} (${date})` : d === 0 ? `I dag (${date})` : `Overskredet med ${d} ${d === 1 ? 'dag' : 'dage'} (${date})`),
  btnDone: 'Markér som klaret',
  btnSnoozeDay: 'Udsæt 1 dag',
  btnSnoozeWeek: 'Udsæt 1 uge',
  btnOpenPlan: 'Åbn planen',
  btnEvaluate: 'Evaluér nu',
  done: 'Markeret som klaret. Du får ikke flere påmindelser om denne frist, medmindre datoen ændres.',
  snoozed: (when) => `Udsat. Du bliver mindet om det igen ${when}.`,
  stale: 'Påmindelsen gælder ikke længere: fristen er klaret, fjernet eller har fået en ny dato.',
};

const EN: ReminderStrings = {
  title: 'Reminder',
  kind: {
    goalRevision: 'Goal revision',
    statusReport: 'Status to the municipality',
    statusMeetingInvitation: 'Invitation to the status meeting',
    purposeMissing: 'Purpose from the action plan is missing',
    meetingAction: 'Action from a reflection meeting',
    trialStep: 'Step of a trial',
  },
  citizen: 'Citizen',
  action: 'Action',
  meeting: 'Meeting about',
  level: { citizen: 'citizen', indsats: 'intervention level', organisation: 'organisation level' },
  trial: 'Trial',
  step: 'Step',
  btnOpenActions: 'See the actions',
  btnOpenBoard: 'Open the progress board',
  due: 'Deadline',
  goal: 'Goal',
  when: (d, date) => (d < 0 ? `In ${-d} ${-d === 1 ? 'day' : 'days'} (${date})` : d === 0 ? `Today (${date})` : `Overdue by ${d} ${d === 1 ? 'day' : 'days'} (${date})`),
  btnDone: 'Mark as done',
  btnSnoozeDay: 'Snooze 1 day',
  btnSnoozeWeek: 'Snooze 1 week',
  btnOpenPlan: 'Open the plan',
  btnEvaluate: 'Evaluate now',
  done: 'Marked as done. You get no more reminders of this deadline unless its date changes.',
  snoozed: (when) => `Snoozed. You will be reminded again ${when}.`,
  stale: 'This reminder no longer applies: the deadline is done, removed or has a new date.',
};

export function reminderStrings(locale: Locale): ReminderStrings {
  return locale === 'en' ? EN : DA;
}

const GOAL_TEXT_MAX = 120;


/** What an action on the card did: shown on the card, which then offers no more done/snooze buttons. */
export type ReminderCardOutcome = { kind: 'done' } | { kind: 'snoozed'; until: string } | { kind: 'stale' };

/** The card's actions; their data carries ids and the card's version (the due date), never content. */
function actionsOf(view: ReminderView, s: ReminderStrings, outcome: ReminderCardOutcome | undefined): Record<string, unknown>[] {
  const ref = { teamId: view.teamId, citizenId: view.citizenId, deadlineId: view.deadlineId, deadlineDate: view.deadlineDate, reminderId: view.reminderId };
  const actions: Record<string, unknown>[] = [];
  if (!outcome) {
    actions.push(executeAction(s.btnDone, VERBS.reminderDone, ref));
    actions.push(executeAction(s.btnSnoozeDay, VERBS.reminderSnooze, { ...ref, days: '1' }));
    actions.push(executeAction(s.btnSnoozeWeek, VERBS.reminderSnooze, { ...ref, days: '7' }));
  }
  if (view.kind === 'goalRevision' && view.goalId && outcome?.kind !== 'stale') {
    actions.push(executeAction(s.btnEvaluate, VERBS.evalOpen, { teamId: view.teamId, citizenId: view.citizenId, goalId: view.goalId, [OPENS_NEW_CARD]: '1' }));
  }
  actions.push(openAction(view, s));
  return actions;
}

/** What the card opens: the plan, or for a team task the list it belongs to. */
function openAction(view: Pick<ReminderView, 'teamId' | 'citizenId' | 'task'>, s: ReminderStrings): Record<string, unknown> {
  const target = openTarget(view, s);
  return executeAction(target.title, target.verb, target.data);
}

/** The button that opens what a deadline belongs to: the plan, the meeting actions' list, the progress board. */
export function openTarget(view: Pick<ReminderView, 'teamId' | 'citizenId' | 'task'>, s: ReminderStrings): { title: string; verb: string; data: Record<string, string> } {
  if (view.task?.source === 'meeting') return { title: s.btnOpenActions, verb: VERBS.meetingActions, data: { teamId: view.teamId, [OPENS_NEW_CARD]: '1' } };
  if (view.task?.source === 'trial') return { title: s.btnOpenBoard, verb: VERBS.cycleBoard, data: { teamId: view.teamId, [OPENS_NEW_CARD]: '1' } };
  return { title: s.btnOpenPlan, verb: VERBS.planShow, data: { teamId: view.teamId, citizenId: view.citizenId, [OPENS_NEW_CARD]: '1' } };
}

/** A one-line name of what the deadline is about: the citizen's alias, or for a team task the meeting's subject. */
export function subjectLabel(view: Pick<ReminderView, 'alias' | 'task'>, locale: Locale): string {
  const s = reminderStrings(locale);
  if (view.task?.level && view.task.level !== 'citizen') return s.level[view.task.level];
  if (view.task?.source === 'trial' && !view.alias) return s.trial;
  return view.alias;
}

/** The facts that say what the deadline is about: the citizen (and goal), or the team task. */
function subjectFacts(view: Pick<ReminderView, 'alias' | 'goalText' | 'task'>, s: ReminderStrings, locale: Locale): Array<{ title: string; value: string }> {
  const task = view.task;
  if (task?.source === 'meeting') {
    const about = task.level === 'citizen' || !task.level ? view.alias : s.level[task.level];
    return [
      { title: s.action, value: escapeMarkdown(shortened(task.text)) },
      ...(about ? [{ title: s.meeting, value: escapeMarkdown(about) }] : []),
    ];
  }
  if (task?.source === 'trial') {
    const step = task.step && task.step in TRIAL_STEP_NAMES ? TRIAL_STEP_NAMES[task.step as TrialStep][locale] : undefined;
    return [{ title: s.trial, value: escapeMarkdown(shortened(task.text)) }, ...(step ? [{ title: s.step, value: escapeMarkdown(step) }] : [])];
  }
  return [{ title: s.citizen, value: escapeMarkdown(view.alias) }, ...(view.goalText ? [{ title: s.goal, value: escapeMarkdown(shortened(view.goalText)) }] : [])];
}

function noticeOf(s: ReminderStrings, outcome: ReminderCardOutcome, locale: Locale): string {
  if (outcome.kind === 'done') return s.done;
  if (outcome.kind === 'snoozed') return s.snoozed(formatDateTime(outcome.until, locale));
  return s.stale;
}

function shortened(text: string): string {
  return text.length > GOAL_TEXT_MAX ? `${text.slice(0, GOAL_TEXT_MAX - 1)}…` : text;
}

/** An Adaptive Card 1.5 of these blocks and actions (the cards of this file are built in code). */
function card(body: Record<string, unknown>[], actions?: Record<string, unknown>[]): Card {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, ...(actions ? { actions } : {}) };
}

export function reminderCard(view: ReminderView, locale: Locale, outcome?: ReminderCardOutcome): Card {
  const s = reminderStrings(locale);
  const facts = [...subjectFacts(view, s, locale), { title: s.due, value: escapeMarkdown(s.when(view.offsetDays, formatDate(view.deadlineDate, locale))) }];
  return card(
    [
      { type: 'TextBlock', text: s.title, size: 'Small', isSubtle: true, wrap: true },
      { type: 'TextBlock', text: s.kind[view.kind], size: 'Large', weight: 'Bolder', wrap: true },
      { type: 'FactSet', facts },
      ...(outcome ? [{ type: 'TextBlock', text: escapeMarkdown(noticeOf(s, outcome, locale)), wrap: true, color: outcome.kind === 'stale' ? 'Warning' : 'Good' }] : []),
    ],
    actionsOf(view, s, outcome),
  );
}

// ---------------------------------------------------------------- the managers' cards

interface ManagerStrings {
  escalationTitle: string;
  escalationIntro: string;
  owners: string;
  nobody: string;
  digestTitle: (name: string) => string;
  week: (from: string, to: string) => string;
  overdue: (n: number) => string;
  dueThisWeek: (n: number) => string;
  unreachable: (n: number) => string;
  unreachableHint: string;
  failed: (n: number) => string;
  none: string;
  more: (n: number) => string;
  since: (date: string) => string;
  overdueBy: (days: number) => string;
  dueIn: (days: number) => string;
}

const MANAGER_DA: ManagerStrings = {
  escalationTitle: 'Overskredet frist',
  escalationIntro: 'Fristen er overskredet med mere end en uge. Den ansvarlige har fået påmindelser.',
  owners: 'Ansvarlig',
  nobody: 'ingen ansvarlig',
  digestTitle: (name) => `Ugeoversigt for ${name}`,
  week: (from, to) => `${from} – ${to}`,
  overdue: (n) => `Overskredne frister (${n})`,
  dueThisWeek: (n) => `Frister i denne uge (${n})`,
  unreachable: (n) => `Medarbejdere, botten ikke kan nå (${n})`,
  unreachableHint: 'De får ingen påmindelser, før de skriver til Refleks igen.',
  failed: (n) => `Påmindelser, der ikke kunne sendes (${n})`,
  none: 'Ingen.',
  more: (n) => `… og ${n} flere.`,
  since: (date) => `siden ${date}`,
  overdueBy: (d) => `${d} ${d === 1 ? 'dag' : 'dage'} over fristen`,
  dueIn: (d) => (d === 0 ? 'i dag' : `om ${d} ${d === 1 ? 'dag' : 'dage'}`),
};

const MANAGER_EN: ManagerStrings = {
  escalationTitle: 'Overdue deadline',
  escalationIntro: 'The deadline is more than a week overdue. The person responsible has been reminded.',
  owners: 'Responsible',
  nobody: 'nobody responsible',
  digestTitle: (name) => `Weekly overview for ${name}`,
  week: (from, to) => `${from} – ${to}`,
  overdue: (n) => `Overdue deadlines (${n})`,
  dueThisWeek: (n) => `Deadlines this week (${n})`,
  unreachable: (n) => `Staff the bot cannot reach (${n})`,
  unreachableHint: 'They get no reminders until they write to Refleks again.',
  failed: (n) => `Reminders that could not be sent (${n})`,
  none: 'None.',
  more: (n) => `… and ${n} more.`,
  since: (date) => `since ${date}`,
  overdueBy: (d) => `${d} ${d === 1 ? 'day' : 'days'} overdue`,
  dueIn: (d) => (d === 0 ? 'today' : `in ${d} ${d === 1 ? 'day' : 'days'}`),
};

function managerStrings(locale: Locale): ManagerStrings {
  return locale === 'en' ? MANAGER_EN : MANAGER_DA;
}

/** To the tilbud's ledere when a deadline is a week overdue: what, for whom, whose; opens the plan. */
export function escalationCard(view: EscalationView, locale: Locale): Card {
  const s = reminderStrings(locale);
  const m = managerStrings(locale);
  const facts = [
    ...subjectFacts(view, s, locale),
    { title: s.due, value: escapeMarkdown(s.when(view.offsetDays, formatDate(view.deadlineDate, locale))) },
    { title: m.owners, value: escapeMarkdown(view.ownerNames.length > 0 ? view.ownerNames.join(', ') : m.nobody) },
  ];
  return card(
    [
      { type: 'TextBlock', text: m.escalationTitle, size: 'Small', isSubtle: true, wrap: true },
      { type: 'TextBlock', text: s.kind[view.kind], size: 'Large', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: m.escalationIntro, wrap: true },
      { type: 'FactSet', facts },
    ],
    [openAction(view, s)],
  );
}

function digestLine(line: DigestLine, s: ReminderStrings, m: ManagerStrings, locale: Locale): string {
  const when = line.daysUntilDue < 0 ? m.overdueBy(-line.daysUntilDue) : m.dueIn(line.daysUntilDue);
  const owners = line.ownerNames.length > 0 ? line.ownerNames.join(', ') : m.nobody;
  const about = line.task?.text ?? line.goalText;
  const goal = about ? ` (${shortened(about)})` : '';
  const subject = subjectLabel(line, locale);
  return `${subject ? `${subject} · ` : ''}${s.kind[line.kind]}${goal} · ${formatDate(line.deadlineDate, locale)}, ${when} · ${owners}`;
}

function digestSection(title: string, count: number, lines: string[], m: ManagerStrings): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [{ type: 'TextBlock', text: escapeMarkdown(title), weight: 'Bolder', wrap: true, spacing: 'Medium' }];
  for (const line of lines.length > 0 ? lines : [m.none]) blocks.push({ type: 'TextBlock', text: escapeMarkdown(line), wrap: true, spacing: 'Small' });
  if (count > lines.length && lines.length > 0) blocks.push({ type: 'TextBlock', text: escapeMarkdown(m.more(count - lines.length)), isSubtle: true, wrap: true, spacing: 'Small' });
  return blocks;
}

/** The weekly digest to a tilbud's ledere: overdue, due this week, unreachable staff, failed deliveries. */
export function digestCard(view: DigestView, locale: Locale): Card {
  const s = reminderStrings(locale);
  const m = managerStrings(locale);
  const section = (title: string, count: number, lines: string[]): Record<string, unknown>[] => digestSection(title, count, lines, m);
  return card([
    { type: 'TextBlock', text: escapeMarkdown(m.digestTitle(view.institutionName)), size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: escapeMarkdown(m.week(formatDate(view.weekStart, locale), formatDate(view.weekEnd, locale))), isSubtle: true, wrap: true, spacing: 'None' },
    ...section(m.overdue(view.overdue.count), view.overdue.count, view.overdue.lines.map((l) => digestLine(l, s, m, locale))),
    ...section(m.dueThisWeek(view.dueThisWeek.count), view.dueThisWeek.count, view.dueThisWeek.lines.map((l) => digestLine(l, s, m, locale))),
    ...section(m.unreachable(view.unreachable.count), view.unreachable.count, view.unreachable.names.map((u) => `${u.name} (${m.since(formatDate(u.since.slice(0, 10), locale))})`)),
    ...(view.unreachable.count > 0 ? [{ type: 'TextBlock', text: m.unreachableHint, isSubtle: true, wrap: true, spacing: 'Small' }] : []),
    ...section(m.failed(view.failed.count), view.failed.count, view.failed.lines.map((l) => digestLine(l, s, m, locale))),
  ]);
}
