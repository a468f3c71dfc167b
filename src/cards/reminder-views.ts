/**
 * The reminder card: what is due, for which citizen (alias), by when. Built in code (no
 * template): a few text blocks and facts. Its own strings, Danish and English, live here so the
 * shared i18n table is untouched.
 */
import type { DeadlineKind } from '../domain/model.js';
import type { ReminderView } from '../reminders/delivery.js';
import { formatDate, formatDateTime, type Locale } from './i18n.js';
import { VERBS } from './verbs.js';
import { OPENS_NEW_CARD } from './views.js';
import { escapeMarkdown } from './templates.js';
import type { Card } from './views.js';

interface ReminderStrings {
  title: string;
  kind: Record<DeadlineKind, string>;
  citizen: string;
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
  },
  citizen: 'Borger',
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
  },
  citizen: 'Citizen',
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

/** Action.Execute with its Action.Submit fallback (the verb in the submit data), as the templates get them. */
function execute(title: string, verb: string, data: Record<string, string>): Record<string, unknown> {
  return { type: 'Action.Execute', title, verb, data, fallback: { type: 'Action.Submit', title, data: { ...data, verb } } };
}

/** The card's actions; their data carries ids and the card's version (the due date), never content. */
function actionsOf(view: ReminderView, s: ReminderStrings, outcome: ReminderCardOutcome | undefined): Record<string, unknown>[] {
  const ref = { teamId: view.teamId, citizenId: view.citizenId, deadlineId: view.deadlineId, deadlineDate: view.deadlineDate, reminderId: view.reminderId };
  const actions: Record<string, unknown>[] = [];
  if (!outcome) {
    actions.push(execute(s.btnDone, VERBS.reminderDone, ref));
    actions.push(execute(s.btnSnoozeDay, VERBS.reminderSnooze, { ...ref, days: '1' }));
    actions.push(execute(s.btnSnoozeWeek, VERBS.reminderSnooze, { ...ref, days: '7' }));
  }
  if (view.kind === 'goalRevision' && view.goalId && outcome?.kind !== 'stale') {
    actions.push(execute(s.btnEvaluate, VERBS.evalOpen, { teamId: view.teamId, citizenId: view.citizenId, goalId: view.goalId, [OPENS_NEW_CARD]: '1' }));
  }
  actions.push(execute(s.btnOpenPlan, VERBS.planShow, { teamId: view.teamId, citizenId: view.citizenId, [OPENS_NEW_CARD]: '1' }));
  return actions;
}

function noticeOf(s: ReminderStrings, outcome: ReminderCardOutcome, locale: Locale): string {
  if (outcome.kind === 'done') return s.done;
  if (outcome.kind === 'snoozed') return s.snoozed(formatDateTime(outcome.until, locale));
  return s.stale;
}

export function reminderCard(view: ReminderView, locale: Locale, outcome?: ReminderCardOutcome): Card {
  const s = reminderStrings(locale);
  const facts = [
    { title: s.citizen, value: escapeMarkdown(view.alias) },
    { title: s.due, value: escapeMarkdown(s.when(view.offsetDays, formatDate(view.deadlineDate, locale))) },
  ];
  if (view.goalText) {
    const text = view.goalText.length > GOAL_TEXT_MAX ? `${view.goalText.slice(0, GOAL_TEXT_MAX - 1)}…` : view.goalText;
    facts.push({ title: s.goal, value: escapeMarkdown(text) });
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: s.title, size: 'Small', isSubtle: true, wrap: true },
      { type: 'TextBlock', text: s.kind[view.kind], size: 'Large', weight: 'Bolder', wrap: true },
      { type: 'FactSet', facts },
      ...(outcome ? [{ type: 'TextBlock', text: escapeMarkdown(noticeOf(s, outcome, locale)), wrap: true, color: outcome.kind === 'stale' ? 'Warning' : 'Good' }] : []),
    ],
    actions: actionsOf(view, s, outcome),
  };
}
