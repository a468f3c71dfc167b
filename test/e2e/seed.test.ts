/**
 * `npm run seed` as its own process against a fresh store (embedded in a temp data dir, and the
 * local Cosmos server), then `npm run reminders -- --once` as another: the seed's one JSON line,
 * exactly `due` reminder cards at the stub connector (the given service URL), one per due
 * citizen's owner in that owner's personal conversation, none for the others; a second seed of
 * the same tilbud is refused with nothing written; bad arguments exit 2 with the usage.
 *
 * Both commands run on the real clock with the bot's default quiet hours and weekends: the seeded
 * tilbud's own settings (quiet hours off, weekends send, send time 00:00) make the reminders due
 * at any hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { seedAlias, seedOwner } from '../../src/dev/seed-reminders.js';
import { actionsOf, cardOf, textOf } from '../support/e2e.js';
import { startCosmosServer, type LocalCosmos } from '../support/cosmos-server.js';
import { spawnTs } from '../support/processes.js';
import { startStubConnector, type StubConnector } from '../support/stub-connector.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const CITIZENS = 12;
const DUE = 5;

interface Run {
  code: number | null;
  lines: string[];
  stderr: string;
}

async function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawnTs(script, args, { env: { ...process.env, LOG_LEVEL: 'info', MicrosoftAppId: '', REMINDER_QUIET_HOURS: '', REMINDER_WEEKENDS: '', ...env } });
  const { code } = await child.exited(90_000);
  return { code, lines: child.lines, stderr: child.stderr() };
}

type StoreCase = { name: 'embedded' | 'cosmos'; env(): NodeJS.ProcessEnv; setup(): Promise<void>; teardown(): Promise<void> };

function embeddedCase(): StoreCase {
  let dir = '';
  return {
    name: 'embedded',
    env: () => ({ DATA_DIR: dir, COSMOS_ENDPOINT: '' }),
    setup: async () => {
      dir = await makeTempDir('refleks-seed-');
    },
    teardown: () => removeTempDir(dir),
  };
}

function cosmosCase(): StoreCase {
  let cosmos: LocalCosmos | undefined;
  const database = `seed-${randomUUID().slice(0, 8)}`;
  return {
    name: 'cosmos',
    env: () => ({ COSMOS_ENDPOINT: cosmos!.endpoint, COSMOS_KEY: cosmos!.key, COSMOS_DATABASE: database, COSMOS_CONTAINER: 'refleks', DATA_DIR: '' }),
    setup: async () => {
      cosmos = await startCosmosServer();
    },
    teardown: async () => {
      await cosmos?.close();
    },
  };
}

describe.each([embeddedCase(), cosmosCase()])('npm run seed, then npm run reminders -- --once ($name)', (store) => {
  let connector: StubConnector;
  beforeAll(async () => {
    await store.setup();
    connector = await startStubConnector();
  });
  afterAll(async () => {
    await connector.close();
    await store.teardown();
  });

  it(`seeds ${CITIZENS} citizens with ${DUE} due; the reminder pass sends exactly ${DUE} cards, one to each due citizen's owner`, async () => {
    const seeded = await run('scripts/seed.ts', ['--citizens', String(CITIZENS), '--due', String(DUE), '--service-url', connector.url], store.env());
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.lines).toHaveLength(1);
    const summary = JSON.parse(seeded.lines[0]!) as Record<string, unknown>;
    // Three deadlines per citizen (the goal's revisionsdato, status til myndighed, the statusmøde invitation),
    // each with one entry for its owner and one for its escalation to the ledere (none due yet).
    expect(summary).toEqual({ tenantId: expect.any(String), teamId: 'seed-tilbud', store: store.name, citizens: CITIZENS, due: DUE, reminderEntries: 2 * 3 * CITIZENS, dueNow: DUE });

    const sent = await run('scripts/reminders.ts', ['--once'], store.env());
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.lines).toHaveLength(1);
    expect(JSON.parse(sent.lines[0]!)).toEqual({ claimed: DUE, sent: DUE, deferred: 0, failed: 0 });

    const posts = connector.sent.filter((s) => s.method === 'POST');
    expect(posts).toHaveLength(DUE);
    const expected = Array.from({ length: DUE }, (_, k) => ({ conversationId: seedOwner(k + 1).conversationId, alias: seedAlias(k + 1) }));
    expect(posts.map((p) => p.conversationId).sort()).toEqual(expected.map((e) => e.conversationId).sort());
    for (const { conversationId, alias } of expected) {
      const card = cardOf(posts.find((p) => p.conversationId === conversationId));
      const text = textOf(card);
      expect(text).toContain('Påmindelse');
      expect(text).toContain(alias);
      expect(text).toContain('Revision af mål');
      expect(text).toContain('I dag');
      expect(actionsOf(card).map((a) => a.title)).toContain('Markér som klaret');
    }
    // Nothing for the citizens whose deadlines are later.
    for (let i = DUE + 1; i <= CITIZENS; i++) expect(posts.some((p) => textOf(cardOf(p)).includes(seedAlias(i)))).toBe(false);

    // A second pass has nothing left to send.
    const again = await run('scripts/reminders.ts', ['--once'], store.env());
    expect(JSON.parse(again.lines[0]!)).toEqual({ claimed: 0, sent: 0, deferred: 0, failed: 0 });
    expect(connector.sent.filter((s) => s.method === 'POST')).toHaveLength(DUE);
  }, 180_000);

  it('refuses to seed the same tilbud twice (exit 3, nothing on stdout, nothing written), and seeds another --team beside it', async () => {
    const twice = await run('scripts/seed.ts', ['--citizens', '3', '--due', '1', '--service-url', connector.url], store.env());
    expect(twice.code).toBe(3);
    expect(twice.lines).toEqual([]);
    expect(twice.stderr).toContain('findes allerede');
    // The first seed's tilbud is as it was: the reminder pass finds nothing new.
    const pass = await run('scripts/reminders.ts', ['--once'], store.env());
    expect(JSON.parse(pass.lines[0]!)).toEqual({ claimed: 0, sent: 0, deferred: 0, failed: 0 });

    const other = await run('scripts/seed.ts', ['--citizens', '2', '--due', '2', '--service-url', connector.url, '--team', 'seed-tilbud-2'], store.env());
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.lines[0]!)).toMatchObject({ teamId: 'seed-tilbud-2', citizens: 2, due: 2, reminderEntries: 12, dueNow: 2 });
  }, 180_000);
});

describe('npm run seed with bad arguments', () => {
  it.each([
    { args: [], says: '--citizens mangler' },
    { args: ['--citizens', '5', '--due', '6', '--service-url', 'http://127.0.0.1:1'], says: '--due må ikke være større end --citizens' },
    { args: ['--citizens', 'fem', '--due', '1', '--service-url', 'http://127.0.0.1:1'], says: '--citizens skal være et helt tal' },
    { args: ['--citizens', '5', '--due', '1', '--service-url', 'ftp://example.org'], says: '--service-url skal være en http- eller https-adresse' },
    { args: ['--citizens', '5', '--due', '1', '--service-url', 'http://127.0.0.1:1', '--team', 'a/b'], says: '--team er ikke et gyldigt id' },
    { args: ['--citizens', '5', '--bogus'], says: 'Ugyldige argumenter' },
  ])('exits 2 with the usage: $says', async ({ args, says }) => {
    const dir = await makeTempDir('refleks-seed-args-');
    try {
      const result = await run('scripts/seed.ts', args, { DATA_DIR: dir, COSMOS_ENDPOINT: '' });
      expect(result.code).toBe(2);
      expect(result.lines).toEqual([]);
      expect(result.stderr).toContain(says);
      expect(result.stderr).toContain('Brug / usage: npm run seed --');
    } finally {
      await removeTempDir(dir);
    }
  }, 60_000);
});
