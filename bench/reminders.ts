/**
 * `npm run bench -- reminders`: the reminder engine's delivery rate and its due scan.
 *
 * 1. Rate: 10,000 due reminders (10,000 plans without a formål, "formål mangler" due at once,
 *    each to its own recipient: distinct conversations, so the 1 message/s per conversation is
 *    not what binds) delivered by the real engine through the real proactive sender and adapter
 *    to the stub Bot Connector in this process (real HTTP on loopback), on the embedded store.
 *    The baseline is the engine's own ceiling (`ratePerSecond`, set for the run): the figure is
 *    delivered/s over the whole run (scans, claims, checks, sends, saves) divided by the ceiling;
 *    target ≥ 0.95. Duplicates are counted from the connector's records (target 0).
 * 2. Due scan: `repos.reminders.due(now, pageSize)` (the engine's scan, one page) on an embedded
 *    store holding the entries of 100,000 plans against one holding those of 1,000 plans, each
 *    with the same 100 reminders due; median of repeated scans, the two stores alternated in
 *    each round; ratio 100k/1k, target ≤ 1.2.
 *    The 100 due entries are written by real plan writes (the plan repository's upkeep). The
 *    others are what the plan repository's upkeep writes for a plan with its formål and a goal
 *    (goal revision, status til myndighed, statusmøde invitation, each for its recipient, due
 *    in the months ahead), computed by the same domain functions (`planDeadlines`,
 *    `desiredEntries`, `planEntry`) and written in bulk (`createMany`, checked against their
 *    schema like every write): writing 100,000 plans one by one would take minutes and the scan
 *    reads only the entries. A fifth of them are entries with nothing further to do (sent,
 *    no `dueAt`), as a store in use holds.
 *
 * The last line printed is `reminders rate ratio: <r>, duplicates: <d>, scan ratio 100k/1k: <s>`.
 * BENCH_REMINDERS (10000), BENCH_REMINDER_RATE (300), BENCH_SCAN_PLANS (100000) scale it.
 */
import { loadConfig } from '../src/config/config.js';
import { adapterSettingsOf, createReminderSender } from '../src/app.js';
import { createAdapter } from '../src/bot/adapter.js';
import { createLogger } from '../src/logger.js';
import { planDeadlines, resolveReminderSettings } from '../src/domain/deadlines.js';
import { addGoal, createPlan, recordPurpose } from '../src/domain/plan.js';
import type { Plan } from '../src/domain/model.js';
import { desiredEntries, planEntry, reminderEntryId, type ReminderEntry } from '../src/domain/reminder-outbox.js';
import { ReminderEngine } from '../src/reminders/engine.js';
import { partitionKeys, type StoredDocument } from '../src/store/ports.js';
import { createRepositories, type Repositories } from '../src/store/repositories.js';
import { openStore, type OpenedStore } from '../test/support/stores.js';
import { startStubConnector } from '../test/support/stub-connector.js';

const REMINDERS = Number(process.env['BENCH_REMINDERS'] ?? 10_000);
const RATE = Number(process.env['BENCH_REMINDER_RATE'] ?? 300);
const SCAN_PLANS = Number(process.env['BENCH_SCAN_PLANS'] ?? 100_000);
const SCAN_SMALL = 1_000;
const DUE = 100;
const SCAN_ROUNDS = 200;
const TENANT = 'd1b2c3d4-0000-4000-8000-0000000000d1';
const PLANS_PER_TEAM = 100;
const QUIET_OFF = { quietHours: 'off', weekends: 'send' } as const;

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const teamOf = (i: number): string => `19:bench-team-${Math.floor(i / PLANS_PER_TEAM)}@thread.tacv2`;

/** A plan without a formål for one recipient, written through the plan repository: its reminder is due now. */
async function writeDuePlan(repos: Repositories, i: number, prefix: string, serviceUrl?: string): Promise<void> {
  const now = new Date();
  const recipientId = `aad-${prefix}-${i}`;
  if (serviceUrl) {
    await repos.users.putConversationRef({ tenantId: TENANT, aadObjectId: recipientId, conversationId: `a:personal-${recipientId}`, conversationType: 'personal', serviceUrl, channelId: 'msteams', updatedAt: now.toISOString() });
  }
  await repos.plans.create(ok(createPlan({ id: `${prefix}-${i}`, tenantId: TENANT, teamId: teamOf(i), alias: `B ${i}`, targetGroup: 'adult', contactPersons: [recipientId], actorId: recipientId }, now)));
}

async function measureRate(): Promise<{ ratio: number; duplicates: number; perSecond: number }> {
  const opened = await openStore('embedded');
  const connector = await startStubConnector();
  // Warnings (a send that failed and is retried later) are counted by their code, as the bench's output.
  const warnings = new Map<string, number>();
  const logger = createLogger({
    level: 'warn',
    destination: {
      write(line: string) {
        const { msg, code } = JSON.parse(line) as { msg?: string; code?: string };
        const key = `${msg ?? '?'}${code ? ` (${code})` : ''}`;
        warnings.set(key, (warnings.get(key) ?? 0) + 1);
      },
    },
  });
  try {
    const config = loadConfig({ REMINDER_QUIET_HOURS: 'off', REMINDER_WEEKENDS: 'send', LOG_LEVEL: 'silent' });
    const repos = createRepositories(opened.store, { reminderDefaults: QUIET_OFF });
    const seedStart = Date.now();
    for (let i = 0; i < REMINDERS; i++) await writeDuePlan(repos, i, 'r', connector.url);
    process.stdout.write(`rate: ${REMINDERS} plans with a due reminder written in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);
    const adapter = createAdapter(adapterSettingsOf(config), logger);
    // A send that fails (the connector's answer lost) is retried after a short backoff here, so
    // that the run ends with everything delivered; the retries' wait counts in the time.
    const engine = new ReminderEngine({ repos, sender: createReminderSender(config, logger, repos, adapter), logger, settings: { ratePerSecond: RATE, backoffBaseMs: 200, backoffMaxMs: 1000 } });
    const start = process.hrtime.bigint();
    let sent = 0;
    const giveUpAt = Date.now() + 120_000;
    for (let pass = 0; sent < REMINDERS && Date.now() < giveUpAt; pass++) {
      const summary = await engine.runOnce();
      sent += summary.sent;
      if (summary.failed > 0 || summary.deferred > 0) process.stdout.write(`rate: pass ${pass}: ${JSON.stringify(summary)}\n`);
      if (sent < REMINDERS && summary.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    for (const [what, count] of warnings) process.stdout.write(`rate: logged ${count}× "${what}"\n`);
    await engine.stop();
    const perConversation = new Map<string, number>();
    for (const r of connector.attempts) if (r.method === 'POST') perConversation.set(r.conversationId, (perConversation.get(r.conversationId) ?? 0) + 1);
    const duplicates = [...perConversation.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const delivered = perConversation.size;
    const perSecond = delivered / seconds;
    process.stdout.write(`rate: ${delivered} of ${REMINDERS} delivered in ${seconds.toFixed(2)} s: ${perSecond.toFixed(1)}/s against a ceiling of ${RATE}/s; ${duplicates} duplicates\n`);
    if (delivered !== REMINDERS) throw new Error(`only ${delivered} of ${REMINDERS} reminders delivered`);
    return { ratio: perSecond / RATE, duplicates, perSecond };
  } finally {
    await connector.close();
    await opened.cleanup();
  }
}

/** The entries the plan repository's upkeep keeps for a plan with its formål and one goal (nothing due now). */
function templateEntries(now: Date): ReminderEntry[] {
  const made = ok(createPlan({ id: 'tpl', tenantId: TENANT, teamId: teamOf(0), alias: 'TP', targetGroup: 'adult', contactPersons: ['aad-tpl'], actorId: 'aad-tpl' }, now));
  const withPurpose = ok(recordPurpose(made, { id: 'p1', text: 'Egen bolig', receivedOn: now.toISOString().slice(0, 10) }, 'aad-tpl', now));
  const revision = new Date(now.getTime() + 120 * 86_400_000).toISOString().slice(0, 10);
  const plan: Plan = ok(addGoal(withPurpose, { id: 'g1', themeId: 'th1', text: 'TP laver selv mad', ownerId: 'aad-tpl', revisionDate: revision }, 'aad-tpl', now));
  const settings = resolveReminderSettings(QUIET_OFF, {});
  const out: ReminderEntry[] = [];
  for (const { deadline, recipientId } of desiredEntries(planDeadlines(plan)).values()) {
    const change = planEntry(deadline, recipientId, undefined, now, settings);
    if (change.kind === 'write') out.push(change.entry);
  }
  if (out.length === 0 || out.some((e) => e.dueAt === undefined || Date.parse(e.dueAt) <= now.getTime())) throw new Error('template entries: expected only entries due later');
  return out;
}

/** Plan i's entries: the template's with plan i's ids (the deadline ids name the plan). */
function entriesOfPlan(template: readonly ReminderEntry[], i: number): StoredDocument[] {
  const planId = `s-${i}`;
  const recipientId = `aad-s-${i % 500}`;
  const teamId = teamOf(i);
  return template.map((e, k) => {
    const deadlineId = e.deadlineId.replace(':tpl', `:${planId}`);
    const base: ReminderEntry = { ...e, teamId, planId, deadlineId, recipientId, reminderId: e.reminderId.replace(':tpl', `:${planId}`) };
    // A fifth: nothing further to do (sent, out of the due scan).
    const { dueAt: _dueAt, ...done } = base;
    const entry: ReminderEntry = (i * template.length + k) % 5 === 0 ? { ...done, state: 'sent', lastSentReminderId: base.reminderId, sentAt: base.updatedAt } : base;
    return { ...entry, id: reminderEntryId(deadlineId, recipientId), pk: partitionKeys.institution(TENANT, teamId), type: 'reminder' };
  });
}

async function scanStore(plans: number): Promise<{ opened: OpenedStore; repos: Repositories; entries: number }> {
  const opened = await openStore('embedded');
  const repos = createRepositories(opened.store, { reminderDefaults: QUIET_OFF });
  const template = templateEntries(new Date());
  let entries = 0;
  const batch: StoredDocument[] = [];
  for (let i = 0; i < plans; i++) {
    batch.push(...entriesOfPlan(template, i));
    if (batch.length >= 5_000 || i === plans - 1) {
      await opened.store.createMany(batch);
      entries += batch.length;
      batch.length = 0;
    }
  }
  for (let i = 0; i < DUE; i++) await writeDuePlan(repos, i, 'due');
  return { opened, repos, entries: entries + DUE };
}

async function measureScan(): Promise<number> {
  const seedStart = Date.now();
  const small = await scanStore(SCAN_SMALL);
  const large = await scanStore(SCAN_PLANS);
  process.stdout.write(`scan: ${small.entries} and ${large.entries} reminder entries written in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);
  try {
    const now = new Date();
    for (const s of [small, large]) {
      const due = await s.repos.reminders.due(now, DUE);
      if (due.length !== DUE) throw new Error(`scan: expected ${DUE} due, found ${due.length}`);
    }
    const times: Record<'small' | 'large', number[]> = { small: [], large: [] };
    const scanOnce = async (repos: Repositories): Promise<number> => {
      const start = process.hrtime.bigint();
      await repos.reminders.due(now, DUE);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let round = 0; round < 20; round++) {
      await scanOnce(small.repos);
      await scanOnce(large.repos);
    }
    for (let round = 0; round < SCAN_ROUNDS; round++) {
      // Alternate which goes first, so neither always follows the other.
      if (round % 2 === 0) {
        times.small.push(await scanOnce(small.repos));
        times.large.push(await scanOnce(large.repos));
      } else {
        times.large.push(await scanOnce(large.repos));
        times.small.push(await scanOnce(small.repos));
      }
    }
    const s = median(times.small);
    const l = median(times.large);
    process.stdout.write(`scan: due(now, ${DUE}) median ${s.toFixed(3)} ms with ${SCAN_SMALL.toLocaleString('en')} plans' entries, ${l.toFixed(3)} ms with ${SCAN_PLANS.toLocaleString('en')}: ${(l / s).toFixed(2)}×\n`);
    return l / s;
  } finally {
    await small.opened.cleanup();
    await large.opened.cleanup();
  }
}

export async function runRemindersBenchmark(): Promise<void> {
  const rate = await measureRate();
  const scan = await measureScan();
  process.stdout.write(`reminders rate ratio: ${rate.ratio.toFixed(2)}, duplicates: ${rate.duplicates}, scan ratio 100k/1k: ${scan.toFixed(2)}\n`);
}
