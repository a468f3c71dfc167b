/**
 * "Registrér status" on the plan card, end to end on both stores: the status til myndighed and
 * statusmøde dates recorded through the form (Action.Execute and its Action.Submit fallback),
 * the plan card's section showing the next due date the reminders use, the old statusReport
 * reminder no longer sent and a new one planned, errors beside the field with the input kept, a
 * registration made meanwhile answered with the current dates, a double click applied once, and
 * nobody outside the tilbud let in.
 *
 * The clock is the harness's (Monday 2026-11-23 09:30 UTC); a formål received 2025-12-01 makes
 * the first status due 2026-12-01, its "7 days before" reminder due Tuesday 2026-11-24 07:30.
 */
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { reminderEntryId } from '../../src/domain/reminder-outbox.js';
import { actionsOf, cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, TEAM_ID, textOf, USERS, type CardJson, type Harness } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';

const FAST = { backoffBaseMs: 60_000, backoffMaxMs: 600_000, sendTimeoutMs: 1_500, claimTimeoutMs: 120_000, perConversationMs: 50, ratePerSecond: 50 };
const START = new Date('2026-11-23T09:30:00Z');

describe.each<StoreKind>(['embedded', 'cosmos'])('registrér status on the %s store', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
    await h.message(USERS.anna, 'hjælp');
  }, { reminderEngine: FAST });

  /** A citizen of Anna's with a formål received 2025-12-01; the plan card. */
  async function citizenWithPurpose(alias: string): Promise<{ citizenId: string; plan: CardJson }> {
    h.now.value = START;
    const form = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    const created = invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(form, VERBS.citizenSave).data, alias, targetGroup: 'adult', representative: 'none', contactPersons: USERS.anna.aadObjectId }));
    const citizenId = String(findAction(created, VERBS.diaryPickCitizen).data['citizenId']);
    const purposeForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: TEAM_ID, citizenId }));
    const plan = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(purposeForm, VERBS.purposeSave).data, purposeText: 'Egen bolig med støtte', receivedOn: '2025-12-01' }));
    return { citizenId, plan };
  }

  const statusEntry = async (citizenId: string) => (await h.app.repos.reminders.get(USERS.anna.tenantId, TEAM_ID, reminderEntryId(`statusReport:${citizenId}`, USERS.anna.aadObjectId)))?.value;
  const statusCards = (alias: string) =>
    h.connector.sent.filter((s) => {
      const card = (s.body['attachments'] as Array<{ content?: CardJson }> | undefined)?.[0]?.content;
      return card !== undefined && textOf(card).includes('Påmindelse') && textOf(card).includes('Status til myndighed') && textOf(card).includes(alias);
    });

  it('records the status from the plan card (Action.Submit): the card shows the next status a year later, the old reminder is not sent and a new one is planned', async () => {
    const { citizenId, plan } = await citizenWithPurpose('SR');
    let text = textOf(plan);
    expect(text).toContain('Status til myndighed');
    expect(text).toContain('ingen endnu');
    expect(text).toContain('1. dec. 2026 (et år efter formålet blev modtaget)');
    expect(await statusEntry(citizenId)).toMatchObject({ deadlineDate: '2026-12-01', dueAt: '2026-11-24T06:30:00.000Z' });

    const open = findAction(plan, VERBS.statusEdit);
    expect(open.title).toBe('Registrér status');
    const form = invokeCardOf(await h.invoke(USERS.anna, open.verb, open.data));
    expect(inputOf(form, 'lastSentOn')['type']).toBe('Input.Date');
    expect(inputOf(form, 'intervalMonths')['value']).toBe('12');
    const save = findAction(form, VERBS.statusSave);
    const { replies } = await h.submit(USERS.anna, { ...save.submitData, lastSentOn: '2026-11-23', intervalMonths: '12', lastHeldOn: '', invitedOn: '' }, 'plan-card-activity');
    expect(replies.map((r) => [r.method, r.activityId])).toEqual([['PUT', 'plan-card-activity']]);
    text = textOf(cardOf(replies[0]));
    expect(text).toContain('Status er registreret');
    expect(text).toMatch(/Seneste status sendt\n23\. nov\. 2026/);
    expect(text).toMatch(/Næste status senest\n23\. nov\. 2027/);

    // The reminder entry follows the new due date: the old deadline's reminders are gone.
    const entry = (await statusEntry(citizenId))!;
    expect(entry).toMatchObject({ deadlineDate: '2027-11-23', reminderId: `statusReport:${citizenId}@2027-11-23/-30d`, state: 'pending' });
    expect(Date.parse(entry.dueAt!)).toBeGreaterThan(Date.parse('2027-10-01T00:00:00Z'));
    // When the old "7 days before" was due, nothing about this status goes out.
    h.now.value = new Date('2026-11-24T06:30:00Z');
    h.connector.clear();
    await h.app.reminders.runOnce();
    expect(statusCards('SR')).toHaveLength(0);
    const stored = (await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!.value;
    expect(stored.statusReport).toMatchObject({ lastSentOn: '2026-11-23', intervalMonths: 12, recordedBy: USERS.anna.aadObjectId });
  });

  it('a two-year agreement and the statusmøde: the next due date follows the interval, and a double click is one change', async () => {
    const { citizenId, plan } = await citizenWithPurpose('SI');
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusEdit, findAction(plan, VERBS.statusEdit).data));
    const data = { ...findAction(form, VERBS.statusSave).data, lastSentOn: '2026-11-23', intervalMonths: '24', lastHeldOn: '2026-11-23', invitedOn: '' };
    const saved = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, data));
    expect(textOf(saved)).toMatch(/Næste status senest\n23\. nov\. 2028/);
    expect(textOf(saved)).toContain('24 måneder');
    expect(textOf(saved)).toMatch(/Statusmøde\nholdt: 23\. nov\. 2026 · inviteret: ikke endnu/);
    expect(textOf(saved)).toMatch(/Næste invitation senest\n23\. nov\. 2027/);
    const first = (await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!;
    h.now.value = new Date(START.getTime() + 60_000);
    expect(textOf(invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, data)))).toMatch(/Næste status senest\n23\. nov\. 2028/);
    const second = (await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!;
    expect(second.etag).toBe(first.etag);
    expect(second.value.statusReport?.history).toBeUndefined();
    expect((await statusEntry(citizenId))?.deadlineDate).toBe('2028-11-23');
  });

  it('a date in the future comes back on the same card, the input kept and the error beside the field; nothing is saved', async () => {
    const { citizenId, plan } = await citizenWithPurpose('SF');
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusEdit, findAction(plan, VERBS.statusEdit).data));
    const save = findAction(form, VERBS.statusSave);
    const again = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, { ...save.data, lastSentOn: '2026-12-24', intervalMonths: '24', lastHeldOn: '2026-11-23', invitedOn: '' }));
    expect(fieldErrorOf(again, 'lastSentOn')).toBe('Datoen kan ikke ligge i fremtiden.');
    expect(inputOf(again, 'lastSentOn')['value']).toBe('2026-12-24');
    expect(inputOf(again, 'intervalMonths')['value']).toBe('24');
    expect(inputOf(again, 'lastHeldOn')['value']).toBe('2026-11-23');
    expect(findAction(again, VERBS.statusSave).data['submissionId']).toBe(save.data['submissionId']);
    const missing = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, { ...save.data, lastSentOn: '', intervalMonths: '12', lastHeldOn: '', invitedOn: '' }));
    expect(fieldErrorOf(missing, 'lastSentOn')).toBe('Skriv datoen.');
    expect((await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!.value.statusReport).toBeUndefined();
    expect((await statusEntry(citizenId))?.deadlineDate).toBe('2026-12-01');
  });

  it('a registration someone else made after the card was drawn: the current dates on the card, the user’s input kept', async () => {
    const { citizenId, plan } = await citizenWithPurpose('SK');
    const annas = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusEdit, findAction(plan, VERBS.statusEdit).data));
    const bos = invokeCardOf(await h.invoke(USERS.bo, VERBS.statusEdit, findAction(plan, VERBS.statusEdit).data));
    invokeCardOf(await h.invoke(USERS.bo, VERBS.statusSave, { ...findAction(bos, VERBS.statusSave).data, lastSentOn: '2026-11-23', intervalMonths: '24', lastHeldOn: '', invitedOn: '' }));
    const answer = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, { ...findAction(annas, VERBS.statusSave).data, lastSentOn: '2026-11-23', intervalMonths: '12', lastHeldOn: '', invitedOn: '' }));
    expect(textOf(answer)).toContain('En anden har registreret status, siden kortet blev vist');
    expect(textOf(answer)).toContain('24 måneder');
    expect(inputOf(answer, 'intervalMonths')['value']).toBe('12');
    expect((await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!.value.statusReport).toMatchObject({ intervalMonths: 24, recordedBy: USERS.bo.aadObjectId });
    // Saving again from that card is a deliberate choice, and it lands (Bo's registration kept in the history).
    const saved = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusSave, { ...findAction(answer, VERBS.statusSave).data, lastSentOn: '2026-11-23', intervalMonths: '12', lastHeldOn: '', invitedOn: '' }));
    expect(textOf(saved)).toMatch(/Næste status senest\n23\. nov\. 2027/);
    expect((await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!.value.statusReport?.history).toMatchObject([{ intervalMonths: 24, recordedBy: USERS.bo.aadObjectId }]);
  });

  it('refuses someone outside the tilbud, to open and to save', async () => {
    const { citizenId, plan } = await citizenWithPurpose('SN');
    const ref = findAction(plan, VERBS.statusEdit).data;
    expect(textOf(invokeCardOf(await h.invoke(USERS.carl, VERBS.statusEdit, ref)))).toContain('Du har ikke adgang');
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.statusEdit, ref));
    const refused = invokeCardOf(await h.invoke(USERS.carl, VERBS.statusSave, { ...findAction(form, VERBS.statusSave).data, lastSentOn: '2026-11-23', intervalMonths: '12', lastHeldOn: '', invitedOn: '' }));
    expect(textOf(refused)).toContain('Du har ikke adgang');
    expect(actionsOf(refused).map((a) => a.verb)).not.toContain(VERBS.statusSave);
    expect((await h.app.repos.plans.get(USERS.anna.tenantId, TEAM_ID, citizenId))!.value.statusReport).toBeUndefined();
  });
});
