/** Card actions of the reminder card: markér som klaret, udsæt 1 dag / 1 uge. */
import { z } from 'zod';
import { reminderCard, reminderStrings } from '../cards/reminder-views.js';
import { messageCard } from '../cards/views.js';
import { VERBS } from '../cards/verbs.js';
import { actOnReminder, type ReminderAction } from '../usecases/reminder-actions.js';
import { CitizenRef, id, parse, type Handler } from './action-types.js';

const ReminderRef = CitizenRef.extend({ deadlineId: id, deadlineDate: id, reminderId: id });
const SnoozePayload = ReminderRef.extend({ days: z.enum(['1', '7']) });

const answer = async (call: Parameters<Handler>[0], ref: z.infer<typeof ReminderRef>, action: ReminderAction) => {
  const { outcome, view } = await actOnReminder(call, ref, action);
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
