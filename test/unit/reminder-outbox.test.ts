/**
 * The reminder outbox's pure steps (src/domain/reminder-outbox.ts): what an entry becomes after
 * a plan write, a send, a retryable or final failure, a snooze and a "markér som klaret", with
 * fixed dates in Copenhagen time.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_SETTINGS, MANAGERS_RECIPIENT, planDeadlines, type Deadline } from '../../src/domain/deadlines.js';
import type { Plan } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';
import {
  acknowledged,
  afterFailed,
  afterRetryable,
  afterSent,
  afterSnoozeSent,
  claimed,
  desiredEntries,
  planEntry,
  replannedEntry,
  reminderEntryId,
  snoozed,
  type ReminderEntry,
} from '../../src/domain/reminder-outbox.js';

const S = DEFAULT_REMINDER_SETTINGS;
const at = (iso: string): Date => new Date(iso);

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

/** Made Monday 2027-01-04 with its formål; goal g1 (owner u1) to be revised Monday 2027-03-29. */
function plan(): Plan {
  const now = at('2027-01-04T09:00:00Z');
  const made = ok(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1', 'u2'], actorId: 'u1' }, now));
  const withPurpose = ok(recordPurpose(made, { id: 'p1', text: 'Egen bolig', receivedOn: '2027-01-04' }, 'u1', now));
  return ok(addGoal(withPurpose, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: 'u1', revisionDate: '2027-03-29' }, 'u1', now));
}

const goalDeadline = (): Deadline => planDeadlines(plan()).find((d) => d.kind === 'goalRevision')!;

function fresh(now = at('2027-01-04T09:00:00Z')): ReminderEntry {
  const change = planEntry(goalDeadline(), 'u1', undefined, now, S);
  if (change.kind !== 'write') throw new Error('expected a new entry');
  return change.entry;
}

describe('reminder outbox', () => {
  it('wants one entry per deadline and recipient, and one per deadline for its escalation to the ledere', () => {
    const ids = [...desiredEntries(planDeadlines(plan())).keys()].sort();
    expect(ids).toEqual([
      reminderEntryId('goalRevision:c1:g1', MANAGERS_RECIPIENT),
      reminderEntryId('statusMeetingInvitation:c1', MANAGERS_RECIPIENT),
      reminderEntryId('statusReport:c1', MANAGERS_RECIPIENT),
      reminderEntryId('goalRevision:c1:g1', 'u1'),
      reminderEntryId('statusMeetingInvitation:c1', 'u1'),
      reminderEntryId('statusMeetingInvitation:c1', 'u2'),
      reminderEntryId('statusReport:c1', 'u1'),
      reminderEntryId('statusReport:c1', 'u2'),
    ].sort());
  });

  it('plans a new entry at the next reminder, keeps one that already holds it (whatever its state), re-plans one that does not', () => {
    const entry = fresh();
    expect(entry).toMatchObject({ state: 'pending', reminderId: 'goalRevision:c1:g1@2027-03-29/-14d', dueAt: '2027-03-15T06:30:00.000Z', attempts: 0 });
    const sending = claimed(entry, 'i1', at('2027-03-15T06:32:30Z'), at('2027-03-15T06:30:30Z'));
    expect(sending).toMatchObject({ state: 'sending', claimedBy: 'i1', dueAt: '2027-03-15T06:32:30.000Z' });
    expect(planEntry(goalDeadline(), 'u1', sending, at('2027-03-15T06:31:00Z'), S)).toEqual({ kind: 'keep' });
    // Once the -14d lead was sent, a plan write plans the -3d one, never the -14d again.
    const sent = afterSent(sending, goalDeadline(), at('2027-03-15T06:31:00Z'), S);
    expect(sent).toMatchObject({ state: 'pending', reminderId: 'goalRevision:c1:g1@2027-03-29/-3d', lastSentReminderId: 'goalRevision:c1:g1@2027-03-29/-14d', dueAt: '2027-03-26T06:30:00.000Z' });
    expect(sent.claimedBy).toBeUndefined();
    expect(planEntry(goalDeadline(), 'u1', sent, at('2027-03-16T09:00:00Z'), S)).toEqual({ kind: 'keep' });
  });

  it('backs off without losing the reminder; a final failure waits for the next occurrence', () => {
    const entry = claimed(fresh(), 'i1', at('2027-03-15T06:32:30Z'), at('2027-03-15T06:30:30Z'));
    const retry = afterRetryable(entry, at('2027-03-15T06:31:30Z'), '500 Status500', true, at('2027-03-15T06:30:31Z'));
    expect(retry).toMatchObject({ state: 'pending', attempts: 1, dueAt: '2027-03-15T06:31:30.000Z', lastError: '500 Status500', reminderId: entry.reminderId });
    expect(afterRetryable(entry, at('2027-03-15T06:31:30Z'), '429', false, at('2027-03-15T06:30:31Z')).attempts).toBe(0);
    const failed = afterFailed(retry, goalDeadline(), '500 Status500', at('2027-03-15T06:40:00Z'), S);
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, reminderId: entry.reminderId, dueAt: '2027-03-26T06:30:00.000Z' });
    // When it comes due, the engine finds it superseded and re-plans it to the reminder due then.
    expect(replannedEntry(goalDeadline(), 'u1', failed, at('2027-03-26T06:30:00Z'), S)).toMatchObject({ state: 'pending', reminderId: 'goalRevision:c1:g1@2027-03-29/-3d', attempts: 0 });
  });

  it('re-plans a new due date; without anything left to send it leaves the due scan but keeps what was sent', () => {
    const sent = afterSent(fresh(), goalDeadline(), at('2027-03-15T06:31:00Z'), S);
    const moved: Deadline = { ...goalDeadline(), dueDate: '2027-04-26', openedAt: '2027-03-16T09:00:00.000Z' };
    const change = planEntry(moved, 'u1', sent, at('2027-03-16T09:00:00Z'), S);
    expect(change).toMatchObject({ kind: 'write', entry: { reminderId: 'goalRevision:c1:g1@2027-04-26/-14d', dueAt: '2027-04-12T05:30:00.000Z', lastSentReminderId: 'goalRevision:c1:g1@2027-03-29/-14d' } });
    // The statusmøde invitation has one lead only: once sent, nothing is left.
    const invitation = planDeadlines(plan()).find((d) => d.kind === 'statusMeetingInvitation')!;
    const first = planEntry(invitation, 'u1', undefined, at('2027-01-04T09:00:00Z'), S);
    if (first.kind !== 'write') throw new Error('expected an entry');
    const done = afterSent(first.entry, invitation, at('2027-12-06T06:31:00Z'), S);
    expect(done).toMatchObject({ state: 'sent', lastSentReminderId: first.entry.reminderId });
    expect(done.dueAt).toBeUndefined();
    expect(planEntry(invitation, 'u1', done, at('2027-12-07T09:00:00Z'), S)).toEqual({ kind: 'keep' });
  });

  it('a snooze holds across plan writes and returns to the schedule after its reminder; "markér som klaret" stops them until the date changes', () => {
    const sent = afterSent(fresh(), goalDeadline(), at('2027-03-15T06:31:00Z'), S);
    const snoozedEntry = snoozed(sent, at('2027-03-16T06:30:00Z'), at('2027-03-15T07:00:00Z'));
    expect(snoozedEntry).toMatchObject({ state: 'pending', snoozedUntil: '2027-03-16T06:30:00.000Z', dueAt: '2027-03-16T06:30:00.000Z' });
    expect(planEntry(goalDeadline(), 'u1', snoozedEntry, at('2027-03-15T12:00:00Z'), S)).toEqual({ kind: 'keep' });
    const back = afterSnoozeSent(snoozedEntry, at('2027-03-16T06:30:05Z'));
    expect(back).toMatchObject({ state: 'pending', dueAt: '2027-03-26T06:30:00.000Z', reminderId: 'goalRevision:c1:g1@2027-03-29/-3d' });
    expect(back.snoozedUntil).toBeUndefined();

    const quiet = acknowledged(sent, at('2027-03-15T07:00:00Z'));
    expect(quiet).toMatchObject({ state: 'sent', acknowledgedDeadlineDate: '2027-03-29' });
    expect(quiet.dueAt).toBeUndefined();
    expect(planEntry(goalDeadline(), 'u1', quiet, at('2027-03-30T09:00:00Z'), S)).toEqual({ kind: 'keep' });
    expect(replannedEntry(goalDeadline(), 'u1', quiet, at('2027-03-30T09:00:00Z'), S)?.dueAt).toBeUndefined();
    const moved: Deadline = { ...goalDeadline(), dueDate: '2027-04-26', openedAt: '2027-03-30T09:00:00.000Z' };
    expect(planEntry(moved, 'u1', quiet, at('2027-03-30T09:00:00Z'), S)).toMatchObject({ kind: 'write', entry: { state: 'pending', reminderId: 'goalRevision:c1:g1@2027-04-26/-14d' } });
  });

  it('removes an entry whose deadline has nothing left to send when nothing was ever sent; after a pause the latest due reminder goes once', () => {
    const invitation = planDeadlines(plan()).find((d) => d.kind === 'statusMeetingInvitation')!;
    const first = planEntry(invitation, 'u1', undefined, at('2027-01-04T09:00:00Z'), S);
    if (first.kind !== 'write') throw new Error('expected an entry');
    // Nothing sent by 2028-06: the one lead (30 days before) is still the latest due, so it goes once.
    expect(planEntry(invitation, 'u1', first.entry, at('2028-06-01T09:00:00Z'), S)).toEqual({ kind: 'keep' });
    // The deadline re-opened after its only lead had passed (and before its day): no reminder at all.
    const reopened: Deadline = { ...invitation, openedAt: '2027-12-20T09:00:00.000Z' };
    expect(planEntry(reopened, 'u1', first.entry, at('2027-12-21T09:00:00Z'), S)).toEqual({ kind: 'remove' });
    expect(replannedEntry(reopened, 'u1', first.entry, at('2027-12-21T09:00:00Z'), S)).toBeUndefined();
  });
});
