/**
 * The embedded store's integrity checks and its quarantine.
 *
 * - Every document is checked once: that its body is a JSON object whose pk, id and type are
 *   its row's, and that it passes `validate` (the schema of its type). A write through the
 *   adapter checks before writing and marks the row verified (`verified = etag`); at start only
 *   rows not verified at their current etag are checked: rows written by hand or by another
 *   program, or changed behind the adapter's back (a trigger clears the mark).
 * - A document that fails is moved, with its raw text, to the quarantine table: it is no
 *   longer served, and it is never dropped. Only `npm run store -- restore` or `discard`
 *   resolve it. While a document of a critical type (a tilbud, a plan) is unresolved, the
 *   store refuses to open (StoreIntegrityError).
 * - SQLite's own `PRAGMA quick_check` looks at the file's structure (pages, b-trees); it reads
 *   the whole file, so the adapter runs it at start only for a small file (see the adapter).
 */
import { assertDocument } from '../document-rules.js';
import type { StoredDocument } from '../ports.js';
import { StoreIntegrityError, type QuarantinedDocument } from '../ports.js';
import { STORE_COMMAND, type SqliteDatabase } from './sqlite-database.js';

export type Validate = (doc: StoredDocument) => string | undefined;

export type RawFormat = 'document' | 'nedb-line';

/** What goes into the quarantine table. */
export interface QuarantineInput {
  pk?: string | undefined;
  id?: string | undefined;
  type?: string | undefined;
  etag?: string | undefined;
  /** The raw text, exactly as found: a document's JSON text, or a line of the nedb datafile. */
  raw: string;
  rawFormat: RawFormat;
  reason: string;
  origin: 'start-check' | 'nedb-import' | 'full-check';
}

/** A quarantined document as listed (never its body). */
export interface QuarantineRecord {
  n: number;
  pk: string | null;
  id: string | null;
  type: string | null;
  reason: string;
  origin: string;
  rawFormat: RawFormat;
  quarantinedAt: string;
  resolvedAt: string | null;
  resolution: 'restored' | 'discarded' | null;
}

interface QuarantineRow {
  n: number;
  pk: string | null;
  id: string | null;
  type: string | null;
  reason: string;
  origin: string;
  raw_format: RawFormat;
  quarantined_at: string;
  resolved_at: string | null;
  resolution: 'restored' | 'discarded' | null;
}

const QUARANTINE_COLUMNS = 'n, pk, id, type, reason, origin, raw_format, quarantined_at, resolved_at, resolution';

function toRecord(row: QuarantineRow): QuarantineRecord {
  return {
    n: row.n,
    pk: row.pk,
    id: row.id,
    type: row.type,
    reason: row.reason,
    origin: row.origin,
    rawFormat: row.raw_format,
    quarantinedAt: row.quarantined_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
  };
}

export function insertQuarantine(db: SqliteDatabase, entry: QuarantineInput, now: Date): QuarantineRecord {
  const row = db
    .prepare(
      `INSERT INTO quarantine (pk, id, type, etag, raw, raw_format, reason, origin, quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${QUARANTINE_COLUMNS}`,
    )
    .get(entry.pk ?? null, entry.id ?? null, entry.type ?? null, entry.etag ?? null, entry.raw, entry.rawFormat, entry.reason, entry.origin, now.toISOString()) as QuarantineRow;
  return toRecord(row);
}

export function listQuarantine(db: SqliteDatabase, options: { includeResolved?: boolean } = {}): QuarantineRecord[] {
  const where = options.includeResolved ? '' : ' WHERE resolved_at IS NULL';
  return (db.prepare(`SELECT ${QUARANTINE_COLUMNS} FROM quarantine${where} ORDER BY n`).all() as QuarantineRow[]).map(toRecord);
}

export function readQuarantined(db: SqliteDatabase, n: number): (QuarantineRecord & { raw: string; etag: string | null }) | undefined {
  const row = db.prepare(`SELECT ${QUARANTINE_COLUMNS}, raw, etag FROM quarantine WHERE n = ?`).get(n) as (QuarantineRow & { raw: string; etag: string | null }) | undefined;
  return row ? { ...toRecord(row), raw: row.raw, etag: row.etag } : undefined;
}

export function resolveQuarantined(db: SqliteDatabase, n: number, resolution: 'restored' | 'discarded', now: Date): void {
  db.prepare('UPDATE quarantine SET resolved_at = ?, resolution = ? WHERE n = ? AND resolved_at IS NULL').run(now.toISOString(), resolution, n);
}

/** Unresolved quarantined documents of a critical type: the store must not serve without them. */
export function openCriticalQuarantine(db: SqliteDatabase, criticalTypes: ReadonlySet<string>): QuarantinedDocument[] {
  if (criticalTypes.size === 0) return [];
  const types = [...criticalTypes];
  const rows = db
    .prepare(`SELECT n, pk, id, type, reason FROM quarantine WHERE resolved_at IS NULL AND type IN (${types.map(() => '?').join(', ')}) ORDER BY n`)
    .all(...types) as { n: number; pk: string | null; id: string | null; type: string; reason: string }[];
  return rows.map((row) => ({ n: row.n, pk: row.pk ?? '?', id: row.id ?? '?', type: row.type, reason: row.reason }));
}

/**
 * Why a parsed body cannot be served as the document at (pk, id, type), or undefined when it can.
 * Reasons name fields and rules only, never values.
 */
export function documentProblem(doc: unknown, key: { pk: string; id: string; type: string } | undefined, validate: Validate | undefined): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'the body is not a JSON object';
  const candidate = doc as StoredDocument;
  try {
    assertDocument(candidate);
  } catch (error) {
    return `not a valid document: ${(error as Error).message}`;
  }
  if (key && (candidate.pk !== key.pk || candidate.id !== key.id || candidate.type !== key.type)) return "the body's pk, id or type differs from its row";
  const reason = validate?.(candidate);
  return reason === undefined ? undefined : `fails its schema: ${reason}`;
}

interface DocumentRow {
  rowid: number;
  pk: string;
  id: string;
  type: string;
  etag: string;
  body: string;
}

const CHECK_BATCH = 500;

/**
 * Checks documents and moves every one that fails to the quarantine. By default only those not
 * verified at their current etag (cheap at start: a partial index holds exactly those);
 * `all` checks every document (the store tool's `check --all`). Marks passing rows verified when
 * a validator is given (without one, only the structure was checked, so they stay unverified).
 *
 * Works in batches: each batch is read, checked in JS, and its outcome written in one short
 * transaction, only for rows still as they were read (so a large check beside the running bot
 * never holds the write lock for long, and never quarantines a row someone just rewrote).
 * Inside the start-up transaction the batches are savepoints of it.
 */
export function verifyDocuments(db: SqliteDatabase, options: { validate?: Validate | undefined; all?: boolean; now: Date }): { checked: number; quarantined: QuarantineRecord[] } {
  const markVerified = db.prepare('UPDATE documents SET verified = etag WHERE rowid = ? AND etag = ? AND body = ? AND verified IS NOT etag');
  const remove = db.prepare('DELETE FROM documents WHERE rowid = ? AND etag = ? AND body = ?');
  const quarantined: QuarantineRecord[] = [];
  let checked = 0;
  const origin: QuarantineInput['origin'] = options.all ? 'full-check' : 'start-check';
  const apply = db.transaction((outcomes: { row: DocumentRow; problem: string | undefined }[]) => {
    for (const { row, problem } of outcomes) {
      if (problem === undefined) {
        if (options.validate) markVerified.run(row.rowid, row.etag, row.body);
      } else if (remove.run(row.rowid, row.etag, row.body).changes === 1) {
        quarantined.push(insertQuarantine(db, { pk: row.pk, id: row.id, type: row.type, etag: row.etag, raw: row.body, rawFormat: 'document', reason: problem, origin }, options.now));
      }
    }
  });
  const checkBatch = (rows: DocumentRow[]): void => {
    checked += rows.length;
    const outcomes = rows.map((row) => {
      let problem: string | undefined;
      try {
        problem = documentProblem(JSON.parse(row.body) as unknown, row, options.validate);
      } catch {
        problem = 'the body is not valid JSON';
      }
      return { row, problem };
    });
    apply.immediate(outcomes);
  };
  if (options.all) {
    const page = db.prepare('SELECT rowid, pk, id, type, etag, body FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(after, CHECK_BATCH) as DocumentRow[];
      if (rows.length === 0) break;
      checkBatch(rows);
      after = rows.at(-1)!.rowid;
    }
  } else {
    // Only the row ids first (from the partial index), then the rows, a batch at a time.
    const rowids = db.prepare('SELECT rowid FROM documents WHERE verified IS NOT etag').pluck().all() as number[];
    const select = db.prepare('SELECT rowid, pk, id, type, etag, body FROM documents WHERE rowid = ?');
    for (let i = 0; i < rowids.length; i += CHECK_BATCH) {
      const rows = rowids
        .slice(i, i + CHECK_BATCH)
        .map((rowid) => select.get(rowid) as DocumentRow | undefined)
        .filter((row): row is DocumentRow => row !== undefined);
      checkBatch(rows);
    }
  }
  return { checked, quarantined };
}

/**
 * SQLite's structural check of the whole file: ['ok'], or up to `maxErrors` problems. (On some
 * damage the pragma itself fails with SQLITE_CORRUPT; that is a problem found, too.)
 */
export function quickCheck(db: SqliteDatabase, maxErrors = 20): string[] {
  try {
    return (db.pragma(`quick_check(${Math.max(1, Math.floor(maxErrors))})`) as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) return [`${code}: ${(error as Error).message}`];
    throw error;
  }
}

/** The refusal: which documents, and how to recover, in Danish and in English. */
export function integrityErrorMessage(file: string, documents: readonly QuarantinedDocument[]): string {
  const count = documents.length;
  const line = (d: QuarantinedDocument, lang: 'da' | 'en'): string =>
    lang === 'da'
      ? `  - ${d.type} "${d.id}" i partition "${d.pk}" (karantæne nr. ${d.n}): ${d.reason}`
      : `  - ${d.type} "${d.id}" in partition "${d.pk}" (quarantine no. ${d.n}): ${d.reason}`;
  const first = documents[0]?.n ?? 1;
  const da = [
    `Det lokale lager ${file} har ${count === 1 ? 'et vigtigt dokument' : `${count} vigtige dokumenter`} (tilbud eller plan), som ikke kan læses. ` +
      `${count === 1 ? 'Det' : 'De'} er lagt i karantæne, og Refleks starter ikke uden ${count === 1 ? 'det' : 'dem'}:`,
    ...documents.map((d) => line(d, 'da')),
    'Sådan kommer du videre (DATA_DIR læses fra miljøet eller .env, som når botten starter):',
    `  1. Tag en kopi af lageret:            ${STORE_COMMAND} backup kopi.sqlite`,
    `  2. Se, hvad der er i karantæne:       ${STORE_COMMAND} quarantine   (indholdet: ${STORE_COMMAND} quarantine --show ${first} --out dokument.json)`,
    `  3. Ret dokumentet og læg det tilbage: ${STORE_COMMAND} restore ${first} --from-file dokument.json`,
    `     eller accepter tabet udtrykkeligt: ${STORE_COMMAND} discard ${first}`,
    '  4. Start Refleks igen.',
  ];
  const en = [
    `The embedded store ${file} has ${count === 1 ? 'a critical document' : `${count} critical documents`} (tilbud or plan) that cannot be read. ` +
      `${count === 1 ? 'It was' : 'They were'} quarantined, and Refleks does not start without ${count === 1 ? 'it' : 'them'}:`,
    ...documents.map((d) => line(d, 'en')),
    'To recover (DATA_DIR is read from the environment or .env, as when the bot starts):',
    `  1. Back up the store:                 ${STORE_COMMAND} backup copy.sqlite`,
    `  2. List the quarantine:               ${STORE_COMMAND} quarantine   (its content: ${STORE_COMMAND} quarantine --show ${first} --out document.json)`,
    `  3. Fix the document and put it back:  ${STORE_COMMAND} restore ${first} --from-file document.json`,
    `     or accept the loss explicitly:     ${STORE_COMMAND} discard ${first}`,
    '  4. Start Refleks again.',
  ];
  return [...da, '', ...en].join('\n');
}

export function integrityError(file: string, documents: QuarantinedDocument[]): StoreIntegrityError {
  return new StoreIntegrityError(integrityErrorMessage(file, documents), documents);
}
