/**
 * One-time import of the datafile of the earlier nedb store (DATA_DIR/refleks.db), read here
 * without nedb.
 *
 * The datafile is append-only, one JSON object per line:
 * - a row `{ _id: pk␀id, pk, type, etag, body }`, `body` the document as JSON text; or, in the
 *   first storage format, `{ _id, pk, type, __etag, doc }` with the document as an object;
 * - a later line with the same `_id` replaces the earlier one; `{ $$deleted: true, _id }`
 *   removes it; `{ $$indexCreated: … }` (and `$$indexRemoved`) lines define nedb's indexes and
 *   are skipped.
 * nedb dropped lines it could not parse; here every line that is not JSON, and every row that
 * cannot be turned into a valid document, goes to the quarantine with its raw text. Etags are
 * kept, so a card drawn before the upgrade still saves.
 *
 * The caller runs `importNedbDatafile` inside the start-up write transaction, then moves the
 * file aside (`moveImportedAside`) after the commit. The file's SHA-256 is recorded in `meta`,
 * so a file already imported (a crash between the commit and the rename, or a second process
 * starting at the same moment) is moved aside and never imported twice.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredDocument } from '../ports.js';
import { documentProblem, insertQuarantine, type QuarantineInput, type QuarantineRecord, type Validate } from './integrity.js';
import { readMeta, writeMeta, type SqliteDatabase } from './sqlite-database.js';

export const NEDB_FILE_NAME = 'refleks.db';

interface ParsedDocument {
  doc: StoredDocument;
  body: string;
  etag: string;
  line: string;
}

export interface ParsedDatafile {
  /** The live documents, in the order of their last line. */
  documents: ParsedDocument[];
  quarantine: Omit<QuarantineInput, 'origin'>[];
  /** `$$deleted` lines. */
  deleted: number;
}

function rowKey(pk: string, id: string): string {
  return `${pk}\u0000${id}`;
}

/**
 * Best effort for a line that is not JSON: the last `"name": "…"` string in its text. Inside a
 * `body` the quotes are escaped, so only the row's own fields match; in the first format the
 * row's pk and type come after its `doc`, so the last match is the row's.
 */
function sniffString(line: string, name: string): string | undefined {
  const pattern = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');
  let found: string | undefined;
  for (const match of line.matchAll(pattern)) {
    try {
      found = JSON.parse(`"${match[1]!}"`) as string;
    } catch {
      // A cut-off escape: keep the previous match.
    }
  }
  return found;
}

function sniffKey(line: string): { pk?: string; id?: string; type?: string } {
  const out: { pk?: string; id?: string; type?: string } = {};
  const rowId = sniffString(line, '_id');
  const split = rowId?.indexOf('\u0000') ?? -1;
  if (rowId !== undefined && split > 0) {
    out.pk = rowId.slice(0, split);
    out.id = rowId.slice(split + 1);
  }
  const pk = sniffString(line, 'pk');
  if (pk !== undefined) out.pk = pk;
  const type = sniffString(line, 'type');
  if (type !== undefined) out.type = type;
  return out;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Turns one parsed row into a document, or says why it cannot be one. */
function rowToDocument(row: Record<string, unknown>, validate: Validate | undefined): { doc: StoredDocument; body: string; etag: string } | { reason: string } {
  let doc: unknown;
  let body: string;
  let etag: unknown;
  if (typeof row['body'] === 'string') {
    body = row['body'];
    etag = row['etag'];
    try {
      doc = JSON.parse(body);
    } catch {
      return { reason: 'the body is not valid JSON' };
    }
  } else if (typeof row['doc'] === 'object' && row['doc'] !== null) {
    doc = row['doc'];
    etag = row['__etag'];
    body = JSON.stringify(doc);
  } else {
    return { reason: 'the row has neither a body nor a doc' };
  }
  if (typeof etag !== 'string' || etag === '') return { reason: 'the row has no etag' };
  const pk = str(row['pk']);
  const type = str(row['type']);
  const candidate = doc as Partial<StoredDocument> | null;
  const key = pk !== undefined && type !== undefined && typeof candidate?.id === 'string' ? { pk, id: candidate.id, type } : undefined;
  if (!key) return { reason: 'the row has no pk, type or document id' };
  if (row['_id'] !== rowKey(key.pk, key.id)) return { reason: "the row's _id differs from its pk and document id" };
  const problem = documentProblem(doc, key, validate);
  if (problem !== undefined) return { reason: problem };
  return { doc: doc as StoredDocument, body, etag };
}

/**
 * The document a quarantined nedb line holds, if it holds one that parses (for the store tool:
 * to show it, and to restore it once its schema accepts it). Not checked.
 */
export function documentOfNedbLine(line: string): unknown {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof row !== 'object' || row === null) return undefined;
  const { body, doc } = row as { body?: unknown; doc?: unknown };
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof doc === 'object' && doc !== null ? doc : undefined;
}

/** Parses a datafile's text: the live documents, and everything that cannot be imported (quarantined, never dropped). */
export function parseNedbDatafile(text: string, validate?: Validate): ParsedDatafile {
  const latest = new Map<string, { row: Record<string, unknown>; line: string }>();
  const corrupt: { line: string; key: { pk?: string; id?: string; type?: string } }[] = [];
  const quarantine: ParsedDatafile['quarantine'] = [];
  let deleted = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      corrupt.push({ line, key: sniffKey(line) });
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      quarantine.push({ raw: line, rawFormat: 'nedb-line', reason: 'the line is not a JSON object' });
      continue;
    }
    const row = parsed as Record<string, unknown>;
    if ('$$indexCreated' in row || '$$indexRemoved' in row) continue;
    const id = str(row['_id']);
    if (row['$$deleted'] === true && id !== undefined) {
      latest.delete(id);
      deleted++;
      continue;
    }
    if (id === undefined) {
      quarantine.push({ pk: str(row['pk']), type: str(row['type']), raw: line, rawFormat: 'nedb-line', reason: 'the line has no _id' });
      continue;
    }
    // Re-inserting moves the key to the end: the order of the last lines is kept.
    latest.delete(id);
    latest.set(id, { row, line });
  }
  const documents: ParsedDocument[] = [];
  for (const { row, line } of latest.values()) {
    const result = rowToDocument(row, validate);
    if ('reason' in result) {
      const split = str(row['_id'])!.indexOf('\u0000');
      quarantine.push({
        pk: str(row['pk']),
        id: split > 0 ? str(row['_id'])!.slice(split + 1) : undefined,
        type: str(row['type']),
        etag: str(row['etag']) ?? str(row['__etag']),
        raw: line,
        rawFormat: 'nedb-line',
        reason: result.reason,
      });
    } else {
      documents.push({ ...result, line });
    }
  }
  for (const { line, key } of corrupt) {
    const superseded = key.pk !== undefined && key.id !== undefined && latest.has(rowKey(key.pk, key.id));
    quarantine.push({
      ...key,
      raw: line,
      rawFormat: 'nedb-line',
      reason: superseded
        ? 'the line is not valid JSON (another line of this document was imported; this one may have been newer)'
        : 'the line is not valid JSON',
    });
  }
  return { documents, quarantine, deleted };
}

/** What an import did: counts only, never contents. */
export interface NedbImportResult {
  /** The datafile found (refleks.db, or nedb's refleks.db~ when only that one is there). */
  file: string;
  /** True when this very file was imported before: nothing was imported now. */
  alreadyImported: boolean;
  imported: number;
  deleted: number;
  quarantined: QuarantineRecord[];
}

/** The nedb datafile to import, if any. nedb itself falls back to `refleks.db~` (an interrupted compaction) when `refleks.db` is missing. */
export function findNedbDatafile(dataDir: string): string | undefined {
  const main = join(dataDir, NEDB_FILE_NAME);
  if (existsSync(main)) return main;
  const temp = `${main}~`;
  return existsSync(temp) ? temp : undefined;
}

/** Imports the datafile inside the caller's write transaction. Returns undefined when there is none. */
export function importNedbDatafile(db: SqliteDatabase, dataDir: string, options: { validate?: Validate | undefined; now: Date }): NedbImportResult | undefined {
  const file = findNedbDatafile(dataDir);
  if (file === undefined) return undefined;
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const metaKey = `nedb-import:${sha256}`;
  if (readMeta(db, metaKey) !== undefined) return { file, alreadyImported: true, imported: 0, deleted: 0, quarantined: [] };

  const parsed = parseNedbDatafile(bytes.toString('utf8'), options.validate);
  const insert = db.prepare('INSERT INTO documents (pk, id, type, etag, body, verified) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pk, id) DO NOTHING');
  const quarantined: QuarantineRecord[] = [];
  let imported = 0;
  for (const { doc, body, etag, line } of parsed.documents) {
    const { changes } = insert.run(doc.pk, doc.id, doc.type, etag, body, options.validate ? etag : null);
    if (changes === 1) {
      imported++;
    } else {
      // Only if refleks.sqlite already held this document: keep that one, set the old line aside.
      quarantined.push(
        insertQuarantine(
          db,
          { pk: doc.pk, id: doc.id, type: doc.type, etag, raw: line, rawFormat: 'nedb-line', reason: 'the store already holds a document with this pk and id', origin: 'nedb-import' },
          options.now,
        ),
      );
    }
  }
  for (const entry of parsed.quarantine) quarantined.push(insertQuarantine(db, { ...entry, origin: 'nedb-import' }, options.now));
  writeMeta(
    db,
    metaKey,
    JSON.stringify({ file, at: options.now.toISOString(), imported, deleted: parsed.deleted, quarantined: quarantined.length }),
  );
  return { file, alreadyImported: false, imported, deleted: parsed.deleted, quarantined };
}

/** After the commit: renames the datafile beside itself (`refleks.db.imported-<time>`). Returns the new name. */
export function moveImportedAside(file: string, now: Date): string | undefined {
  const target = `${file}.imported-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, target);
    return target;
  } catch (error) {
    // Another process starting at the same moment moved it already.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
