/**
 * The embedded store: one @seald-io/nedb datafile under DATA_DIR (or memory only). It is the
 * default when no Cosmos account is configured, for ONE bot process (nedb has no file lock).
 *
 * Each row is `{ _id: pk␀id, pk, type, etag, body }` where `body` is the document as JSON text:
 * - the caller gets back exactly what Cosmos would give: a JSON round trip of what was written,
 *   never nedb's `_id` or our etag field;
 * - nedb never inspects the document, so keys it refuses (`a.b`, `$x`) work as they do in Cosmos.
 *
 * Etags are emulated: a fresh random token per write. Every conditional write is ONE nedb
 * operation whose query carries the expected etag (`update({_id, etag}, …)`, `remove({_id, etag})`);
 * nedb runs its operations one at a time through its executor, so the compare and the swap
 * cannot be interleaved with another write, with no lock of our own to get wrong.
 *
 * Query semantics follow Azure Cosmos DB, so both adapters agree: a comparison between values of
 * different JSON types (or with a missing field) is undefined and the document is skipped, also
 * for `!=`; ORDER BY sorts undefined < null < booleans < numbers < strings < arrays < objects.
 *
 * The datafile is append-only; it is compacted on open, after as many superseded lines
 * (replaced, upserted over or deleted documents) as there are live documents (at least
 * `compactAfterWrites`), and on close, so it stays within about twice its live size. New
 * documents (diary entries, audit events) leave nothing stale behind and do not count.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type NedbModule from '@seald-io/nedb';
import type { Logger } from '../../logger.js';
import {
  AlreadyExistsError,
  ConcurrencyError,
  StoreUnavailableError,
  type Condition,
  type CrossPartitionScan,
  type DocumentStore,
  type PartitionQuery,
  type StoredDocument,
  type VersionedDocument,
} from '../ports.js';
import { assertCondition, assertDocument, assertField, assertLimit, assertKey, compareJson, matchesCondition } from '../document-rules.js';

// nedb is CommonJS (module.exports = Datastore); load it the way Node does under NodeNext.
// (Its typings declare an ES default export, which NodeNext reads as the module object.)
type NedbClass = typeof NedbModule.default;
const Datastore = createRequire(import.meta.url)('@seald-io/nedb') as NedbClass;

/** One stored document as nedb holds it. */
interface Row {
  _id: string;
  pk: string;
  type: string;
  etag: string;
  /** The document as JSON text. */
  body: string;
}

/** Rows written by the first version of this adapter (document as an object, etag in `__etag`). */
interface LegacyRow {
  _id: string;
  pk: string;
  type: string;
  __etag: string;
  doc: StoredDocument;
}

/** The part of nedb's API used here, typed for our rows. */
interface Db {
  loadDatabaseAsync(): Promise<void>;
  ensureIndexAsync(options: { fieldName: string }): Promise<void>;
  compactDatafileAsync(): Promise<void>;
  getAllData(): unknown[];
  findAsync(query: object): Promise<unknown[]>;
  findOneAsync(query: object): Promise<unknown>;
  insertAsync(doc: Row | Row[]): Promise<unknown>;
  updateAsync(query: object, doc: Row, options: { upsert?: boolean }): Promise<{ numAffected: number }>;
  removeAsync(query: object, options: { multi?: boolean }): Promise<number>;
}

export const DATAFILE_NAME = 'refleks.db';
const DEFAULT_DATA_DIR = './data';
const DEFAULT_COMPACT_AFTER_WRITES = 1000;

export type EmbeddedStoreOptions = ({ dataDir?: string; inMemory?: false } | { inMemory: true }) & {
  /** Compact once this many lines were appended (or as many as there are live documents, if more). */
  compactAfterWrites?: number;
  logger?: Logger;
};

function rowId(pk: string, id: string): string {
  return `${pk}\u0000${id}`;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { errorType?: unknown } | null)?.errorType === 'uniqueViolated';
}

/** Disk errors (ENOSPC, EACCES, EROFS…) mean the store cannot serve; other errors are bugs. */
function isIoError(error: unknown): boolean {
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return typeof e?.syscall === 'string' || (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code));
}

function toVersioned(row: Row): VersionedDocument {
  return { doc: JSON.parse(row.body) as StoredDocument, etag: row.etag };
}

export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  /** Operations under way, so close() can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private appendedSinceCompaction = 0;
  private compacting: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly persistent: boolean,
    private readonly compactAfterWrites: number,
    private readonly logger: Logger | undefined,
    /** The datafile path, or undefined in memory. */
    readonly filename: string | undefined,
  ) {}

  static async open(options: EmbeddedStoreOptions = {}): Promise<EmbeddedDocumentStore> {
    const compactAfterWrites = Math.max(1, options.compactAfterWrites ?? DEFAULT_COMPACT_AFTER_WRITES);
    let db: Db;
    let filename: string | undefined;
    if (options.inMemory === true) {
      db = new Datastore({ inMemoryOnly: true }) as unknown as Db;
    } else {
      const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
      filename = join(dir, DATAFILE_NAME);
      try {
        await mkdir(dir, { recursive: true });
        db = new Datastore({ filename }) as unknown as Db;
        // Loading also rewrites the datafile without its superseded lines.
        await db.loadDatabaseAsync();
      } catch (error) {
        throw new StoreUnavailableError(`embedded store cannot open ${filename}: ${(error as Error).message}`, { cause: error });
      }
    }
    await db.ensureIndexAsync({ fieldName: 'pk' });
    await db.ensureIndexAsync({ fieldName: 'type' });
    const store = new EmbeddedDocumentStore(db, filename !== undefined, compactAfterWrites, options.logger, filename);
    await store.migrateLegacyRows();
    return store;
  }

  /** Rewrites rows of the first storage format (an object and `__etag`) into the current one. */
  private async migrateLegacyRows(): Promise<void> {
    const legacy = (await this.db.findAsync({ body: { $exists: false } })) as LegacyRow[];
    for (const row of legacy) {
      if (!row.doc || typeof row.__etag !== 'string') continue;
      await this.db.updateAsync({ _id: row._id }, { _id: row._id, pk: row.pk, type: row.type, etag: row.__etag, body: JSON.stringify(row.doc) }, {});
    }
    if (legacy.length > 0) this.logger?.info({ store: 'embedded', migrated: legacy.length }, 'embedded store rows migrated');
  }

  /** Runs a store operation: refused once closed, awaited by close(), disk errors mapped. */
  private async run<T>(fn: () => Promise<T>, supersededLines = 0): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('embedded store is closed');
    const op = fn();
    this.inFlight.add(op);
    try {
      const result = await op;
      if (supersededLines > 0) this.noteAppended(supersededLines);
      return result;
    } catch (error) {
      if (isIoError(error)) throw new StoreUnavailableError(`embedded store I/O failed: ${(error as Error).message}`, { cause: error });
      throw error;
    } finally {
      this.inFlight.delete(op);
    }
  }

  private noteAppended(lines: number): void {
    if (!this.persistent) return;
    this.appendedSinceCompaction += lines;
    const threshold = Math.max(this.compactAfterWrites, this.db.getAllData().length);
    if (this.appendedSinceCompaction >= threshold && !this.compacting) {
      this.appendedSinceCompaction = 0;
      const compaction = this.db
        .compactDatafileAsync()
        .catch((error: unknown) => this.logger?.error({ store: 'embedded', err: error }, 'embedded store compaction failed'))
        .finally(() => {
          this.inFlight.delete(compaction);
          this.compacting = undefined;
        });
      this.compacting = compaction;
      this.inFlight.add(compaction);
    }
  }

  private newRow(doc: StoredDocument): Row {
    return { _id: rowId(doc.pk, doc.id), pk: doc.pk, type: doc.type, etag: randomUUID(), body: JSON.stringify(doc) };
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    assertKey(pk, id);
    return this.run(async () => {
      const row = (await this.db.findOneAsync({ _id: rowId(pk, id) })) as Row | null;
      return row ? toVersioned(row) : undefined;
    });
  }

  async create(doc: StoredDocument): Promise<VersionedDocument> {
    assertDocument(doc);
    const row = this.newRow(doc);
    return this.run(async () => {
      try {
        await this.db.insertAsync(row);
      } catch (error) {
        // The unique _id index refuses a second document with the same (pk, id).
        if (isUniqueViolation(error)) throw new AlreadyExistsError(`document exists: ${doc.id}`);
        throw error;
      }
      return toVersioned(row);
    }, 0);
  }

  async createMany(docs: StoredDocument[]): Promise<void> {
    docs.forEach(assertDocument);
    if (docs.length === 0) return;
    await this.run(async () => {
      const rows = new Map<string, Row>();
      for (const doc of docs) {
        const row = this.newRow(doc);
        if (!rows.has(row._id)) rows.set(row._id, row);
      }
      const existing = (await this.db.findAsync({ _id: { $in: [...rows.keys()] } })) as Row[];
      for (const row of existing) rows.delete(row._id);
      const fresh = [...rows.values()];
      if (fresh.length === 0) return;
      try {
        // One append for the lot; nedb inserts an array all or nothing.
        await this.db.insertAsync(fresh);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Someone created one of them meanwhile: insert one by one, skipping those that exist.
        for (const row of fresh) {
          await this.db.insertAsync(row).catch((e: unknown) => {
            if (!isUniqueViolation(e)) throw e;
          });
        }
      }
    });
  }

  async replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    assertDocument(doc);
    if (typeof ifMatch !== 'string' || ifMatch === '') throw new TypeError('replace needs the etag the document was read with');
    const row = this.newRow(doc);
    return this.run(async () => {
      // Compare and swap in one nedb operation: matches nothing if the etag moved or the document is gone.
      const { numAffected } = await this.db.updateAsync({ _id: row._id, etag: ifMatch }, row, {});
      if (numAffected !== 1) throw new ConcurrencyError(`document changed: ${doc.id}`);
      return toVersioned(row);
    }, 1);
  }

  async upsert(doc: StoredDocument): Promise<VersionedDocument> {
    assertDocument(doc);
    const row = this.newRow(doc);
    return this.run(async () => {
      await this.db.updateAsync({ _id: row._id }, row, { upsert: true });
      return toVersioned(row);
    }, 1);
  }

  async delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    assertKey(pk, id);
    await this.run(async () => {
      if (ifMatch === undefined) {
        await this.db.removeAsync({ _id: rowId(pk, id) }, {});
        return;
      }
      const removed = await this.db.removeAsync({ _id: rowId(pk, id), etag: ifMatch }, {});
      if (removed === 1) return;
      // Nothing removed: gone already (ignored, as documented) or another version (refused).
      const current = await this.db.findOneAsync({ _id: rowId(pk, id) });
      if (current) throw new ConcurrencyError(`document changed: ${id}`);
    }, 1);
  }

  private select(rows: Row[], where: Condition[] | undefined, orderBy: PartitionQuery['orderBy'], limit: number | undefined): VersionedDocument[] {
    let result = rows.map(toVersioned);
    if (where && where.length > 0) result = result.filter(({ doc }) => where.every((c) => matchesCondition(doc[c.field], c)));
    if (orderBy) {
      const sign = orderBy.direction === 'desc' ? -1 : 1;
      const field = orderBy.field;
      result.sort((a, b) => sign * compareJson(a.doc[field], b.doc[field]));
    }
    return limit === undefined ? result : result.slice(0, limit);
  }

  async query(query: PartitionQuery): Promise<VersionedDocument[]> {
    if (typeof query.pk !== 'string' || query.pk === '') throw new TypeError('query needs a partition key');
    if (typeof query.type !== 'string') throw new TypeError('query needs a type');
    query.where?.forEach(assertCondition);
    if (query.orderBy) {
      assertField(query.orderBy.field);
      if (query.orderBy.direction !== 'asc' && query.orderBy.direction !== 'desc') throw new TypeError('orderBy.direction must be asc or desc');
    }
    if (query.limit !== undefined) assertLimit(query.limit);
    if (query.limit === 0) return [];
    return this.run(async () => {
      const rows = (await this.db.findAsync({ pk: query.pk, type: query.type })) as Row[];
      return this.select(rows, query.where, query.orderBy, query.limit);
    });
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    if (typeof scan.type !== 'string') throw new TypeError('scan needs a type');
    scan.where?.forEach(assertCondition);
    return this.run(async () => {
      const rows = (await this.db.findAsync({ type: scan.type })) as Row[];
      const prefix = scan.pkPrefix;
      return this.select(prefix ? rows.filter((r) => r.pk.startsWith(prefix)) : rows, scan.where, undefined, undefined);
    });
  }

  async ping(): Promise<void> {
    await this.run(async () => {
      await this.db.findOneAsync({ _id: '\u0000ping' });
    });
  }

  /** Waits for every operation under way, compacts the datafile and refuses further calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.persistent) await this.db.compactDatafileAsync();
  }
}

export function createEmbeddedDocumentStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedDocumentStore> {
  return EmbeddedDocumentStore.open(options);
}
