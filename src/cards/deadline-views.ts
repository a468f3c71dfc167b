/**
 * "Mine frister": the actor's open deadlines of the coming 30 days, overdue first, each with
 * the reminder card's actions (the same verbs, so the same access and version checks), through
 * the `deadlines` template. A line acted on says what was done and offers no more done or
 * snooze buttons. At most DEADLINE_LINES_MAX lines (and "og M flere"), so the card stays small
 * whatever the number of deadlines.
 */
import type { DeadlineLine } from '../usecases/list-deadlines.js';
import { formatDate, formatDateTime, strings, type Locale } from './i18n.js';
import { openTarget, reminderStrings, subjectLabel, type ReminderCardOutcome } from './reminder-views.js';
import { renderCard } from './templates.js';
import { VERBS } from './verbs.js';
import { noticeFields, OPENS_NEW_CARD, truncate, type Card, type Notice } from './views.js';

/** Lines a list card shows at most (fewer when their ids and texts are long: see the byte budget). */
export const DEADLINE_LINES_MAX = 8;
/** The bytes the lines of one card may take (with the header and a capped notice, the card stays under ~28 KB). */
const DEADLINE_CARD_BUDGET_BYTES = 24 * 1024;
/** The template's own bytes around a line (its text blocks and each action's type and fallback). */
const LINE_OVERHEAD_BYTES = 700;
/** A revision's goal text on a line (the goal's own card has it in full). */
export const DEADLINE_GOAL_TEXT_MAX = 80;

/** The field in an action's data that makes the reminder verbs answer with this list (the verb is the reminder card's). */
export const FROM_LIST = 'fromList';

interface DeadlineStrings {
  title: string;
  subtitle: string;
  empty: string;
  when: (days: number, date: string) => string;
  snoozedUntil: (when: string) => string;
  more: (count: number) => string;
  done: string;
  snoozed: (when: string) => string;
  stale: string;
  channelOnly: string;
}

const DA: DeadlineStrings = {
  title: 'Mine frister',
  subtitle: 'De næste 30 dage · overskredne først',
  empty: 'Du har ingen åbne frister de næste 30 dage. Godt gået!',
  when: (d, date) => (d < 0 ? `${date} · ${-d} ${-d === 1 ? 'dag' : 'dage'} over fristen` : d === 0 ? `${date} · i dag` : `${date} · om ${d} ${d === 1 ? 'dag' : 'dage'}`),
  snoozedUntil: (when) => `Udsat til ${when}`,
  more: (n) => `… og ${n} ${n === 1 ? 'frist' : 'frister'} mere. Klar eller udsæt nogle af dem ovenfor, og skriv "frister" igen for at se resten.`,
  done: 'Markeret som klaret.',
  snoozed: (when) => `Udsat. Du bliver mindet om det igen ${when}.`,
  stale: 'Fristen gælder ikke længere: den er klaret, fjernet eller har fået en ny dato.',
  channelOnly: 'Dine frister er dine egne: skriv "frister" til mig i en privat chat.',
};

const EN: DeadlineStrings = {
  title: 'My deadlines',
  subtitle: 'The next 30 days · overdue first',
  empty: 'You have no open deadlines in the next 30 days. Well done!',
  when: (d, date) => (d < 0 ? `${date} · ${-d} ${-d === 1 ? 'day' : 'days'} overdue` : d === 0 ? `${date} · today` : `${date} · in ${d} ${d === 1 ? 'day' : 'days'}`),
  snoozedUntil: (when) => `Snoozed until ${when}`,
  more: (n) => `… and ${n} more ${n === 1 ? 'deadline' : 'deadlines'}. Mark some of them done or snooze them above, and type "deadlines" again to see the rest.`,
  done: 'Marked as done.',
  snoozed: (when) => `Snoozed. You will be reminded again ${when}.`,
  stale: 'This deadline no longer applies: it is done, removed or has a new date.',
  channelOnly: 'Your deadlines are your own: type "deadlines" to me in a personal chat.',
};

export function deadlineStrings(locale: Locale): DeadlineStrings {
  return locale === 'en' ? EN : DA;
}

/** The line just acted on, and what the action did. */
export interface ActedLine {
  teamId: string;
  deadlineId: string;
  outcome: ReminderCardOutcome;
}

interface ActionVm {
  title: string;
  verb: string;
  data: Record<string, string>;
}

function lineActions(line: DeadlineLine, locale: Locale, outcome: ReminderCardOutcome | undefined): ActionVm[] {
  const r = reminderStrings(locale);
  const ref = { teamId: line.teamId, citizenId: line.citizenId, deadlineId: line.deadlineId, deadlineDate: line.deadlineDate, reminderId: line.reminderId, [FROM_LIST]: '1' };
  const actions: ActionVm[] = [];
  if (!outcome) {
    actions.push({ title: r.btnDone, verb: VERBS.reminderDone, data: ref });
    actions.push({ title: r.btnSnoozeDay, verb: VERBS.reminderSnooze, data: { ...ref, days: '1' } });
    actions.push({ title: r.btnSnoozeWeek, verb: VERBS.reminderSnooze, data: { ...ref, days: '7' } });
  }
  if (line.kind === 'goalRevision' && line.goalId && outcome?.kind !== 'stale') {
    actions.push({ title: r.btnEvaluate, verb: VERBS.evalOpen, data: { teamId: line.teamId, citizenId: line.citizenId, goalId: line.goalId, [OPENS_NEW_CARD]: '1' } });
  }
  actions.push(openTarget(line, r));
  return actions;
}

function outcomeText(d: DeadlineStrings, outcome: ReminderCardOutcome, locale: Locale): string {
  if (outcome.kind === 'done') return d.done;
  if (outcome.kind === 'snoozed') return d.snoozed(formatDateTime(outcome.until, locale));
  return d.stale;
}

export function deadlinesCard(locale: Locale, model: { lines: DeadlineLine[]; total: number; acted?: ActedLine; notice?: Notice }): Card {
  const d = deadlineStrings(locale);
  const r = reminderStrings(locale);
  const s = strings(locale);
  const many = new Set(model.lines.map((l) => l.teamId)).size > 1;
  const all = model.lines.slice(0, DEADLINE_LINES_MAX).map((line) => {
    const acted = model.acted && model.acted.teamId === line.teamId && model.acted.deadlineId === line.deadlineId ? model.acted.outcome : undefined;
    const days = -line.offsetDays;
    const about = line.task ? `${line.task.source === 'meeting' ? r.action : r.trial}: ${truncate(line.task.text, DEADLINE_GOAL_TEXT_MAX)}` : line.goalText ? `${r.goal}: ${truncate(line.goalText, DEADLINE_GOAL_TEXT_MAX)}` : '';
    const what = [about, many ? truncate(line.institution.name, 60) : ''].filter(Boolean).join(' · ');
    const when = [d.when(days, formatDate(line.deadlineDate, locale)), !acted && line.snoozedUntil ? d.snoozedUntil(formatDateTime(line.snoozedUntil, locale)) : ''].filter(Boolean).join(' · ');
    return {
      title: [subjectLabel(line, locale), r.kind[line.kind]].filter(Boolean).join(' · '),
      what,
      when,
      whenColor: days < 0 ? 'Attention' : days === 0 ? 'Warning' : 'Default',
      outcome: acted ? outcomeText(d, acted, locale) : '',
      outcomeColor: acted?.kind === 'stale' ? 'Warning' : 'Good',
      actions: lineActions(line, locale, acted),
    };
  });
  // Lines up to the byte budget (ids are at most 200 characters each, and every action carries
  // them twice, in its data and its Action.Submit fallback): the card stays under Teams' limit.
  const lines: typeof all = [];
  let bytes = 0;
  for (const vm of all) {
    const size = LINE_OVERHEAD_BYTES + Buffer.byteLength(JSON.stringify(vm)) + Buffer.byteLength(JSON.stringify(vm.actions));
    if (lines.length > 0 && bytes + size > DEADLINE_CARD_BUDGET_BYTES) break;
    lines.push(vm);
    bytes += size;
  }
  const hidden = Math.max(0, model.total - lines.length);
  return renderCard('deadlines', {
    badge: model.lines.some((l) => l.institution.demo) ? s.demoBadge : '',
    title: d.title,
    subtitle: d.subtitle,
    ...noticeFields(model.notice),
    empty: lines.length === 0 ? d.empty : '',
    lines,
    more: hidden > 0 ? d.more(hidden) : '',
    actions: [{ title: s.btnCitizens, verb: VERBS.citizenList, data: {} }],
  });
}
