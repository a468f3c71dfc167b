/**
 * What only the embedded (SQLite) adapter has: its file, WAL and indexes, closing, and refusing
 * work once closed. The nedb import, the integrity check and several processes have their own
 * files (embedded-nedb-import, embedded-integrity, embedded-processes).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedDocumentStore, DATABASE_FILE_NAME } from '../../src/store/embedded/embedded-document-store.js';
import { buildPartitionQuery, buildScan } from '../../src/store/embedded/sqlite-sql.js';
import { DOCUMENT_INDEXES, indexName } from '../../src/store/indexes.js';
import { StoreUnavailableError, type StoredDocument } from '../../src/store/ports.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const PK = 't|tenant-1|team|team-1';
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('refleks-embedded-');
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

describe('embedded adapter (SQLite)', () => {
  it('creates its data directory and one SQLite file in WAL mode', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    expect(store.filename).toBe(join(dir, DATABASE_FILE_NAME));
    await store.create({ id: 'a', pk: PK, type: 'thing' });
    const db = new Database(store.filename!, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
    // The nedb file name is not used (it belongs to the old store, see the import).
    expect(existsSync(join(dir, 'refleks.db'))).toBe(false);
  });

  it('stores each document as JSON text in one row, unique (pk, id), with its etag', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    const created = await store.create({ id: 'plan:c1', pk: PK, type: 'plan', nested: { 'a.b': [1, null] } });
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    const rows = db.prepare('SELECT pk, id, type, etag, body FROM documents').all() as Record<string, string>[];
    db.close();
    expect(rows).toEqual([{ pk: PK, id: 'plan:c1', type: 'plan', etag: created.etag, body: JSON.stringify(created.doc) }]);
  });

  it('is synchronous = NORMAL by default (survives kill -9) and FULL when asked (survives a power loss)', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    // The setting is per connection: read it through a query on the store's own connection.
    // (PRAGMA synchronous is 1 for NORMAL, 2 for FULL.)
    const own = (store as unknown as { db: Database.Database }).db;
    expect(own.pragma('synchronous', { simple: true })).toBe(1);
    await store.close();
    const full = await createEmbeddedDocumentStore({ dataDir: dir, synchronous: 'full' });
    expect((full as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await full.close();
  });

  it('has finished every write when close() resolves, and they are there after reopening', async () => {
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
    await expect(store.query({ pk: PK, type: 'thing' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('answers StoreUnavailableError when its directory cannot be made', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), 'not a directory');
    await expect(createEmbeddedDocumentStore({ dataDir: join(dir, 'a-file', 'data') })).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('keeps in-memory stores apart from each other', async () => {
    const a = await createEmbeddedDocumentStore({ inMemory: true });
    const b = await createEmbeddedDocumentStore({ inMemory: true });
    await a.create({ id: randomUUID(), pk: PK, type: 'thing' });
    expect(await b.query({ pk: PK, type: 'thing' })).toEqual([]);
    expect(a.filename).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a document its validator rejects, and writes nothing', async () => {
    const store = await createEmbeddedDocumentStore({
      inMemory: true,
      validate: (doc) => (typeof doc['n'] === 'number' ? undefined : 'n: invalid_type'),
    });
    await expect(store.create({ id: 'bad', pk: PK, type: 'thing', n: 'x' })).rejects.toThrow(new TypeError('document fails its schema: n: invalid_type'));
    await expect(store.upsert({ id: 'bad', pk: PK, type: 'thing' })).rejects.toThrow(/fails its schema/);
    await expect(store.createMany([{ id: 'ok', pk: PK, type: 'thing', n: 1 }, { id: 'bad', pk: PK, type: 'thing' }])).rejects.toThrow(/fails its schema/);
    const good = await store.create({ id: 'good', pk: PK, type: 'thing', n: 1 });
    await expect(store.replace({ id: 'good', pk: PK, type: 'thing', n: null }, good.etag)).rejects.toThrow(/fails its schema/);
    expect(await store.query({ pk: PK, type: 'thing' })).toEqual([good]);
    await store.close();
  });
});

describe('embedded indexes', () => {
  const diary = (citizenId: string, i: number, goalId?: string): StoredDocument => ({
    id: `diary:${citizenId}:${i}`,
    pk: PK,
    type: 'diary',
    citizenId,
    ...(goalId ? { goalId } : {}),
    occurredAt: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T08:00:00+01:00`,
  });

  /** Plans of the store's own SQL, as SQLite's EXPLAIN QUERY PLAN reports them. */
  function plans(file: string): (built: { sql: string; params: unknown[] }) => string {
    const db = new Database(file, { readonly: true });
    dirsToClose.push(db);
    return ({ sql, params }) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
  }
  const dirsToClose: Database.Database[] = [];
  afterEach(() => {
    for (const db of dirsToClose.splice(0)) db.close();
  });

  it('declares the diary, plan, audit and reminder indexes, and creates them in the file', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB 'doc_*'").pluck().all() as string[]).sort();
    db.close();
    expect(names).toEqual([...DOCUMENT_INDEXES.map(indexName), 'doc_type_pk'].sort());
    expect(names).toEqual(
      expect.arrayContaining(['doc_p_diary_citizenId_goalId_occurredAt', 'doc_p_plan_aliasKey', 'doc_p_audit_at', 'doc_x_reminder_dueAt', 'doc_type_pk']),
    );
  });

  it('finds the documents of every type by partition and by scan, whichever index answers (with ANALYZE statistics too)', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    const types = [...new Set([...DOCUMENT_INDEXES.map((i) => i.type), 'thing', 'membership', 'institution'])];
    const pks = [PK, 't|tenant-2|team|team-9'];
    await store.createMany(types.flatMap((type) => pks.flatMap((pk) => [0, 1, 2].map((i) => ({ id: `${type}-${i}`, pk, type, i })))));
    const counts = async (): Promise<Record<string, number[]>> =>
      Object.fromEntries(await Promise.all(types.map(async (type) => [type, [(await store.query({ pk: PK, type })).length, (await store.scan({ type })).length, (await store.scan({ type, pkPrefix: 't|tenant-2|' })).length]])));
    const expected = Object.fromEntries(types.map((type) => [type, [3, 6, 3]]));
    expect(await counts()).toEqual(expected);
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE_NAME));
    db.exec('ANALYZE');
    db.close();
    const again = await createEmbeddedDocumentStore({ dataDir: dir });
    const recount = Object.fromEntries(await Promise.all(types.map(async (type) => [type, [(await again.query({ pk: PK, type })).length, (await again.scan({ type })).length, (await again.scan({ type, pkPrefix: 't|tenant-2|' })).length]])));
    expect(recount).toEqual(expected);
    await again.close();
  });

  it('answers the diary queries from an index, in index order, also after ANALYZE', async () => {
    const dir = await tempDir();
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    const docs: StoredDocument[] = [];
    for (let c = 0; c < 20; c++) for (let i = 0; i < 50; i++) docs.push(diary(`c${c}`, i, i % 2 ? `g${i % 5}` : undefined));
    for (let i = 0; i < 200; i++) docs.push({ id: `plan:c${i}`, pk: PK, type: 'plan', aliasKey: `a${i}` });
    await store.createMany(docs);
    // The repositories' queries, as DiaryRepository.list and PlanRepository ask them.
    const byCitizen = { pk: PK, type: 'diary', where: [{ field: 'citizenId', op: '=' as const, value: 'c3' }], orderBy: { field: 'occurredAt', direction: 'asc' as const } };
    const since = { ...byCitizen, where: [...byCitizen.where, { field: 'occurredAt', op: '>=' as const, value: '2026-01-05' }, { field: 'occurredAt', op: '<=' as const, value: '2026-01-20' }] };
    const byGoal = { ...byCitizen, where: [...byCitizen.where, { field: 'goalId', op: '=' as const, value: 'g1' }] };
    const alias = { pk: PK, type: 'plan', where: [{ field: 'aliasKey', op: '=' as const, value: 'a7' }] };
    const planList = { pk: PK, type: 'plan', orderBy: { field: 'aliasKey', direction: 'asc' as const } };
    const check = (plan: (b: { sql: string; params: unknown[] }) => string): void => {
      // A citizen's entries across delmål (maintenance only): the index's prefix, then sorted.
      expect(plan(buildPartitionQuery(byCitizen))).toMatch(/^SEARCH documents USING INDEX doc_p_diary_citizenId_goalId_occurredAt \(pk=\? AND <expr>=\? AND <expr>=\?\)/);
      expect(plan(buildPartitionQuery(since))).toMatch(/^SEARCH documents USING INDEX doc_p_diary_citizenId_goalId_occurredAt \(pk=\? AND <expr>=\? AND <expr>=\?\)/);
      // A delmål's entries in a period (the summary's rebuilds): a seek on the whole key, in index order.
      const byGoalSince = { ...byGoal, where: [...byGoal.where, { field: 'occurredAt', op: '>=' as const, value: '2026-01-05' }] };
      expect(plan(buildPartitionQuery(byGoal))).toMatch(/^SEARCH documents USING INDEX doc_p_diary_citizenId_goalId_occurredAt /);
      expect(plan(buildPartitionQuery(byGoalSince))).toMatch(/^SEARCH documents USING INDEX doc_p_diary_citizenId_goalId_occurredAt \(.*<expr>>\?\)$/);
      expect(plan(buildPartitionQuery(alias))).toMatch(/^SEARCH documents USING INDEX doc_p_plan_aliasKey /);
      expect(plan(buildPartitionQuery(planList))).toMatch(/^SEARCH documents USING INDEX doc_p_plan_aliasKey /);
      for (const q of [byGoal, byGoalSince, planList]) expect(plan(buildPartitionQuery(q))).not.toContain('TEMP B-TREE');
      // A type with no index of its own still seeks on (type, pk); a scan by type too.
      expect(plan(buildPartitionQuery({ pk: PK, type: 'thing' }))).toBe('SEARCH documents USING INDEX doc_type_pk (type=? AND pk=?)');
      expect(plan(buildScan({ type: 'institution' }))).toBe('SEARCH documents USING INDEX doc_type_pk (type=?)');
      expect(plan(buildScan({ type: 'institution', pkPrefix: 't|tenant-1|' }))).toBe('SEARCH documents USING INDEX doc_type_pk (type=? AND pk>? AND pk<?)');
      expect(plan(buildScan({ type: 'reminder', where: [{ field: 'dueAt', op: '<=', value: '2026-02-01' }] }))).toMatch(/^SEARCH documents USING INDEX doc_x_reminder_dueAt /);
      // The engine's due scan (ReminderRepository.due): a seek in dueAt order, one bounded page, no sort.
      const dueScan = buildScan({ type: 'reminder', where: [{ field: 'dueAt', op: '<=', value: '2026-02-01T00:00:00.000Z' }], orderBy: { field: 'dueAt', direction: 'asc' }, limit: 100 });
      expect(plan(dueScan)).toMatch(/^SEARCH documents USING INDEX doc_x_reminder_dueAt \(<expr>=\? AND <expr><\?\)$/);
      // The upkeep on a plan write (ReminderRepository.listForPlan): a seek on (pk, planId).
      expect(plan(buildPartitionQuery({ pk: PK, type: 'reminder', where: [{ field: 'planId', op: '=', value: 'c1' }] }))).toMatch(/^SEARCH documents USING INDEX doc_p_reminder_planId /);
    };
    check(plans(store.filename!));
    // The answers are the right ones.
    const found = await store.query(since);
    expect(found.map((r) => r.doc['occurredAt'])).toEqual([...found.map((r) => r.doc['occurredAt'] as string)].sort());
    expect(found.every((r) => r.doc['citizenId'] === 'c3')).toBe(true);
    expect(found).toHaveLength(docs.filter((d) => d['citizenId'] === 'c3' && (d['occurredAt'] as string) >= '2026-01-05' && (d['occurredAt'] as string) <= '2026-01-20').length);
    await store.close();
    // close() runs PRAGMA optimize; with statistics the planner still picks the same indexes.
    const db = new Database(join(dir, DATABASE_FILE_NAME));
    db.exec('ANALYZE');
    db.close();
    check(plans(join(dir, DATABASE_FILE_NAME)));
  });
});
