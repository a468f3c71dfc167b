/**
 * The reminder card: what is due, for which citizen (alias), by when. Built in code (no
 * template): a few text blocks and facts. Its own strings, Danish and English, live here so the
 * shared i18n table is untouched.
 */
import type { DeadlineKind } from '../domain/model.js';
import type { ReminderView } from '../reminders/delivery.js';
import { formatDate, type Locale } from './i18n.js';
import { escapeMarkdown } from './templates.js';
import type { Card } from './views.js';

interface ReminderStrings {
  title: string;
  kind: Record<DeadlineKind, string>;
  citizen: string;
  due: string;
  goal: string;
  when: (offsetDays: number, date: string) => string;
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
};

export function reminderStrings(locale: Locale): ReminderStrings {
  return locale === 'en' ? EN : DA;
}

const GOAL_TEXT_MAX = 120;

export function reminderCard(view: ReminderView, locale: Locale): Card {
  const s = reminderStrings(locale);
  const facts = [
    { title: s.citizen, value: escapeMarkdown(view.alias) },
    { title: s.due, value: s.when(view.offsetDays, formatDate(view.deadlineDate, locale)) },
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
    ],
  };
}
