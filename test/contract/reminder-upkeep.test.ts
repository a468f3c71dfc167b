/**
 * Reminder entries kept current by the plan repository's write path, on both stores: one per
 * open deadline and recipient, re-planned when a date changes, removed when the deadline is
 * done or the person is no longer its owner, untouched by writes that change no deadline, and
 * found by the due scan only when due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_SETTINGS, MANAGERS_RECIPIENT, planDeadlines } from '../../src/domain/deadlines.js';
import { editGoal, transitionGoal } from '../../src/domain/goal-lifecycle.js';
import type { Plan } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';
import { afterSent, reminderEntryId } from '../../src/domain/reminder-outbox.js';
import { createRepositories, type Repositories } from '../../src/store/repositories.js';
import { openCosmos, openEmbeddedAsTheApp } from './contract-stores.js';
import type { ContractStore, ContractStoreFactory } from './document-store.contract.js';

const TEAM = '19:reminder-team@thread.tacv2';
const U1 = 'aad-u1';
const U2 = 'aad-u2';

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

let tenantCounter = 0;

/** A plan made Monday 2027-01-04 with its formål and a goal whose revisionsdato is Monday 2027-03-29. */
function planFor(tenantId: string, now: Date): Plan {
  const made = ok(createPlan({ id: 'c1', tenantId, teamId: TEAM, alias: 'AB', targetGroup: 'adult', contactPersons: [U1, U2], actorId: U1 }, now));
  const withPurpose = ok(recordPurpose(made, { id: 'p1', text: 'Egen bolig', receivedOn: '2027-01-04' }, U1, now));
  return ok(addGoal(withPurpose, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: U1, revisionDate: '2027-03-29' }, U1, now));
}

const factories: Array<[string, ContractStoreFactory]> = [
  ['embedded', openEmbeddedAsTheApp],
  ['cosmos', openCosmos],
];

describe.each(factories)('reminder entries on the %s store', (_name, open) => {
  let opened: ContractStore;
  let repos: Repositories;
  const now = { value: new Date('2027-01-04T09:00:00Z') };

  beforeAll(async () => {
    opened = await open();
    repos = createRepositories(opened.store, { clock: () => now.value, institutionCacheMs: 0 });
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  const all = async (tenantId: string) =>
    (await repos.reminders.listForPlan(tenantId, TEAM, 'c1')).sort((a, b) => reminderEntryId(a.value.deadlineId, a.value.recipientId).localeCompare(reminderEntryId(b.value.deadlineId, b.value.recipientId)));
  /** The owners' entries. */
  const entries = async (tenantId: string) => (await all(tenantId)).filter((e) => e.value.recipientId !== MANAGERS_RECIPIENT);
  /** Each deadline's escalation to the tilbud's ledere. */
  const escalations = async (tenantId: string) => (await all(tenantId)).filter((e) => e.value.recipientId === MANAGERS_RECIPIENT);

  it('writes one entry per open deadline and recipient when a plan is created, each at its next reminder', async () => {
    const tenantId = `t-${process.pid}-${++tenantCounter}`;
    now.value = new Date('2027-01-04T09:00:00Z');
    await repos.plans.create(planFor(tenantId, now.value));
    const found = (await entries(tenantId)).map((e) => e.value);
    expect(found.map((e) => [e.kind, e.recipientId, e.state, e.dueAt])).toEqual([
      ['goalRevision', U1, 'pending', '2027-03-15T06:30:00.000Z'], // 14 days before, 07:30 Copenhagen
      ['statusMeetingInvitation', U1, 'pending', '2027-12-06T06:30:00.000Z'], // 30 days before is a Sunday: Monday morning
      ['statusMeetingInvitation', U2, 'pending', '2027-12-06T06:30:00.000Z'],
      ['statusReport', U1, 'pending', '2027-12-06T06:30:00.000Z'],
      ['statusReport', U2, 'pending', '2027-12-06T06:30:00.000Z'],
    ]);
    expect(found[0]).toMatchObject({ tenantId, teamId: TEAM, planId: 'c1', deadlineId: 'goalRevision:c1:g1', reminderId: 'goalRevision:c1:g1@2027-03-29/-14d', attempts: 0 });
    // And one escalation per deadline, a week after its due date, in working hours.
    expect((await escalations(tenantId)).map((e) => [e.value.kind, e.value.reminderId, e.value.dueAt])).toEqual([
      ['goalRevision', 'goalRevision:c1:g1@2027-03-29/+7d', '2027-04-05T05:30:00.000Z'], // Monday 07:30, summer time
      ['statusMeetingInvitation', 'statusMeetingInvitation:c1@2028-01-04/+7d', '2028-01-11T06:30:00.000Z'],
      ['statusReport', 'statusReport:c1@2028-01-04/+7d', '2028-01-11T06:30:00.000Z'],
    ]);
  });

  it('re-plans an entry when its date changes, leaves the others alone, and writes nothing for a change that moves no deadline', async () => {
    const tenantId = `t-${process.pid}-${++tenantCounter}`;
    now.value = new Date('2027-01-04T09:00:00Z');
    const created = await repos.plans.create(planFor(tenantId, now.value));
    const before = await entries(tenantId);

    now.value = new Date('2027-01-05T09:00:00Z');
    const same = await repos.plans.replace({ ...created.value, updatedAt: now.value.toISOString() }, created.etag, created.value);
    expect((await entries(tenantId)).map((e) => e.etag)).toEqual(before.map((e) => e.etag));

    const moved = ok(editGoal(same.value, 'g1', { revisionDate: '2027-04-26' }, U1, now.value));
    await repos.plans.replace(moved, same.etag, same.value);
    const after = await entries(tenantId);
    expect(after[0]!.value).toMatchObject({ reminderId: 'goalRevision:c1:g1@2027-04-26/-14d', dueAt: '2027-04-12T05:30:00.000Z', state: 'pending' }); // summer time
    expect(after.slice(1).map((e) => e.etag)).toEqual(before.slice(1).map((e) => e.etag));
  });

  it('removes the entries of a deadline that is done and of a person who is no longer its owner', async () => {
    const tenantId = `t-${process.pid}-${++tenantCounter}`;
    now.value = new Date('2027-01-04T09:00:00Z');
    const created = await repos.plans.create(planFor(tenantId, now.value));
    now.value = new Date('2027-01-06T09:00:00Z');
    const closed = ok(transitionGoal(created.value, 'g1', 'closed', U1, now.value));
    const saved = await repos.plans.replace({ ...closed, contactPersons: [U1] }, created.etag, created.value);
    expect((await entries(tenantId)).map((e) => [e.value.kind, e.value.recipientId])).toEqual([
      ['statusMeetingInvitation', U1],
      ['statusReport', U1],
    ]);
    expect((await escalations(tenantId)).map((e) => e.value.deadlineId)).toEqual(['statusMeetingInvitation:c1', 'statusReport:c1']);
    expect(planDeadlines(saved.value).map((d) => d.kind).sort()).toEqual(['statusMeetingInvitation', 'statusReport']);
  });

  it('a late upkeep from a writer that held an older version does not undo a newer one: it plans from the newest plan', async () => {
    const tenantId = `t-${process.pid}-${++tenantCounter}`;
    now.value = new Date('2027-01-04T09:00:00Z');
    const created = await repos.plans.create(planFor(tenantId, now.value));
    const withSecond = ok(addGoal(created.value, { id: 'g2', themeId: 'th1', text: 'AB handler selv ind', ownerId: U2, revisionDate: '2027-05-03' }, U1, now.value));
    await repos.plans.replace(withSecond, created.etag, created.value);
    const hasSecond = async () => (await entries(tenantId)).some((e) => e.value.deadlineId === 'goalRevision:c1:g2');
    expect(await hasSecond()).toBe(true);
    // The writer of the first version syncs late (as the repository's write path does it).
    await repos.reminders.syncPlan(created.value, async () => (await repos.plans.get(tenantId, TEAM, 'c1'))?.value);
    expect(await hasSecond()).toBe(true);
    // Ten writes at once: every one lands in the entries (syncs share runs that read the newest plan).
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => repos.reminders.syncPlan(created.value, async () => (await repos.plans.get(tenantId, TEAM, 'c1'))?.value).then(() => i)),
    );
    expect(await hasSecond()).toBe(true);
  });

  it('finds an entry in the due scan only once it is due, and never plans again a reminder already sent', async () => {
    const tenantId = `t-${process.pid}-${++tenantCounter}`;
    now.value = new Date('2027-01-04T09:00:00Z');
    const created = await repos.plans.create(planFor(tenantId, now.value));
    const mine = (list: Awaited<ReturnType<typeof repos.reminders.due>>) => list.filter((e) => e.value.tenantId === tenantId).map((e) => e.value.reminderId);
    expect(mine(await repos.reminders.due(new Date('2027-03-15T06:29:59.999Z'), 50))).toEqual([]);
    expect(mine(await repos.reminders.due(new Date('2027-03-15T06:30:00.000Z'), 50))).toEqual(['goalRevision:c1:g1@2027-03-29/-14d']);

    // The engine sent it and moved the entry on to "3 days before".
    now.value = new Date('2027-03-15T06:30:05Z');
    const entry = (await entries(tenantId))[0]!;
    const deadline = planDeadlines(created.value).find((d) => d.id === entry.value.deadlineId)!;
    await repos.reminders.replace(afterSent(entry.value, deadline, now.value, DEFAULT_REMINDER_SETTINGS), entry.etag);

    // A plan write now (the -14d lead is still the latest due) does not bring it back.
    await repos.plans.replace({ ...created.value, updatedAt: now.value.toISOString() }, created.etag, created.value);
    const after = (await entries(tenantId))[0]!.value;
    expect(after).toMatchObject({ reminderId: 'goalRevision:c1:g1@2027-03-29/-3d', lastSentReminderId: 'goalRevision:c1:g1@2027-03-29/-14d', state: 'pending', dueAt: '2027-03-26T06:30:00.000Z' });
    expect(mine(await repos.reminders.due(new Date('2027-03-20T00:00:00Z'), 50))).toEqual([]);
  });
});
