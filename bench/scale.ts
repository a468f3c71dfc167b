/**
 * `npm run bench -- scale`: a tilbud of 200 citizens with three years of daily diary entries
 * against the same tilbud with none, in the same run.
 *
 * 1. Builds both data sets in the embedded store (bench/scale-data.ts).
 * 2. Start-up and memory: each data dir in its own fresh process (bench/scale-worker.ts
 *    `startup`): store open with its start-up checks plus app start, RSS after start-up and
 *    after 600 requests.
 * 3. Latency: both apps in one process, the same requests alternated between them (p50 of
 *    opening a plan card, opening an evaluation, saving a diary entry) and the documents read
 *    per plan card; then the same on the local Cosmos server with a month of history.
 *
 * Targets (embedded, 3 years): start-up ≤ 1 s, RSS ≤ 200 MB, plan card and evaluation ≤ 1.5×
 * empty, diary save ≤ 1.2× empty. The last line has a fixed form.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEmbeddedDocumentStore } from '../src/store/embedded/embedded-document-store.js';
import { checkStoredDocument, CRITICAL_DOCUMENT_TYPES } from '../src/store/repositories.js';
import { VERBS } from '../src/cards/verbs.js';
import { invokeActivity, TEAM_ID, USERS } from '../test/support/e2e.js';
import { startStubConnector } from '../test/support/stub-connector.js';
import { makeTempDir, removeTempDir } from '../test/support/temp-dir.js';
import { buildTilbud, CITIZENS, SCALE_NOW } from './scale-data.js';

/** Three years; SCALE_DAYS shortens it for a quick try of the benchmark itself. */
const YEARS3 = Number(process.env['SCALE_DAYS'] ?? 3 * 365);
const COSMOS_DAYS = 30;

interface BotProcess {
  port: number;
  pid: number;
  /** Wall time from spawn to the "ready" log line. */
  readyMs: number;
  /** What the bot itself logged as its start-up (store open with its checks, app start). */
  startupMs: number;
  stop(): Promise<void>;
}

/** The node arguments of `npm start` (`node <flags> dist/src/main.js`), so the bot runs here exactly as there. */
function startArguments(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.trim().split(/\s+/);
  if (script[0] !== 'node') throw new Error(`npm start does not run node: ${script.join(' ')}`);
  return script.slice(1);
}

/** Starts the built bot as `npm start` does, on a data dir. */
function startBot(dataDir: string): Promise<BotProcess> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, startArguments(), {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', COSMOS_ENDPOINT: '', MicrosoftAppId: '', REFLEKS_DEMO_SEED: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.includes('"msg":"ready"')) continue;
        const log = JSON.parse(line) as { port: number; startupMs?: number };
        buffer = '';
        resolve({
          port: log.port,
          pid: child.pid!,
          readyMs: performance.now() - t,
          startupMs: log.startupMs ?? NaN,
          stop: () => new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`bot exited with ${code}: ${errors.slice(-500)}`)));
  });
}

/** VmRSS and VmHWM (peak) of a process, in MB (Linux). */
function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

const citizenIdOf = (c: number): string => `cit-${String(c).padStart(4, '0')}`;

/** The workload: plan cards, evaluations and diary saves of random citizens, over HTTP as Teams sends them. */
async function workload(port: number, connectorUrl: string, requests: number): Promise<void> {
  let x = 7;
  const next = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let n = 0; n < requests; n++) {
    const ids = { teamId: TEAM_ID, citizenId: citizenIdOf(Math.floor(next() * CITIZENS)) };
    const kind = n % 3;
    const [verb, data] =
      kind === 0
        ? [VERBS.planShow, ids]
        : kind === 1
          ? [VERBS.evalOpen, { ...ids, goalId: `g1-${ids.citizenId}` }]
          : [VERBS.diarySave, { ...ids, target: 'subGoal', goalId: `s${1 + (n % 5)}-${ids.citizenId}`, submissionId: randomUUID(), score: String(n % 5), note: 'Benchmark: morgenrutinen gik fint.', intervention: '', externalActors: '' }];
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(invokeActivity(connectorUrl, USERS.anna, verb, data)) });
    const body = (await res.json()) as { type?: string };
    if (res.status !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`workload request ${verb} answered ${res.status}`);
  }
}

/** Start-up and memory of the real bot process on a data dir. */
async function startupOf(dataDir: string): Promise<{ startupMs: number; readyMs: number; rssStart: number; rssAfter: number; peak: number }> {
  const connector = await startStubConnector();
  const bot = await startBot(dataDir);
  try {
    const atStart = rssOf(bot.pid);
    await workload(bot.port, connector.url, 600);
    const after = rssOf(bot.pid);
    return { startupMs: bot.startupMs, readyMs: bot.readyMs, rssStart: atStart.rss, rssAfter: after.rss, peak: after.peak };
  } finally {
    await bot.stop();
    await connector.close();
  }
}

function runWorker(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale-worker.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`scale worker ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`scale worker printed no result: ${out.slice(-300)}`));
      }
    });
  });
}

function dirMb(dir: string): number {
  return Math.round(readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) / 1024 / 1024);
}

async function build(days: number): Promise<{ dir: string; entries: number; documents: number; seconds: number }> {
  const dir = await makeTempDir('refleks-scale-');
  const t = performance.now();
  // Written as the bot writes: every document checked against its schema (and so marked verified).
  const store = await createEmbeddedDocumentStore({ dataDir: dir, validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES });
  const built = await buildTilbud(store, { citizens: CITIZENS, days, now: SCALE_NOW });
  await store.close();
  return { dir, entries: built.entries, documents: built.documents, seconds: (performance.now() - t) / 1000 };
}

interface Latency {
  documentsPerPlanCard: { empty: number; old: number };
  plan: { empty: number; old: number };
  evaluation: { empty: number; old: number };
  diary: { empty: number; old: number };
}

const f2 = (x: number): string => x.toFixed(2);

export async function runScaleBenchmark(): Promise<void> {
  const empty = await build(0);
  const old = await build(YEARS3);
  try {
    console.log(`scale data: 200 citizens, 5 delmål each; empty ${empty.documents} documents (${dirMb(empty.dir)} MB); 3y ${old.entries} diary entries, ${old.documents} documents (${dirMb(old.dir)} MB), built in ${old.seconds.toFixed(0)} s`);
    // The built bot, as `npm start` runs it.
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    const startEmpty = await startupOf(empty.dir);
    const startOld = await startupOf(old.dir);
    console.log(
      `scale embedded start-up (store open with its checks + app start, as the bot logs it): empty ${startEmpty.startupMs} ms, 3y ${startOld.startupMs} ms; process spawn to ready (with module loading): ${Math.round(startEmpty.readyMs)} / ${Math.round(startOld.readyMs)} ms`,
    );
    console.log(`scale embedded RSS of the bot process: empty ${startEmpty.rssStart} MB after start-up, ${startEmpty.rssAfter} MB after 600 requests (peak ${startEmpty.peak}); 3y ${startOld.rssStart} / ${startOld.rssAfter} MB (peak ${startOld.peak})`);
    const lat = (await runWorker(['latency', 'embedded', empty.dir, old.dir, '300'])) as unknown as Latency;
    const ratio = (k: 'plan' | 'evaluation' | 'diary'): number => lat[k].old / lat[k].empty;
    for (const k of ['plan', 'evaluation', 'diary'] as const) {
      console.log(`scale embedded p50 ${k.padEnd(10)} empty ${f2(lat[k].empty)} ms, 3y ${f2(lat[k].old)} ms (${f2(ratio(k))}x)`);
    }
    console.log(`scale embedded documents read per plan card: empty ${lat.documentsPerPlanCard.empty}, 3y ${lat.documentsPerPlanCard.old}`);
    const cosmos = (await runWorker(['latency', 'cosmos', String(CITIZENS), String(COSMOS_DAYS), '150'])) as unknown as Latency;
    console.log(
      `scale cosmos ${COSMOS_DAYS}d vs empty (local server): plan ${f2(cosmos.plan.old / cosmos.plan.empty)}x, evaluation ${f2(cosmos.evaluation.old / cosmos.evaluation.empty)}x, diary ${f2(cosmos.diary.old / cosmos.diary.empty)}x; documents per plan card ${cosmos.documentsPerPlanCard.empty} / ${cosmos.documentsPerPlanCard.old}`,
    );
    console.log(`scale 3y vs empty: start ${(startOld.startupMs / 1000).toFixed(2)} s, rss ${startOld.peak} MB, plan ${f2(ratio('plan'))}x, evaluation ${f2(ratio('evaluation'))}x, diary ${f2(ratio('diary'))}x`);
  } finally {
    await removeTempDir(empty.dir);
    await removeTempDir(old.dir);
  }
}
