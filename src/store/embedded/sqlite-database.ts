/**
 * The embedded store's SQLite file: opening it (WAL, synchronous, busy timeout), its schema and
 * migrations, and turning SQLite's failures into the port's StoreUnavailableError with a
 * message that names the file and says what to do.
 *
 * Schema (version 1):
 * - `documents`: one row per document, unique (pk, id); `body` is the document as JSON text
 *   (checked with json_valid on every write, also by other programs); `etag` a random token
 *   per write; `verified` holds the etag at which the document last passed its checks. A
 *   trigger clears it when a row is changed without a new verification (by hand, by another
 *   tool), and rows with `verified IS NOT etag` are checked again at the next start.
 * - `quarantine`: documents (or nedb lines) that could not be read, with their raw text, the
 *   reason and what became of them (restored / discarded). Nothing is ever dropped.
 * - `meta`: the schema version and the nedb imports done.
 * - the indexes declared in src/store/indexes.ts, as partial expression indexes.
 */
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../ports.js';
import { DOCUMENT_INDEXES, indexName } from '../indexes.js';
import { indexDdl, TYPE_INDEX_NAME, typeIndexDdl } from './sqlite-sql.js';

export type SqliteDatabase = Database.Database;
export type Synchronous = 'full' | 'normal';

/** The SQLite file under DATA_DIR (the nedb datafile of earlier versions was `refleks.db`). */
export const DATABASE_FILE_NAME = 'refleks.sqlite';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const SCHEMA_VERSION = 1;
const CACHE_KIB = 8 * 1024;

/** The command that inspects and repairs the store; named in every message about a damaged store. */
export const STORE_COMMAND = 'npm run store --';

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS documents (
  pk TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  etag TEXT NOT NULL,
  body TEXT NOT NULL CHECK (json_valid(body)),
  verified TEXT,
  UNIQUE (pk, id)
) STRICT;
CREATE INDEX IF NOT EXISTS documents_unverified ON documents (type) WHERE verified IS NOT etag;
CREATE TRIGGER IF NOT EXISTS documents_changed AFTER UPDATE OF pk, id, type, etag, body ON documents
  WHEN NEW.verified IS OLD.verified
  BEGIN UPDATE documents SET verified = NULL WHERE rowid = NEW.rowid; END;
CREATE TABLE IF NOT EXISTS quarantine (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  pk TEXT,
  id TEXT,
  type TEXT,
  etag TEXT,
  raw TEXT NOT NULL,
  raw_format TEXT NOT NULL CHECK (raw_format IN ('document', 'nedb-line')),
  reason TEXT NOT NULL,
  origin TEXT NOT NULL,
  quarantined_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT CHECK (resolution IN ('restored', 'discarded'))
) STRICT;
CREATE INDEX IF NOT EXISTS quarantine_open ON quarantine (type) WHERE resolved_at IS NULL;
`;

/** Migrations by the version they lead to; each runs inside the start-up write transaction. */
const MIGRATIONS: ReadonlyArray<{ version: number; up: (db: SqliteDatabase) => void }> = [{ version: 1, up: (db) => db.exec(SCHEMA_V1) }];

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Database.SqliteError && typeof code === 'string' ? code : undefined;
}

/** True for a StoreUnavailableError that says the file is damaged or not a database (not for a lock or a full disk). */
export function isDamaged(error: unknown): boolean {
  const code = sqliteCode((error as { cause?: unknown } | null)?.cause);
  return error instanceof StoreUnavailableError && code !== undefined && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/**
 * SQLite's failures as the port's errors. Busy, I/O, full disk, read-only and cannot-open mean
 * the store cannot serve now; corrupt / not-a-database mean the file needs looking at. Anything
 * else (a constraint we did not expect, a bug) passes through.
 */
export function toStoreError(error: unknown, file: string, busyTimeoutMs: number): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = sqliteCode(error);
  const detail = (error as Error | null)?.message ?? String(error);
  if (code === undefined) {
    // better-sqlite3 says this in a TypeError once its connection is closed.
    if (error instanceof TypeError && /database connection is not open/.test(detail)) return new StoreUnavailableError(`embedded store ${file} is closed`, { cause: error });
    return error;
  }
  const fail = (message: string): StoreUnavailableError => new StoreUnavailableError(`${message} (${code}: ${detail})`, { cause: error });
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return fail(
      `embedded store ${file} is damaged or is not a Refleks SQLite database; nothing was changed. ` +
        `Run \`${STORE_COMMAND} check\` to see what is wrong, and restore a backup (\`${STORE_COMMAND} backup <file>\` makes one) ` +
        `or move the file away to start empty`,
    );
  }
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return fail(
      `embedded store ${file} stayed locked by another process for more than ${busyTimeoutMs} ms; ` +
        `check which Refleks processes use this DATA_DIR (a hanging one-off command?) or raise EMBEDDED_BUSY_TIMEOUT_MS`,
    );
  }
  if (/^SQLITE_FULL/.test(code)) return fail(`embedded store ${file}: the disk is full; free space and try again`);
  if (/^SQLITE_(READONLY|PERM|AUTH)/.test(code)) {
    return fail(`embedded store ${file} cannot be written; the bot needs write access to the file and to its folder (SQLite writes -wal and -shm files beside it)`);
  }
  if (/^SQLITE_CANTOPEN/.test(code)) {
    return fail(`embedded store ${file} cannot be opened; check that DATA_DIR exists, is a folder on a local disk and is writable`);
  }
  if (/^SQLITE_IOERR_SHM|^SQLITE_PROTOCOL/.test(code)) {
    return fail(`embedded store ${file}: SQLite's write-ahead log needs shared memory beside the file, which this file system does not give (a network share?); put DATA_DIR on a local disk`);
  }
  if (/^SQLITE_(IOERR|NOLFS)/.test(code)) return fail(`embedded store ${file}: reading or writing the file failed; check the disk`);
  return error;
}

export interface OpenDatabaseOptions {
  /** The file, or undefined for a private in-memory database. */
  file: string | undefined;
  synchronous: Synchronous;
  busyTimeoutMs: number;
}

/** Opens the connection and sets it up. WAL is required on disk: without it several processes could not share the file safely. */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  const label = options.file ?? ':memory:';
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(options.file ?? ':memory:', { timeout: options.busyTimeoutMs });
    if (options.file !== undefined) {
      // Reading the journal mode is the first access to the file: a non-database fails here, unchanged.
      const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      if (mode.toLowerCase() !== 'wal') {
        throw new StoreUnavailableError(
          `embedded store ${label} cannot use SQLite's write-ahead log (journal mode stays "${mode}"); ` +
            `put DATA_DIR on a local disk (WAL does not work on network shares)`,
        );
      }
    }
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Up to 8 MiB of pages cached per connection (SQLite's default is 2 MB): the documents of the
    // cards in use (tilbud, plans, summaries, the index pages above them) stay in memory; the
    // operating system's file cache holds the rest. (32 MiB made a citizen's whole diary read
    // faster, which no card does any more, and cost the bot that much memory.)
    db.pragma(`cache_size = -${CACHE_KIB}`);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The original error says more than a failing close.
    }
    throw toStoreError(error, label, options.busyTimeoutMs);
  }
}

export function readMeta(db: SqliteDatabase, key: string): string | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: SqliteDatabase, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Brings the schema to the current version and the declared indexes up to date. Call inside
 * the start-up write transaction (BEGIN IMMEDIATE): every step checks what is there first, so
 * a second process starting at the same moment finds the work done and does nothing.
 */
export function migrateSchema(db: SqliteDatabase): { from: number; to: number; indexesCreated: string[]; indexesDropped: string[] } {
  const stored = readMeta(db, 'schema');
  const from = stored === undefined ? 0 : Number(stored);
  if (!Number.isInteger(from) || from > SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `embedded store ${db.name} has schema version ${stored ?? '?'}, newer than this Refleks (${SCHEMA_VERSION}); run the newer version or restore a backup`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version > from) migration.up(db);
  }
  if (from !== SCHEMA_VERSION) writeMeta(db, 'schema', String(SCHEMA_VERSION));
  const { created, dropped } = syncIndexes(db);
  return { from, to: SCHEMA_VERSION, indexesCreated: created, indexesDropped: dropped };
}

/** Creates the declared indexes that are missing or changed, and drops the `doc_*` indexes no longer declared. */
function syncIndexes(db: SqliteDatabase): { created: string[]; dropped: string[] } {
  const existing = new Map(
    (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND name LIKE 'doc\\_%' ESCAPE '\\'").all() as { name: string; sql: string }[]).map(
      (row) => [row.name, row.sql],
    ),
  );
  const wanted = new Map([...DOCUMENT_INDEXES.map((index): [string, string] => [indexName(index), indexDdl(index)]), [TYPE_INDEX_NAME, typeIndexDdl()]]);
  const created: string[] = [];
  const dropped: string[] = [];
  for (const [name, sql] of existing) {
    if (wanted.get(name) !== sql) {
      db.exec(`DROP INDEX ${name}`);
      dropped.push(name);
    }
  }
  for (const [name, sql] of wanted) {
    if (existing.get(name) !== sql) {
      db.exec(sql);
      created.push(name);
    }
  }
  return { created, dropped };
}

/** Where better-sqlite3 is, for the background check's worker thread. */
export function betterSqlite3Path(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3');
}
