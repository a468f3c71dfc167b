/**
 * The things that must never go wrong, over real HTTP: CPR numbers are refused and stored
 * nowhere (store files and logs scanned), other tenants and non-members are refused,
 * repeated deliveries and double clicks write once, concurrent edits lose nothing, and
 * malformed requests get a 400.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import { VERBS } from '../../src/cards/verbs.js';
import type { OpenedStore, StoreKind } from '../support/stores.js';
import { addGoal, createCitizen, firstSubGoalId } from '../support/flows.js';
import { cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, TEAM_ID, textOf, USERS, type Harness } from '../support/e2e.js';

const CPR_DASH = '010190-1234';
const CPR_PLAIN = '0101901234';
const CPR_DIGITS = /0101901234|010190.1234/;

async function setUpCitizen(h: Harness): Promise<{ teamId: string; citizenId: string; subGoalId: string }> {
  await h.setupTeam(USERS.anna);
  const ids = await createCitizen(h, USERS.anna, 'CD', 'child');
  await addGoal(h, USERS.anna, ids, { themeId: 'th3', goalText: 'CD møder i skole hver dag kl. 8', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-03-01' });
  const withSub = await addGoal(h, USERS.anna, ids, { sub: true, goalText: 'CD står selv op, når vækkeuret ringer', ownerId: USERS.anna.aadObjectId, revisionDate: '2027-01-10' });
  expect(textOf(withSub)).toContain('CD står selv op');
  return { ...ids, subGoalId: await firstSubGoalId(h, USERS.anna, ids) };
}

async function diaryForm(h: Harness, ids: { teamId: string; citizenId: string; subGoalId: string }) {
  return invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'subGoal', goalId: ids.subGoalId }));
}

describe('CPR numbers, access and bad input (embedded store)', () => {
  let opened: OpenedStore;
  let h: Harness;
  let ids: { teamId: string; citizenId: string; subGoalId: string };

  useApp('embedded', async (app) => {
    ({ h, opened } = app);
    ids = await setUpCitizen(h);
  });

  it('refuses a diary note without text, keeping the chosen score, with the error next to the note field', async () => {
    const form = await diaryForm(h, ids);
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '3', note: '   ' }));
    expect(fieldErrorOf(card, 'note')).toBe('Skal udfyldes.');
    expect(inputOf(card, 'score')['value']).toBe('3');
    expect(textOf(card)).toContain('Ret de markerede felter.');
  });

  it('refuses a missing score and keeps the note text the user typed', async () => {
    const form = await diaryForm(h, ids);
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, note: 'Noget vigtigt jeg skrev' }));
    expect(fieldErrorOf(card, 'score')).toMatch(/Vælg en vurdering af støttebehovet/);
    expect(inputOf(card, 'note')['value']).toBe('Noget vigtigt jeg skrev');
  });

  it('refuses a CPR number in every free-text field, says why next to the field, and keeps the rest of the text without the number', async () => {
    const form = await diaryForm(h, ids);
    const save = findAction(form, VERBS.diarySave).data;
    for (const fieldName of ['note', 'intervention', 'externalActors'] as const) {
      const payload = { ...save, score: '2', note: 'Gik fint', intervention: '', externalActors: '', [fieldName]: `Se ${CPR_DASH} for detaljer` };
      const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, payload));
      expect(fieldErrorOf(card, fieldName)).toMatch(/CPR-nummer/);
      expect(inputOf(card, fieldName)['value']).toBe('Se for detaljer');
      expect(JSON.stringify(card)).not.toMatch(CPR_DIGITS);
    }
    const resident = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'resident', goalId: '' }));
    const residentCard = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(resident, VERBS.diarySave).data, contextType: 'hverdag/samtale', note: `cpr ${CPR_PLAIN}` }));
    expect(fieldErrorOf(residentCard, 'note')).toMatch(/CPR-nummer/);

    const citizenForm = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    const aliasCard = invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(citizenForm, VERBS.citizenSave).data, alias: CPR_DASH, targetGroup: 'adult' }));
    expect(fieldErrorOf(aliasCard, 'alias')).toMatch(/CPR-nummer/);

    const purposeForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: ids.teamId, citizenId: ids.citizenId }));
    const purposeCard = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(purposeForm, VERBS.purposeSave).data, purposeText: `Borger ${CPR_PLAIN}`, receivedOn: '2026-11-01' }));
    expect(fieldErrorOf(purposeCard, 'purposeText')).toMatch(/CPR-nummer/);

    const wizard = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalNew, { teamId: ids.teamId, citizenId: ids.citizenId, kind: 'goal' }));
    const step2 = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalWizardNext, { ...findAction(wizard, VERBS.goalWizardNext).data, themeId: 'th1' }));
    const refused = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalWizardNext, { ...findAction(step2, VERBS.goalWizardNext).data, goalText: `Mål for ${CPR_DASH}` }));
    expect(fieldErrorOf(refused, 'goalText')).toMatch(/CPR-nummer/);
    expect(inputOf(refused, 'goalText')['value']).toBe('Mål for');

    const { replies } = await h.message(USERS.anna, `plan ${CPR_DASH}`);
    expect(String(replies[0]?.body['text'])).toMatch(/CPR-nummer/);
  });

  it('has stored and logged no CPR number anywhere', async () => {
    const entries = await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId: ids.teamId, citizenId: ids.citizenId });
    expect(entries).toHaveLength(0);
    const files = await readdir(opened.dataDir!, { recursive: true });
    let scanned = 0;
    for (const file of files) {
      const content = await readFile(join(opened.dataDir!, String(file))).catch(() => undefined);
      if (!content) continue;
      scanned++;
      expect(content.toString('utf8')).not.toMatch(CPR_DIGITS);
    }
    expect(scanned).toBeGreaterThan(0);
    expect(h.logs.length).toBeGreaterThan(10);
    expect(h.logs.join('\n')).not.toMatch(CPR_DIGITS);
  });

  it('never logs note text, goal text or names', async () => {
    const form = await diaryForm(h, ids);
    await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '1', note: 'Hemmelig notattekst om morgenen' });
    const all = h.logs.join('\n');
    expect(all).not.toContain('Hemmelig notattekst');
    expect(all).not.toContain('CD står selv op');
    expect(all).not.toContain('Anna Medarbejder');
    expect(all).toContain('"verb":"diary.save"');
  });

  it('refuses a user from another tenant, even with the right ids', async () => {
    const card = invokeCardOf(await h.invoke(USERS.eve, VERBS.planShow, { teamId: ids.teamId, citizenId: ids.citizenId }));
    expect(textOf(card)).toContain('Du har ikke adgang til denne borger');
    expect(JSON.stringify(card)).not.toContain('CD møder i skole');
    const save = await h.invoke(USERS.eve, VERBS.diarySave, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'subGoal', goalId: ids.subGoalId, submissionId: 'eve-1', score: '1', note: 'x' });
    expect(textOf(invokeCardOf(save))).toContain('Du har ikke adgang');
  });

  it('refuses a colleague in the same tenant who is not in the owning team, and audits it', async () => {
    const card = invokeCardOf(await h.invoke(USERS.carl, VERBS.planShow, { teamId: ids.teamId, citizenId: ids.citizenId }));
    expect(textOf(card)).toContain('Du har ikke adgang til denne borger');
    const { replies } = await h.message(USERS.carl, 'plan CD');
    expect(textOf(cardOf(replies[0]))).toContain('Borgeren blev ikke fundet');
    const month = h.now.value.toISOString().slice(0, 7);
    const audit = await h.app.repos.audit.list(USERS.anna.tenantId, month, TEAM_ID);
    expect(audit).toContainEqual(expect.objectContaining({ actor: USERS.carl.aadObjectId, outcome: 'denied', reason: 'not-a-member', teamId: TEAM_ID }));
    expect(audit).toContainEqual(expect.objectContaining({ actor: USERS.anna.aadObjectId, outcome: 'allowed', action: 'diary.log' }));
    // No alias in the audit trail (as a word: a random id may hold the letters).
    expect(JSON.stringify(audit)).not.toMatch(/\bCD\b/);
  });

  it('lets a new team member in once Teams lists them (the roster is refreshed)', async () => {
    h.connector.rosters.get(TEAM_ID)!.push({ id: USERS.carl.id, aadObjectId: USERS.carl.aadObjectId, name: USERS.carl.name });
    h.now.value = new Date(h.now.value.getTime() + 10 * 60_000);
    const card = invokeCardOf(await h.invoke(USERS.carl, VERBS.planShow, { teamId: ids.teamId, citizenId: ids.citizenId }));
    expect(textOf(card)).toContain('Plan: CD');
  });

  it('answers malformed invokes and requests with 400, never 5xx', async () => {
    const unknownVerb = await h.invoke(USERS.anna, 'diary.explode', {});
    expect(unknownVerb.status).toBe(400);
    expect(unknownVerb.body.type).toBe('application/vnd.microsoft.error');
    expect((await h.rawInvoke(USERS.anna, {})).status).toBe(400);
    expect((await h.rawInvoke(USERS.anna, { action: 'nope' })).status).toBe(400);
    expect((await h.rawInvoke(USERS.anna, { action: { type: 'Action.Execute', verb: VERBS.diarySave, data: 'x' } })).status).toBe(400);
    expect((await h.rawInvoke(USERS.anna, { action: { type: 'Action.Execute', verb: VERBS.diarySave, data: [1, 2] } })).status).toBe(400);
    expect((await h.invoke(USERS.anna, VERBS.diarySave, { citizenId: ids.citizenId, note: 'x' })).status).toBe(400);
    expect((await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'bogus' })).status).toBe(400);
    expect((await h.invoke(USERS.anna, VERBS.planShow, { teamId: 42, citizenId: null })).status).toBe(400);
    expect((await h.post('{not json')).status).toBe(400);
    expect((await h.post({ type: 'message' })).status).toBe(400);
    expect((await h.post([])).status).toBe(400);
    const big = await h.post({ type: 'message', conversation: { id: 'x' }, text: 'x'.repeat(400_000) });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
  });

  it('speaks English when the Teams locale is English', async () => {
    const { replies } = await h.message(USERS.emma, 'help');
    expect(textOf(cardOf(replies[0]))).toContain('Refleks – what can I do?');
    const { replies: unknown } = await h.message(USERS.emma, 'blah');
    expect(String(unknown[0]?.body['text'])).toContain('I did not understand that');
  });

  it('handles the Action.Submit fallback and replaces the card in place', async () => {
    const form = await diaryForm(h, ids);
    const data = findAction(form, VERBS.diarySave).data;
    const { replies } = await h.submit(USERS.anna, { ...data, verb: VERBS.diarySave, score: '2', note: 'Via fallback' }, 'card-activity-1');
    expect(replies[0]?.method).toBe('PUT');
    expect(replies[0]?.activityId).toBe('card-activity-1');
    expect(textOf(cardOf(replies[0]))).toContain('✓ Gemt i dagbogen');
  });
});

describe.each<StoreKind>(['embedded', 'cosmos'])('retries, double clicks and concurrent edits on the %s store', (kind) => {
  let h: Harness;
  let ids: { teamId: string; citizenId: string; subGoalId: string };

  useApp(kind, async (app) => {
    h = app.h;
    ids = await setUpCitizen(h);
  });

  async function countEntries(): Promise<number> {
    return (await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId: ids.teamId, citizenId: ids.citizenId })).length;
  }

  it('stores one entry when Teams delivers the same invoke twice', async () => {
    const before = await countEntries();
    const form = await diaryForm(h, ids);
    const payload = { ...findAction(form, VERBS.diarySave).data, score: '2', note: 'Leveret to gange' };
    const first = await h.invoke(USERS.anna, VERBS.diarySave, payload, { id: 'retry-1' });
    const second = await h.invoke(USERS.anna, VERBS.diarySave, payload, { id: 'retry-1' });
    expect(textOf(invokeCardOf(first))).toContain('Gemt i dagbogen');
    expect(textOf(invokeCardOf(second))).toContain('Gemt i dagbogen');
    expect(await countEntries()).toBe(before + 1);
  });

  it('stores one entry when the user double-clicks Gem (two invokes at once)', async () => {
    const before = await countEntries();
    const form = await diaryForm(h, ids);
    const payload = { ...findAction(form, VERBS.diarySave).data, score: '1', note: 'Dobbeltklik' };
    const results = await Promise.all([h.invoke(USERS.anna, VERBS.diarySave, payload), h.invoke(USERS.anna, VERBS.diarySave, payload)]);
    for (const r of results) expect(r.status).toBe(200);
    expect(await countEntries()).toBe(before + 1);
  });

  it('keeps both goals when two people add goals to the same plan at once', async () => {
    const common = { themeId: 'th2', revisionDate: '2027-02-01' };
    await Promise.all([
      addGoal(h, USERS.anna, ids, { ...common, goalText: 'Mål fra Anna: CD læser selv 10 minutter hver aften', ownerId: USERS.anna.aadObjectId }),
      addGoal(h, USERS.bo, ids, { ...common, goalText: 'Mål fra Bo: CD pakker selv sin skoletaske hver aften', ownerId: USERS.bo.aadObjectId }),
    ]);
    const plan = await h.app.repos.plans.get(USERS.anna.tenantId, ids.teamId, ids.citizenId);
    const texts = plan!.value.goals.map((g) => g.text);
    expect(texts).toContain('Mål fra Anna: CD læser selv 10 minutter hver aften');
    expect(texts).toContain('Mål fra Bo: CD pakker selv sin skoletaske hver aften');
  });

  it('answers the second of two edits of the formål with the current formål in the notice and the typed text kept', async () => {
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: ids.teamId, citizenId: ids.citizenId }));
    const formBo = invokeCardOf(await h.invoke(USERS.bo, VERBS.purposeEdit, { teamId: ids.teamId, citizenId: ids.citizenId }));
    const first = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(form, VERBS.purposeSave).data, purposeText: 'Annas formål', receivedOn: '2026-11-01' }));
    expect(textOf(first)).toContain('Formålet er gemt.');
    const second = invokeCardOf(await h.invoke(USERS.bo, VERBS.purposeSave, { ...findAction(formBo, VERBS.purposeSave).data, purposeText: 'Bos formål', receivedOn: '2026-11-02' }));
    expect(textOf(second)).toContain('Anna Medarbejder har registreret et nyt formål');
    expect(textOf(second)).toContain('"Annas formål"');
    expect(inputOf(second, 'purposeText')['value']).toBe('Bos formål');
    expect(inputOf(second, 'receivedOn')['value']).toBe('2026-11-02');
    const plan = await h.app.repos.plans.get(USERS.anna.tenantId, ids.teamId, ids.citizenId);
    expect(plan!.value.purpose?.text).toBe('Annas formål');
  });
});

describe('installation', () => {
  let h: Harness;

  useApp('embedded', async (app) => {
    h = app.h;
  });

  it('greets a user with the help card when the app is installed in a personal chat', async () => {
    const before = h.connector.sent.length;
    const { status } = await h.post({
      type: 'conversationUpdate',
      id: 'install-1',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: USERS.anna.id, aadObjectId: USERS.anna.aadObjectId },
      recipient: { id: '28:refleks-bot' },
      conversation: { id: 'a:personal-anna', conversationType: 'personal', tenantId: USERS.anna.tenantId },
      channelData: { tenant: { id: USERS.anna.tenantId } },
      membersAdded: [{ id: '28:refleks-bot' }],
    });
    expect(status).toBe(200);
    expect(textOf(cardOf(h.connector.sent[before]))).toContain('Refleks – hvad kan jeg?');
  });

  it('registers the team as a tilbud when the app is added to a team', async () => {
    h.connector.rosters.set(TEAM_ID, [{ id: USERS.bo.id, aadObjectId: USERS.bo.aadObjectId, name: USERS.bo.name }]);
    h.connector.teamNames.set(TEAM_ID, 'Bostedet Solsikken');
    const { status } = await h.post({
      type: 'conversationUpdate',
      id: 'install-2',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: USERS.bo.id, aadObjectId: USERS.bo.aadObjectId },
      recipient: { id: '28:refleks-bot' },
      conversation: { id: TEAM_ID, conversationType: 'channel', tenantId: USERS.bo.tenantId, isGroup: true },
      channelData: { tenant: { id: USERS.bo.tenantId }, team: { id: TEAM_ID, name: 'Bostedet Solsikken' }, eventType: 'teamMemberAdded' },
      membersAdded: [{ id: '28:refleks-bot' }],
    });
    expect(status).toBe(200);
    const institution = await h.app.repos.institutions.get(USERS.bo.tenantId, TEAM_ID);
    expect(institution?.value.members.map((m) => m.aadObjectId)).toEqual([USERS.bo.aadObjectId]);
    const memberships = await h.app.repos.users.listMemberships(USERS.bo.tenantId, USERS.bo.aadObjectId);
    expect(memberships.map((m) => m.teamId)).toEqual([TEAM_ID]);
  });
});

describe('a sub-goal that closes while someone is writing', () => {
  let h: Harness;

  useApp('embedded', async (app) => {
    h = app.h;
  });

  it('keeps the note and offers the beboerdagbog instead of losing it', async () => {
    const ids = await setUpCitizen(h);
    const form = await diaryForm(h, ids);
    const plan = await h.app.repos.plans.get(USERS.anna.tenantId, ids.teamId, ids.citizenId);
    const closed = { ...plan!.value, goals: plan!.value.goals.map((g) => (g.id === ids.subGoalId ? { ...g, state: 'closed' as const } : g)) };
    await h.app.repos.plans.replace(closed, plan!.etag);
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '2', note: 'Vigtigt notat fra aftenvagten' }));
    expect(textOf(card)).toContain('Delmålet er ikke længere aktivt');
    expect(inputOf(card, 'note')['value']).toBe('Vigtigt notat fra aftenvagten');
    expect(findAction(card, VERBS.diarySave).data['target']).toBe('resident');
    expect(await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId: ids.teamId, citizenId: ids.citizenId })).toHaveLength(0);
  });
});
