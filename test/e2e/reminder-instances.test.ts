/**
 * Three reminder engines as three separate processes (`npm run reminders`, i.e.
 * scripts/reminders.ts without --once, on a short REMINDER_INTERVAL_MS) on one Cosmos store: the
 * local Cosmos server started in this process on 127.0.0.1, reached by the children through
 * COSMOS_ENDPOINT / COSMOS_KEY / COSMOS_DATABASE, each delivering through the stub Bot
 * Connector (the service URL of the stored conversation references).
 *
 * The plans are written through the repositories, so their reminder entries are the ones the
 * plan write path keeps: a plan without a formål has its "formål mangler" reminder due at once
 * (quiet hours off, weekends sent, as the children are configured), one recipient per plan.
 *
 * - All three running: every due reminder arrives exactly once, none is lost, every entry is
 *   marked sent (moved on to its repetition 14 days later).
 * - One killed with SIGKILL while its sends are in flight (the stub connector holds its answers):
 *   the other two finish; every reminder arrives at least once, and the duplicates are at most
 *   the requests the killed process had open (the stub connector sees exactly those: the requests
 *   whose client went away before the answer), each of them one of those reminders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan } from '../../src/domain/plan.js';
import { reminderEntryId } from '../../src/domain/reminder-outbox.js';
import { createCosmosDocumentStore } from '../../src/store/cosmos/cosmos-document-store.js';
import type { DocumentStore } from '../../src/store/ports.js';
import { ENGINE_PARTITION } from '../../src/store/reminder-repository.js';
import { createRepositories, type Repositories } from '../../src/store/repositories.js';
import { startCosmosServer, type LocalCosmos } from '../support/cosmos-server.js';
import { spawnTs, type Child } from '../support/processes.js';
import { startStubConnector, type RecordedActivity, type StubConnector } from '../support/stub-connector.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const TENANT = 'c1b2c3d4-0000-4000-8000-0000000000c1';
const TEAM = '19:instances-team@thread.tacv2';
const CLAIM_TIMEOUT_MS = 4000;
const LEASE_MS = 3000;

interface Seeded {
  planId: string;
  recipientId: string;
  conversationId: string;
  /** The reminder due at the seed (the one to deliver). */
  reminderId: string;
}

/** Waits, in steps, until `check` holds; throws (naming `what`) after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('three reminder engines as separate processes on one Cosmos store', () => {
  let cosmos: LocalCosmos;
  let store: DocumentStore;
  let repos: Repositories;
  let connector: StubConnector;
  let cwd: string;
  const database = `refleks-instances-${process.pid}`;
  const children: Child[] = [];

  beforeAll(async () => {
    cosmos = await startCosmosServer();
    store = await createCosmosDocumentStore({ endpoint: cosmos.endpoint, key: cosmos.key, database, container: 'refleks' });
    repos = createRepositories(store, { institutionCacheMs: 0, reminderDefaults: { quietHours: 'off', weekends: 'send' } });
    connector = await startStubConnector();
    cwd = await makeTempDir('refleks-instances-');
  });

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited(10_000).catch(() => undefined)));
    await store?.close();
    await connector?.close();
    await cosmos?.close();
    if (cwd) await removeTempDir(cwd);
  });

  /** `count` plans, each with one recipient who has a personal conversation at the stub connector: one reminder due each. */
  async function seed(prefix: string, count: number): Promise<Seeded[]> {
    const seeded: Seeded[] = [];
    for (let i = 0; i < count; i++) {
      // Made a day before the real clock: the formål reminder (on the day, at the 07:30 send time) is due at any hour.
      const now = new Date(Date.now() - 24 * 60 * 60 * 1000);
      const recipientId = `aad-${prefix}-${i}`;
      const conversationId = `a:personal-${recipientId}`;
      await repos.users.putConversationRef({ tenantId: TENANT, aadObjectId: recipientId, conversationId, conversationType: 'personal', serviceUrl: connector.url, channelId: 'msteams', updatedAt: now.toISOString() });
      const made = createPlan({ id: `${prefix}-${i}`, tenantId: TENANT, teamId: TEAM, alias: `${prefix.toUpperCase()} ${i}`, targetGroup: 'adult', contactPersons: [recipientId], actorId: recipientId }, now);
      if (!made.ok) throw new Error(`plan refused: ${JSON.stringify(made.errors)}`);
      await repos.plans.create(made.value);
      const entry = await repos.reminders.get(TENANT, TEAM, reminderEntryId(`purposeMissing:${made.value.id}`, recipientId));
      if (!entry || entry.value.state !== 'pending' || Date.parse(entry.value.dueAt!) > Date.now()) throw new Error(`no due reminder entry for ${made.value.id}`);
      seeded.push({ planId: made.value.id, recipientId, conversationId, reminderId: entry.value.reminderId });
    }
    return seeded;
  }

  function startEngines(count: number): Child[] {
    const started = Array.from({ length: count }, () =>
      spawnTs('scripts/reminders.ts', [], {
        cwd,
        env: {
          ...process.env,
          COSMOS_ENDPOINT: cosmos.endpoint,
          COSMOS_KEY: cosmos.key,
          COSMOS_DATABASE: database,
          COSMOS_CONTAINER: 'refleks',
          MicrosoftAppId: '',
          LOG_LEVEL: 'info',
          REMINDER_INTERVAL_MS: '100',
          REMINDER_RATE_PER_SECOND: '50',
          REMINDER_CLAIM_TIMEOUT_MS: String(CLAIM_TIMEOUT_MS),
          REMINDER_LEASE_MS: String(LEASE_MS),
          REMINDER_QUIET_HOURS: 'off',
          REMINDER_WEEKENDS: 'send',
        },
      }),
    );
    children.push(...started);
    return started;
  }

  /** The engine instance id a child logged at start. */
  function instanceOf(child: Child): string | undefined {
    return /"instance":"([^"]+)","msg":"reminder engine running"/.exec(child.stderr())?.[1] ?? /"msg":"reminder engine running"[^\n]*"instance":"([^"]+)"/.exec(child.stderr())?.[1];
  }

  /** Every seeded entry delivered and moved on: none left due within the next day (the repetition is 14 days on). */
  async function nothingDue(): Promise<boolean> {
    return (await repos.reminders.due(new Date(Date.now() + 86_400_000), 1)).length === 0;
  }

  async function stopAll(engines: Child[]): Promise<void> {
    const running = engines.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    for (const child of running) child.process.kill('SIGTERM');
    for (const child of running) expect((await child.exited(20_000)).code, child.stderr()).toBe(0);
  }

  function arrivalsPer(seeded: Seeded[], records: readonly RecordedActivity[]): Map<string, number> {
    const counts = new Map(seeded.map((s) => [s.conversationId, 0]));
    for (const r of records) if (r.method === 'POST' && counts.has(r.conversationId)) counts.set(r.conversationId, counts.get(r.conversationId)! + 1);
    return counts;
  }

  async function expectAllSent(seeded: Seeded[]): Promise<void> {
    for (const s of seeded) {
      const entry = (await repos.reminders.get(TENANT, TEAM, reminderEntryId(`purposeMissing:${s.planId}`, s.recipientId)))?.value;
      expect(entry, s.planId).toMatchObject({ state: 'pending', lastSentReminderId: s.reminderId, attempts: 0 });
      expect(entry!.claimedBy, s.planId).toBeUndefined();
      expect(entry!.reminderId, s.planId).not.toBe(s.reminderId);
    }
  }

  it('all three running at once: every due reminder arrives exactly once, none is lost, every entry is marked sent', async () => {
    const seeded = await seed('a', 90);
    connector.clear();
    const engines = startEngines(3);
    await until('every reminder delivered and its entry saved', 45_000, async () => {
      for (const child of engines) if (child.process.exitCode !== null) throw new Error(`an engine exited: ${child.stderr()}`);
      return (await nothingDue()) && [...arrivalsPer(seeded, connector.attempts).values()].every((n) => n >= 1);
    });
    // Every instance is up and competing for the lease (each logged its start).
    await until('every engine started', 20_000, () => engines.every((c) => instanceOf(c) !== undefined));
    // A few more passes of all three: still nothing more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stopAll(engines);

    const counts = arrivalsPer(seeded, connector.attempts);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(connector.attempts.filter((r) => r.method === 'POST')).toHaveLength(seeded.length);
    expect(connector.aborted).toEqual([]);
    await expectAllSent(seeded);
    // What the passes reported adds up to the same: 90 sent over the three processes, none failed.
    const passes = engines.flatMap((c) => c.stderr().split('\n').filter((l) => l.includes('"msg":"reminder pass"')).map((l) => JSON.parse(l) as { sent: number; failed: number }));
    expect(passes.reduce((sum, p) => sum + p.sent, 0)).toBe(seeded.length);
    expect(passes.reduce((sum, p) => sum + p.failed, 0)).toBe(0);
  }, 90_000);

  it('one killed with SIGKILL while its sends are in flight: the others finish; every reminder arrives, duplicates at most the requests it had open', async () => {
    const seeded = await seed('k', 120);
    connector.clear();
    // A slow connector, so that several sends are in flight at any moment.
    connector.delayMs = 150;
    const engines = startEngines(3);
    await until('the first deliveries', 45_000, () => connector.sent.length >= 15);
    // From now on nothing is answered: the sends in flight stay in flight.
    connector.hold();
    // Every send already answered is saved as sent (so none is between its answer and its save).
    await until('the answered sends saved', 10_000, async () => {
      const answered = new Set(connector.sent.map((r) => r.conversationId));
      for (const s of seeded) {
        if (!answered.has(s.conversationId)) continue;
        const entry = (await repos.reminders.get(TENANT, TEAM, reminderEntryId(`purposeMissing:${s.planId}`, s.recipientId)))?.value;
        if (entry?.lastSentReminderId !== s.reminderId) return false;
      }
      return true;
    });
    await until('sends held in flight', 10_000, () => connector.open() > 0);
    // The instance scanning now (the lease holder) is the one sending: kill it.
    const lease = await store.read(ENGINE_PARTITION, 'lease');
    const holder = String(lease?.doc['holder']);
    const victim = engines.find((c) => instanceOf(c) === holder);
    expect(victim, `lease holder ${holder}`).toBeDefined();
    const killedAt = Date.now();
    victim!.process.kill('SIGKILL');
    expect((await victim!.exited(10_000)).signal).toBe('SIGKILL');
    // The killed process's connections are gone: its open requests are the aborted ones.
    await until('the killed process’s requests closed', 10_000, () => connector.aborted.length > 0);
    connector.release();
    connector.delayMs = 0;

    const survivors = engines.filter((c) => c !== victim);
    await until('every reminder delivered and its entry saved by the survivors', 45_000, async () => {
      for (const child of survivors) if (child.process.exitCode !== null) throw new Error(`an engine exited: ${child.stderr()}`);
      return (await nothingDue()) && [...arrivalsPer(seeded, connector.attempts).values()].every((n) => n >= 1);
    });
    await stopAll(survivors);

    const inFlight = connector.aborted;
    // Those were open at the kill: they had arrived before it, each a different reminder.
    expect(inFlight.every((r) => r.at! <= killedAt)).toBe(true);
    expect(new Set(inFlight.map((r) => r.conversationId)).size).toBe(inFlight.length);
    const counts = arrivalsPer(seeded, connector.attempts);
    // Nothing lost.
    expect([...counts.entries()].filter(([, n]) => n < 1)).toEqual([]);
    // Duplicates: at most one per request in flight at the kill, and only for those reminders.
    const duplicated = [...counts.entries()].filter(([, n]) => n > 1);
    const duplicates = duplicated.reduce((sum, [, n]) => sum + n - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(inFlight.length);
    const openAtKill = new Set(inFlight.map((r) => r.conversationId));
    expect(duplicated.filter(([conversation]) => !openAtKill.has(conversation))).toEqual([]);
    await expectAllSent(seeded);
    console.info(`reminder-instances: ${inFlight.length} requests in flight at the kill, ${duplicates} duplicates, ${seeded.length} reminders`);
  }, 90_000);
});
