/**
 * What every process does once when it opens the embedded store (the bot, a one-off command,
 * the store tool): in ONE write transaction (BEGIN IMMEDIATE, so two processes starting
 * together take turns and the second finds the work done) it brings the schema and indexes up
 * to date, imports an old nedb datafile, and checks the documents not yet verified, moving
 * those that fail to the quarantine. Then, after the commit, it moves the imported datafile
 * aside and logs what happened (ids and counts, never contents).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../logger.js';
import { StoreUnavailableError } from '../ports.js';
import { verifyDocuments, type QuarantineRecord, type Validate } from './integrity.js';
import { importNedbDatafile, moveImportedAside, type NedbImportResult } from './nedb-import.js';
import {
  DATABASE_FILE_NAME,
  DEFAULT_BUSY_TIMEOUT_MS,
  migrateSchema,
  openDatabase,
  toStoreError,
  type SqliteDatabase,
  type Synchronous,
} from './sqlite-database.js';

export const DEFAULT_DATA_DIR = './data';

export interface StartOptions {
  /** The folder (created if missing); ignored with `inMemory`. */
  dataDir?: string | undefined;
  inMemory?: boolean | undefined;
  synchronous?: Synchronous | undefined;
  busyTimeoutMs?: number | undefined;
  validate?: Validate | undefined;
  logger?: Logger | undefined;
  now?: (() => Date) | undefined;
  /** Runs on the opened file before any start-up work writes to it (the adapter's quick_check). */
  beforeStart?: ((db: SqliteDatabase, file: string) => void) | undefined;
}

export interface StartReport {
  schema: { from: number; to: number; indexesCreated: string[]; indexesDropped: string[] };
  nedbImport?: NedbImportResult & { movedTo?: string | undefined };
  checked: number;
  quarantined: QuarantineRecord[];
}

export interface StartedDatabase {
  db: SqliteDatabase;
  /** The database file, or undefined in memory. */
  file: string | undefined;
  /** The file, or ':memory:', for messages. */
  label: string;
  busyTimeoutMs: number;
  report: StartReport;
}

export function startDatabase(options: StartOptions): StartedDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be a whole number of milliseconds');
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError("synchronous must be 'full' or 'normal'");
  const now = options.now ?? ((): Date => new Date());
  let dir: string | undefined;
  let file: string | undefined;
  if (!options.inMemory) {
    dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    file = join(dir, DATABASE_FILE_NAME);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StoreUnavailableError(`embedded store cannot create its folder ${dir} (DATA_DIR): ${(error as Error).message}`, { cause: error });
    }
  }
  const label = file ?? ':memory:';
  const db = openDatabase({ file, synchronous, busyTimeoutMs });
  try {
    if (file !== undefined) options.beforeStart?.(db, file);
    const started = now();
    const report = db
      .transaction((): StartReport => {
        const schema = migrateSchema(db);
        const nedbImport = dir !== undefined ? importNedbDatafile(db, dir, { validate: options.validate, now: started }) : undefined;
        const { checked, quarantined } = verifyDocuments(db, { validate: options.validate, now: started });
        return { schema, ...(nedbImport ? { nedbImport } : {}), checked, quarantined };
      })
      .immediate();
    if (report.nedbImport) {
      try {
        report.nedbImport.movedTo = moveImportedAside(report.nedbImport.file, started);
      } catch (error) {
        // The import is committed and recorded: the next start moves the file aside again.
        options.logger?.error({ store: 'embedded', file: report.nedbImport.file, err: error }, 'imported nedb datafile could not be moved aside');
      }
    }
    logStart(options.logger, label, report);
    return { db, file, label, busyTimeoutMs, report };
  } catch (error) {
    db.close();
    throw toStoreError(error, label, busyTimeoutMs);
  }
}

function logStart(logger: Logger | undefined, file: string, report: StartReport): void {
  if (!logger) return;
  const { schema, nedbImport } = report;
  if (schema.from !== schema.to || schema.indexesCreated.length > 0 || schema.indexesDropped.length > 0) {
    logger.info({ store: 'embedded', file, schemaFrom: schema.from, schemaTo: schema.to, indexesCreated: schema.indexesCreated, indexesDropped: schema.indexesDropped }, 'embedded store schema updated');
  }
  if (nedbImport) {
    if (nedbImport.alreadyImported) {
      logger.warn({ store: 'embedded', file: nedbImport.file, movedTo: nedbImport.movedTo }, 'nedb datafile was imported before; moved aside, not imported again');
    } else {
      logger.info(
        { store: 'embedded', file: nedbImport.file, movedTo: nedbImport.movedTo, imported: nedbImport.imported, deleted: nedbImport.deleted, quarantined: nedbImport.quarantined.length },
        'nedb datafile imported',
      );
    }
  }
  for (const q of [...(nedbImport?.quarantined ?? []), ...report.quarantined]) {
    logger.error({ store: 'embedded', quarantine: q.n, pk: q.pk, id: q.id, type: q.type, reason: q.reason, origin: q.origin }, 'document quarantined: it cannot be read');
  }
}
