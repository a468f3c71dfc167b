/**
 * The embedded store: one @seald-io/nedb datafile under DATA_DIR (or memory only). It is the
 * default when no Cosmos account is configured, for one bot instance. Etags are emulated: a
 * fresh token on every write, and check-and-write is serialised per document.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type NedbModule from '@seald-io/nedb';
import {
  AlreadyExistsError,
  ConcurrencyError,
  type Condition,
  type CrossPartitionScan,
  type DocumentStore,
  type PartitionQuery,
  type StoredDocument,
  type VersionedDocument,
} from '../ports.js';

// nedb is CommonJS (module.exports = Datastore); load it the way Node does under NodeNext.
// (Its typings declare an ES default export, which NodeNext reads as the module object.)
type NedbClass = typeof NedbModule.default;
const Datastore = createRequire(import.meta.url)('@seald-io/nedb') as NedbClass;
/** The part of nedb's API used here, typed for our rows. */
interface Db {
  loadDatabaseAsync(): Promise<void>;
  ensureIndexAsync(options: { fieldName: string }): Promise<void>;
  setAutocompactionInterval(ms: number): void;
  stopAutocompaction(): void;
  compactDatafileAsync(): Promise<void>;
  findAsync(query: object): Promise<Row[]>;
  findOneAsync(query: object): Promise<Row | null>;
  countAsync(query: object): Promise<number>;
  insertAsync(doc: Row): Promise<Row>;
  insertMany(docs: Row[]): Promise<Row[]>;
  updateAsync(query: object, doc: Row, options: { upsert?: boolean }): Promise<unknown>;
  removeAsync(query: object, options: object): Promise<number>;
}

const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;
const ETAG = '__etag';
/** Compact the append-only datafile every so often so it does not grow forever. */
const COMPACT_EVERY_MS = 10 * 60 * 1000;

interface Row {
  _id: string;
  [ETAG]: string;
  doc: StoredDocument;
  pk: string;
  type: string;
  [field: string]: unknown;
}

/** nedb inserts an array in one write to its datafile; exposed under a name of our own. */
function withInsertMany(raw: unknown): Db {
  const db = raw as Db & { insertAsync(docs: Row[]): Promise<Row[]> };
  db.insertMany = (docs: Row[]) => db.insertAsync(docs);
  return db;
}

function assertField(field: string): void {
  if (!FIELD.test(field)) throw new Error(`invalid field name: ${JSON.stringify(field)}`);
}

function rowId(pk: string, id: string): string {
  return `${pk}\u0000${id}`;
}

function matches(doc: StoredDocument, condition: Condition): boolean {
  const value = doc[condition.field];
  if (value === undefined || value === null) return condition.op === '!=';
  const v = value as string | number | boolean;
  switch (condition.op) {
    case '=':
      return v === condition.value;
    case '!=':
      return v !== condition.value;
    case '<':
      return v < condition.value;
    case '<=':
      return v <= condition.value;
    case '>':
      return v > condition.value;
    case '>=':
      return v >= condition.value;
  }
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(private readonly db: Db) {}

  static async open(options: { dataDir: string } | { inMemory: true }): Promise<EmbeddedDocumentStore> {
    let db: Db;
    if ('dataDir' in options) {
      await mkdir(options.dataDir, { recursive: true });
      db = withInsertMany(new Datastore({ filename: join(options.dataDir, 'refleks.db') }));
      await db.loadDatabaseAsync();
      db.setAutocompactionInterval(COMPACT_EVERY_MS);
    } else {
      db = withInsertMany(new Datastore({ inMemoryOnly: true }));
    }
    await db.ensureIndexAsync({ fieldName: 'pk' });
    return new EmbeddedDocumentStore(db);
  }

  /** Runs `fn` after any earlier operation on the same document has finished. */
  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.locks.set(key, run);
    this.pending.add(run);
    try {
      return await run;
    } finally {
      this.pending.delete(run);
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  private toRow(doc: StoredDocument, etag: string): Row {
    return { _id: rowId(doc.pk, doc.id), [ETAG]: etag, doc: structuredClone(doc), pk: doc.pk, type: doc.type };
  }

  private out(row: Row): VersionedDocument {
    return { doc: structuredClone(row.doc), etag: row[ETAG] };
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    const row = await this.db.findOneAsync({ _id: rowId(pk, id) });
    return row ? this.out(row) : undefined;
  }

  async create(doc: StoredDocument): Promise<VersionedDocument> {
    return this.exclusive(rowId(doc.pk, doc.id), async () => {
      try {
        return this.out(await this.db.insertAsync(this.toRow(doc, randomUUID())));
      } catch (error) {
        // The unique _id index refuses a second document with the same (pk, id).
        if ((error as { errorType?: string }).errorType === 'uniqueViolated') throw new AlreadyExistsError(`document exists: ${doc.id}`);
        throw error;
      }
    });
  }

  async createMany(docs: StoredDocument[]): Promise<void> {
    if (docs.length === 0) return;
    const ids = docs.map((d) => rowId(d.pk, d.id));
    const existing = new Set((await this.db.findAsync({ _id: { $in: ids } })).map((r) => r._id));
    const fresh = docs.filter((d, i) => !existing.has(ids[i]!) && ids.indexOf(ids[i]!) === i);
    if (fresh.length === 0) return;
    const write = this.db.insertMany(fresh.map((d) => this.toRow(d, randomUUID())));
    this.pending.add(write);
    try {
      await write;
    } finally {
      this.pending.delete(write);
    }
  }

  async replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    return this.exclusive(rowId(doc.pk, doc.id), async () => {
      const existing = await this.db.findOneAsync({ _id: rowId(doc.pk, doc.id) });
      if (!existing || existing[ETAG] !== ifMatch) throw new ConcurrencyError(`document changed: ${doc.id}`);
      const row = this.toRow(doc, randomUUID());
      await this.db.updateAsync({ _id: row._id }, row, {});
      return this.out(row);
    });
  }

  async upsert(doc: StoredDocument): Promise<VersionedDocument> {
    return this.exclusive(rowId(doc.pk, doc.id), async () => {
      const row = this.toRow(doc, randomUUID());
      await this.db.updateAsync({ _id: row._id }, row, { upsert: true });
      return this.out(row);
    });
  }

  async delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    await this.exclusive(rowId(pk, id), async () => {
      const existing = await this.db.findOneAsync({ _id: rowId(pk, id) });
      if (!existing) return;
      if (ifMatch !== undefined && existing[ETAG] !== ifMatch) throw new ConcurrencyError(`document changed: ${id}`);
      await this.db.removeAsync({ _id: existing._id }, {});
    });
  }

  private select(rows: Row[], where: Condition[] | undefined, orderBy: PartitionQuery['orderBy'], limit: number | undefined): VersionedDocument[] {
    for (const c of where ?? []) assertField(c.field);
    if (orderBy) assertField(orderBy.field);
    let result = rows.filter((row) => (where ?? []).every((c) => matches(row.doc, c)));
    if (orderBy) {
      const sign = orderBy.direction === 'desc' ? -1 : 1;
      result = result.sort((a, b) => sign * compare(a.doc[orderBy.field], b.doc[orderBy.field]));
    }
    if (limit !== undefined) result = result.slice(0, limit);
    return result.map((row) => this.out(row));
  }

  async query(query: PartitionQuery): Promise<VersionedDocument[]> {
    const rows = await this.db.findAsync({ pk: query.pk, type: query.type });
    return this.select(rows, query.where, query.orderBy, query.limit);
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    const rows = await this.db.findAsync({ type: scan.type });
    const inPrefix = scan.pkPrefix ? rows.filter((r: Row) => r.pk.startsWith(scan.pkPrefix!)) : rows;
    return this.select(inPrefix, scan.where, undefined, undefined);
  }

  async ping(): Promise<void> {
    await this.db.countAsync({ _id: '\u0000ping' });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.db.stopAutocompaction();
    await this.db.compactDatafileAsync();
  }
}

export function createEmbeddedDocumentStore(options: { dataDir: string } | { inMemory: true }): Promise<EmbeddedDocumentStore> {
  return EmbeddedDocumentStore.open(options);
}
