/** Card actions of the reminder card: markér som klaret, udsæt 1 dag / 1 uge. */
import { z } from 'zod';
import { deadlinesCard, DEADLINE_LINES_MAX, deadlineStrings, FROM_LIST } from '../cards/deadline-views.js';
import { reminderCard, reminderStrings } from '../cards/reminder-views.js';
import { messageCard, type Card } from '../cards/views.js';
import { VERBS } from '../cards/verbs.js';
import { IsoDateSchema } from '../domain/model.js';
import type { Call } from '../usecases/context.js';
import { listMyDeadlines } from '../usecases/list-deadlines.js';
import { actOnReminder, type ReminderAction } from '../usecases/reminder-actions.js';
import { CitizenRef, id, parse, type Handler } from './action-types.js';

/**
 * A reminder's id is `<deadline id>@<due date>/<lead>d` (src/domain/deadlines.ts: reminderId),
 * so it holds a `/` and is no card id. It is taken only as exactly that: the card's own deadline
 * id (checked as an id) and due date, and a lead of at most four digits; nothing else can ride in it.
 */
const LEAD = /^(?:0|[+-][1-9]\d{0,3})d$/;

export function isReminderIdOf(value: string, deadlineId: string, deadlineDate: string): boolean {
  const prefix = `${deadlineId}@${deadlineDate}/`;
  return value.startsWith(prefix) && LEAD.test(value.slice(prefix.length));
}

/** `fromList`: the action is on a line of "Mine frister" (the answer is that list), not on a reminder card. */
const ReminderFields = CitizenRef.extend({ deadlineId: id, deadlineDate: IsoDateSchema, reminderId: z.string().max(300), [FROM_LIST]: z.enum(['1']).optional() });
const ofItsDeadline = (ref: z.infer<typeof ReminderFields>) => isReminderIdOf(ref.reminderId, ref.deadlineId, ref.deadlineDate);
const NOT_ITS_REMINDER = { path: ['reminderId'], message: 'not a reminder id of this deadline' };
const ReminderRef = ReminderFields.refine(ofItsDeadline, NOT_ITS_REMINDER);
const SnoozePayload = ReminderFields.extend({ days: z.enum(['1', '7']) }).refine(ofItsDeadline, NOT_ITS_REMINDER);

type ReminderRefData = z.infer<typeof ReminderRef>;

/** "frister" in the 1:1 chat: the actor's deadlines of the coming 30 days. */
export async function openDeadlines(call: Call): Promise<Card> {
  const { lines, total } = await listMyDeadlines(call, { limit: DEADLINE_LINES_MAX });
  return deadlinesCard(call.actor.locale, { lines, total });
}

const answer = async (call: Call, ref: ReminderRefData, action: ReminderAction): Promise<Card> => {
  const { outcome, view } = await actOnReminder(call, ref, action);
  if (ref[FROM_LIST] === '1') {
    // The list again, in place: the line acted on says what was done (kept though it is marked done now).
    const { lines, total } = await listMyDeadlines(call, { limit: DEADLINE_LINES_MAX, keep: { teamId: ref.teamId, deadlineId: ref.deadlineId } });
    const shown = lines.some((l) => l.teamId === ref.teamId && l.deadlineId === ref.deadlineId);
    return deadlinesCard(call.actor.locale, {
      lines,
      total,
      acted: { teamId: ref.teamId, deadlineId: ref.deadlineId, outcome },
      ...(shown ? {} : { notice: { text: deadlineStrings(call.actor.locale).stale, style: 'warning' as const } }),
    });
  }
  // The deadline is gone (done, removed): the card cannot be drawn as it was; a notice replaces it.
  if (!view) return messageCard(call.actor.locale, reminderStrings(call.actor.locale).stale, { style: 'warning' });
  return reminderCard(view, call.actor.locale, outcome);
};

export const REMINDER_HANDLERS: Record<typeof VERBS.reminderDone | typeof VERBS.reminderSnooze, Handler> = {
  [VERBS.reminderDone]: async (call, data) => answer(call, parse(ReminderRef, data), { kind: 'done' }),
  [VERBS.reminderSnooze]: async (call, data) => {
    const { days, ...ref } = parse(SnoozePayload, data);
    return answer(call, ref, { kind: 'snooze', days: days === '7' ? 7 : 1 });
  },
};
