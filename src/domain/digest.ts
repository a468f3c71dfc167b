/**
 * The weekly digest to a tilbud's ledere (pure): when it goes out, where its delivery stands,
 * and what it lists.
 *
 * - One stored entry per tilbud (`digest`, in the tilbud's partition), made when managers are
 *   set. Its `dueAt` is the next Monday 08:00 Copenhagen; the engine's due scan finds it like a
 *   reminder entry, claims it with a conditional write, sends it to each manager (remembered in
 *   `deliveredTo`, so a retry sends to the others only) and moves it to the next Monday.
 * - A Monday missed (no engine running) is sent when the engine is back, then the next Monday.
 * - The content comes from the tilbud's reminder entries (one per open deadline and owner, so the
 *   read follows the open deadlines, not the history) and the roster: overdue (most overdue
 *   first), due in the rest of the week, staff the bot cannot reach, reminders given up on.
 */
import { z } from 'zod';
import { IsoDateTimeSchema, type DeadlineKind } from './model.js';
import { MANAGERS_RECIPIENT, nextDigestAt } from './deadlines.js';
import type { ReminderEntry } from './reminder-outbox.js';

export const DIGEST_ID = 'digest';

export const DigestEntrySchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  /** The Monday 08:00 (ISO) the digest to go out next is planned for. */
  plannedFor: IsoDateTimeSchema,
  /** When the engine looks at it next (the planned time, a claim's end or a retry). */
  dueAt: IsoDateTimeSchema,
  state: z.enum(['pending', 'sending']),
  attempts: z.number().int().min(0).default(0),
  /** The managers this week's digest has reached. */
  deliveredTo: z.array(z.string().min(1)).max(100).default([]),
  claimedBy: z.string().optional(),
  claimUntil: IsoDateTimeSchema.optional(),
  lastError: z.string().max(200).optional(),
  lastSentAt: IsoDateTimeSchema.optional(),
  updatedAt: IsoDateTimeSchema,
});
export type DigestEntry = z.infer<typeof DigestEntrySchema>;

/** A new digest entry: the next Monday 08:00 after `now`. */
export function plannedDigest(tenantId: string, teamId: string, now: Date): DigestEntry {
  const at = nextDigestAt(now).toISOString();
  return { tenantId, teamId, plannedFor: at, dueAt: at, state: 'pending', attempts: 0, deliveredTo: [], updatedAt: now.toISOString() };
}

export function claimedDigest(entry: DigestEntry, instanceId: string, claimUntil: Date, now: Date): DigestEntry {
  return { ...entry, state: 'sending', claimedBy: instanceId, claimUntil: claimUntil.toISOString(), dueAt: claimUntil.toISOString(), updatedAt: now.toISOString() };
}

export function digestDeliveredTo(entry: DigestEntry, managerId: string, now: Date): DigestEntry {
  return { ...entry, deliveredTo: [...new Set([...entry.deliveredTo, managerId])], updatedAt: now.toISOString() };
}

/** This week's digest is done (sent, or given up on): the next one is the Monday after. */
export function nextWeekDigest(entry: DigestEntry, now: Date, lastError?: string): DigestEntry {
  const at = nextDigestAt(new Date(Math.max(now.getTime(), Date.parse(entry.plannedFor)))).toISOString();
  return {
    tenantId: entry.tenantId,
    teamId: entry.teamId,
    plannedFor: at,
    dueAt: at,
    state: 'pending',
    attempts: 0,
    deliveredTo: [],
    ...(lastError ? { lastError: lastError.slice(0, 200) } : {}),
    lastSentAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export function retriedDigest(entry: DigestEntry, retryAt: Date, error: string, countAttempt: boolean, now: Date): DigestEntry {
  const { claimedBy: _c, claimUntil: _u, ...rest } = entry;
  return { ...rest, state: 'pending', attempts: entry.attempts + (countAttempt ? 1 : 0), dueAt: retryAt.toISOString(), lastError: error.slice(0, 200), updatedAt: now.toISOString() };
}

/** One open deadline of the tilbud as its entries tell it. */
export interface OpenDeadline {
  deadlineId: string;
  planId: string;
  kind: DeadlineKind;
  deadlineDate: string;
  ownerIds: string[];
  /** A reminder of it to some owner was given up on. */
  failed: boolean;
}

/** The tilbud's open deadlines from its reminder entries (the owners' ones; the escalations say nothing new). */
export function openDeadlinesOf(entries: readonly ReminderEntry[]): OpenDeadline[] {
  const byId = new Map<string, OpenDeadline>();
  for (const e of entries) {
    if (e.recipientId === MANAGERS_RECIPIENT) continue;
    const found = byId.get(e.deadlineId);
    if (found) {
      if (!found.ownerIds.includes(e.recipientId)) found.ownerIds.push(e.recipientId);
      found.failed ||= e.state === 'failed';
    } else {
      byId.set(e.deadlineId, { deadlineId: e.deadlineId, planId: e.planId, kind: e.kind, deadlineDate: e.deadlineDate, ownerIds: [e.recipientId], failed: e.state === 'failed' });
    }
  }
  return [...byId.values()];
}

/** What the digest lists: overdue (most overdue first), due from today through `weekEnd`, failed. */
export function digestSections(deadlines: readonly OpenDeadline[], today: string, weekEnd: string): { overdue: OpenDeadline[]; dueThisWeek: OpenDeadline[]; failed: OpenDeadline[] } {
  const byDate = (a: OpenDeadline, b: OpenDeadline): number => a.deadlineDate.localeCompare(b.deadlineDate) || a.deadlineId.localeCompare(b.deadlineId);
  return {
    overdue: deadlines.filter((d) => d.deadlineDate < today).sort(byDate),
    dueThisWeek: deadlines.filter((d) => d.deadlineDate >= today && d.deadlineDate <= weekEnd).sort(byDate),
    failed: deadlines.filter((d) => d.failed).sort(byDate),
  };
}
