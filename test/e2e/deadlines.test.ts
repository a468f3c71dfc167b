/**
 * "frister" in the 1:1 chat, end to end on both stores: the user's own open deadlines of the
 * next 30 days from their reminder entries, overdue first (most overdue first), then by due
 * date; nobody else's; acting on a line (the reminder card's verbs) updates the list in place,
 * once; in a channel it lists nothing.
 *
 * Made on Monday 2026-11-23 (the harness's clock), listed on Thursday 2026-12-03: the formål
 * has been missing for 10 days, one revision is 3 days overdue, one is in 17 days, one in 30
 * days (shown) and one in 31 days (not shown).
 */
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { reminderEntryId } from '../../src/domain/reminder-outbox.js';
import { addGoal, createCitizen, type CitizenIds } from '../support/flows.js';
import { actionsOf, cardOf, findAction, invokeCardOf, TEAM_ID, textOf, USERS, type CardJson, type Harness, type TestUser } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';

const START = new Date('2026-11-23T09:30:00Z');
const LISTED = new Date('2026-12-03T09:30:00Z');
const REVISIONS = ['2026-11-30', '2026-12-20', '2027-01-02', '2027-01-03'];

/** The lines of the list card: each line's title, then its texts, up to the next line. */
function lineTitles(card: CardJson): string[] {
  return textOf(card).split('\n').filter((t) => / · (Formål fra handleplanen mangler|Revision af mål|Status til myndighed|Invitation til statusmøde)$/.test(t));
}

describe.each<StoreKind>(['embedded', 'cosmos'])('frister on the %s store', (kind) => {
  let h: Harness;
  let fa: CitizenIds;
  let goalIds: Record<string, string>;
  useApp(kind, async (started) => {
    h = started.h;
    h.now.value = START;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    fa = await createCitizen(h, USERS.anna, 'FA');
    for (const [i, revisionDate] of REVISIONS.entries()) {
      await addGoal(h, USERS.anna, fa, { themeId: `th${i + 1}`, goalText: `FA mål nummer ${i + 1} med revision ${revisionDate}`, ownerId: USERS.anna.aadObjectId, revisionDate });
    }
    // Bo's citizen: its "formål mangler" is Bo's, not Anna's.
    const form = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(form, VERBS.citizenSave).data, alias: 'FB', targetGroup: 'adult', representative: 'none', contactPersons: USERS.bo.aadObjectId }));
    const plan = (await h.app.repos.plans.get(USERS.anna.tenantId, fa.teamId, fa.citizenId))!.value;
    goalIds = Object.fromEntries(plan.goals.map((g) => [g.revisionDate, g.id]));
    h.now.value = LISTED;
  });

  const list = async (who: TestUser): Promise<CardJson> => cardOf((await h.message(who, 'frister')).replies[0]);
  const entry = async (deadlineId: string) => (await h.app.repos.reminders.get(USERS.anna.tenantId, TEAM_ID, reminderEntryId(deadlineId, USERS.anna.aadObjectId)))!.value;
  const lineAction = (card: CardJson, verb: string, revisionDate: string, days?: string) =>
    findAction(card, verb, (a) => a.data['deadlineId'] === `goalRevision:${fa.citizenId}:${goalIds[revisionDate]}` && (days === undefined || a.data['days'] === days));

  it('lists my deadlines of the next 30 days, overdue first, with the date, the days and the goal', async () => {
    const card = await list(USERS.anna);
    const text = textOf(card);
    expect(text).toContain('Mine frister');
    expect(lineTitles(card)).toEqual(['FA · Formål fra handleplanen mangler', 'FA · Revision af mål', 'FA · Revision af mål', 'FA · Revision af mål']);
    const order = ['23. nov. 2026 · 10 dage over fristen', '30. nov. 2026 · 3 dage over fristen', '20. dec. 2026 · om 17 dage', '2. jan. 2027 · om 30 dage'].map((t) => text.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('Mål: FA mål nummer 1 med revision 2026-11-30');
    // 31 days out: not yet.
    expect(text).not.toContain('2027-01-03');
    expect(text).not.toContain('3. jan. 2027');
    // Bo's citizen is not on Anna's list.
    expect(text).not.toContain('FB');
    // The reminder card's actions on every line; evaluér nu for a revision.
    expect(actionsOf(card).filter((a) => a.data['deadlineId'] === `goalRevision:${fa.citizenId}:${goalIds['2026-11-30']}` || a.data['goalId'] === goalIds['2026-11-30']).map((a) => a.title)).toEqual([
      'Markér som klaret',
      'Udsæt 1 dag',
      'Udsæt 1 uge',
      'Evaluér nu',
    ]);
    for (const a of actionsOf(card)) expect(a.submitData).toEqual({ ...a.data, verb: a.verb });
  });

  it('shows another user only their own deadlines, and someone without any a friendly line', async () => {
    const bos = await list(USERS.bo);
    expect(lineTitles(bos)).toEqual(['FB · Formål fra handleplanen mangler']);
    expect(textOf(bos)).not.toContain('FA');
    expect(textOf(await list(USERS.carl))).toContain('Du har ingen åbne frister de næste 30 dage.');
  });

  it('in a channel lists nothing and says it is a 1:1 command', async () => {
    const { replies } = await h.message(USERS.anna, '<at>Refleks</at> frister', { channel: true });
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.body['text'])).toContain('privat chat');
    expect(JSON.stringify(replies[0]!.body)).not.toContain('FA');
  });

  it('markér som klaret on a line updates the list in place; a second click changes nothing; the line is gone next time', async () => {
    const card = await list(USERS.anna);
    const done = lineAction(card, VERBS.reminderDone, '2026-11-30');
    const deadlineId = String(done.data['deadlineId']);
    const updated = invokeCardOf(await h.invoke(USERS.anna, done.verb, done.data));
    expect(textOf(updated)).toContain('Mine frister');
    expect(textOf(updated)).toMatch(/30\. nov\. 2026 · 3 dage over fristen\nMarkeret som klaret\./);
    expect(lineTitles(updated)).toHaveLength(4);
    // The acted line keeps only evaluér nu and åbn planen; the other lines keep their buttons.
    expect(actionsOf(updated).filter((a) => a.data['deadlineId'] === deadlineId)).toEqual([]);
    expect(actionsOf(updated).filter((a) => a.verb === VERBS.reminderDone)).toHaveLength(3);
    const acknowledged = await entry(deadlineId);
    expect(acknowledged).toMatchObject({ acknowledgedDeadlineDate: '2026-11-30', state: 'sent' });

    h.now.value = new Date(LISTED.getTime() + 60_000);
    const again = invokeCardOf(await h.invoke(USERS.anna, done.verb, done.data));
    expect(textOf(again)).toContain('Markeret som klaret.');
    expect(await entry(deadlineId)).toEqual(acknowledged);

    expect(lineTitles(await list(USERS.anna))).toHaveLength(3);
    expect(textOf(await list(USERS.anna))).not.toContain('30. nov. 2026');
    h.now.value = LISTED;
  });

  it('udsæt 1 uge on a line (Action.Submit) replaces the list card in place and sets the snooze once', async () => {
    const card = await list(USERS.anna);
    const snooze = lineAction(card, VERBS.reminderSnooze, '2026-12-20', '7');
    const { replies } = await h.submit(USERS.anna, snooze.submitData!, 'deadline-list-activity');
    expect(replies.map((r) => [r.method, r.activityId])).toEqual([['PUT', 'deadline-list-activity']]);
    const updated = cardOf(replies[0]);
    expect(textOf(updated)).toMatch(/20\. dec\. 2026 · om 17 dage\nUdsat\. Du bliver mindet om det igen 10\. dec\. 2026/);
    const deadlineId = String(snooze.data['deadlineId']);
    const snoozed = await entry(deadlineId);
    expect(snoozed.snoozedUntil).toBe('2026-12-10T09:30:00.000Z');
    await h.submit(USERS.anna, snooze.submitData!, 'deadline-list-activity');
    expect(await entry(deadlineId)).toEqual(snoozed);
    // Listed again later: still there, with when it comes back.
    expect(textOf(await list(USERS.anna))).toContain('Udsat til 10. dec. 2026');
  });

  it('someone else clicking a line of my list is told it does not apply to them, and my entry is untouched', async () => {
    const card = await list(USERS.anna);
    const snooze = findAction(card, VERBS.reminderSnooze, (a) => a.data['deadlineId'] === `purposeMissing:${fa.citizenId}` && a.data['days'] === '1');
    const before = await entry(`purposeMissing:${fa.citizenId}`);
    const answer = invokeCardOf(await h.invoke(USERS.bo, snooze.verb, snooze.data));
    expect(textOf(answer)).toContain('Fristen gælder ikke længere');
    expect(textOf(answer)).not.toContain('FA');
    expect(textOf(invokeCardOf(await h.invoke(USERS.carl, snooze.verb, snooze.data)))).toContain('Du har ikke adgang');
    expect(await entry(`purposeMissing:${fa.citizenId}`)).toEqual(before);
  });
});
