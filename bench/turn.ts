/**
 * "Save a diary entry" turn vs an echo bot, on the same restify + CloudAdapter stack, in
 * the same process and run. Echo: a message in → the reply at the stub Bot Connector.
 * Diary: the Action.Execute invoke in → the confirmation card back (Teams shows the invoke
 * response), and the Action.Submit fallback in → the card update at the stub connector.
 * Every diary turn writes a new entry (a fresh submission id). Rounds alternate echo and
 * diary so drift hits both alike.
 */
import { randomUUID } from 'node:crypto';
import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '../src/bot/adapter.js';
import { createHttpServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';
import { VERBS } from '../src/cards/verbs.js';
import { openStore, type StoreKind } from '../test/support/stores.js';
import { invokeCardOf, startHarness, USERS, type Harness } from '../test/support/e2e.js';
import { addGoal, createCitizen, firstSubGoalId } from '../test/support/flows.js';

const WARMUP = 60;
const ROUNDS = 400;

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context: TurnContext, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

async function startEcho(): Promise<{ url: string; close(): Promise<void> }> {
  const logger = createLogger({ level: 'silent' });
  const adapter = createAdapter({ authTimeoutMs: 4000 }, logger);
  const server = createHttpServer({ adapter, bot: new EchoBot(), logger, checkReady: async () => ({ store: 'none' }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

interface Stats {
  p50: number;
  p99: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function prepare(h: Harness): Promise<{ teamId: string; citizenId: string; goalId: string }> {
  await h.setupTeam(USERS.anna);
  const ids = await createCitizen(h, USERS.anna, 'BM');
  await addGoal(h, USERS.anna, ids, { themeId: 'th1', goalText: 'BM laver selv morgenmad hver dag', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-06-01' });
  await addGoal(h, USERS.anna, ids, { sub: true, goalText: 'BM tænder selv for kaffemaskinen hver morgen', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-03-01' });
  return { ...ids, goalId: await firstSubGoalId(h, USERS.anna, ids) };
}

async function measure(kind: StoreKind): Promise<{ echo: Stats; submit: Stats; invoke: Stats }> {
  const opened = await openStore(kind);
  const h = await startHarness({ store: opened.store, env: { LOG_LEVEL: 'info' }, now: new Date(), keepLogs: false });
  const echo = await startEcho();
  try {
    const ids = await prepare(h);
    const echoActivity = () => ({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      text: 'hej',
      from: { id: USERS.anna.id, aadObjectId: USERS.anna.aadObjectId },
      recipient: { id: '28:echo' },
      conversation: { id: 'a:echo', conversationType: 'personal', tenantId: USERS.anna.tenantId },
    });
    const echoTurn = async (): Promise<void> => {
      const res = await fetch(`${echo.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(echoActivity()) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`echo ${res.status}`);
    };
    let n = 0;
    const payload = () => ({ ...ids, target: 'subGoal', submissionId: randomUUID(), score: String(n++ % 5), note: 'Benchmark-notat: morgenrutinen gik fint.', intervention: '', externalActors: '' });
    const submitTurn = async (): Promise<void> => {
      const before = h.connector.sent.length;
      const { status } = await h.submit(USERS.anna, { ...payload(), verb: VERBS.diarySave }, 'bench-card');
      if (status !== 200 || h.connector.sent.length !== before + 1) throw new Error('diary submit turn did not answer');
    };
    const invokeTurn = async (): Promise<void> => {
      invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, payload()));
    };
    for (let i = 0; i < WARMUP; i++) {
      await echoTurn();
      await submitTurn();
      await invokeTurn();
    }
    h.connector.clear();
    const samples = { echo: [] as number[], submit: [] as number[], invoke: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      samples.echo.push(await timed(echoTurn));
      samples.submit.push(await timed(submitTurn));
      samples.invoke.push(await timed(invokeTurn));
      if (h.connector.sent.length > 1000) h.connector.clear();
    }
    return { echo: stats(samples.echo), submit: stats(samples.submit), invoke: stats(samples.invoke) };
  } finally {
    await echo.close();
    await h.close();
    await opened.cleanup();
  }
}

const fmt = (x: number): string => x.toFixed(2);

export async function runTurnBenchmark(): Promise<void> {
  const results: Record<StoreKind, { echo: Stats; submit: Stats; invoke: Stats }> = {
    embedded: await measure('embedded'),
    cosmos: await measure('cosmos'),
  };
  for (const kind of ['embedded', 'cosmos'] as const) {
    const r = results[kind];
    console.log(
      `${kind.padEnd(8)} echo p50 ${fmt(r.echo.p50)} ms p99 ${fmt(r.echo.p99)} ms | diary (submit→connector) p50 ${fmt(r.submit.p50)} ms p99 ${fmt(r.submit.p99)} ms | diary (invoke→card) p50 ${fmt(r.invoke.p50)} ms p99 ${fmt(r.invoke.p99)} ms`,
    );
    console.log(`${kind.padEnd(8)} ratios vs echo: submit p50 ${fmt(r.submit.p50 / r.echo.p50)} p99 ${fmt(r.submit.p99 / r.echo.p99)} · invoke p50 ${fmt(r.invoke.p50 / r.echo.p50)} p99 ${fmt(r.invoke.p99 / r.echo.p99)}`);
  }
  // The headline is the Action.Execute turn, the way Teams saves a diary entry: the
  // confirmation card is the invoke's response. The Action.Submit fallback (card update sent
  // to the connector) is printed above.
  console.log(`diary-turn p50 ratio vs echo: ${fmt(results.embedded.invoke.p50 / results.embedded.echo.p50)} embedded, ${fmt(results.cosmos.invoke.p50 / results.cosmos.echo.p50)} cosmos`);
}
