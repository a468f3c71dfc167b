/**
 * The embedded store's integrity check and quarantine, on the app's own documents (the demo
 * tilbud) changed behind the adapter's back with better-sqlite3, and the recovery commands of
 * `npm run store` (scripts/store.ts).
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runStoreCommand } from '../../scripts/store.js';
import { seedDemoIfEmpty } from '../../src/dev/seed-demo.js';
import { PLAYGROUND } from '../../src/dev/playground-defaults.js';
import { createLogger } from '../../src/logger.js';
import { createEmbeddedDocumentStore, DATABASE_FILE_NAME, type EmbeddedStoreOptions } from '../../src/store/embedded/embedded-document-store.js';
import { EmbeddedStoreMaintenance } from '../../src/store/embedded/maintenance.js';
import { partitionKeys, StoreIntegrityError } from '../../src/store/ports.js';
import { checkStoredDocument, createRepositories, CRITICAL_DOCUMENT_TYPES } from '../../src/store/repositories.js';
import { spawnTs } from '../support/processes.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const dirs: string[] = [];
const TEAM_PK = partitionKeys.institution(PLAYGROUND.tenantId, PLAYGROUND.teamId);

afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

function capture(): { logger: ReturnType<typeof createLogger>; entries: () => Record<string, unknown>[]; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const text = (): string => lines.join('');
  return {
    logger,
    text,
    entries: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** The store as main.ts opens it. */
const asTheApp = (dataDir: string, extra: Partial<EmbeddedStoreOptions> = {}): ReturnType<typeof createEmbeddedDocumentStore> =>
  createEmbeddedDocumentStore({ dataDir, validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES, ...extra });

/** A data dir with the demo tilbud (a tilbud, two plans, diary entries), written by the app. */
async function seededDir(): Promise<string> {
  const dir = await makeTempDir('refleks-integrity-');
  dirs.push(dir);
  const store = await asTheApp(dir);
  await seedDemoIfEmpty(store, new Date('2026-11-20T10:00:00Z'), createLogger({ level: 'silent' }));
  await store.close();
  return dir;
}

/** better-sqlite3 on the file, past the adapter: what a person with the sqlite3 shell could do. */
function behindTheAdapter<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, DATABASE_FILE_NAME));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function tool(args: string[], dir: string): Promise<{ code: number; out: string; err: string; log: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log: string[] = [];
  const code = await runStoreCommand([...args, '--data-dir', dir], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {}, log: (l) => void log.push(l) });
  return { code, out: out.join(''), err: err.join(''), log: log.join('') };
}

describe('embedded store integrity check at start', () => {
  it('quarantines a stored plan that is valid JSON but fails its schema, refuses to start with a message naming it, and starts again once it is restored', async () => {
    const dir = await seededDir();
    const planId = 'plan:demo-citizen-1';
    const original = behindTheAdapter(dir, (db) => db.prepare('SELECT body FROM documents WHERE pk = ? AND id = ?').pluck().get(TEAM_PK, planId) as string);
    expect(JSON.parse(original)).toMatchObject({ alias: 'Demo AB' });
    // A hand edit: still JSON, but the alias is no longer a string.
    behindTheAdapter(dir, (db) => db.prepare("UPDATE documents SET body = json_set(body, '$.alias', 42) WHERE pk = ? AND id = ?").run(TEAM_PK, planId));

    const { logger, entries, text } = capture();
    const error = await asTheApp(dir, { logger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreIntegrityError);
    const refusal = error as StoreIntegrityError;
    expect(refusal.documents).toEqual([{ n: 1, pk: TEAM_PK, id: planId, type: 'plan', reason: expect.stringMatching(/^fails its schema: alias: invalid_type/) }]);
    expect(refusal.message).toContain(`plan "${planId}" i partition "${TEAM_PK}" (karantæne nr. 1)`);
    expect(refusal.message).toContain(`plan "${planId}" in partition "${TEAM_PK}" (quarantine no. 1)`);
    expect(refusal.message).toContain('npm run store -- restore 1 --from-file');
    // Logged with its keys and reason, never its content.
    expect(entries().find((l) => l['msg'] === 'document quarantined: it cannot be read')).toMatchObject({ pk: TEAM_PK, id: planId, type: 'plan', quarantine: 1 });
    expect(text()).not.toContain('Demo AB');
    // Moved, not lost: out of the documents, into the quarantine with its raw text.
    const moved = behindTheAdapter(dir, (db) => ({
      inDocuments: db.prepare('SELECT count(*) FROM documents WHERE id = ?').pluck().get(planId),
      raw: db.prepare('SELECT raw FROM quarantine WHERE n = 1').pluck().get() as string,
    }));
    expect(moved.inDocuments).toBe(0);
    expect(JSON.parse(moved.raw)).toEqual({ ...(JSON.parse(original) as object), alias: 42 });
    // Every later start refuses too, until it is resolved.
    await expect(asTheApp(dir)).rejects.toBeInstanceOf(StoreIntegrityError);

    // The tool lists it (no content), refuses to restore it as it is, and restores the fixed file.
    const listed = await tool(['quarantine'], dir);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`plan  "${planId}"  in "${TEAM_PK}"`);
    expect(listed.out).not.toContain('Demo AB');
    const asIs = await tool(['restore', '1'], dir);
    expect(asIs.code).toBe(1);
    expect(asIs.err).toMatch(/cannot be restored: fails its schema: alias: invalid_type/);
    const fixedFile = join(dir, 'fixed.json');
    expect((await tool(['quarantine', '--show', '1', '--out', fixedFile], dir)).code).toBe(0);
    const shown = JSON.parse(await readFile(fixedFile, 'utf8')) as Record<string, unknown>;
    expect(shown['alias']).toBe(42);
    await writeFile(fixedFile, JSON.stringify({ ...shown, alias: 'Demo AB' }));
    const restored = await tool(['restore', '1', '--from-file', fixedFile], dir);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.log).toContain('quarantined document restored');

    const store = await asTheApp(dir);
    const repos = createRepositories(store);
    const plan = await repos.plans.get(PLAYGROUND.tenantId, PLAYGROUND.teamId, 'demo-citizen-1');
    expect(plan?.value.alias).toBe('Demo AB');
    await store.close();
    expect((await tool(['quarantine', '--all'], dir)).out).toMatch(/\[restored /);
  });

  it('quarantines a bad diary entry and logs it by id; the start succeeds, the other documents are served, and discard resolves it', async () => {
    const dir = await seededDir();
    const entryIds = behindTheAdapter(dir, (db) => db.prepare("SELECT id FROM documents WHERE type = 'diary' ORDER BY id").pluck().all() as string[]);
    expect(entryIds.length).toBeGreaterThanOrEqual(3);
    const [bad, ...good] = entryIds as [string, ...string[]];
    behindTheAdapter(dir, (db) => {
      db.prepare("UPDATE documents SET body = json_set(body, '$.score', 'high') WHERE pk = ? AND id = ?").run(TEAM_PK, bad);
      // A row inserted by hand: checked at the next start like a changed one.
      const stranger = { id: 'diary:by-hand', pk: TEAM_PK, type: 'diary', citizenId: 'demo-citizen-1', note: 'Hemmelig håndskrevet note' };
      db.prepare('INSERT INTO documents (pk, id, type, etag, body) VALUES (?, ?, ?, ?, ?)').run(TEAM_PK, stranger.id, 'diary', 'hand', JSON.stringify(stranger));
    });

    const { logger, entries, text } = capture();
    const store = await asTheApp(dir, { logger });
    const quarantined = entries().filter((l) => l['msg'] === 'document quarantined: it cannot be read');
    expect(quarantined.map((l) => [l['id'], l['type'], l['pk']]).sort()).toEqual([
      [bad, 'diary', TEAM_PK],
      ['diary:by-hand', 'diary', TEAM_PK],
    ].sort());
    expect(quarantined.every((l) => typeof l['reason'] === 'string' && String(l['reason']).startsWith('fails its schema'))).toBe(true);
    expect(text()).not.toContain('Hemmelig');
    expect(text()).not.toContain('Demo-notat');

    // Served: the tilbud, the plans and the other entries; not the quarantined ones.
    const repos = createRepositories(store);
    expect(await repos.institutions.get(PLAYGROUND.tenantId, PLAYGROUND.teamId)).toBeDefined();
    const listed = await repos.diary.list({ tenantId: PLAYGROUND.tenantId, teamId: PLAYGROUND.teamId, citizenId: 'demo-citizen-1' });
    expect(listed.map((e) => `diary:${e.id}`).sort()).toEqual(good.filter((id) => id.includes('demo-citizen-1-')).sort());
    const other = await repos.diary.list({ tenantId: PLAYGROUND.tenantId, teamId: PLAYGROUND.teamId, citizenId: 'demo-citizen-2' });
    expect(other.map((e) => `diary:${e.id}`).sort()).toEqual(good.filter((id) => id.includes('demo-citizen-2-')).sort());
    expect(await store.read(TEAM_PK, bad)).toBeUndefined();
    await store.close();

    const list = await tool(['quarantine'], dir);
    const numbers = [...list.out.matchAll(/^\s+(\d+)\s+diary/gm)].map((m) => m[1]!);
    expect(numbers).toHaveLength(2);
    for (const n of numbers) {
      const discarded = await tool(['discard', n], dir);
      expect(discarded.code, discarded.err).toBe(0);
      expect(discarded.log).toContain('its loss was accepted');
    }
    expect((await tool(['quarantine'], dir)).out).toContain('the quarantine is empty');
    expect((await tool(['quarantine', '--all'], dir)).out.match(/\[discarded /g)).toHaveLength(2);
    expect((await tool(['discard', numbers[0]!], dir)).code).toBe(1);
    // Discarded stays discarded: the next start is clean and quiet.
    const again = capture();
    await (await asTheApp(dir, { logger: again.logger })).close();
    expect(again.text()).not.toContain('quarantined');
  });

  it('quarantines a row whose body is not JSON at all (written past the CHECK constraint) with its raw text', async () => {
    const dir = await seededDir();
    behindTheAdapter(dir, (db) => {
      db.pragma('ignore_check_constraints = ON');
      db.prepare('INSERT INTO documents (pk, id, type, etag, body) VALUES (?, ?, ?, ?, ?)').run(TEAM_PK, 'membership:x', 'membership', 'e', '{"id": "membership:x", cut off');
    });
    const store = await asTheApp(dir);
    expect(await store.read(TEAM_PK, 'membership:x')).toBeUndefined();
    await store.close();
    const row = behindTheAdapter(dir, (db) => db.prepare('SELECT id, type, raw, reason FROM quarantine').get());
    expect(row).toEqual({ id: 'membership:x', type: 'membership', raw: '{"id": "membership:x", cut off', reason: 'the body is not valid JSON' });
  });

  it('checks a document once: rows the adapter wrote are verified, only a changed row is checked again', async () => {
    const dir = await seededDir();
    const open = (): EmbeddedStoreMaintenance => EmbeddedStoreMaintenance.open({ dataDir: dir, validate: checkStoredDocument });
    const first = open();
    expect(first.startReport.checked).toBe(0);
    first.close();
    behindTheAdapter(dir, (db) => db.prepare("UPDATE documents SET body = json_set(body, '$.teamName', 'Andet navn') WHERE type = 'membership' AND rowid = (SELECT min(rowid) FROM documents WHERE type = 'membership')").run());
    const second = open();
    expect(second.startReport.checked).toBe(1);
    expect(second.startReport.quarantined).toEqual([]);
    second.close();
    const third = open();
    expect(third.startReport.checked).toBe(0);
    third.close();
  });
});

describe('SQLite structural check (quick_check)', () => {
  /** A store of verified documents (so the start-up check reads no document page), one of its table's leaf pages overwritten. */
  async function damagedDir(): Promise<string> {
    const dir = await makeTempDir('refleks-integrity-');
    dirs.push(dir);
    const store = await createEmbeddedDocumentStore({ dataDir: dir, validate: () => undefined });
    await store.createMany(Array.from({ length: 3000 }, (_, i) => ({ id: `d${i}`, pk: TEAM_PK, type: 'thing', text: 'x'.repeat(300), i })));
    await store.close();
    const file = join(dir, DATABASE_FILE_NAME);
    const { page, size } = behindTheAdapter(dir, (db) => ({
      page: db.prepare("SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 20").pluck().get() as number,
      size: db.pragma('page_size', { simple: true }) as number,
    }));
    const bytes = await readFile(file);
    bytes.fill(0xa5, (page - 1) * size, page * size);
    await writeFile(file, bytes);
    return dir;
  }

  it('refuses to open a small damaged file, pointing at npm run store -- check, which reports the damage', async () => {
    const dir = await damagedDir();
    const opening = createEmbeddedDocumentStore({ dataDir: dir, validate: () => undefined });
    await expect(opening).rejects.toThrow(/failed SQLite's integrity check.*npm run store -- check/s);
    const check = await tool(['check'], dir);
    expect(check.code).toBe(1);
    expect(check.out).not.toMatch(/quick_check: ok/);
    expect(check.out).toMatch(/PROBLEMS FOUND/);
  });

  it('checks a large file in a background thread after start, and logs what it finds', async () => {
    const healthy = await seededDir();
    const good = capture();
    const store = await asTheApp(healthy, { logger: good.logger, quickCheckMaxBytes: 0 });
    await expect.poll(() => good.text(), { timeout: 20_000 }).toContain('passed its integrity check');
    await store.close();

    const dir = await damagedDir();
    const bad = capture();
    const damaged = await createEmbeddedDocumentStore({ dataDir: dir, validate: () => undefined, logger: bad.logger, quickCheckMaxBytes: 0 });
    await expect.poll(() => bad.text(), { timeout: 20_000 }).toContain('failed its integrity check (quick_check): run `npm run store -- check`');
    await damaged.close();
  });
});

describe('npm run store', () => {
  it('check prints a report; backup makes a copy that opens as a store', async () => {
    const dir = await seededDir();
    const check = await tool(['check'], dir);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toContain(`${join(dir, DATABASE_FILE_NAME)}`);
    expect(check.out).toMatch(/SQLite quick_check: ok/);
    expect(check.out).toMatch(/diary \d+/);
    expect(check.out).toMatch(/OK\n$/);
    const all = await tool(['check', '--all'], dir);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/Checked now: [1-9]\d*/);

    const backupFile = join(dir, 'copy.sqlite');
    const backup = await tool(['backup', backupFile], dir);
    expect(backup.code, backup.err).toBe(0);
    expect((await tool(['backup', backupFile], dir)).code).toBe(1);
    const restoredDir = await makeTempDir('refleks-integrity-');
    dirs.push(restoredDir);
    await copyFile(backupFile, join(restoredDir, DATABASE_FILE_NAME));
    const copy = await asTheApp(restoredDir);
    expect(await copy.scan({ type: 'plan' })).toHaveLength(2);
    await copy.close();
  });

  it('reports a critical document in quarantine from check with exit code 1, and usage errors with 2', async () => {
    const dir = await seededDir();
    behindTheAdapter(dir, (db) => db.prepare("UPDATE documents SET body = json_remove(body, '$.settings') WHERE type = 'institution'").run());
    const check = await tool(['check'], dir);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/Refleks does not start: 1 critical document/);
    expect(check.out).toMatch(/institution {2}"institution"/);
    expect((await tool(['restore'], dir)).code).toBe(2);
    expect((await tool(['frobnicate'], dir)).code).toBe(2);
    expect((await tool(['check', '--bogus'], dir)).code).toBe(2);
    const empty = await makeTempDir('refleks-integrity-');
    dirs.push(empty);
    const nothing = await tool(['check'], empty);
    expect(nothing.code).toBe(1);
    expect(nothing.err).toContain('there is no embedded store');
    expect(existsSync(join(empty, DATABASE_FILE_NAME))).toBe(false);
  });

  it('check still reports on a file it cannot open (not a database), without writing to it', async () => {
    const dir = await makeTempDir('refleks-integrity-');
    dirs.push(dir);
    const garbage = Buffer.from('not a database at all\n'.repeat(500));
    await writeFile(join(dir, DATABASE_FILE_NAME), garbage);
    const check = await tool(['check'], dir);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/SQLite quick_check: SQLITE_NOTADB/);
    expect(check.out).toContain('.recover');
    expect(await readFile(join(dir, DATABASE_FILE_NAME))).toEqual(garbage);
    // Other commands refuse with the store's message.
    const list = await tool(['quarantine'], dir);
    expect(list.code).toBe(1);
    expect(list.err).toMatch(/is damaged or is not a Refleks SQLite database/);
  });

  it('runs as a command (scripts/store.ts with tsx)', async () => {
    const dir = await seededDir();
    const child = spawnTs('scripts/store.ts', ['check', '--data-dir', dir], { cwd: dir, env: { PATH: process.env['PATH'] } });
    expect((await child.exited(60_000)).code).toBe(0);
    expect(child.lines.at(-1)).toBe('OK');
  }, 90_000);
});
