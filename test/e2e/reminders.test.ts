/**
 * Reminders end to end, on both stores: the real app and bot, the plan written through the
 * cards, the engine's passes delivering through the real adapter to the stub Bot Connector
 * (which injects 429 with Retry-After, 500, 403 and slow answers).
 *
 * The clock is the harness's fixed `now` (Monday 2026-11-23 09:30 UTC, 10:30 in Copenhagen);
 * a citizen made without a formål has a "formål mangler" deadline reminded at once, to each
 * contact person, then every 14 days.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { reminderEntryId, type ReminderEntry } from '../../src/domain/reminder-outbox.js';
import { actionsOf, baseActivity, cardOf, findAction, invokeCardOf, personalConversationId, TEAM_ID, textOf, USERS, type Harness, type TestUser } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import { closedPortUrl, startSilentConnector } from '../support/dead-connectors.js';
import { startStubConnector } from '../support/stub-connector.js';
import type { StoreKind } from '../support/stores.js';

const FAST = { backoffBaseMs: 60_000, backoffMaxMs: 600_000, sendTimeoutMs: 1_500, claimTimeoutMs: 120_000, perConversationMs: 50, ratePerSecond: 50 };

async function newCitizen(h: Harness, by: TestUser, alias: string, contactPersons: TestUser[]): Promise<string> {
  const form = cardOf((await h.message(by, 'ny borger')).replies[0]);
  const data = { ...findAction(form, VERBS.citizenSave).data, alias, targetGroup: 'adult', representative: 'none', contactPersons: contactPersons.map((u) => u.aadObjectId).join(',') };
  const plan = invokeCardOf(await h.invoke(by, VERBS.citizenSave, data));
  return String(findAction(plan, VERBS.diaryPickCitizen).data['citizenId']);
}

async function entryOf(h: Harness, citizenId: string, who: TestUser): Promise<ReminderEntry | undefined> {
  return (await h.app.repos.reminders.get(who.tenantId, TEAM_ID, reminderEntryId(`purposeMissing:${citizenId}`, who.aadObjectId)))?.value;
}

/** Reminder cards the connector accepted (not the bot's replies to messages). */
function reminderCards(h: Harness) {
  return h.connector.sent.filter((s) => {
    const card = (s.body['attachments'] as Array<{ content?: Record<string, unknown> }> | undefined)?.[0]?.content;
    return card !== undefined && /Påmindelse|Reminder/.test(textOf(card));
  });
}

function advance(h: Harness, ms: number): void {
  h.now.value = new Date(h.now.value.getTime() + ms);
}

const KINDS: StoreKind[] = ['embedded', 'cosmos'];

describe.each(KINDS)('reminders on the %s store: delivery', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    // Anna has a personal chat with the bot; Bo is known only from the team roster.
    await h.message(USERS.anna, 'hjælp');
  }, { reminderEngine: FAST });

  it('delivers a due reminder exactly once, to the newest personal conversation, and moves it on to its next occurrence', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'RD', [USERS.anna]);
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'pending', dueAt: h.now.value.toISOString() });
    h.connector.clear();

    const first = await h.app.reminders.runOnce();
    expect(first).toMatchObject({ leased: true, claimed: 1, sent: 1, deferred: 0, failed: 0 });
    const cards = reminderCards(h);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.conversationId).toBe(personalConversationId(USERS.anna));
    const text = textOf(cardOf(cards[0]));
    expect(text).toContain('Formål fra handleplanen mangler');
    expect(text).toContain('RD');

    // A second pass sends nothing: the entry waits for the repetition 14 days later.
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 0, sent: 0 });
    expect(reminderCards(h)).toHaveLength(1);
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({
      state: 'pending',
      lastSentReminderId: `purposeMissing:${citizenId}@2026-11-23/0d`,
      reminderId: `purposeMissing:${citizenId}@2026-11-23/+14d`,
      dueAt: '2026-12-07T06:30:00.000Z',
      attempts: 0,
    });
  });

  it('opens a 1:1 conversation (tenant id + AAD object id) with a contact person known only from the roster, and uses it next time', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'RR', [USERS.bo]);
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(h.connector.created).toHaveLength(1);
    const created = h.connector.created[0]!;
    expect(created.body).toMatchObject({ isGroup: false, tenantId: USERS.bo.tenantId, members: [{ id: USERS.bo.id, aadObjectId: USERS.bo.aadObjectId }] });
    expect(reminderCards(h).map((c) => c.conversationId)).toEqual([created.id]);
    const refs = await h.app.repos.users.listConversationRefs(USERS.bo.tenantId, USERS.bo.aadObjectId);
    expect(refs.map((r) => [r.conversationId, r.conversationType])).toEqual([[created.id, 'personal']]);
    expect(await entryOf(h, citizenId, USERS.bo)).toMatchObject({ state: 'pending', lastSentReminderId: `purposeMissing:${citizenId}@2026-11-23/0d` });
  });

  it('follows a changed service URL: the incoming activity refreshes the stored reference and the reminder goes there', async () => {
    await newCitizen(h, USERS.bo, 'RS', [USERS.anna]);
    const moved = await startStubConnector();
    try {
      advance(h, 1000);
      const res = await h.post({ ...baseActivity({ connectorUrl: moved.url }, USERS.anna, false), type: 'message', id: randomUUID(), text: 'hjælp' });
      expect(res.status).toBe(200);
      const refs = await h.app.repos.users.listConversationRefs(USERS.anna.tenantId, USERS.anna.aadObjectId);
      expect(refs.find((r) => r.conversationId === personalConversationId(USERS.anna))?.serviceUrl).toBe(moved.url);
      h.connector.clear();
      moved.clear();
      expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
      expect(reminderCards(h)).toHaveLength(0);
      expect(moved.sent.map((s) => s.conversationId)).toEqual([personalConversationId(USERS.anna)]);
    } finally {
      await moved.close();
    }
  });
});

describe.each(KINDS)('reminders on the %s store: connector failures', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
    await h.message(USERS.bo, 'hjælp');
  }, { reminderEngine: { ...FAST, maxAttempts: 2 } });

  it('429: honours Retry-After, shares the throttle with every instance, and delivers once it has passed', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'TA', [USERS.anna]);
    h.connector.clear();
    h.connector.faults.push({ status: 429, retryAfterSeconds: 30 });
    const first = await h.app.reminders.runOnce();
    expect(first).toMatchObject({ claimed: 1, sent: 0, deferred: 1, failed: 0 });
    const throttledAt = h.now.value.getTime();
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'pending', attempts: 0, dueAt: new Date(throttledAt + 30_000).toISOString() });
    expect((await h.app.repos.reminderControl.throttledUntil(h.now.value))?.toISOString()).toBe(new Date(throttledAt + 30_000).toISOString());
    // Another instance sees the throttle and sends nothing, even for a reminder due now.
    await newCitizen(h, USERS.anna, 'TB', [USERS.bo]);
    const other = h.app.newReminderEngine({ instanceId: 'other' });
    expect(await other.runOnce()).toMatchObject({ leased: true, claimed: 0, sent: 0 });
    advance(h, 30_000);
    const later = await other.runOnce();
    expect(later).toMatchObject({ claimed: 2, sent: 2, failed: 0 });
    expect(reminderCards(h).map((c) => c.conversationId).sort()).toEqual([personalConversationId(USERS.anna), personalConversationId(USERS.bo)].sort());
    await other.stop();
  });

  it('500: backs off with jitter and counts the attempt; after the configured attempts the reminder is failed and waits for its next occurrence', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'TC', [USERS.anna]);
    h.connector.clear();
    h.connector.faults.push({ status: 500 }, { status: 500 });
    const start = h.now.value.getTime();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1, failed: 0 });
    const retried = (await entryOf(h, citizenId, USERS.anna))!;
    expect(retried).toMatchObject({ state: 'pending', attempts: 1, lastError: '500 Status500' });
    // Full backoff 60 s for the first retry, jittered into its upper half.
    const wait = Date.parse(retried.dueAt!) - start;
    expect(wait).toBeGreaterThanOrEqual(30_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Not before its time.
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 0 });
    h.now.value = new Date(retried.dueAt!);
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
    const failed = (await entryOf(h, citizenId, USERS.anna))!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, lastError: '500 Status500', reminderId: `purposeMissing:${citizenId}@2026-11-23/0d`, dueAt: '2026-12-07T06:30:00.000Z' });
    expect(h.connector.attempts.filter((a) => a.conversationId === personalConversationId(USERS.anna))).toHaveLength(2);
    expect(reminderCards(h)).toHaveLength(0);
  });

  it('a slow answer past the send timeout is retried later and then delivered once', async () => {
    const citizenId = await newCitizen(h, USERS.bo, 'TD', [USERS.bo]);
    h.connector.clear();
    h.connector.faults.push({ status: 503, delayMs: 2_500 });
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1 });
    const retried = (await entryOf(h, citizenId, USERS.bo))!;
    expect(retried).toMatchObject({ state: 'pending', attempts: 1, lastError: 'timeout' });
    h.now.value = new Date(retried.dueAt!);
    expect(await h.app.reminders.runOnce()).toMatchObject({ sent: 1 });
    expect(reminderCards(h).map((c) => c.conversationId)).toEqual([personalConversationId(USERS.bo)]);
  });

  it('a connector that never answers, then one that refuses the connection: one request per send (no SDK retries), each retried by the engine only', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'TF', [USERS.anna]);
    const silent = await startSilentConnector();
    const moveTo = async (serviceUrl: string) => {
      const personal = (await h.app.repos.users.listConversationRefs(USERS.anna.tenantId, USERS.anna.aadObjectId)).find((r) => r.conversationType === 'personal')!;
      advance(h, 1000);
      await h.app.repos.users.putConversationRef({ ...personal, serviceUrl, updatedAt: h.now.value.toISOString() });
    };
    try {
      await moveTo(silent.url);
      h.connector.clear();
      expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1 });
      const retried = (await entryOf(h, citizenId, USERS.anna))!;
      expect(retried).toMatchObject({ state: 'pending', attempts: 1, lastError: 'timeout' });
      expect(silent.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
      await moveTo(await closedPortUrl());
      h.now.value = new Date(retried.dueAt!);
      expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
      expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'failed', attempts: 2, lastError: 'ECONNREFUSED' });
      expect(silent.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
      expect(reminderCards(h)).toHaveLength(0);
    } finally {
      await silent.close();
      await moveTo(h.connector.url);
    }
  });

  it('403: marks the recipient unreachable and sends them nothing until they write to the bot again', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'TE', [USERS.bo]);
    h.connector.clear();
    h.connector.faults.push({ status: 403, code: 'ConversationBlockedByUser' });
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1 });
    expect(await h.app.repos.reminderControl.reach(USERS.bo.tenantId, USERS.bo.aadObjectId)).toMatchObject({ reason: '403 ConversationBlockedByUser' });
    expect((await h.app.repos.reminderControl.listUnreachable(USERS.bo.tenantId)).map((r) => r.aadObjectId)).toEqual([USERS.bo.aadObjectId]);
    // Later it is looked at again, but still not sent while they are unreachable.
    h.now.value = new Date((await entryOf(h, citizenId, USERS.bo))!.dueAt!);
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1 });
    expect(h.connector.attempts.filter((a) => a.conversationId === personalConversationId(USERS.bo))).toHaveLength(1);
    // Bo writes to the bot: reachable again, and the reminder goes out at its next look.
    await h.message(USERS.bo, 'hjælp');
    expect(await h.app.repos.reminderControl.reach(USERS.bo.tenantId, USERS.bo.aadObjectId)).toBeUndefined();
    h.connector.clear();
    h.now.value = new Date((await entryOf(h, citizenId, USERS.bo))!.dueAt!);
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(reminderCards(h).map((c) => c.conversationId)).toEqual([personalConversationId(USERS.bo)]);
  });
});

describe.each(KINDS)('reminders on the %s store: several instances, crashes and the last check', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
    await h.message(USERS.bo, 'hjælp');
  }, { reminderEngine: FAST });

  const cardsFor = (alias: string) => reminderCards(h).filter((c) => textOf(cardOf(c)).includes(alias));

  it('two instances at once: one holds the lease, the other scans nothing; every due reminder arrives once', async () => {
    const aliases = ['LA', 'LB', 'LC', 'LD'];
    for (const [i, alias] of aliases.entries()) await newCitizen(h, USERS.anna, alias, [i % 2 === 0 ? USERS.anna : USERS.bo]);
    h.connector.clear();
    const a = h.app.newReminderEngine({ instanceId: 'a' });
    const b = h.app.newReminderEngine({ instanceId: 'b' });
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect([ra.leased, rb.leased].sort()).toEqual([false, true]);
    expect(ra.sent + rb.sent).toBe(4);
    for (const alias of aliases) expect(cardsFor(alias), alias).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('two instances scanning together (the lease expired under them): the claims let each reminder through once', async () => {
    const aliases = ['MA', 'MB', 'MC', 'MD', 'ME', 'MF'];
    for (const [i, alias] of aliases.entries()) await newCitizen(h, USERS.bo, alias, [i % 2 === 0 ? USERS.anna : USERS.bo]);
    h.connector.clear();
    // A lease of 0 ms is free again at once: both instances scan the same due entries.
    const a = h.app.newReminderEngine({ instanceId: 'a', settings: { leaseMs: 0 } });
    const b = h.app.newReminderEngine({ instanceId: 'b', settings: { leaseMs: 0 } });
    const pa = a.runOnce();
    // B starts while A's reminders wait in A's rate limiter.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [ra, rb] = await Promise.all([pa, b.runOnce()]);
    expect([ra.leased, rb.leased]).toEqual([true, true]);
    expect(ra.claimed + rb.claimed).toBe(6);
    expect(ra.sent + rb.sent).toBe(6);
    for (const alias of aliases) expect(cardsFor(alias), alias).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a reminder left in "sending" by a crashed instance is claimed again after the claim timeout and delivered', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'NA', [USERS.anna]);
    const found = (await h.app.repos.reminders.get(USERS.anna.tenantId, TEAM_ID, reminderEntryId(`purposeMissing:${citizenId}`, USERS.anna.aadObjectId)))!;
    // What an instance killed between its claim and its send leaves behind.
    const { claimed } = await import('../../src/domain/reminder-outbox.js');
    await h.app.repos.reminders.replace(claimed(found.value, 'crashed', new Date(h.now.value.getTime() + 120_000), h.now.value), found.etag);
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 0, sent: 0 });
    advance(h, 120_000);
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(cardsFor('NA')).toHaveLength(1);
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'pending', lastSentReminderId: `purposeMissing:${citizenId}@2026-11-23/0d` });
  });

  it('checks the reminder just before sending: one the tilbud’s new quiet hours make not yet due is re-planned, not sent', async () => {
    const citizenId = await newCitizen(h, USERS.anna, 'OA', [USERS.anna]);
    const institution = (await h.app.repos.institutions.get(USERS.anna.tenantId, TEAM_ID, { fresh: true }))!;
    // Copenhagen is at 10:3x: quiet until 12:00 (11:00 UTC) from now on.
    await h.app.repos.institutions.replace({ ...institution.value, settings: { ...institution.value.settings, reminders: { quietHours: '08:00-12:00' } } }, institution.etag);
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 0, deferred: 1 });
    expect(cardsFor('OA')).toHaveLength(0);
    const replanned = (await entryOf(h, citizenId, USERS.anna))!;
    expect(replanned).toMatchObject({ state: 'pending', dueAt: '2026-11-23T11:00:00.000Z' });
    h.now.value = new Date('2026-11-23T11:00:00.000Z');
    expect(await h.app.reminders.runOnce()).toMatchObject({ sent: 1 });
    expect(cardsFor('OA')).toHaveLength(1);
  });
});

describe('reminders: rate limits (embedded store)', () => {
  let h: Harness;
  const team = [USERS.anna, USERS.bo, USERS.carl];
  useApp('embedded', async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, team);
    for (const u of team) await h.message(u, 'hjælp');
  }, { reminderEngine: { ...FAST, perConversationMs: 1000, ratePerSecond: 4 } });

  it('sends at most one message a second per conversation and stays under the global ceiling', async () => {
    // Three reminders for Anna, two for Bo, two for Carl: seven due at once.
    for (const [i, u] of [USERS.anna, USERS.anna, USERS.anna, USERS.bo, USERS.bo, USERS.carl, USERS.carl].entries()) await newCitizen(h, USERS.anna, `RL${i}`, [u]);
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 7, sent: 7 });
    const sent = reminderCards(h);
    expect(sent).toHaveLength(7);
    for (const u of team) {
      const times = sent.filter((s) => s.conversationId === personalConversationId(u)).map((s) => s.at!);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, u.name).toBeGreaterThanOrEqual(950);
    }
    // 4/s: consecutive sends at least 250 ms apart (a little slack for timer granularity).
    const all = sent.map((s) => s.at!).sort((a, b) => a - b);
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBeGreaterThanOrEqual(200);
  }, 30_000);
});

describe('reminders: the engine in the bot process (embedded store)', () => {
  let h: Harness;
  useApp('embedded', async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
  }, { env: { REMINDER_INTERVAL_MS: '200' }, reminderEngine: FAST });

  it('runs a pass on REMINDER_INTERVAL_MS by itself: a reminder due arrives without anyone asking, once', async () => {
    h.connector.clear();
    await newCitizen(h, USERS.anna, 'IV', [USERS.anna]);
    const deadline = Date.now() + 10_000;
    while (reminderCards(h).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reminderCards(h).map((c) => c.conversationId)).toEqual([personalConversationId(USERS.anna)]);
    // Several more intervals: still once.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(reminderCards(h)).toHaveLength(1);
  });
});

describe.each(KINDS)('reminders on the %s store: acting on the reminder card', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
  }, { reminderEngine: FAST });

  /** A citizen of Anna's, its reminder delivered; the card as it arrived. */
  async function delivered(alias: string): Promise<{ citizenId: string; card: ReturnType<typeof cardOf>; activityId: string }> {
    const citizenId = await newCitizen(h, USERS.anna, alias, [USERS.anna]);
    h.connector.clear();
    await h.app.reminders.runOnce();
    const mine = reminderCards(h).filter((c) => textOf(cardOf(c)).includes(alias));
    expect(mine).toHaveLength(1);
    return { citizenId, card: cardOf(mine[0]), activityId: 'sent-reminder' };
  }

  it('udsæt 1 dag (Action.Execute): the card updates in place, and the reminder comes again the next day, once', async () => {
    const start = h.now.value;
    const { citizenId, card } = await delivered('SA');
    expect(actionsOf(card).map((a) => a.verb)).toEqual([VERBS.reminderDone, VERBS.reminderSnooze, VERBS.reminderSnooze, VERBS.planShow]);
    const snooze = findAction(card, VERBS.reminderSnooze, (a) => a.data['days'] === '1');
    const updated = invokeCardOf(await h.invoke(USERS.anna, snooze.verb, snooze.data));
    expect(textOf(updated)).toContain('Udsat. Du bliver mindet om det igen');
    expect(actionsOf(updated).map((a) => a.verb)).toEqual([VERBS.planShow]);
    const until = new Date(start.getTime() + 24 * 3600_000).toISOString(); // Tuesday, same time: a working hour
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'pending', snoozedUntil: until, dueAt: until });
    // A repeated click answers the same and changes nothing.
    expect(textOf(invokeCardOf(await h.invoke(USERS.anna, snooze.verb, snooze.data)))).toContain('Udsat');
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 0 });
    h.now.value = new Date(until);
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await h.app.reminders.runOnce()).toMatchObject({ claimed: 0 });
    expect(reminderCards(h).filter((c) => textOf(cardOf(c)).includes('SA'))).toHaveLength(1);
    // Back to its own schedule: the repetition 14 days after the due date.
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'pending', dueAt: '2026-12-07T06:30:00.000Z' });
    expect((await entryOf(h, citizenId, USERS.anna))!.snoozedUntil).toBeUndefined();
  });

  it('markér som klaret (Action.Submit): the card is updated in place, and no more reminders come for this due date', async () => {
    const { citizenId, card } = await delivered('SB');
    const done = findAction(card, VERBS.reminderDone);
    h.connector.clear();
    const { replies } = await h.submit(USERS.anna, { verb: done.verb, ...done.data }, 'reminder-activity-1');
    expect(replies.map((r) => [r.method, r.activityId])).toEqual([['PUT', 'reminder-activity-1']]);
    const updated = cardOf(replies[0]);
    expect(textOf(updated)).toContain('Markeret som klaret');
    expect(actionsOf(updated).map((a) => a.verb)).toEqual([VERBS.planShow]);
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'sent', acknowledgedDeadlineDate: done.data['deadlineDate'] });
    expect((await entryOf(h, citizenId, USERS.anna))!.dueAt).toBeUndefined();
    // A plan write later does not bring it back; neither does the time of the repetition.
    const plan = (await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!;
    await h.app.repos.plans.replace({ ...plan.value, updatedAt: h.now.value.toISOString() }, plan.etag, plan.value);
    expect(await entryOf(h, citizenId, USERS.anna)).toMatchObject({ state: 'sent', acknowledgedDeadlineDate: done.data['deadlineDate'] });
    h.now.value = new Date('2026-12-08T08:00:00Z');
    h.connector.clear();
    await h.app.reminders.runOnce();
    expect(reminderCards(h).filter((c) => textOf(cardOf(c)).includes('SB'))).toHaveLength(0);
  });

  it('checks access and the card: someone outside the tilbud is refused; someone else’s card, or one for a deadline done since, is no longer current', async () => {
    h.now.value = new Date('2026-12-08T09:00:00Z');
    const { citizenId, card } = await delivered('SC');
    const snooze = findAction(card, VERBS.reminderSnooze, (a) => a.data['days'] === '7');
    // Carl is not in the team.
    expect(textOf(invokeCardOf(await h.invoke(USERS.carl, snooze.verb, snooze.data)))).toContain('Du har ikke adgang');
    // Bo is in the team, but the reminder is Anna's.
    expect(textOf(invokeCardOf(await h.invoke(USERS.bo, snooze.verb, snooze.data)))).toContain('gælder ikke længere');
    expect((await entryOf(h, citizenId, USERS.anna))!.snoozedUntil).toBeUndefined();
    // The formål is recorded: the deadline is done, the card no longer current.
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: TEAM_ID, citizenId }));
    const save = findAction(form, VERBS.purposeSave);
    invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...save.data, purposeText: 'Egen bolig med støtte', receivedOn: '2026-12-01' }));
    expect(await entryOf(h, citizenId, USERS.anna)).toBeUndefined();
    expect(textOf(invokeCardOf(await h.invoke(USERS.anna, snooze.verb, snooze.data)))).toContain('gælder ikke længere');
  });

  it('rejects action data of the wrong shape with a 400', async () => {
    const bad = await h.invoke(USERS.anna, VERBS.reminderSnooze, { teamId: TEAM_ID, citizenId: 'x', deadlineId: 'd', deadlineDate: '2026-11-23', reminderId: 'r', days: '3' });
    expect(bad.status).toBe(400);
  });
});

describe('reminders: a goal revision reminder opens the evaluation (embedded store)', () => {
  let h: Harness;
  useApp('embedded', async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
  }, { reminderEngine: FAST });

  it('reminds the goal’s ansvarlig on the revisionsdato, and "evaluér nu" opens the evaluation of that goal', async () => {
    const { addGoal } = await import('../support/flows.js');
    const { titleOf } = await import('../support/goal-flows.js');
    const citizenId = await newCitizen(h, USERS.anna, 'EV', [USERS.bo]);
    await addGoal(h, USERS.anna, { teamId: TEAM_ID, citizenId }, { goalText: 'EV laver selv morgenmad', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-02-01' });
    // 2027-02-01 is a Monday: 07:30 in Copenhagen (winter time) is 06:30 UTC.
    h.now.value = new Date('2027-02-01T06:30:00Z');
    h.connector.clear();
    await h.app.reminders.runOnce();
    const mine = reminderCards(h).filter((c) => c.conversationId === personalConversationId(USERS.anna));
    expect(mine).toHaveLength(1);
    const card = cardOf(mine[0]);
    expect(textOf(card)).toContain('Revision af mål');
    expect(textOf(card)).toContain('EV laver selv morgenmad');
    const evaluate = findAction(card, VERBS.evalOpen);
    // It opens as a new card below the reminder, which keeps its place.
    const before = h.connector.sent.length;
    const answer = await h.invoke(USERS.anna, evaluate.verb, evaluate.data);
    expect(answer.status).toBe(200);
    const form = cardOf((await h.connector.waitFor(before + 1)).at(-1));
    expect(titleOf(form)).toBe('Evaluering: EV');
    expect(findAction(form, VERBS.evalSave).data).toMatchObject({ citizenId, goalId: evaluate.data['goalId'] });
  });
});
