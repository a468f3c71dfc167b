/**
 * The latency side of `npm run bench -- scale`, run as a child process:
 *
 * - `latency embedded <emptyDir> <oldDir>`: starts two apps in this process, one per data dir,
 *   and alternates the same requests between them, so drift hits both alike; reports the p50
 *   of each request and the documents read per plan card.
 * - `latency cosmos <citizens> <days>`: the same on the local Cosmos server, with both data sets
 *   built here (the server keeps its data in memory).
 *
 * The last stdout line is a JSON object.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { VERBS } from '../src/cards/verbs.js';
import { createEmbeddedDocumentStore } from '../src/store/embedded/embedded-document-store.js';
import type { DocumentStore } from '../src/store/ports.js';
import { CountingStore } from '../test/support/counting-store.js';
import { invokeCardOf, startHarness, TEAM_ID, USERS, type Harness } from '../test/support/e2e.js';
import { buildTilbud, CITIZENS, SCALE_NOW } from './scale-data.js';

function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

const citizenId = (c: number): string => `cit-${String(c).padStart(4, '0')}`;

/** One request of the workload: a plan card, an evaluation of a goal, or a diary save. */
type Kind = 'plan' | 'evaluation' | 'diary';

async function request(h: Harness, kind: Kind, c: number, n: number): Promise<void> {
  const ids = { teamId: TEAM_ID, citizenId: citizenId(c) };
  if (kind === 'plan') {
    invokeCardOf(await h.invoke(USERS.anna, VERBS.planShow, ids));
  } else if (kind === 'evaluation') {
    invokeCardOf(await h.invoke(USERS.anna, VERBS.evalOpen, { ...ids, goalId: `g${1 + (n % 2)}-${ids.citizenId}` }));
  } else {
    const card = invokeCardOf(
      await h.invoke(USERS.anna, VERBS.diarySave, { ...ids, target: 'subGoal', goalId: `s${1 + (n % 5)}-${ids.citizenId}`, submissionId: randomUUID(), score: String(n % 5), note: 'Benchmark: morgenrutinen gik fint med lidt guidning.', intervention: '', externalActors: '' }),
    );
    if (!JSON.stringify(card).includes('Gemt i dagbogen')) throw new Error('diary save did not answer with the saved card');
  }
}

async function start(store: DocumentStore): Promise<{ h: Harness; counting: CountingStore }> {
  const counting = new CountingStore(store);
  const h = await startHarness({ store: counting, now: SCALE_NOW, env: { LOG_LEVEL: 'warn' }, keepLogs: false });
  return { h, counting };
}

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

async function latency(stores: { empty: DocumentStore; old: DocumentStore }, rounds: number): Promise<void> {
  const empty = await start(stores.empty);
  const old = await start(stores.old);
  const apps = { empty, old };
  const samples: Record<'empty' | 'old', Record<Kind, number[]>> = {
    empty: { plan: [], evaluation: [], diary: [] },
    old: { plan: [], evaluation: [], diary: [] },
  };
  const rnd = random(11);
  const kinds: Kind[] = ['plan', 'evaluation', 'diary'];
  for (let n = 0; n < rounds + 30; n++) {
    const c = Math.floor(rnd() * CITIZENS);
    for (const kind of kinds) {
      // Alternate which app goes first, so neither always meets a warmer machine.
      const order = n % 2 === 0 ? (['empty', 'old'] as const) : (['old', 'empty'] as const);
      for (const size of order) {
        const t = performance.now();
        await request(apps[size].h, kind, c, n);
        if (n >= 30) samples[size][kind].push(performance.now() - t);
      }
    }
  }
  const documents: Record<'empty' | 'old', number> = { empty: 0, old: 0 };
  for (const size of ['empty', 'old'] as const) {
    apps[size].counting.take();
    await request(apps[size].h, 'plan', 3, 0);
    documents[size] = apps[size].counting.take().documents;
  }
  const out: Record<string, unknown> = { documentsPerPlanCard: documents };
  for (const kind of kinds) out[kind] = { empty: p50(samples.empty[kind]), old: p50(samples.old[kind]) };
  await empty.h.close();
  await old.h.close();
  console.log(JSON.stringify(out));
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'latency' && args[0] === 'embedded') {
    const [emptyStore, oldStore] = await Promise.all([createEmbeddedDocumentStore({ dataDir: args[1]! }), createEmbeddedDocumentStore({ dataDir: args[2]! })]);
    return latency({ empty: emptyStore, old: oldStore }, Number(args[3] ?? 300));
  }
  if (mode === 'latency' && args[0] === 'cosmos') {
    const { openStore } = await import('../test/support/stores.js');
    const [a, b] = await Promise.all([openStore('cosmos'), openStore('cosmos')]);
    const t = performance.now();
    await buildTilbud(a.store, { citizens: CITIZENS, days: 0, now: SCALE_NOW });
    const built = await buildTilbud(b.store, { citizens: Number(args[1] ?? CITIZENS), days: Number(args[2] ?? 30), now: SCALE_NOW });
    process.stderr.write(`cosmos data built in ${((performance.now() - t) / 1000).toFixed(1)} s: ${built.entries} entries\n`);
    await latency({ empty: a.store, old: b.store }, Number(args[3] ?? 200));
    await a.cleanup();
    await b.cleanup();
    return;
  }
  throw new Error(`unknown mode: ${process.argv.slice(2).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`scale worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
