/**
 * `npm run reminders -- --once` as its own process against the bot's embedded data dir (two
 * processes on one SQLite file, as in production): one pass, one JSON summary line, exit 0,
 * the reminder delivered through the stub connector, and nothing sent twice by a second run.
 */
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, findAction, invokeCardOf, personalConversationId, textOf, USERS, type Harness } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import { spawnTs } from '../support/processes.js';

const QUIET_OFF = { REMINDER_QUIET_HOURS: 'off', REMINDER_WEEKENDS: 'send' };

describe('npm run reminders -- --once', () => {
  let h: Harness;
  let dataDir = '';
  useApp('embedded', async (started) => {
    h = started.h;
    dataDir = started.opened.dataDir!;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
    // The command runs on the real clock: no quiet hours or weekends, and the citizens below are made
    // a day ago (madeYesterday), so their formål reminder (on the day, at the 07:30 send time) is
    // due now at any hour of the day.
  }, { env: QUIET_OFF });

  /** A day before the real clock: a formål missing since then is due now, whatever the hour. */
  const madeYesterday = () => new Date(Date.now() - 24 * 60 * 60 * 1000);

  async function runOnce(): Promise<{ code: number | null; lines: string[]; stderr: string }> {
    const child = spawnTs('scripts/reminders.ts', ['--once'], { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', COSMOS_ENDPOINT: '', MicrosoftAppId: '', ...QUIET_OFF } });
    const { code } = await child.exited(60_000);
    return { code, lines: child.lines, stderr: child.stderr() };
  }

  it('runs one pass to completion, prints one JSON summary line and exits 0; a second run sends nothing', async () => {
    // A citizen without a formål, made yesterday: "formål mangler" is due.
    h.now.value = madeYesterday();
    const form = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(form, VERBS.citizenSave).data, alias: 'KX', targetGroup: 'adult', representative: 'none', contactPersons: USERS.anna.aadObjectId }));
    h.connector.clear();

    const first = await runOnce();
    expect(first.code, first.stderr).toBe(0);
    expect(first.lines).toHaveLength(1);
    const summary = JSON.parse(first.lines[0]!) as Record<string, number>;
    expect(summary).toEqual({ claimed: 1, sent: 1, deferred: 0, failed: 0 });
    const cards = h.connector.sent.filter((s) => s.conversationId === personalConversationId(USERS.anna));
    expect(cards).toHaveLength(1);
    expect(textOf(cardOf(cards[0]))).toContain('KX');

    const second = await runOnce();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.lines[0]!)).toEqual({ claimed: 0, sent: 0, deferred: 0, failed: 0 });
    expect(h.connector.sent).toHaveLength(1);
  }, 120_000);

  it('without --once runs a pass every REMINDER_INTERVAL_MS until SIGTERM, then exits 0', async () => {
    const child = spawnTs('scripts/reminders.ts', [], { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', COSMOS_ENDPOINT: '', MicrosoftAppId: '', REMINDER_INTERVAL_MS: '200', ...QUIET_OFF } });
    try {
      h.now.value = madeYesterday();
      const form = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
      invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(form, VERBS.citizenSave).data, alias: 'KY', targetGroup: 'adult', representative: 'none', contactPersons: USERS.anna.aadObjectId }));
      const deadline = Date.now() + 30_000;
      const mine = () => h.connector.sent.filter((s) => s.conversationId === personalConversationId(USERS.anna) && textOf(cardOf(s)).includes('KY'));
      while (mine().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(mine(), child.stderr()).toHaveLength(1);
    } finally {
      child.process.kill('SIGTERM');
    }
    const { code } = await child.exited(20_000);
    expect(code, child.stderr()).toBe(0);
    expect(child.lines).toEqual([]);
  }, 120_000);
});
