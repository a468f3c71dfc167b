/**
 * What only the embedded adapter has: its datafile (compaction, close, reopening, the first
 * storage format) and refusing work once closed.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedDocumentStore, DATAFILE_NAME } from '../../src/store/embedded/embedded-document-store.js';
import { ConcurrencyError, StoreUnavailableError } from '../../src/store/ports.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const PK = 't|tenant-1|team|team-1';
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('refleks-embedded-');
  dirs.push(dir);
  return dir;
}

async function datafileLines(dir: string): Promise<string[]> {
  return (await readFile(join(dir, DATAFILE_NAME), 'utf8')).split('\n').filter((line) => line.length > 0);
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

describe('embedded adapter', () => {
  it('creates its data directory and keeps the datafile compact under many rewrites', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const store = await createEmbeddedDocumentStore({ dataDir: dir, compactAfterWrites: 20 });
    let current = await store.create({ id: 'hot', pk: PK, type: 'thing', n: 0 });
    for (let n = 1; n <= 200; n++) current = await store.replace({ id: 'hot', pk: PK, type: 'thing', n }, current.etag);
    await store.create({ id: 'cold', pk: PK, type: 'thing' });
    // Let a compaction that was just started finish before looking at the file.
    await store.ping();
    // 202 writes appended, but the file holds at most one compaction interval's worth.
    expect((await datafileLines(dir)).length).toBeLessThan(40);
    await store.close();
    const lines = await datafileLines(dir);
    // After close: one line per live document plus nedb's index definitions.
    expect(lines.filter((line) => !line.includes('$$indexCreated'))).toHaveLength(2);
    // The document is stored as JSON text: no nedb-specific encoding of its fields.
    expect(lines.join('\n')).not.toContain('$$date');
  });

  it('waits in close() for writes under way, and they are there after reopening', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    const writes = Array.from({ length: 50 }, (_, i) => store.create({ id: `d${i}`, pk: PK, type: 'thing', i }));
    await store.close();
    await Promise.all(writes);
    const reopened = await createEmbeddedDocumentStore({ dataDir: dir });
    expect(await reopened.query({ pk: PK, type: 'thing' })).toHaveLength(50);
    await reopened.close();
  });

  it('refuses work once closed', async () => {
    const store = await createEmbeddedDocumentStore({ inMemory: true });
    await store.close();
    await expect(store.read(PK, 'x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.create({ id: 'x', pk: PK, type: 'thing' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('answers StoreUnavailableError when its directory cannot be made', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), 'not a directory');
    await expect(createEmbeddedDocumentStore({ dataDir: join(dir, 'a-file', 'data') })).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('reads a datafile of the first storage format and keeps its etags', async () => {
    const dir = await tempDir();
    const doc = { id: 'plan:c1', pk: PK, type: 'plan', alias: 'AB', nested: { n: 1 } };
    const legacy = { _id: `${PK}\u0000plan:c1`, __etag: 'legacy-etag', doc, pk: PK, type: 'plan' };
    await writeFile(join(dir, DATAFILE_NAME), `${JSON.stringify(legacy)}\n`);
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    expect(await store.read(PK, 'plan:c1')).toEqual({ doc, etag: 'legacy-etag' });
    expect(await store.query({ pk: PK, type: 'plan' })).toEqual([{ doc, etag: 'legacy-etag' }]);
    await expect(store.replace({ ...doc, alias: 'CD' }, 'other')).rejects.toBeInstanceOf(ConcurrencyError);
    const replaced = await store.replace({ ...doc, alias: 'CD' }, 'legacy-etag');
    expect(replaced.doc['alias']).toBe('CD');
    await store.close();
  });

  it('keeps in-memory stores apart from each other', async () => {
    const a = await createEmbeddedDocumentStore({ inMemory: true });
    const b = await createEmbeddedDocumentStore({ inMemory: true });
    await a.create({ id: randomUUID(), pk: PK, type: 'thing' });
    expect(await b.query({ pk: PK, type: 'thing' })).toEqual([]);
    expect(a.filename).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });
});
