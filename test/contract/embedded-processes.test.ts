/**
 * The embedded store shared by several processes (the bot and a one-off command on one
 * DATA_DIR), a crash in the middle of a burst of writes, and the clear refusals when the file
 * stays locked or is not a database. Child processes run test/support/*.ts with tsx.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedDocumentStore, DATABASE_FILE_NAME, NEDB_FILE_NAME } from '../../src/store/embedded/embedded-document-store.js';
import { StoreUnavailableError } from '../../src/store/ports.js';
import { spawnTs, type Child } from '../support/processes.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const dirs: string[] = [];
const children: Child[] = [];

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('refleks-processes-');
  dirs.push(dir);
  return dir;
}

function writer(dataDir: string, prefix: string, count: number, synchronous: 'full' | 'normal' = 'full'): Child {
  const child = spawnTs('test/support/store-writer.ts', [dataDir, prefix, String(count), synchronous]);
  children.push(child);
  return child;
}

/** SQLite's own verdict on the file, through a connection of its own. */
function quickCheck(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return String(db.pragma('quick_check', { simple: true }));
  } finally {
    db.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

afterEach(async () => {
  for (const child of children.splice(0)) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

describe('embedded store, several processes on one data dir', () => {
  it('two processes and the parent write at once, all starting together: every document is there and quick_check is ok', async () => {
    const dir = await tempDir();
    const perWriter = 120;
    // The children start (schema creation included) while the parent opens the same new dir.
    const a = writer(dir, 'a', perWriter);
    const b = writer(dir, 'b', perWriter);
    const store = await createEmbeddedDocumentStore({ dataDir: dir, busyTimeoutMs: 20_000 });
    await a.waitForLine(() => true, 30_000);
    // The parent writes while the children do (a little pause between writes lets them interleave).
    const mine: string[] = [];
    for (let i = 0; i < perWriter; i++) {
      const id = `parent-${i}`;
      await store.create({ id, pk: 't|shared|team|all', type: 'burst', writer: 'parent', i });
      mine.push(id);
      await sleep(2);
    }
    expect(await a.exited(60_000)).toEqual({ code: 0, signal: null });
    expect(await b.exited(60_000)).toEqual({ code: 0, signal: null });
    expect(a.lines.at(-1)).toBe('done');
    expect(b.lines.at(-1)).toBe('done');

    // Each child's writes are visible to the parent's open connection at once.
    const shared = await store.query({ pk: 't|shared|team|all', type: 'burst' });
    expect(shared).toHaveLength(perWriter + perWriter); // parent's all + half of each child's
    await store.close();

    const reopened = await createEmbeddedDocumentStore({ dataDir: dir });
    const all = await reopened.scan({ type: 'burst' });
    const ids = new Set(all.map((r) => r.doc.id));
    expect(ids.size).toBe(3 * perWriter);
    for (const child of [a, b]) {
      for (const line of child.lines.slice(0, -1)) {
        const [pk, id] = line.split(' ') as [string, string];
        expect(await reopened.read(pk, id), id).toBeDefined();
      }
    }
    for (const id of mine) expect(ids.has(id), id).toBe(true);
    await reopened.close();
    expect(quickCheck(join(dir, DATABASE_FILE_NAME))).toBe('ok');
  });

  it('two processes starting together on an old nedb data dir import it exactly once', async () => {
    const dir = await tempDir();
    const pk = 't|tenant-1|team|team-1';
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ _id: `${pk}\u0000doc-${i}`, pk, type: 'thing', etag: `etag-${i}`, body: JSON.stringify({ id: `doc-${i}`, pk, type: 'thing', i }) }),
    );
    await writeFile(join(dir, NEDB_FILE_NAME), `${lines.join('\n')}\n{"_id": "broken\n`);
    const a = writer(dir, 'a', 1);
    const b = writer(dir, 'b', 1);
    expect(await a.exited(60_000)).toEqual({ code: 0, signal: null });
    expect(await b.exited(60_000)).toEqual({ code: 0, signal: null });
    const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM documents WHERE type = 'thing'")).toBe(300);
    expect(count('SELECT count(*) FROM quarantine')).toBe(1);
    expect(count("SELECT count(*) FROM meta WHERE key LIKE 'nedb-import:%'")).toBe(1);
    db.close();
  });

  it('keeps every acknowledged write when the writer is killed with SIGKILL in the middle of a burst', async () => {
    const dir = await tempDir();
    const child = writer(dir, 'k', 100_000);
    // Let it get well into the burst, then kill it without warning.
    await child.waitForLine(() => child.lines.length >= 300, 60_000);
    child.process.kill('SIGKILL');
    expect((await child.exited(10_000)).signal).toBe('SIGKILL');
    const acknowledged = child.lines.filter((line) => line !== 'done').map((line) => line.split(' ') as [string, string]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(acknowledged.length).toBeLessThan(100_000);

    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    for (const [pk, id] of acknowledged) expect(await store.read(pk, id), id).toBeDefined();
    // Nothing beyond what was written: at most the one write under way when it died.
    const stored = (await store.scan({ type: 'burst' })).length;
    expect(stored - acknowledged.length).toBeGreaterThanOrEqual(0);
    expect(stored - acknowledged.length).toBeLessThanOrEqual(1);
    await store.close();
    expect(quickCheck(join(dir, DATABASE_FILE_NAME))).toBe('ok');
  });
});

describe('embedded store refusals', () => {
  it('answers a clear StoreUnavailableError, naming the file, when another process holds the write lock past the busy timeout', async () => {
    const dir = await tempDir();
    const first = await createEmbeddedDocumentStore({ dataDir: dir, busyTimeoutMs: 150 });
    await first.create({ id: 'before', pk: 't|a|team|b', type: 'thing' });
    const file = join(dir, DATABASE_FILE_NAME);
    const holder = spawnTs('test/support/hold-write-lock.ts', [file]);
    children.push(holder);
    await holder.waitForLine((line) => line === 'locked', 30_000);

    // A write of an open store…
    const started = Date.now();
    const write = first.create({ id: 'during', pk: 't|a|team|b', type: 'thing' });
    await expect(write).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(write).rejects.toThrow(file);
    await expect(write).rejects.toThrow(/locked by another process for more than 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // …reads still work (WAL: readers never wait for the writer)…
    expect(await first.read('t|a|team|b', 'before')).toBeDefined();
    // …and a process starting now cannot do its start-up work.
    const opening = createEmbeddedDocumentStore({ dataDir: dir, busyTimeoutMs: 150 });
    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opening).rejects.toThrow(new RegExp(`${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} stayed locked`));

    holder.process.stdin.end();
    expect((await holder.exited(10_000)).code).toBe(0);
    // Once the lock is gone, all is well again; nothing was half written.
    await first.create({ id: 'after', pk: 't|a|team|b', type: 'thing' });
    expect((await first.query({ pk: 't|a|team|b', type: 'thing' })).map((r) => r.doc.id).sort()).toEqual(['after', 'before']);
    await first.close();
  });

  it('answers StoreUnavailableError naming the file, and changes nothing, when refleks.sqlite is not a database', async () => {
    const dir = await tempDir();
    const file = join(dir, DATABASE_FILE_NAME);
    const garbage = Buffer.from('This is not an SQLite database, just some text someone saved here.\n'.repeat(100));
    await writeFile(file, garbage);
    const opening = createEmbeddedDocumentStore({ dataDir: dir });
    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opening).rejects.toThrow(file);
    await expect(opening).rejects.toThrow(/not a Refleks SQLite database.*npm run store -- check/s);
    expect(await readFile(file)).toEqual(garbage);
  });
});
