/**
 * The one-time import of the earlier nedb datafile (DATA_DIR/refleks.db), read without nedb:
 * both row formats, later lines overriding earlier ones, deletions, index lines, and lines
 * that cannot be read, which go to the quarantine instead of being dropped as nedb did.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createEmbeddedDocumentStore, DATABASE_FILE_NAME, NEDB_FILE_NAME } from '../../src/store/embedded/embedded-document-store.js';
import { CRITICAL_DOCUMENT_TYPES } from '../../src/store/repositories.js';
import { StoreIntegrityError, type StoredDocument } from '../../src/store/ports.js';
import { runStoreCommand } from '../../scripts/store.js';
import { spawnTs } from '../support/processes.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const PK = 't|tenant-1|team|team-1';
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('refleks-nedb-');
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

/** A pino logger whose JSON lines are kept, as the bot's logger writes them. */
function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, text: () => lines.join('') };
}
const parsedLogs = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A row of the current nedb format: the document as JSON text in `body`. */
const bodyRow = (doc: StoredDocument, etag: string): string => JSON.stringify({ _id: `${doc.pk}\u0000${doc.id}`, pk: doc.pk, type: doc.type, etag, body: JSON.stringify(doc) });
/** A row of the first format: the document as an object in `doc`, the etag in `__etag`. */
const legacyRow = (doc: StoredDocument, etag: string): string => JSON.stringify({ _id: `${doc.pk}\u0000${doc.id}`, __etag: etag, doc, pk: doc.pk, type: doc.type });

const plan: StoredDocument = { id: 'plan:c1', pk: PK, type: 'plan', alias: 'AB', nested: { n: 1, 'a.b': [true, null] } };
const entryV1: StoredDocument = { id: 'diary:e1', pk: PK, type: 'diary', note: 'Hemmelig notattekst v1', score: 1 };
const entryV2: StoredDocument = { ...entryV1, note: 'Hemmelig notattekst v2', score: 2 };
const gone: StoredDocument = { id: 'diary:e2', pk: PK, type: 'diary', note: 'slettet' };
const institution: StoredDocument = { id: 'institution', pk: PK, type: 'institution', name: 'Bostedet' };
const corruptDiaryLine = `{"_id":"${PK}\\u0000diary:e3","pk":"${PK}","type":"diary","etag":"e3","body":"{\\"id\\":\\"diary:e3\\",\\"note\\":\\"Hemmelig`;
/** Valid JSON, but its body's pk is not its row's: it cannot be turned into a document. */
const mismatchedLine = JSON.stringify({ _id: `${PK}\u0000diary:e4`, pk: PK, type: 'diary', etag: 'e4', body: JSON.stringify({ id: 'diary:e4', pk: 't|other|team|x', type: 'diary' }) });

const DATAFILE = [
  legacyRow(plan, 'legacy-etag'),
  '{"$$indexCreated":{"fieldName":"pk","unique":false,"sparse":false}}',
  bodyRow(entryV1, 'etag-e1-v1'),
  bodyRow(gone, 'etag-e2'),
  '{"$$indexCreated":{"fieldName":"type","unique":false,"sparse":false}}',
  bodyRow(entryV2, 'etag-e1-v2'),
  JSON.stringify({ $$deleted: true, _id: `${PK}\u0000diary:e2` }),
  corruptDiaryLine,
  bodyRow(institution, 'etag-inst'),
  mismatchedLine,
  '',
].join('\n');

describe('import of a nedb data dir', () => {
  it('imports every live document of both row formats with its etag, quarantines what it cannot read, logs counts only, and keeps the old file beside', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, NEDB_FILE_NAME), DATAFILE);
    const { logger, text } = capture();
    const store = await createEmbeddedDocumentStore({ dataDir: dir, logger });

    expect(await store.read(PK, 'plan:c1')).toEqual({ doc: plan, etag: 'legacy-etag' });
    expect(await store.read(PK, 'diary:e1')).toEqual({ doc: entryV2, etag: 'etag-e1-v2' });
    expect(await store.read(PK, 'diary:e2')).toBeUndefined();
    expect(await store.read(PK, 'institution')).toEqual({ doc: institution, etag: 'etag-inst' });
    expect(await store.read(PK, 'diary:e3')).toBeUndefined();
    expect(await store.read(PK, 'diary:e4')).toBeUndefined();
    // The kept etags are the current versions.
    const replaced = await store.replace({ ...plan, alias: 'CD' }, 'legacy-etag');
    expect(replaced.doc['alias']).toBe('CD');
    await store.close();

    // The lines it could not read are in the quarantine, exactly as they were.
    const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    const quarantined = db.prepare('SELECT pk, id, type, raw, raw_format, reason, origin, resolved_at FROM quarantine ORDER BY n').all();
    db.close();
    expect(quarantined).toEqual([
      { pk: PK, id: 'diary:e4', type: 'diary', raw: mismatchedLine, raw_format: 'nedb-line', reason: "the body's pk, id or type differs from its row", origin: 'nedb-import', resolved_at: null },
      { pk: PK, id: 'diary:e3', type: 'diary', raw: corruptDiaryLine, raw_format: 'nedb-line', reason: 'the line is not valid JSON', origin: 'nedb-import', resolved_at: null },
    ]);

    // Logged: the counts, and each quarantined line by pk/id/type and reason; never content.
    const logs = parsedLogs(text());
    expect(logs.find((l) => l['msg'] === 'nedb datafile imported')).toMatchObject({ imported: 3, deleted: 1, quarantined: 2, file: join(dir, NEDB_FILE_NAME) });
    expect(logs.filter((l) => l['msg'] === 'document quarantined: it cannot be read').map((l) => [l['id'], l['type'], l['pk']])).toEqual([
      ['diary:e4', 'diary', PK],
      ['diary:e3', 'diary', PK],
    ]);
    expect(text()).not.toContain('Hemmelig');
    expect(text()).not.toContain('Bostedet');

    // The old file is kept beside, renamed, unchanged.
    expect(existsSync(join(dir, NEDB_FILE_NAME))).toBe(false);
    const kept = (await readdir(dir)).filter((name) => name.startsWith(`${NEDB_FILE_NAME}.imported-`));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe(DATAFILE);

    // A second start imports nothing again.
    const second = capture();
    const again = await createEmbeddedDocumentStore({ dataDir: dir, logger: second.logger });
    expect(second.text()).not.toContain('nedb datafile');
    expect((await again.read(PK, 'plan:c1'))!.doc['alias']).toBe('CD');
    expect(await again.scan({ type: 'diary' })).toHaveLength(1);
    await again.close();
    const db2 = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    expect(db2.prepare('SELECT count(*) FROM quarantine').pluck().get()).toBe(2);
    db2.close();
  });

  it('does not import the same datafile twice when it reappears (a crash between the import and the rename)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, NEDB_FILE_NAME), DATAFILE);
    const store = await createEmbeddedDocumentStore({ dataDir: dir });
    await store.replace({ ...plan, alias: 'new' }, 'legacy-etag');
    await store.close();
    // The same file back in place, as if the rename had not happened.
    await writeFile(join(dir, NEDB_FILE_NAME), DATAFILE);
    const { logger, text } = capture();
    const reopened = await createEmbeddedDocumentStore({ dataDir: dir, logger });
    expect((await reopened.read(PK, 'plan:c1'))!.doc['alias']).toBe('new');
    await reopened.close();
    expect(parsedLogs(text()).find((l) => l['msg'] === 'nedb datafile was imported before; moved aside, not imported again')).toBeDefined();
    expect(existsSync(join(dir, NEDB_FILE_NAME))).toBe(false);
  });

  it('refuses to start when a corrupt line was a plan, naming the document and the npm run store commands, until the loss is handled', async () => {
    const dir = await tempDir();
    const brokenPlan = `{"_id":"${PK}\\u0000plan:c9","pk":"${PK}","type":"plan","etag":"p9","body":"{\\"id\\":\\"plan:c9\\",\\"alias`;
    // Beside it a document of a type without a schema (the store tool checks with the app's schemas).
    const note: StoredDocument = { id: 'note:1', pk: PK, type: 'note', text: 'x' };
    await writeFile(join(dir, NEDB_FILE_NAME), `${bodyRow(note, 'etag-note')}\n${brokenPlan}\n`);
    const open = (): Promise<unknown> => createEmbeddedDocumentStore({ dataDir: dir, criticalTypes: CRITICAL_DOCUMENT_TYPES });

    const error = await open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreIntegrityError);
    const integrity = error as StoreIntegrityError;
    expect(integrity.documents).toEqual([{ n: 1, pk: PK, id: 'plan:c9', type: 'plan', reason: 'the line is not valid JSON' }]);
    for (const text of ['plan "plan:c9"', PK, 'karantæne nr. 1', 'quarantine no. 1', 'npm run store -- quarantine', 'npm run store -- restore 1 --from-file', 'npm run store -- discard 1', 'npm run store -- backup']) {
      expect(integrity.message).toContain(text);
    }
    expect(integrity.message).toMatch(/Refleks starter ikke/);
    expect(integrity.message).toMatch(/Refleks does not start/);
    // The import itself was done (and is not repeated); the refusal holds on every start.
    expect(existsSync(join(dir, NEDB_FILE_NAME))).toBe(false);
    await expect(open()).rejects.toBeInstanceOf(StoreIntegrityError);

    // Accepting the loss explicitly lets it start; the other document was imported.
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: {}, log: () => undefined };
    expect(await runStoreCommand(['discard', '1', '--data-dir', dir], io)).toBe(0);
    const store = (await open()) as Awaited<ReturnType<typeof createEmbeddedDocumentStore>>;
    expect((await store.read(PK, 'note:1'))!.etag).toBe('etag-note');
    await store.close();
  });

  it('the bot itself (src/main.ts) refuses to start with that message and a non-zero exit code', async () => {
    const dir = await tempDir();
    const brokenPlan = `{"_id":"${PK}\\u0000plan:c9","pk":"${PK}","type":"plan","etag":"p9","body":"{\\"id\\":\\"plan:c9\\",\\"alias`;
    await writeFile(join(dir, NEDB_FILE_NAME), `${brokenPlan}\n`);
    // Run in the data dir, so no .env of a developer's checkout is read.
    const bot = spawnTs('src/main.ts', [], { cwd: dir, env: { PATH: process.env['PATH'], DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' } });
    const { code } = await bot.exited(80_000);
    expect(code).toBe(1);
    const stderr = bot.stderr();
    // (restify's deprecation warning for process.binding may come first; the message is a line of its own.)
    expect(stderr).toMatch(/^Refleks stoppede: Det lokale lager /m);
    expect(stderr).toContain('plan "plan:c9" i partition "t|tenant-1|team|team-1" (karantæne nr. 1)');
    expect(stderr).toContain('plan "plan:c9" in partition "t|tenant-1|team|team-1" (quarantine no. 1)');
    expect(stderr).toContain('npm run store -- restore 1 --from-file');
  }, 90_000);
});
