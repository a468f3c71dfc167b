/**
 * What the owner does from a reminder card: markér som klaret (no more reminders to them for
 * this due date; for an aftalepapir action: the action is done, for everyone) and udsæt 1 dag /
 * 1 uge (the reminder comes again then, in working hours).
 * Both check access (member of the plan's tilbud) and the card's version (the deadline still
 * open with the due date the card was drawn for); the entry is the actor's own, so nobody acts
 * on someone else's reminders. Safe to repeat: a second click answers with what was done.
 */
import { addDays } from 'date-fns';
import { scheduleOf, sendableTime, teamTaskOf, type Deadline, type ReminderSettings } from '../domain/deadlines.js';
import { acknowledged, reminderEntryId, snoozed } from '../domain/reminder-outbox.js';
import type { ReminderView } from '../reminders/delivery.js';
import { ConcurrencyError } from '../store/ports.js';
import { ContentionError } from '../store/retry.js';
import type { Call } from './context.js';
import { loadPlan } from './plan-access.js';
import { requireMember } from './access.js';
import { NotFoundError } from './errors.js';
import { markMeetingActionDone } from './run-meeting.js';
import { loadDeadlineSource, planSource, type DeadlineSource } from '../reminders/sources.js';

export interface ReminderCardRef {
  teamId: string;
  citizenId: string;
  deadlineId: string;
  /** The due date the card was drawn for: its version. */
  deadlineDate: string;
  reminderId: string;
}

export type ReminderAction = { kind: 'done' } | { kind: 'snooze'; days: 1 | 7 };

export type ReminderActionOutcome =
  | { kind: 'done' }
  | { kind: 'snoozed'; until: string }
  /** The deadline is done, gone or has another date, or this reminder is not the actor's. */
  | { kind: 'stale' };

export interface ReminderActionResult {
  outcome: ReminderActionOutcome;
  /** The card's content as things stand (the plan's alias and the deadline, when it still exists). */
  view: ReminderView | undefined;
}

/** The reminder card's content for a deadline as it stands now. */
export function reminderViewOf(source: DeadlineSource, deadline: Deadline, recipientId: string, reminderId: string, now: Date, settings: ReminderSettings): ReminderView {
  const days = scheduleOf([deadline], now, settings)[0]?.daysUntilDue ?? 0;
  return {
    tenantId: deadline.tenantId,
    teamId: deadline.teamId,
    ...source.subject(deadline),
    kind: deadline.kind,
    deadlineId: deadline.id,
    deadlineDate: deadline.dueDate,
    offsetDays: -days,
    lead: days > 0 ? 'before' : days === 0 ? 'onDay' : 'overdue',
    entryId: reminderEntryId(deadline.id, recipientId),
    reminderId,
  };
}

const ATTEMPTS = 5;

/** The source the card's deadline belongs to, after the access check: the plan, or the team's meeting or trial. */
async function sourceOf(call: Call, ref: ReminderCardRef, action: string): Promise<DeadlineSource> {
  if (!teamTaskOf(ref.citizenId)) return planSource((await loadPlan(call, ref.teamId, ref.citizenId, action)).plan.value);
  await requireMember(call, ref.teamId, { action, resourceType: teamTaskOf(ref.citizenId)!.source, resourceId: ref.citizenId });
  const source = await loadDeadlineSource(call.deps.repos, call.actor.tenantId, ref.teamId, ref.citizenId);
  if (!source) throw new NotFoundError('institution');
  return source;
}

export async function actOnReminder(call: Call, ref: ReminderCardRef, action: ReminderAction): Promise<ReminderActionResult> {
  const { repos } = call.deps;
  const { tenantId, aadObjectId } = call.actor;
  const source = await sourceOf(call, ref, `reminder.${action.kind}`);
  const settings = await repos.reminders.settings(tenantId, ref.teamId);
  const deadline = source.deadlines.find((d) => d.id === ref.deadlineId);
  // An aftalepapir action marked done from its reminder is done in the meeting (for everyone):
  // its entries go, and the next meeting's "siden sidst" shows it done.
  if (action.kind === 'done' && deadline?.kind === 'meetingAction' && deadline.dueDate === ref.deadlineDate && deadline.ownerIds.includes(aadObjectId)) {
    const view = reminderViewOf(source, deadline, aadObjectId, ref.reminderId, call.now, settings);
    await markMeetingActionDone(call, { teamId: ref.teamId, meetingId: deadline.meetingId, actionId: deadline.actionId });
    return { outcome: { kind: 'done' }, view };
  }
  const view = deadline ? reminderViewOf(source, deadline, aadObjectId, ref.reminderId, call.now, settings) : undefined;
  const entryId = reminderEntryId(ref.deadlineId, aadObjectId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await repos.reminders.get(tenantId, ref.teamId, entryId);
    if (!found || !deadline || deadline.dueDate !== ref.deadlineDate || found.value.deadlineDate !== ref.deadlineDate || !deadline.ownerIds.includes(aadObjectId)) {
      return { outcome: { kind: 'stale' }, view };
    }
    const entry = found.value;
    if (entry.acknowledgedDeadlineDate === ref.deadlineDate) return { outcome: { kind: 'done' }, view };
    try {
      if (action.kind === 'done') {
        await repos.reminders.replace(acknowledged(entry, call.now), found.etag);
        return { outcome: { kind: 'done' }, view };
      }
      // A repeated click (the same card delivered twice) finds the snooze already set.
      if (entry.snoozedUntil !== undefined && Date.parse(entry.snoozedUntil) > call.now.getTime()) return { outcome: { kind: 'snoozed', until: entry.snoozedUntil }, view };
      const until = sendableTime(addDays(call.now, action.days), settings);
      await repos.reminders.replace(snoozed(entry, until, call.now), found.etag);
      return { outcome: { kind: 'snoozed', until: until.toISOString() }, view };
    } catch (error) {
      // The engine or a plan write moved the entry meanwhile: decide again on the newest version.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  throw new ContentionError(ATTEMPTS, 0);
}
