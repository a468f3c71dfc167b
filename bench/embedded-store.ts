/**
 * `npm run bench -- embedded`: the embedded (SQLite) store's costs, measured in one run.
 *
 * 1. One diary entry written (create, schema-checked, as DiaryRepository.add does) with
 *    synchronous = FULL against NORMAL: rounds interleaved on two stores, p50/p99 and the ratio.
 * 2. A tilbud with BENCH_DIARY_ENTRIES diary entries (default 220,000, about 300 MB): the
 *    file size, start-up (open as main.ts does it) and SQLite's quick_check with a warm page
 *    cache, and with a cold one when BENCH_COLD=1 (drops the whole machine's page cache: Linux,
 *    root only); a citizen's diary.
 * 3. The one-time import of a nedb datafile of the same size.
 */
import { randomUUID } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEmbeddedDocumentStore, DATABASE_FILE_NAME, NEDB_FILE_NAME, type EmbeddedStoreOptions } from '../src/store/embedded/embedded-document-store.js';
import { checkStoredDocument, createRepositories, CRITICAL_DOCUMENT_TYPES } from '../src/store/repositories.js';
import { partitionKeys, type StoredDocument } from '../src/store/ports.js';
import { makeTempDir, removeTempDir } from '../test/support/temp-dir.js';

const TENANT = 'bench-tenant';
const TEAM = 'bench-team';
const PK = partitionKeys.institution(TENANT, TEAM);
const CITIZENS = 40;
const NOTE = 'Borgeren smurte selv madpakke med lidt guidning og ryddede op bagefter. '.repeat(4);

/** A delmålsdagbog entry as DiaryRepository.add stores it. */
function diaryDoc(i: number): StoredDocument {
  const entryId = `e-${i}-${randomUUID()}`;
  const occurredAt = new Date(Date.UTC(2020, 0, 1) + i * 15 * 60_000).toISOString();
  return {
    kind: 'subGoal',
    tenantId: TENANT,
    teamId: TEAM,
    citizenId: `c${i % CITIZENS}`,
    goalId: `c${i % CITIZENS}-goal-${i % 3}-sub-1`,
    score: i % 5,
    note: NOTE,
    occurredAt,
    recordedAt: occurredAt,
    recordedBy: `aad-${i % 25}`,
    submissionId: `s-${entryId}`,
    entryId,
    id: `diary:${entryId}`,
    pk: PK,
    type: 'diary',
  };
}

const asTheApp = (dataDir: string, extra: Partial<EmbeddedStoreOptions> = {}): ReturnType<typeof createEmbeddedDocumentStore> =>
  createEmbeddedDocumentStore({ dataDir, validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES, ...extra });

function ms(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e6;
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Drops the page cache (Linux, root only) so the next read comes from the disk. */
function dropCaches(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

async function timeOpen(dir: string): Promise<number> {
  const started = process.hrtime.bigint();
  const store = await asTheApp(dir);
  const elapsed = ms(started);
  await store.close();
  return elapsed;
}

function timeQuickCheck(file: string): { ms: number; result: string } {
  const db = new Database(file, { readonly: true });
  const started = process.hrtime.bigint();
  const result = String(db.pragma('quick_check', { simple: true }));
  const elapsed = ms(started);
  db.close();
  return { ms: elapsed, result };
}

async function syncCost(rounds: number): Promise<void> {
  const fullDir = await makeTempDir('refleks-bench-full-');
  const normalDir = await makeTempDir('refleks-bench-normal-');
  try {
    const full = await asTheApp(fullDir, { synchronous: 'full' });
    const normal = await asTheApp(normalDir, { synchronous: 'normal' });
    const times = { full: [] as number[], normal: [] as number[] };
    const warmup = 30;
    for (let i = 0; i < rounds + warmup; i++) {
      const order = i % 2 === 0 ? (['full', 'normal'] as const) : (['normal', 'full'] as const);
      for (const which of order) {
        const store = which === 'full' ? full : normal;
        const started = process.hrtime.bigint();
        await store.create(diaryDoc(i));
        if (i >= warmup) times[which].push(ms(started));
      }
    }
    await full.close();
    await normal.close();
    const p50 = { full: percentile(times.full, 50), normal: percentile(times.normal, 50) };
    say(`\nOne diary entry written (create with schema check), ${rounds} interleaved rounds after ${warmup} warm-up:`);
    say('| synchronous | p50 | p99 |');
    say('| --- | --- | --- |');
    say(`| NORMAL (default) | ${p50.normal.toFixed(3)} ms | ${percentile(times.normal, 99).toFixed(3)} ms |`);
    say(`| FULL | ${p50.full.toFixed(3)} ms | ${percentile(times.full, 99).toFixed(3)} ms |`);
    say(`FULL / NORMAL at p50: ${(p50.full / p50.normal).toFixed(2)}`);
  } finally {
    await removeTempDir(fullDir);
    await removeTempDir(normalDir);
  }
}

async function largeStore(entries: number): Promise<void> {
  const dir = await makeTempDir('refleks-bench-large-');
  const importDir = await makeTempDir('refleks-bench-import-');
  try {
    let started = process.hrtime.bigint();
    const builder = await asTheApp(dir, { synchronous: 'normal' });
    const nedbLines: string[] = [];
    for (let from = 0; from < entries; from += 5000) {
      const batch = Array.from({ length: Math.min(5000, entries - from) }, (_, k) => diaryDoc(from + k));
      await builder.createMany(batch);
      for (const doc of batch) nedbLines.push(JSON.stringify({ _id: `${doc.pk}\u0000${doc.id}`, pk: doc.pk, type: doc.type, etag: randomUUID(), body: JSON.stringify(doc) }));
    }
    await builder.close();
    const buildMs = ms(started);
    const file = join(dir, DATABASE_FILE_NAME);
    const bytes = statSync(file).size;
    say(`\nA tilbud with ${entries} diary entries (${CITIZENS} citizens): ${(bytes / 1e6).toFixed(0)} MB, written in ${(buildMs / 1000).toFixed(1)} s (createMany, 5000 a batch)`);

    const warmOpen = [await timeOpen(dir), await timeOpen(dir), await timeOpen(dir)];
    const warmCheck = [timeQuickCheck(file), timeQuickCheck(file)];
    let coldOpen: number | undefined;
    let coldCheck: { ms: number; result: string } | undefined;
    if (process.env['BENCH_COLD'] === '1' && dropCaches()) {
      coldOpen = await timeOpen(dir);
      dropCaches();
      coldCheck = timeQuickCheck(file);
    }
    say('| what | warm cache | cold cache |');
    say('| --- | --- | --- |');
    say(`| start-up (open as main.ts does, quick_check in the background) | ${warmOpen.map((t) => t.toFixed(1)).join(' / ')} ms | ${coldOpen !== undefined ? `${coldOpen.toFixed(1)} ms` : 'not measured (BENCH_COLD=1, root)'} |`);
    say(
      `| PRAGMA quick_check (${warmCheck[0]!.result}) | ${warmCheck.map((c) => c.ms.toFixed(0)).join(' / ')} ms | ${coldCheck ? `${coldCheck.ms.toFixed(0)} ms` : 'not measured'} |`,
    );

    const store = await asTheApp(dir);
    const repos = createRepositories(store);
    started = process.hrtime.bigint();
    const one = await repos.diary.list({ tenantId: TENANT, teamId: TEAM, citizenId: 'c7' });
    const listMs = ms(started);
    started = process.hrtime.bigint();
    const recent = await repos.diary.list({ tenantId: TENANT, teamId: TEAM, citizenId: 'c7', since: new Date(Date.UTC(2020, 0, 1) + (entries - 4000) * 15 * 60_000).toISOString() });
    const recentMs = ms(started);
    await store.close();
    say(`| a citizen's diary (${one.length} entries, parsed) | ${listMs.toFixed(1)} ms | |`);
    say(`| a citizen's diary since a date (${recent.length} entries) | ${recentMs.toFixed(1)} ms | |`);

    writeFileSync(join(importDir, NEDB_FILE_NAME), `${nedbLines.join('\n')}\n`);
    nedbLines.length = 0;
    started = process.hrtime.bigint();
    const imported = await asTheApp(importDir);
    const importMs = ms(started);
    const count = (await imported.scan({ type: 'diary', pkPrefix: PK })).length;
    await imported.close();
    say(`| first start on a nedb datafile of the same size (import of ${count}, once) | ${(importMs / 1000).toFixed(1)} s | |`);
  } finally {
    await removeTempDir(dir);
    await removeTempDir(importDir);
  }
}

export async function runEmbeddedStoreBenchmark(): Promise<void> {
  const rounds = Number(process.env['BENCH_INSERTS'] ?? 300);
  const entries = Number(process.env['BENCH_DIARY_ENTRIES'] ?? 220_000);
  say(`embedded store (SQLite ${new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get() as string}, better-sqlite3)`);
  await syncCost(rounds);
  await largeStore(entries);
}
