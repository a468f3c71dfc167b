/**
 * The embedded store: one SQLite file, DATA_DIR/refleks.sqlite (through better-sqlite3), or a
 * private in-memory database. It is the default when no Cosmos account is configured.
 *
 * - One table of documents, unique (pk, id); the body is the document's JSON text, and what a
 *   caller gets back is exactly JSON.parse of what was written: no storage fields.
 * - Etags: a fresh random token per write. replace and delete with ifMatch are a compare and
 *   swap in one statement (`… WHERE pk = ? AND id = ? AND etag = ?`); createMany is one
 *   transaction that skips existing documents.
 * - Queries follow Azure Cosmos DB's semantics (see sqlite-sql.ts) and use the indexes
 *   declared in src/store/indexes.ts, so their cost follows what they return.
 * - WAL; `synchronous = NORMAL` by default: a write that resolved survives kill -9 (the WAL is
 *   in the OS's hands), and a power loss may take the last writes but never corrupts the file;
 *   `full` also survives a power loss, at the price of an fsync per write. Several
 *   processes may use one DATA_DIR at once: SQLite's locks order their writes, a writer waits
 *   up to the busy timeout, and start-up work happens under the write lock (startup.ts).
 * - Every document written is checked first (`validate`, the schema of its type) and marked
 *   verified; at start the rows not verified are checked and failures quarantined
 *   (integrity.ts). An unresolved quarantined document of a critical type (a tilbud, a plan)
 *   makes open() throw StoreIntegrityError, whose message says how to recover with
 *   `npm run store -- …` (scripts/store.ts).
 *
 * better-sqlite3 is synchronous: each operation runs to its end before the call returns its
 * promise, so no two of this process's operations interleave, and close() never cuts one off.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Statement, Transaction } from 'better-sqlite3';
import type { Logger } from '../../logger.js';
import {
  AlreadyExistsError,
  ConcurrencyError,
  StoreUnavailableError,
  type CrossPartitionScan,
  type DocumentStore,
  type PartitionQuery,
  type StoredDocument,
  type VersionedDocument,
} from '../ports.js';
import { assertDocument, assertKey } from '../document-rules.js';
import { integrityError, openCriticalQuarantine, quickCheck, type Validate } from './integrity.js';
import { betterSqlite3Path, STORE_COMMAND, toStoreError, type SqliteDatabase, type Synchronous } from './sqlite-database.js';
import { buildPartitionQuery, buildScan, type SqlValue } from './sqlite-sql.js';
import { startDatabase } from './startup.js';

export { DATABASE_FILE_NAME } from './sqlite-database.js';
export { NEDB_FILE_NAME } from './nedb-import.js';

/** quick_check reads the whole file: at start only up to this size (about 50 ms warm, 0.4 s cold); a larger file is checked in the background. */
export const DEFAULT_QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024;
/** Prepared query statements kept (queries differ by type, fields and operators, so there are few). */
const STATEMENT_CACHE_SIZE = 200;

export type EmbeddedStoreOptions = ({ dataDir?: string; inMemory?: false } | { inMemory: true }) & {
  logger?: Logger;
  /** 'full' (default): a resolved write survives a power loss. 'normal': it survives a crash of the process, not of the machine. */
  synchronous?: Synchronous;
  /** How long a write waits for another process's write lock before StoreUnavailableError (default 5000 ms). */
  busyTimeoutMs?: number;
  /** The schema check of a document: a reason when it fails, else undefined (main.ts: checkStoredDocument). */
  validate?: Validate;
  /** Types the store must not serve without (main.ts: CRITICAL_DOCUMENT_TYPES). */
  criticalTypes?: ReadonlySet<string>;
  /** Run SQLite's quick_check at start when the file is at most this big; larger files are checked in a background thread. */
  quickCheckMaxBytes?: number;
};

interface Row {
  etag: string;
  body: string;
}

interface Prepared {
  body: string;
  doc: StoredDocument;
  etag: string;
  verified: string | null;
}

/** The fixed statements, prepared once per connection. */
function prepareStatements(db: SqliteDatabase) {
  return {
    read: db.prepare('SELECT etag, body FROM documents WHERE pk = ? AND id = ?'),
    exists: db.prepare('SELECT 1 FROM documents WHERE pk = ? AND id = ?').pluck(),
    insert: db.prepare('INSERT INTO documents (pk, id, type, etag, body, verified) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pk, id) DO NOTHING'),
    replace: db.prepare('UPDATE documents SET type = ?, etag = ?, body = ?, verified = ? WHERE pk = ? AND id = ? AND etag = ?'),
    upsert: db.prepare(
      'INSERT INTO documents (pk, id, type, etag, body, verified) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (pk, id) DO UPDATE SET type = excluded.type, etag = excluded.etag, body = excluded.body, verified = excluded.verified',
    ),
    delete: db.prepare('DELETE FROM documents WHERE pk = ? AND id = ?'),
    deleteIfMatch: db.prepare('DELETE FROM documents WHERE pk = ? AND id = ? AND etag = ?'),
    ping: db.prepare('SELECT 1').pluck(),
  };
}

/**
 * quick_check's findings about the file's structure. A row whose body breaks the JSON CHECK
 * (written past it) is not one: the start-up's document check moves it to the quarantine.
 */
function structuralProblems(lines: string[]): string[] {
  return lines.filter((line) => line !== 'ok' && !/^CHECK constraint failed in documents$/.test(line));
}

/** Refuses a file that fails SQLite's quick_check. */
function assertStructure(db: SqliteDatabase, file: string): void {
  const problems = structuralProblems(quickCheck(db));
  if (problems.length === 0) return;
  throw new StoreUnavailableError(
    `embedded store ${file} failed SQLite's integrity check (${problems.slice(0, 3).join('; ')}); nothing was changed. ` +
      `Run \`${STORE_COMMAND} check\` for the report, make a copy with \`${STORE_COMMAND} backup <file>\`, and restore a backup`,
  );
}

/**
 * A worker thread (unref'd: it never keeps the process alive) running `body` with `parentPort`,
 * `workerData` and better-sqlite3's `Database` in scope, on a connection of its own.
 */
function sqliteWorker(body: string, data: Record<string, unknown>): Worker {
  const code = `const { parentPort, workerData } = require('node:worker_threads');\nconst Database = require(workerData.module);\n${body}`;
  const worker = new Worker(code, { eval: true, workerData: { ...data, module: betterSqlite3Path() } });
  worker.unref();
  return worker;
}

/** How often the checkpoint thread moves the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 1_000;

export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private closed = false;
  private readonly statements = new Map<string, Statement<SqlValue[]>>();
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly createManyTx: Transaction<(rows: Prepared[]) => void>;
  private readonly deleteIfMatchTx: Transaction<(pk: string, id: string, ifMatch: string) => void>;
  private backgroundCheck: Worker | undefined;
  private checkpointer: Worker | undefined;

  private constructor(
    private readonly db: SqliteDatabase,
    /** The database file, or undefined in memory. */
    readonly filename: string | undefined,
    private readonly label: string,
    private readonly busyTimeoutMs: number,
    private readonly validate: Validate | undefined,
    private readonly logger: Logger | undefined,
  ) {
    this.stmt = prepareStatements(db);
    this.createManyTx = db.transaction((rows: Prepared[]) => {
      for (const row of rows) this.stmt.insert.run(row.doc.pk, row.doc.id, row.doc.type, row.etag, row.body, row.verified);
    });
    this.deleteIfMatchTx = db.transaction((pk: string, id: string, ifMatch: string) => {
      if (this.stmt.deleteIfMatch.run(pk, id, ifMatch).changes === 1) return;
      // Nothing removed: gone already (ignored, as documented) or another version (refused).
      if (this.stmt.exists.get(pk, id) !== undefined) throw new ConcurrencyError(`document changed: ${id}`);
    });
  }

  static async open(options: EmbeddedStoreOptions = {}): Promise<EmbeddedDocumentStore> {
    const inMemory = options.inMemory === true;
    const quickCheckMaxBytes = options.quickCheckMaxBytes ?? DEFAULT_QUICK_CHECK_MAX_BYTES;
    let checkLater: number | undefined;
    const started = startDatabase({
      dataDir: inMemory ? undefined : options.dataDir,
      inMemory,
      synchronous: options.synchronous,
      busyTimeoutMs: options.busyTimeoutMs,
      validate: options.validate,
      logger: options.logger,
      // SQLite's quick_check, before the start-up work writes anything: here for a small file
      // (a damaged one is refused), in a background thread for a large one (it reads the whole file).
      beforeStart: (db, file) => {
        const size = statSync(file).size;
        if (size <= quickCheckMaxBytes) assertStructure(db, file);
        else checkLater = size;
      },
    });
    const { db, file, label } = started;
    try {
      const critical = openCriticalQuarantine(db, options.criticalTypes ?? new Set());
      if (critical.length > 0) throw integrityError(label, critical);
      const store = new EmbeddedDocumentStore(db, file, label, started.busyTimeoutMs, options.validate, options.logger);
      if (file !== undefined && checkLater !== undefined) store.startBackgroundCheck(file, checkLater);
      if (file !== undefined) store.startCheckpointer(file);
      return store;
    } catch (error) {
      if (db.open) db.close();
      throw toStoreError(error, label, started.busyTimeoutMs);
    }
  }

  /**
   * WAL checkpoints (copying committed pages from the WAL into the database file) happen in a
   * worker thread on a connection of its own, once a second, instead of inside whichever write
   * crosses SQLite's threshold: measured, that checkpoint work was half the cost of saving a
   * diary entry. A checkpoint never changes what a reader sees, and a write is as durable
   * without it (it is in the WAL); PASSIVE never waits for readers or writers.
   */
  private startCheckpointer(file: string): void {
    this.db.pragma('wal_autocheckpoint = 0');
    const worker = sqliteWorker(
      `
      const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
      db.pragma('wal_autocheckpoint = 0');
      const timer = setInterval(() => {
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
        } catch (error) {
          // Busy or locked: the next round tries again.
          if (!/BUSY|LOCKED/.test(String(error && error.code))) parentPort.postMessage({ failed: String((error && (error.code || error.message)) || error) });
        }
      }, workerData.everyMs);
      parentPort.on('message', (message) => {
        if (message !== 'stop') return;
        clearInterval(timer);
        db.close();
        parentPort.postMessage({ stopped: true });
      });`,
      { file, everyMs: CHECKPOINT_EVERY_MS },
    );
    this.checkpointer = worker;
    worker.on('message', (message: { failed?: string }) => {
      if (message.failed) this.logger?.warn({ store: 'embedded', file, failed: message.failed }, 'embedded store checkpoint failed; retried next round');
    });
    worker.on('error', (error) => {
      // Without the worker, SQLite checkpoints inside the writes again (slower, never unsafe).
      this.logger?.error({ store: 'embedded', file, err: error }, 'embedded store checkpoint thread stopped');
      if (!this.closed && this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
  }

  /**
   * quick_check on its own read-only connection in a worker thread: WAL lets it read while the
   * bot serves. It finds damage within seconds of start and logs it; it cannot stop the bot.
   */
  private startBackgroundCheck(file: string, size: number): void {
    const started = Date.now();
    const worker = sqliteWorker(
      `
      let db;
      try {
        db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: workerData.timeout });
        parentPort.postMessage({ problems: db.pragma('quick_check(20)').map((row) => row.quick_check) });
      } catch (error) {
        parentPort.postMessage({ failed: String((error && (error.code || error.message)) || error) });
      } finally {
        if (db) db.close();
      }`,
      { file, timeout: this.busyTimeoutMs },
    );
    this.backgroundCheck = worker;
    worker.on('message', (message: { problems?: string[]; failed?: string }) => {
      const ms = Date.now() - started;
      if (message.problems && structuralProblems(message.problems).length === 0) {
        this.logger?.info({ store: 'embedded', file, bytes: size, ms }, 'embedded store passed its integrity check (quick_check)');
      } else {
        this.logger?.error(
          { store: 'embedded', file, problems: message.problems?.slice(0, 5), failed: message.failed, ms },
          `embedded store failed its integrity check (quick_check): run \`${STORE_COMMAND} check\` and restore a backup`,
        );
      }
    });
    worker.on('error', (error) => this.logger?.error({ store: 'embedded', file, err: error }, 'embedded store integrity check could not run'));
    worker.on('exit', () => {
      if (this.backgroundCheck === worker) this.backgroundCheck = undefined;
    });
  }

  /** Runs an operation: refused once closed, SQLite failures mapped to the port's errors. */
  private run<T>(fn: () => T): T {
    if (this.closed) throw new StoreUnavailableError(`embedded store ${this.label} is closed`);
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, this.label, this.busyTimeoutMs);
    }
  }

  private toVersioned(row: Row): VersionedDocument {
    try {
      return { doc: JSON.parse(row.body) as StoredDocument, etag: row.etag };
    } catch (error) {
      // Only if someone wrote past the CHECK constraint since the start-up check.
      throw new StoreUnavailableError(`embedded store ${this.label} holds a document that is not valid JSON; run \`${STORE_COMMAND} check\``, { cause: error });
    }
  }

  /** The stored form of a document: its JSON text, checked against its schema. */
  private prepareWrite(doc: StoredDocument): Prepared {
    assertDocument(doc);
    const body = JSON.stringify(doc);
    // What the caller gets back, and what is checked: exactly what a later read parses.
    const stored = JSON.parse(body) as StoredDocument;
    assertDocument(stored);
    if (this.validate) {
      const reason = this.validate(stored);
      if (reason !== undefined) throw new TypeError(`document fails its schema: ${reason}`);
    }
    const etag = randomUUID();
    return { body, doc: stored, etag, verified: this.validate ? etag : null };
  }

  private statement(sql: string): Statement<SqlValue[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      statement = this.db.prepare<SqlValue[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all(sql: string, params: SqlValue[]): VersionedDocument[] {
    return (this.statement(sql).all(...params) as Row[]).map((row) => this.toVersioned(row));
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    assertKey(pk, id);
    return this.run(() => {
      const row = this.stmt.read.get(pk, id) as Row | undefined;
      return row ? this.toVersioned(row) : undefined;
    });
  }

  async create(doc: StoredDocument): Promise<VersionedDocument> {
    const row = this.prepareWrite(doc);
    return this.run(() => {
      const { changes } = this.stmt.insert.run(row.doc.pk, row.doc.id, row.doc.type, row.etag, row.body, row.verified);
      if (changes !== 1) throw new AlreadyExistsError(`document exists: ${row.doc.id}`);
      return { doc: row.doc, etag: row.etag };
    });
  }

  async createMany(docs: StoredDocument[]): Promise<void> {
    // Every document is checked before any is written.
    const rows = docs.map((doc) => this.prepareWrite(doc));
    if (rows.length === 0) return;
    this.run(() => this.createManyTx.immediate(rows));
  }

  async replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    if (typeof ifMatch !== 'string' || ifMatch === '') throw new TypeError('replace needs the etag the document was read with');
    const row = this.prepareWrite(doc);
    return this.run(() => {
      // Compare and swap in one statement: matches nothing if the etag moved or the document is gone.
      const { changes } = this.stmt.replace.run(row.doc.type, row.etag, row.body, row.verified, row.doc.pk, row.doc.id, ifMatch);
      if (changes !== 1) throw new ConcurrencyError(`document changed: ${row.doc.id}`);
      return { doc: row.doc, etag: row.etag };
    });
  }

  async upsert(doc: StoredDocument): Promise<VersionedDocument> {
    const row = this.prepareWrite(doc);
    return this.run(() => {
      this.stmt.upsert.run(row.doc.pk, row.doc.id, row.doc.type, row.etag, row.body, row.verified);
      return { doc: row.doc, etag: row.etag };
    });
  }

  async delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    assertKey(pk, id);
    this.run(() => {
      if (ifMatch === undefined) this.stmt.delete.run(pk, id);
      else this.deleteIfMatchTx.immediate(pk, id, ifMatch);
    });
  }

  async query(query: PartitionQuery): Promise<VersionedDocument[]> {
    const { sql, params } = buildPartitionQuery(query);
    if (query.limit === 0) return [];
    return this.run(() => this.all(sql, params));
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    const { sql, params } = buildScan(scan);
    const prefix = scan.pkPrefix;
    if (scan.limit === 0) return [];
    return this.run(() => {
      const rows = this.all(sql, params);
      // Defence in depth, as in the Cosmos adapter: never a document outside the prefix.
      return prefix ? rows.filter((r) => r.doc.pk.startsWith(prefix)) : rows;
    });
  }

  async ping(): Promise<void> {
    this.run(() => this.stmt.ping.get());
  }

  /** Refuses further calls and closes the file (every operation has finished: they are synchronous). */
  private async stopCheckpointer(): Promise<void> {
    const worker = this.checkpointer;
    if (!worker) return;
    this.checkpointer = undefined;
    const stopped = new Promise<void>((resolve) => {
      const done = (): void => resolve();
      worker.once('exit', done);
      worker.on('message', (message: { stopped?: boolean }) => message.stopped && done());
      setTimeout(done, 2_000).unref();
    });
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A background quick_check holds only a read-only connection of its own: stopping it changes nothing.
    void this.backgroundCheck?.terminate();
    await this.stopCheckpointer();
    try {
      // Keeps the planner's statistics current (cheap: SQLite limits the work itself).
      this.db.pragma('optimize');
      // Leaves a small WAL behind (PASSIVE: if another process is busy, it finishes the job).
      if (this.filename !== undefined) this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      this.logger?.warn({ store: 'embedded', err: error }, 'embedded store optimize on close failed');
    }
    try {
      this.db.close();
    } catch (error) {
      throw toStoreError(error, this.label, this.busyTimeoutMs);
    }
  }
}

export function createEmbeddedDocumentStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedDocumentStore> {
  return EmbeddedDocumentStore.open(options);
}
