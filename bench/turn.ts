/**
 * "Save a diary entry" against an echo bot on the same restify + CloudAdapter stack, in the
 * same process and run, rounds interleaved so drift hits all alike.
 *
 * - Matched baseline: an echo bot that answers the same Action.Execute invoke with a card of
 *   the same size, and does nothing else (no store, no outbound call).
 * - Headline: the diary invoke with a cold plan cache, as for a user who takes more than the
 *   5 s it holds to write the note: the plan is read from the store, the entry and its count
 *   in the diary summary are written (the tilbud, cached for 30 s, is in memory).
 * - Beside it: with every cache off (the tilbud read as well, as for a note that took more
 *   than 30 s), with warm caches, and the Action.Submit fallback (card update sent to the stub
 *   connector) against an echo message whose reply is also sent to the connector.
 */
import { randomUUID } from 'node:crypto';
import { ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '../src/bot/adapter.js';
import { createHttpServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';
import { VERBS } from '../src/cards/verbs.js';
import { createCosmosDocumentStore } from '../src/store/cosmos/cosmos-document-store.js';
import type { DocumentStore } from '../src/store/ports.js';
import { openStore, type StoreKind } from '../test/support/stores.js';
import { spawnCosmosServer } from './cosmos-server-process.js';
import { invokeActivity, invokeCardOf, startHarness, USERS, type CardJson, type Harness } from '../test/support/e2e.js';
import { addGoal, createCitizen, firstSubGoalId } from '../test/support/flows.js';

const WARMUP = 60;
const ROUNDS = 400;

/** Echoes: a message gets a text reply (sent to the connector); an invoke gets `card` back in the response. */
class EchoBot extends ActivityHandler {
  card: CardJson = {};

  constructor() {
    super();
    this.onMessage(async (context: TurnContext, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }

  protected override async onInvokeActivity(_context: TurnContext): Promise<InvokeResponse> {
    return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: this.card } };
  }
}

async function startEcho(bot: EchoBot): Promise<{ url: string; close(): Promise<void> }> {
  const logger = createLogger({ level: 'silent' });
  const adapter = createAdapter({ authTimeoutMs: 4000, connectorBudgetMs: 4000 }, logger);
  const server = createHttpServer({ adapter, bot, logger, checkReady: async () => ({ store: 'none' }) });
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

async function prepare(h: Harness, alias: string): Promise<{ teamId: string; citizenId: string; goalId: string }> {
  const ids = await createCitizen(h, USERS.anna, alias);
  await addGoal(h, USERS.anna, ids, { themeId: 'th1', goalText: 'BM laver selv morgenmad hver dag', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-06-01' });
  await addGoal(h, USERS.anna, ids, { sub: true, goalText: 'BM tænder selv for kaffemaskinen hver morgen', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-03-01' });
  return { ...ids, goalId: await firstSubGoalId(h, USERS.anna, ids) };
}

type Series = 'echoInvoke' | 'cold' | 'coldAll' | 'warm' | 'echoMessage' | 'submit';

/** The embedded store on a temp dir; Cosmos on the local server in a process of its own (see cosmos-server-process.ts). */
async function open(kind: StoreKind): Promise<{ store: DocumentStore; cleanup(): Promise<void> }> {
  if (kind === 'embedded') return openStore(kind);
  const server = await spawnCosmosServer();
  const store = await createCosmosDocumentStore({ endpoint: server.endpoint, key: server.key, database: 'bench', container: 'refleks' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await server.close();
    },
  };
}

async function measure(kind: StoreKind): Promise<Record<Series, Stats> & { cardBytes: number }> {
  const opened = await open(kind);
  const now = new Date();
  // Three apps on the one store: the plan cache off (every turn reads the plan), every cache off, and all on.
  const cold = await startHarness({ store: opened.store, env: { LOG_LEVEL: 'info' }, now, keepLogs: false, repositories: { planCacheMs: 0 } });
  const coldAll = await startHarness({ store: opened.store, env: { LOG_LEVEL: 'info' }, now, keepLogs: false, repositories: { institutionCacheMs: 0, planCacheMs: 0 } });
  const warm = await startHarness({ store: opened.store, env: { LOG_LEVEL: 'info' }, now, keepLogs: false });
  const echoBot = new EchoBot();
  const echo = await startEcho(echoBot);
  try {
    await cold.setupTeam(USERS.anna);
    // Each app logs for a citizen of its own, as one instance serves a citizen's staff (apps on
    // one citizen would be several instances racing for its diary summary on every turn).
    const citizens = new Map<Harness, { teamId: string; citizenId: string; goalId: string }>();
    for (const [i, h] of [cold, coldAll, warm].entries()) citizens.set(h, await prepare(cold, `B${i}`));
    let n = 0;
    const payload = (h: Harness = cold) => ({ ...citizens.get(h)!, target: 'subGoal', submissionId: randomUUID(), score: String(n++ % 5), note: 'Benchmark-notat: morgenrutinen gik fint.', intervention: '', externalActors: '' });
    // The echo answers with the very card a diary save answers with.
    echoBot.card = invokeCardOf(await cold.invoke(USERS.anna, VERBS.diarySave, payload()));
    const cardBytes = Buffer.byteLength(JSON.stringify(echoBot.card));
    const post = async (url: string, body: unknown): Promise<{ status: number; text: string }> => {
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    };
    const echoInvoke = async (): Promise<void> => {
      const { status, text } = await post(echo.url, invokeActivity(cold.connector.url, USERS.anna, VERBS.diarySave, payload()));
      if (status !== 200 || !text.includes('adaptive')) throw new Error(`echo invoke ${status}`);
    };
    const echoMessage = async (): Promise<void> => {
      const before = cold.connector.sent.length;
      const { status } = await post(echo.url, {
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: cold.connector.url,
        text: 'hej',
        from: { id: USERS.anna.id, aadObjectId: USERS.anna.aadObjectId },
        recipient: { id: '28:echo' },
        conversation: { id: 'a:echo', conversationType: 'personal', tenantId: USERS.anna.tenantId },
      });
      if (status !== 200 || cold.connector.sent.length !== before + 1) throw new Error(`echo message ${status}`);
    };
    const diary = (h: Harness) => async (): Promise<void> => {
      invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, payload(h)));
    };
    const submit = async (): Promise<void> => {
      const before = warm.connector.sent.length;
      const { status } = await warm.submit(USERS.anna, { ...payload(warm), verb: VERBS.diarySave }, 'bench-card');
      if (status !== 200 || warm.connector.sent.length !== before + 1) throw new Error('diary submit turn did not answer');
    };
    const turns: Record<Series, () => Promise<void>> = { echoInvoke, cold: diary(cold), coldAll: diary(coldAll), warm: diary(warm), echoMessage, submit };
    const series = Object.keys(turns) as Series[];
    for (let i = 0; i < WARMUP; i++) for (const s of series) await turns[s]();
    const samples = Object.fromEntries(series.map((s) => [s, [] as number[]])) as Record<Series, number[]>;
    for (let i = 0; i < ROUNDS; i++) {
      for (const s of series) samples[s].push(await timed(turns[s]));
      if (cold.connector.sent.length > 1000) cold.connector.clear();
      if (warm.connector.sent.length > 1000) warm.connector.clear();
    }
    return { ...(Object.fromEntries(series.map((s) => [s, stats(samples[s])])) as Record<Series, Stats>), cardBytes };
  } finally {
    await echo.close();
    await cold.close();
    await coldAll.close();
    await warm.close();
    await opened.cleanup();
  }
}

const fmt = (x: number): string => x.toFixed(2);

export async function runTurnBenchmark(): Promise<void> {
  const results = { embedded: await measure('embedded'), cosmos: await measure('cosmos') };
  for (const kind of ['embedded', 'cosmos'] as const) {
    const r = results[kind];
    console.log(
      `${kind.padEnd(8)} matched echo invoke (${r.cardBytes} B card) p50 ${fmt(r.echoInvoke.p50)} ms | diary invoke, plan cache cold: p50 ${fmt(r.cold.p50)} ms p99 ${fmt(r.cold.p99)} ms (${fmt(r.cold.p50 / r.echoInvoke.p50)}x) | every cache cold ${fmt(r.coldAll.p50)} ms (${fmt(r.coldAll.p50 / r.echoInvoke.p50)}x) | warm ${fmt(r.warm.p50)} ms (${fmt(r.warm.p50 / r.echoInvoke.p50)}x)`,
    );
    console.log(`${kind.padEnd(8)} Action.Submit fallback p50 ${fmt(r.submit.p50)} ms vs echo message → connector ${fmt(r.echoMessage.p50)} ms (${fmt(r.submit.p50 / r.echoMessage.p50)}x)`);
  }
  // The headline: the Action.Execute turn as Teams makes it, caches cold, against the matched echo.
  console.log(`diary-turn p50 ratio vs echo: ${fmt(results.embedded.cold.p50 / results.embedded.echoInvoke.p50)} embedded, ${fmt(results.cosmos.cold.p50 / results.cosmos.echoInvoke.p50)} cosmos`);
}
