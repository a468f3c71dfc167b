/**
 * The embedded store's maintenance, for `npm run store -- …` (scripts/store.ts): the checks and
 * a report, the quarantine (list, show, restore, discard) and an online backup.
 *
 * It opens the database as the bot does (the same start-up work under the write lock: schema,
 * nedb import, check of unverified documents) but never refuses: it is the way out of a
 * refusal. It may run while the bot runs: its writes take SQLite's write lock like any other.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../logger.js';
import { StoreUnavailableError, type QuarantinedDocument, type StoredDocument } from '../ports.js';
import {
  documentProblem,
  listQuarantine,
  openCriticalQuarantine,
  quickCheck,
  readQuarantined,
  resolveQuarantined,
  verifyDocuments,
  type QuarantineRecord,
  type Validate,
} from './integrity.js';
import { documentOfNedbLine, findNedbDatafile } from './nedb-import.js';
import { DATABASE_FILE_NAME, toStoreError, type SqliteDatabase } from './sqlite-database.js';
import { startDatabase, type StartReport } from './startup.js';

export interface MaintenanceOptions {
  dataDir: string;
  validate?: Validate | undefined;
  criticalTypes?: ReadonlySet<string> | undefined;
  busyTimeoutMs?: number | undefined;
  logger?: Logger | undefined;
  now?: (() => Date) | undefined;
}

export interface CheckReport {
  file: string;
  bytes: number;
  /** SQLite's quick_check: ['ok'] or the problems found. */
  quickCheck: string[];
  quickCheckMs: number;
  /** Documents by type. */
  documents: Record<string, number>;
  /** Documents checked now (all with `all`, else those not yet verified) and those that failed. */
  checked: number;
  quarantinedNow: QuarantineRecord[];
  /** Unresolved quarantine entries, and those of them that stop the bot. */
  open: QuarantineRecord[];
  critical: QuarantinedDocument[];
  ok: boolean;
}

/** A failure the user can act on (bad number, document still invalid…): the message says what to do. */
export class MaintenanceError extends Error {
  override readonly name = 'MaintenanceError';
}

export class EmbeddedStoreMaintenance {
  private constructor(
    private readonly db: SqliteDatabase,
    readonly file: string,
    private readonly busyTimeoutMs: number,
    /** What the start-up did (import, quarantined documents). */
    readonly startReport: StartReport,
    private readonly options: MaintenanceOptions,
  ) {}

  /** Opens the store in `dataDir`; refuses a folder without one (it would create an empty store). */
  static open(options: MaintenanceOptions): EmbeddedStoreMaintenance {
    const dir = resolve(options.dataDir);
    if (!existsSync(join(dir, DATABASE_FILE_NAME)) && findNedbDatafile(dir) === undefined) {
      throw new MaintenanceError(`there is no embedded store in ${dir} (no ${DATABASE_FILE_NAME}); set DATA_DIR or pass --data-dir`);
    }
    const started = startDatabase({ dataDir: options.dataDir, validate: options.validate, busyTimeoutMs: options.busyTimeoutMs, logger: options.logger, now: options.now });
    return new EmbeddedStoreMaintenance(started.db, started.file!, started.busyTimeoutMs, started.report, options);
  }

  /**
   * For a store that cannot be opened because the file is damaged: SQLite's own check on a
   * read-only connection (nothing is written), so `check` still reports what is wrong.
   */
  static checkDamagedFile(dataDir: string): { file: string; bytes: number; quickCheck: string[] } {
    const file = join(resolve(dataDir), DATABASE_FILE_NAME);
    let db: SqliteDatabase | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      return { file, bytes: statSync(file).size, quickCheck: quickCheck(db) };
    } catch (error) {
      return { file, bytes: existsSync(file) ? statSync(file).size : 0, quickCheck: [String((error as { code?: unknown }).code ?? (error as Error).message)] };
    } finally {
      db?.close();
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, this.file, this.busyTimeoutMs);
    }
  }

  /** Every check there is: SQLite's quick_check on the whole file, the documents (all of them with `all`), the quarantine. */
  check(options: { all?: boolean } = {}): CheckReport {
    return this.run(() => {
      const started = process.hrtime.bigint();
      const problems = quickCheck(this.db);
      const quickCheckMs = Number(process.hrtime.bigint() - started) / 1e6;
      // In short transactions of its own (see verifyDocuments): the bot may be running.
      const { checked, quarantined } = verifyDocuments(this.db, { validate: this.options.validate, all: options.all ?? false, now: this.now() });
      for (const q of quarantined) {
        this.options.logger?.error({ store: 'embedded', quarantine: q.n, pk: q.pk, id: q.id, type: q.type, reason: q.reason, origin: q.origin }, 'document quarantined: it cannot be read');
      }
      const documents: Record<string, number> = {};
      for (const row of this.db.prepare('SELECT type, count(*) AS n FROM documents GROUP BY type ORDER BY type').all() as { type: string; n: number }[]) documents[row.type] = row.n;
      const open = listQuarantine(this.db);
      const critical = openCriticalQuarantine(this.db, this.options.criticalTypes ?? new Set());
      const bytes = existsSync(this.file) ? statSync(this.file).size : 0;
      const ok = problems.length === 1 && problems[0] === 'ok' && critical.length === 0;
      return { file: this.file, bytes, quickCheck: problems, quickCheckMs, documents, checked: checked + this.startReport.checked, quarantinedNow: [...(this.startReport.nedbImport?.quarantined ?? []), ...this.startReport.quarantined, ...quarantined], open, critical, ok };
    });
  }

  quarantine(options: { includeResolved?: boolean } = {}): QuarantineRecord[] {
    return this.run(() => listQuarantine(this.db, options));
  }

  /** A quarantined entry with its raw text, and the document it holds when one can be read from it. */
  show(n: number): QuarantineRecord & { raw: string; document: unknown } {
    return this.run(() => {
      const entry = this.entry(n);
      let document: unknown;
      if (entry.rawFormat === 'nedb-line') document = documentOfNedbLine(entry.raw);
      else {
        try {
          document = JSON.parse(entry.raw) as unknown;
        } catch {
          document = undefined;
        }
      }
      return { ...entry, document };
    });
  }

  private entry(n: number): QuarantineRecord & { raw: string; etag: string | null } {
    if (!Number.isSafeInteger(n) || n < 1) throw new MaintenanceError(`not a quarantine number: ${String(n)}`);
    const entry = readQuarantined(this.db, n);
    if (!entry) throw new MaintenanceError(`there is no quarantine entry ${n} (\`npm run store -- quarantine\` lists them)`);
    return entry;
  }

  /**
   * Puts a quarantined document back: the fixed document given (from `--from-file`), or else the
   * one its raw text holds (when it passes now, e.g. after a schema fix). It must be the same
   * document (pk, id and type, where known) and pass the checks a write passes; it gets a new etag.
   */
  restore(n: number, fixed?: unknown): { pk: string; id: string; type: string; etag: string } {
    return this.run(() =>
      this.db
        .transaction(() => {
          const entry = this.entry(n);
          if (entry.resolvedAt !== null) throw new MaintenanceError(`quarantine entry ${n} was ${entry.resolution} on ${entry.resolvedAt}`);
          const candidate = fixed !== undefined ? fixed : this.show(n).document;
          if (candidate === undefined) {
            throw new MaintenanceError(
              `quarantine entry ${n} holds no readable document; write the fixed document to a file and run \`npm run store -- restore ${n} --from-file <file>\``,
            );
          }
          const problem = documentProblem(candidate, undefined, this.options.validate);
          if (problem !== undefined) throw new MaintenanceError(`the document cannot be restored: ${problem}`);
          const doc = candidate as StoredDocument;
          for (const field of ['pk', 'id', 'type'] as const) {
            const known = entry[field];
            if (known !== null && doc[field] !== known) throw new MaintenanceError(`the document's ${field} must stay ${JSON.stringify(known)}, as quarantined`);
          }
          const exists = this.db.prepare('SELECT etag FROM documents WHERE pk = ? AND id = ?').pluck().get(doc.pk, doc.id) as string | undefined;
          if (exists !== undefined) {
            throw new MaintenanceError(`the store already holds ${doc.type} "${doc.id}" in "${doc.pk}"; keep that one with \`npm run store -- discard ${n}\`, or remove it first`);
          }
          const etag = randomUUID();
          const body = JSON.stringify(doc);
          this.db.prepare('INSERT INTO documents (pk, id, type, etag, body, verified) VALUES (?, ?, ?, ?, ?, ?)').run(doc.pk, doc.id, doc.type, etag, body, this.options.validate ? etag : null);
          resolveQuarantined(this.db, n, 'restored', this.now());
          this.options.logger?.info({ store: 'embedded', quarantine: n, pk: doc.pk, id: doc.id, type: doc.type }, 'quarantined document restored');
          return { pk: doc.pk, id: doc.id, type: doc.type, etag };
        })
        .immediate(),
    );
  }

  /** Accepts the loss of a quarantined document explicitly (its raw text stays in the quarantine table, marked discarded). */
  discard(n: number): QuarantineRecord {
    return this.run(() =>
      this.db
        .transaction(() => {
          const entry = this.entry(n);
          if (entry.resolvedAt !== null) throw new MaintenanceError(`quarantine entry ${n} was ${entry.resolution} on ${entry.resolvedAt}`);
          resolveQuarantined(this.db, n, 'discarded', this.now());
          this.options.logger?.warn({ store: 'embedded', quarantine: n, pk: entry.pk, id: entry.id, type: entry.type, reason: entry.reason }, 'quarantined document discarded: its loss was accepted');
          const { raw: _raw, etag: _etag, ...record } = entry;
          return { ...record, resolvedAt: this.now().toISOString(), resolution: 'discarded' as const };
        })
        .immediate(),
    );
  }

  /** An online backup (SQLite's backup API: a consistent copy while others keep writing) to a new file. */
  async backup(destination: string): Promise<{ file: string; pages: number }> {
    if (existsSync(destination)) throw new MaintenanceError(`${destination} exists; choose a new file name for the backup`);
    try {
      const { totalPages } = await this.db.backup(destination);
      this.options.logger?.info({ store: 'embedded', file: this.file, backup: destination, pages: totalPages }, 'embedded store backed up');
      return { file: destination, pages: totalPages };
    } catch (error) {
      const mapped = toStoreError(error, this.file, this.busyTimeoutMs);
      if (mapped instanceof StoreUnavailableError) throw mapped;
      throw new MaintenanceError(`the backup to ${destination} failed: ${(error as Error).message}`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
