/**
 * The tilbud's ledere, end to end on both stores: `@Refleks ledere @navn …` in the team's
 * channel sets them (mentions as Teams sends them), `@Refleks ledere` shows them; a deadline a
 * week overdue reaches them as an escalation card, once; on Monday 08:00 they get the weekly
 * digest (overdue, due this week, unreachable staff, failed deliveries), once a week.
 *
 * The clock is the harness's (Monday 2026-11-23 09:30 UTC, 10:30 in Copenhagen). A citizen made
 * without a formål has a "formål mangler" deadline due that day: a week overdue on Monday
 * 2026-11-30, when its escalation goes out at 07:30 Copenhagen (06:30 UTC).
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { MANAGERS_RECIPIENT } from '../../src/domain/deadlines.js';
import { reminderEntryId } from '../../src/domain/reminder-outbox.js';
import { baseActivity, cardOf, shown, findAction, invokeCardOf, personalConversationId, TEAM_ID, textOf, user, USERS, type CardJson, type Harness, type TestUser } from '../support/e2e.js';
import type { RecordedActivity } from '../support/stub-connector.js';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';

const LENE = user('lene', 'Lene Leder');
const MIA = user('mia', 'Mia Mellemleder');
const FAST = { backoffBaseMs: 60_000, backoffMaxMs: 600_000, sendTimeoutMs: 1_500, claimTimeoutMs: 120_000, perConversationMs: 20, ratePerSecond: 50, maxAttempts: 2 };

/** A message in the team's channel with @mentions, as Teams sends it (the bot's own mention first). */
async function inChannel(h: Harness, from: TestUser, text: string, mentions: TestUser[] = []): Promise<string[]> {
  const before = h.connector.sent.length;
  const entities = [
    { type: 'mention', text: '<at>Refleks</at>', mentioned: { id: '28:refleks-bot', name: 'Refleks' } },
    ...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
  ];
  const body = `<at>Refleks</at> ${text} ${mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`.trim();
  const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, from, true), type: 'message', id: randomUUID(), text: body, entities });
  expect(res.status).toBe(200);
  return h.connector.sent.slice(before).map((s) => String(s.body['text'] ?? ''));
}

async function newCitizen(h: Harness, by: TestUser, alias: string, contactPersons: TestUser[]): Promise<string> {
  const form = cardOf((await h.message(by, 'ny borger')).replies[0]);
  const data = { ...findAction(form, VERBS.citizenSave).data, alias, targetGroup: 'adult', representative: 'none', contactPersons: contactPersons.map((u) => u.aadObjectId).join(',') };
  const plan = invokeCardOf(await h.invoke(by, VERBS.citizenSave, data));
  return String(findAction(plan, VERBS.diaryPickCitizen).data['citizenId']);
}

function cardsTitled(h: Harness, title: RegExp): Array<RecordedActivity & { card: CardJson }> {
  return h.connector.sent.flatMap((s) => {
    const card = (s.body['attachments'] as Array<{ content?: CardJson }> | undefined)?.[0]?.content;
    return card && title.test(textOf(card)) ? [{ ...s, card }] : [];
  });
}

/** The escalation cards sent about the citizen with this alias. */
const escalations = (h: Harness, alias: string) => cardsTitled(h, /Overskredet frist/).filter((c) => shown(textOf(c.card)).includes(`Borger ${alias}`) || shown(textOf(c.card)).includes(alias));
const digests = (h: Harness) => cardsTitled(h, /Ugeoversigt/);

function at(h: Harness, iso: string): void {
  h.now.value = new Date(iso);
}

const KINDS: StoreKind[] = ['embedded', 'cosmos'];

const BASE = '2026-11-23T09:30:00Z';

async function startTeam(h: Harness): Promise<void> {
  await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo, LENE, MIA]);
  for (const u of [USERS.anna, USERS.bo, LENE, MIA]) await h.message(u, 'hjælp');
}

describe.each(KINDS)('the tilbud’s ledere on the %s store', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await startTeam(h);
  }, { reminderEngine: FAST });

  // One app for the tests: each starts at the same time, with no managers and a quiet connector.
  beforeEach(async () => {
    at(h, BASE);
    h.connector.faults.length = 0;
    const institution = (await h.app.repos.institutions.get(USERS.anna.tenantId, TEAM_ID, { fresh: true }))!;
    await h.app.repos.institutions.replace({ ...institution.value, settings: { ...institution.value.settings, managers: [] } }, institution.etag);
    const digest = await h.app.repos.reminders.getDigest(USERS.anna.tenantId, TEAM_ID);
    if (digest) await h.app.repos.reminders.removeDigest(digest.value, digest.etag);
    h.connector.clear();
  });

  it('sets, shows, guards and clears the managers from the channel; plans the weekly digest while there are any', async () => {
    expect((await inChannel(h, USERS.bo, 'ledere')).join('\n')).toContain('har ingen ledere endnu');
    expect((await h.message(USERS.bo, 'ledere')).replies.map((r) => r.body['text'])).toEqual(['Den kommando virker i en kanal i teamet.']);

    // Someone outside the team cannot be made a manager; nothing is stored.
    expect((await inChannel(h, USERS.bo, 'ledere', [USERS.carl])).join('\n')).toContain('Carl Udenfor er ikke medlem af teamet');
    expect((await h.app.repos.institutions.get(USERS.bo.tenantId, TEAM_ID, { fresh: true }))?.value.settings.managers ?? []).toEqual([]);

    // With none set, any member may set them.
    expect((await inChannel(h, USERS.bo, 'ledere', [LENE])).join('\n')).toContain('Ledere for "Bostedet Solsikken" er nu: Lene Leder');
    expect((await inChannel(h, USERS.anna, 'ledere')).join('\n')).toContain('Ledere for "Bostedet Solsikken": Lene Leder.');
    const digest = await h.app.repos.reminders.getDigest(USERS.anna.tenantId, TEAM_ID);
    expect(digest?.value).toMatchObject({ state: 'pending', dueAt: '2026-11-30T07:00:00.000Z', deliveredTo: [] }); // Monday 08:00 Copenhagen

    // Then only a manager may change them.
    expect((await inChannel(h, USERS.bo, 'ledere', [USERS.bo])).join('\n')).toContain('Kun tilbuddets ledere (Lene Leder) kan ændre');
    expect((await inChannel(h, LENE, 'ledere', [LENE, MIA])).join('\n')).toContain('er nu: Lene Leder, Mia Mellemleder');

    // Cleared: no managers, no digest.
    expect((await inChannel(h, MIA, 'ledere ingen')).join('\n')).toContain('har ikke længere ledere');
    expect(await h.app.repos.reminders.getDigest(USERS.anna.tenantId, TEAM_ID)).toBeUndefined();
    expect((await inChannel(h, USERS.anna, 'ledere')).join('\n')).toContain('har ingen ledere endnu');
  });

  it('escalates a deadline a week overdue to each manager once, with its owner; the manager opens the plan from the card', async () => {
    await inChannel(h, USERS.anna, 'ledere', [LENE, MIA]);
    const citizenId = await newCitizen(h, USERS.anna, 'EA', [USERS.bo]);
    h.connector.clear();
    expect(await h.app.reminders.runOnce()).toMatchObject({ sent: 1 }); // Bo's reminder, due at once
    expect(escalations(h, 'EA')).toHaveLength(0);

    at(h, '2026-11-30T06:29:00Z');
    await h.app.reminders.runOnce();
    expect(escalations(h, 'EA')).toHaveLength(0);

    at(h, '2026-11-30T06:30:00Z');
    await h.app.reminders.runOnce();
    const sent = escalations(h, 'EA');
    expect(sent.map((s) => s.conversationId).sort()).toEqual([personalConversationId(LENE), personalConversationId(MIA)].sort());
    const text = shown(textOf(sent[0]!.card));
    expect(text).toContain('Formål fra handleplanen mangler');
    expect(text).toContain('EA');
    expect(text).toContain('Overskredet med 7 dage');
    expect(text).toContain('Bo Kollega');

    // Once: later passes send no more escalations of it.
    at(h, '2026-12-01T09:00:00Z');
    await h.app.reminders.runOnce();
    expect(escalations(h, 'EA')).toHaveLength(2);
    expect((await h.app.repos.reminders.get(USERS.anna.tenantId, TEAM_ID, reminderEntryId(`purposeMissing:${citizenId}`, MANAGERS_RECIPIENT)))?.value).toMatchObject({ state: 'sent' });

    // Åbn planen: the plan comes as a new card in the manager's chat (she is a member of the team).
    const open = findAction(sent[0]!.card, VERBS.planShow);
    h.connector.clear();
    expect((await h.invoke(LENE, VERBS.planShow, open.data)).status).toBe(200);
    const plan = h.connector.sent.filter((s) => s.conversationId === personalConversationId(LENE)).map((s) => cardOf(s));
    expect(plan.map((c) => shown(textOf(c))).join('\n')).toMatch(/EA[\s\S]*Formål/);
  });

  it('a retry after a failed send to one manager reaches only the one not yet reached', async () => {
    await inChannel(h, USERS.anna, 'ledere', [LENE, MIA]);
    await newCitizen(h, USERS.anna, 'ER', [USERS.bo]);
    await h.app.reminders.runOnce();
    h.connector.clear();
    at(h, '2026-11-30T06:30:00Z');
    h.connector.faults.push({ status: 500, conversationId: personalConversationId(MIA) });
    await h.app.reminders.runOnce();
    expect(escalations(h, 'ER').map((s) => s.conversationId)).toEqual([personalConversationId(LENE)]);
    at(h, '2026-11-30T07:30:00Z'); // after the backoff
    await h.app.reminders.runOnce();
    expect(escalations(h, 'ER').map((s) => s.conversationId)).toEqual([personalConversationId(LENE), personalConversationId(MIA)]);
  });

  it('sends no escalation without managers, nor when the owner has marked the deadline done', async () => {
    const quiet = await newCitizen(h, USERS.anna, 'EQ', [USERS.bo]);
    await h.app.reminders.runOnce();
    const card = cardsTitled(h, /Påmindelse/).find((c) => textOf(c.card).includes('EQ'))!.card;
    await inChannel(h, USERS.anna, 'ledere', [LENE]);
    const done = findAction(card, VERBS.reminderDone);
    expect(textOf(invokeCardOf(await h.invoke(USERS.bo, VERBS.reminderDone, done.data)))).toContain('Markeret som klaret');

    await inChannel(h, LENE, 'ledere ingen');
    const none = await newCitizen(h, USERS.anna, 'EN', [USERS.bo]);
    await h.app.reminders.runOnce();
    h.connector.clear();
    at(h, '2026-11-30T06:30:00Z');
    await h.app.reminders.runOnce();
    expect(escalations(h, 'EN')).toHaveLength(0);
    expect(escalations(h, 'EQ')).toHaveLength(0);
    const entry = (id: string) => h.app.repos.reminders.get(USERS.anna.tenantId, TEAM_ID, reminderEntryId(`purposeMissing:${id}`, MANAGERS_RECIPIENT));
    expect((await entry(none))?.value).toMatchObject({ state: 'sent', lastError: 'no-managers' });
    expect((await entry(quiet))?.value.dueAt).toBeUndefined();
  });

});

describe.each(KINDS)('the weekly digest on the %s store', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await startTeam(h);
  }, { reminderEngine: FAST });

  it('sends the weekly digest on Monday 08:00 to each manager, once: overdue, due this week, unreachable staff, failed deliveries', async () => {
    await inChannel(h, USERS.anna, 'ledere', [LENE]);
    // Overdue by Monday: "formål mangler" since 2026-11-23, Anna's.
    await newCitizen(h, USERS.anna, 'DA', [USERS.anna]);
    // Bo blocked the bot (403): unreachable; his reminder is not delivered.
    h.connector.faults.push({ status: 403, code: 'ConversationBlockedByUser', conversationId: personalConversationId(USERS.bo) });
    await newCitizen(h, USERS.anna, 'DB', [USERS.bo]);
    await h.app.reminders.runOnce();
    // Anna's second citizen: its reminder fails for good (two 500s with maxAttempts 2).
    await newCitizen(h, USERS.anna, 'DF', [MIA]);
    h.connector.faults.push({ status: 500, conversationId: personalConversationId(MIA) }, { status: 500, conversationId: personalConversationId(MIA) });
    await h.app.reminders.runOnce();
    at(h, '2026-11-23T11:00:00Z');
    await h.app.reminders.runOnce();

    h.connector.clear();
    at(h, '2026-11-30T06:59:00Z');
    await h.app.reminders.runOnce();
    expect(digests(h)).toHaveLength(0);
    at(h, '2026-11-30T07:00:00Z');
    await h.app.reminders.runOnce();
    const sent = digests(h);
    expect(sent.map((s) => s.conversationId)).toEqual([personalConversationId(LENE)]);
    const text = shown(textOf(sent[0]!.card));
    expect(text).toContain('Ugeoversigt for Bostedet Solsikken');
    expect(text).toMatch(/Overskredne frister \(3\)/);
    expect(text).toMatch(/DA · Formål fra handleplanen mangler · 23\. nov\. 2026, 7 dage over fristen · Anna Medarbejder/);
    expect(text).toMatch(/Frister i denne uge \(0\)/);
    expect(text).toMatch(/Medarbejdere, botten ikke kan nå \(1\)[\s\S]*Bo Kollega/);
    expect(text).toMatch(/Påmindelser, der ikke kunne sendes \(1\)[\s\S]*DF · Formål fra handleplanen mangler/);

    // Once a week: the next is planned for the Monday after.
    at(h, '2026-11-30T09:00:00Z');
    await h.app.reminders.runOnce();
    expect(digests(h)).toHaveLength(1);
    expect((await h.app.repos.reminders.getDigest(USERS.anna.tenantId, TEAM_ID))?.value).toMatchObject({ dueAt: '2026-12-07T07:00:00.000Z', deliveredTo: [] });
  });
});
