/**
 * The reminder outbox (pure): one stored entry per open deadline and recipient, holding the
 * reminder that is to go out next and where its delivery stands. The plan repository keeps the
 * entries current on every plan write (`planOutbox`); the engine (src/reminders) claims the due
 * ones, sends, and moves each on to its next occurrence.
 *
 * - `dueAt` is when the engine must look at the entry next: the reminder's send time while it is
 *   pending, the end of the claim while it is being sent (so a claim left by a crashed instance
 *   becomes due again by itself), the retry time after a failure, the next occurrence's time
 *   after a final failure. An entry with nothing further to do has no `dueAt`, so the due scan
 *   (`dueAt <= now` on the cross-partition index) never reads it: its cost follows the number due.
 * - `lastSentReminderId` is the reminder last delivered: a plan write never plans it again.
 */
import { z } from 'zod';
import { DeadlineKindSchema, IsoDateTimeSchema } from './model.js';
import { latestDueReminder, MANAGERS_RECIPIENT, nextReminder, type Deadline, type Reminder, type ReminderSettings } from './deadlines.js';

export const OutboxStateSchema = z.enum(['pending', 'sending', 'sent', 'failed']);
export type OutboxState = z.infer<typeof OutboxStateSchema>;

export const ReminderEntrySchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  /** The plan (= the citizen id). */
  planId: z.string().min(1),
  deadlineId: z.string().min(1),
  kind: DeadlineKindSchema,
  /** Who is reminded: an AAD object id, or MANAGERS_RECIPIENT for the deadline's escalation to the tilbud's ledere. */
  recipientId: z.string().min(1),
  /** The reminder to go out next (or the last one handled, when nothing further is planned). */
  reminderId: z.string().min(1),
  deadlineDate: z.string().min(1),
  offsetDays: z.number().int(),
  /** The reminder's own send time (ISO). */
  reminderDueAt: IsoDateTimeSchema,
  /** When the engine looks at the entry next; absent: nothing further. */
  dueAt: IsoDateTimeSchema.optional(),
  state: OutboxStateSchema,
  /** Failed delivery attempts of this reminder (429 waits are not counted). */
  attempts: z.number().int().min(0).default(0),
  claimedBy: z.string().optional(),
  claimUntil: IsoDateTimeSchema.optional(),
  /** A short code (status, error name): never content. */
  lastError: z.string().max(200).optional(),
  lastSentReminderId: z.string().optional(),
  sentAt: IsoDateTimeSchema.optional(),
  /** The recipient snoozed the reminder card (udsæt): remind them again at this time (then `dueAt`). */
  snoozedUntil: IsoDateTimeSchema.optional(),
  /** The recipient marked it done (markér som klaret) for this due date: no more reminders until the date changes. */
  acknowledgedDeadlineDate: z.string().optional(),
  /** An escalation: the managers it has reached for `reminderId` (a retry sends to the others only). */
  deliveredTo: z.array(z.string().min(1)).max(100).optional(),
  updatedAt: IsoDateTimeSchema,
});
export type ReminderEntry = z.infer<typeof ReminderEntrySchema>;

/** The entry's document id: its deadline and recipient (tenant-scoped by its partition). */
export function reminderEntryId(deadlineId: string, recipientId: string): string {
  return `reminder:${deadlineId}|${recipientId}`;
}

/**
 * The reminder an entry should hold now: the latest one due, unless it is the one last sent;
 * otherwise the next one after now. Undefined: nothing is left to send.
 */
export function targetReminder(deadline: Deadline, lastSentReminderId: string | undefined, now: Date, settings: ReminderSettings): Reminder | undefined {
  const latest = latestDueReminder(deadline, now, settings);
  if (latest && latest.id !== lastSentReminderId) return latest;
  return nextReminder(deadline, new Date(now.getTime() + 1), settings);
}

function pendingEntry(deadline: Deadline, recipientId: string, reminder: Reminder, lastSentReminderId: string | undefined, sentAt: string | undefined, now: Date): ReminderEntry {
  return {
    tenantId: deadline.tenantId,
    teamId: deadline.teamId,
    planId: deadline.planId,
    deadlineId: deadline.id,
    kind: deadline.kind,
    recipientId,
    reminderId: reminder.id,
    deadlineDate: reminder.deadlineDate,
    offsetDays: reminder.offsetDays,
    reminderDueAt: reminder.dueAt,
    dueAt: reminder.dueAt,
    state: 'pending',
    attempts: 0,
    ...(lastSentReminderId !== undefined ? { lastSentReminderId } : {}),
    ...(sentAt !== undefined ? { sentAt } : {}),
    updatedAt: now.toISOString(),
  };
}

/** What one entry should become: left as it is, written as this, or removed. */
export type EntryChange = { readonly kind: 'keep' } | { readonly kind: 'write'; readonly entry: ReminderEntry } | { readonly kind: 'remove' };

/**
 * One deadline and recipient after a plan write (or when the engine finds an entry no longer
 * current): an entry that already holds the reminder to send is left alone (whatever its
 * delivery state); another one is re-planned to it; with nothing left to send, an entry keeps
 * its history but leaves the due scan.
 */
export function planEntry(deadline: Deadline, recipientId: string, existing: ReminderEntry | undefined, now: Date, settings: ReminderSettings): EntryChange {
  // Marked done by the recipient for this due date: quiet until the date changes.
  if (existing && existing.acknowledgedDeadlineDate === deadline.dueDate) return { kind: 'keep' };
  const target = targetReminder(deadline, existing?.lastSentReminderId, now, settings);
  if (!target) {
    if (!existing) return { kind: 'keep' };
    if (existing.dueAt === undefined) return { kind: 'keep' };
    // Nothing was ever sent or failed: nothing to remember.
    if (existing.lastSentReminderId === undefined && existing.state !== 'failed') return { kind: 'remove' };
    const { dueAt: _dropped, claimedBy: _c, claimUntil: _u, ...rest } = existing;
    return { kind: 'write', entry: { ...rest, state: existing.state === 'failed' ? 'failed' : 'sent', updatedAt: now.toISOString() } };
  }
  if (existing && existing.reminderId === target.id) return { kind: 'keep' };
  return { kind: 'write', entry: pendingEntry(deadline, recipientId, target, existing?.lastSentReminderId, existing?.sentAt, now) };
}

/**
 * The engine found the entry no longer current (the plan changed, the tilbud's settings moved it,
 * a later reminder is due as well): the entry re-planned to the reminder to send now or next;
 * undefined when it should go (nothing was sent or failed, nothing is left to send).
 */
export function replannedEntry(deadline: Deadline, recipientId: string, existing: ReminderEntry, now: Date, settings: ReminderSettings): ReminderEntry | undefined {
  if (existing.acknowledgedDeadlineDate === deadline.dueDate) {
    const { dueAt: _d, claimedBy: _c, claimUntil: _u, snoozedUntil: _s, ...rest } = existing;
    return { ...rest, state: 'sent', updatedAt: now.toISOString() };
  }
  const target = targetReminder(deadline, existing.lastSentReminderId, now, settings);
  if (target) return pendingEntry(deadline, recipientId, target, existing.lastSentReminderId, existing.sentAt, now);
  if (existing.lastSentReminderId === undefined && existing.state !== 'failed') return undefined;
  const { dueAt: _d, claimedBy: _c, claimUntil: _u, ...rest } = existing;
  return { ...rest, state: existing.state === 'failed' ? 'failed' : 'sent', updatedAt: now.toISOString() };
}

/**
 * Every entry a plan's open deadlines need, keyed by entry id: one per deadline and owner, and
 * one per deadline for its escalation to the tilbud's ledere (MANAGERS_RECIPIENT; planned on the
 * escalation schedule, sent to whoever the managers are then).
 */
export function desiredEntries(deadlines: readonly Deadline[]): Map<string, { deadline: Deadline; recipientId: string }> {
  const out = new Map<string, { deadline: Deadline; recipientId: string }>();
  for (const deadline of deadlines) {
    for (const recipientId of new Set(deadline.ownerIds)) {
      if (recipientId && recipientId !== MANAGERS_RECIPIENT) out.set(reminderEntryId(deadline.id, recipientId), { deadline, recipientId });
    }
    out.set(reminderEntryId(deadline.id, MANAGERS_RECIPIENT), { deadline, recipientId: MANAGERS_RECIPIENT });
  }
  return out;
}

/** Is the entry the deadline's escalation (to the managers) rather than a reminder to an owner? */
export function isEscalation(entry: Pick<ReminderEntry, 'recipientId'>): boolean {
  return entry.recipientId === MANAGERS_RECIPIENT;
}

/** An escalation's send reached `managerId`: remembered, so a retry of this reminder skips them. */
export function deliveredToManager(entry: ReminderEntry, managerId: string, now: Date): ReminderEntry {
  return { ...entry, deliveredTo: [...new Set([...(entry.deliveredTo ?? []), managerId])], updatedAt: now.toISOString() };
}

/** After a delivery: remembered as sent, and moved on to the deadline's next occurrence (if any). */
export function afterSent(entry: ReminderEntry, deadline: Deadline, now: Date, settings: ReminderSettings): ReminderEntry {
  const sentAt = now.toISOString();
  const after = new Date(Math.max(now.getTime(), Date.parse(entry.reminderDueAt)) + 1);
  const next = nextReminder(deadline, after, settings);
  if (next) return pendingEntry(deadline, entry.recipientId, next, entry.reminderId, sentAt, now);
  const { dueAt: _d, claimedBy: _c, claimUntil: _u, lastError: _e, deliveredTo: _t, ...rest } = entry;
  return { ...rest, state: 'sent', attempts: 0, lastSentReminderId: entry.reminderId, sentAt, updatedAt: sentAt };
}

/** A delivery that may succeed later: pending again at `retryAt`; `countAttempt` false for a 429 wait. */
export function afterRetryable(entry: ReminderEntry, retryAt: Date, error: string, countAttempt: boolean, now: Date): ReminderEntry {
  const { claimedBy: _c, claimUntil: _u, ...rest } = entry;
  return { ...rest, state: 'pending', attempts: entry.attempts + (countAttempt ? 1 : 0), dueAt: retryAt.toISOString(), lastError: error.slice(0, 200), updatedAt: now.toISOString() };
}

/**
 * A delivery given up on: failed, with the attempts and the error kept; the entry comes due again
 * at the deadline's next occurrence (then re-planned to it), or never when there is none.
 */
export function afterFailed(entry: ReminderEntry, deadline: Deadline | undefined, error: string, now: Date, settings: ReminderSettings): ReminderEntry {
  const { claimedBy: _c, claimUntil: _u, dueAt: _d, ...rest } = entry;
  const after = new Date(Math.max(now.getTime(), Date.parse(entry.reminderDueAt)) + 1);
  const next = deadline ? nextReminder(deadline, after, settings) : undefined;
  return { ...rest, state: 'failed', attempts: entry.attempts + 1, lastError: error.slice(0, 200), ...(next ? { dueAt: next.dueAt } : {}), updatedAt: now.toISOString() };
}

/** The claim before a send: sending, by this instance, until `claimUntil` (then due again). */
export function claimed(entry: ReminderEntry, instanceId: string, claimUntil: Date, now: Date): ReminderEntry {
  return { ...entry, state: 'sending', claimedBy: instanceId, claimUntil: claimUntil.toISOString(), dueAt: claimUntil.toISOString(), updatedAt: now.toISOString() };
}

/** Udsæt: the reminder comes again at `until` (the deadline and the entry's next reminder stay as they are). */
export function snoozed(entry: ReminderEntry, until: Date, now: Date): ReminderEntry {
  const { claimedBy: _c, claimUntil: _u, ...rest } = entry;
  return { ...rest, state: 'pending', snoozedUntil: until.toISOString(), dueAt: until.toISOString(), updatedAt: now.toISOString() };
}

/** Markér som klaret: no more reminders to this recipient for this due date (a new date plans them again). */
export function acknowledged(entry: ReminderEntry, now: Date): ReminderEntry {
  const { claimedBy: _c, claimUntil: _u, dueAt: _d, snoozedUntil: _s, ...rest } = entry;
  return { ...rest, state: 'sent', acknowledgedDeadlineDate: entry.deadlineDate, updatedAt: now.toISOString() };
}

/** After the snoozed reminder went out: back to the entry's own next reminder. */
export function afterSnoozeSent(entry: ReminderEntry, now: Date): ReminderEntry {
  const { claimedBy: _c, claimUntil: _u, snoozedUntil: _s, lastError: _e, ...rest } = entry;
  return { ...rest, state: 'pending', attempts: 0, dueAt: entry.reminderDueAt, sentAt: now.toISOString(), updatedAt: now.toISOString() };
}
