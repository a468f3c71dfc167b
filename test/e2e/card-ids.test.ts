/**
 * Ids in card data are ids, not text: a CPR number in a citizenId, teamId, submissionId or any
 * other id (item 2), and ids the store cannot hold (a / \ ? #, over 255 characters, a lone
 * surrogate; item 3), are refused before anything is logged or stored: HTTP 400 with an error
 * body for an Action.Execute invoke, a clear Danish message for an Action.Submit. A team's name
 * and its members' names are free text from Teams: a CPR number in them is taken out before
 * they are stored. On both stores; the store and the logs are scanned at the end.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { useApp } from '../support/lifecycle.js';
import type { OpenedStore, StoreKind } from '../support/stores.js';
import { addGoal, deliveredReminderCard, setUpCitizenWithGoals, type PlanIds } from '../support/flows.js';
import { cprFinder, RecordingStore, storedTexts, whereFound } from '../support/cpr-scan.js';
import { actionsOf, baseActivity, cardOf, findAction, invokeCardOf, TEAM_ID, textOf, USERS, type Harness, type TestUser } from '../support/e2e.js';

const CPR_IDS = ['010190-1402', '0101901402', '19:010190-1402@thread.tacv2', '01.01.90-1402'];
const MALFORMED_IDS = ['a/b', 'a\\b', 'a?b', 'a#b', 'x'.repeat(256), '\ud800', 'plan\udc00x', 'a|b', 'two words', 'tab\there'];
const found = cprFinder('0101901402');

type Payloads = Record<string, { verb: string; data: Record<string, unknown>; fields: string[] }>;

describe.each<StoreKind>(['embedded', 'cosmos'])('ids in card data on the %s store', (kind) => {
  let h: Harness;
  let opened: OpenedStore;
  let recorder: RecordingStore;
  let ids: PlanIds;
  let payloads: Payloads;

  useApp(
    kind,
    async (app) => {
      ({ h, opened } = app);
      ids = await setUpCitizenWithGoals(h, USERS.anna);
      const ref = { teamId: ids.teamId, citizenId: ids.citizenId };
      const diaryForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { ...ref, target: 'subGoal', goalId: ids.subGoalId }));
      const purposeForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, ref));
      const evalForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalOpen, { ...ref, goalId: ids.goalId }));
      const wizard = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalNew, { ...ref, kind: 'goal' }));
      const citizenForm = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
      const wizardData = findAction(wizard, VERBS.goalWizardNext).data;
      const reminder = await deliveredReminderCard(h, 'CD');
      const reminderFields = ['teamId', 'citizenId', 'deadlineId', 'deadlineDate', 'reminderId'];
      payloads = {
        planShow: { verb: VERBS.planShow, data: ref, fields: ['teamId', 'citizenId'] },
        goalNew: { verb: VERBS.goalNew, data: { ...ref, kind: 'goal' }, fields: ['teamId', 'citizenId'] },
        evalStart: { verb: VERBS.evalStart, data: ref, fields: ['teamId', 'citizenId'] },
        pickTarget: { verb: VERBS.diaryPickTarget, data: { ...ref, target: 'subGoal', goalId: ids.subGoalId }, fields: ['teamId', 'citizenId', 'goalId'] },
        diarySave: { verb: VERBS.diarySave, data: { ...findAction(diaryForm, VERBS.diarySave).data, score: '2', note: 'Et notat' }, fields: ['teamId', 'citizenId', 'goalId', 'submissionId'] },
        purposeSave: { verb: VERBS.purposeSave, data: { ...findAction(purposeForm, VERBS.purposeSave).data, purposeText: 'Formål', receivedOn: '2026-11-01', basePurposeId: '' }, fields: ['teamId', 'citizenId', 'submissionId', 'basePurposeId'] },
        evalOpen: { verb: VERBS.evalOpen, data: { ...ref, goalId: ids.goalId }, fields: ['goalId'] },
        goalEdit: { verb: VERBS.goalEdit, data: { ...ref, goalId: ids.goalId }, fields: ['goalId'] },
        evalSave: {
          verb: VERBS.evalSave,
          data: { ...findAction(evalForm, VERBS.evalSave).data, assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-06-01', gas: '' },
          fields: ['teamId', 'citizenId', 'goalId', 'submissionId', 'baseUpdatedAt'],
        },
        wizardNext: { verb: VERBS.goalWizardNext, data: { ...wizardData, themeId: 'th1', purposeLinked: 'yes' }, fields: ['submissionId', 'themeId', 'parentId', 'ownerId'] },
        citizenSave: {
          verb: VERBS.citizenSave,
          data: { ...findAction(citizenForm, VERBS.citizenSave).data, alias: 'EF', targetGroup: 'adult', representative: 'none' },
          fields: ['submissionId', 'teamId', 'defaultTeamId', 'contactPersons'],
        },
        reminderDone: { verb: VERBS.reminderDone, data: findAction(reminder, VERBS.reminderDone).data, fields: reminderFields },
        reminderSnooze: { verb: VERBS.reminderSnooze, data: findAction(reminder, VERBS.reminderSnooze).data, fields: reminderFields },
      };
    },
    { wrapStore: (store) => (recorder = new RecordingStore(store)) },
  );

  function expectRefusedInvoke(result: Awaited<ReturnType<Harness['invoke']>>, what: string): void {
    expect(result.status, what).toBe(400);
    expect(result.body.type, what).toBe('application/vnd.microsoft.error');
    expect(result.body.value?.['code'], what).toBe('BadRequest');
    expect(String(result.body.value?.['message']), what).toMatch(/Ugyldig/);
  }

  it('refuses a CPR number in any id of any verb with a 400 and an error body (Action.Execute)', async () => {
    for (const [name, p] of Object.entries(payloads)) {
      for (const field of p.fields) {
        for (const bad of CPR_IDS) expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, [field]: bad }), `${name}.${field} = ${bad}`);
      }
    }
  });

  it('refuses a CPR number in the wizard draft key and in a contact person', async () => {
    const p = payloads['wizardNext']!;
    const key = String(p.data['draft']);
    const [, teamId = '', citizenId = ''] = key.split('|');
    for (const bad of CPR_IDS) {
      expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, draft: key.replace(teamId, bad) }), `draft team ${bad}`);
      expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, draft: key.replace(citizenId, bad) }), `draft citizen ${bad}`);
      const c = payloads['citizenSave']!;
      expectRefusedInvoke(await h.invoke(USERS.anna, c.verb, { ...c.data, contactPersons: `${USERS.anna.aadObjectId},${bad}` }), `contact ${bad}`);
    }
  });

  it('answers an Action.Submit with such an id with a clear Danish message and saves nothing', async () => {
    const p = payloads['diarySave']!;
    for (const field of p.fields) {
      const { status, replies } = await h.submit(USERS.anna, { ...p.data, verb: p.verb, [field]: CPR_IDS[0] });
      expect(status).toBe(200);
      expect(replies).toHaveLength(1);
      expect(String(replies[0]?.body['text'])).toMatch(/^Kortet sendte data, som Refleks ikke kan bruge/);
    }
    expect(await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId: ids.teamId, citizenId: ids.citizenId })).toHaveLength(0);
  });

  it('refuses ids the store cannot hold with a 400, never the generic apology (item 3)', async () => {
    for (const [name, p] of Object.entries(payloads)) {
      for (const field of p.fields) {
        for (const bad of MALFORMED_IDS) expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, [field]: bad }), `${name}.${field} = ${JSON.stringify(bad).slice(0, 40)}`);
      }
    }
    const p = payloads['wizardNext']!;
    const key = String(p.data['draft']);
    const teamId = key.split('|')[1]!;
    for (const bad of MALFORMED_IDS) expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, draft: key.replace(teamId, bad) }), `draft ${JSON.stringify(bad).slice(0, 40)}`);
    const errors = h.logs.filter((line) => /"level":(50|60)/.test(line));
    expect(errors).toEqual([]);
  });

  it('still answers ids that are well formed but unknown with a card, and takes a random id that holds digits', async () => {
    const unknownCitizen = await h.invoke(USERS.anna, VERBS.planShow, { teamId: ids.teamId, citizenId: 'AbCdEfGhIjKlMnOpQrStUv' });
    expect(textOf(invokeCardOf(unknownCitizen))).toContain('Borgeren blev ikke fundet');
    const otherTeam = await h.invoke(USERS.anna, VERBS.planShow, { teamId: '19:0123456789abcdef0123456789abcdef@thread.tacv2', citizenId: ids.citizenId });
    expect(textOf(invokeCardOf(otherTeam))).toContain('Du har ikke adgang');
    // A UUID whose hex happens to hold a date and four digits is a random id, not a CPR number.
    const p = payloads['diarySave']!;
    const saved = await h.invoke(USERS.anna, p.verb, { ...p.data, submissionId: 'ab020285-3311-4abc-8def-0123456789ab' });
    expect(textOf(invokeCardOf(saved))).toContain('Gemt i dagbogen');
  });

  it('takes the reminder card\'s own data (a reminder id holds `@`, `/` and a sign), and only a reminder id of the card\'s deadline', async () => {
    const p = payloads['reminderSnooze']!;
    expect(String(p.data['reminderId'])).toMatch(/^purposeMissing:[^@]+@\d{4}-\d{2}-\d{2}\/(0|[+-]\d+)d$/);
    const deadlineId = String(p.data['deadlineId']);
    const deadlineDate = String(p.data['deadlineDate']);
    for (const bad of [`${deadlineId}@2026-01-01/0d`, `other:${ids.citizenId}@${deadlineDate}/0d`, `${deadlineId}@${deadlineDate}/0d/x`, `${deadlineId}@${deadlineDate}/010190-1402d`, `${deadlineId}@${deadlineDate}/+12345d`]) {
      expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, reminderId: bad }), `reminderId = ${bad}`);
    }
    expectRefusedInvoke(await h.invoke(USERS.anna, p.verb, { ...p.data, deadlineDate: '2026-11-23T00:00' }), 'deadlineDate not a date');
    expect(textOf(invokeCardOf(await h.invoke(USERS.anna, p.verb, p.data)))).toContain('Udsat');
  });

  it('lets a colleague whose Entra id holds a date and four digits write a goal (a random id is not a CPR number)', async () => {
    const dig: TestUser = { id: '29:dig', aadObjectId: 'ab020285-3311-4abc-8def-0123456789ab', name: 'Dag Iversen', tenantId: USERS.anna.tenantId, locale: 'da-DK' };
    h.connector.rosters.get(TEAM_ID)!.push({ id: dig.id, aadObjectId: dig.aadObjectId, name: dig.name });
    h.now.value = new Date(h.now.value.getTime() + 10 * 60_000);
    const plan = await addGoal(h, dig, { teamId: ids.teamId, citizenId: ids.citizenId }, { themeId: 'th2', goalText: 'CD læser selv 10 minutter hver aften', ownerId: dig.aadObjectId, revisionDate: '2027-02-01' });
    expect(textOf(plan)).toContain('Målet er gemt.');
  });

  it('takes a CPR number out of a team name (opsæt, a nameless team event) and a member name before storing them', async () => {
    const teamId = `19:${randomUUID().replaceAll('-', '')}@thread.tacv2`;
    h.connector.rosters.set(teamId, [{ id: USERS.bo.id, aadObjectId: USERS.bo.aadObjectId, name: 'Bo 010190-1402 Kollega' }]);
    const channel = baseActivity({ connectorUrl: h.connector.url }, USERS.bo, true);
    const { status } = await h.post({
      ...channel,
      type: 'message',
      id: randomUUID(),
      text: '<at>Refleks</at> opsæt',
      conversation: { id: `${teamId};messageid=1`, conversationType: 'channel', tenantId: USERS.bo.tenantId, isGroup: true },
      channelData: { tenant: { id: USERS.bo.tenantId }, team: { id: teamId, name: 'Bostedet 010190-1402' } },
    });
    expect(status).toBe(200);
    const reply = h.connector.sent.at(-1)!;
    expect(String(reply.body['text'])).toContain('"Bostedet"');
    const institution = await h.app.repos.institutions.get(USERS.bo.tenantId, teamId, { fresh: true });
    expect(institution?.value.name).toBe('Bostedet');
    expect(institution?.value.members.map((m) => m.name)).toEqual(['Bo Kollega']);

    // A team event without a name: the bot asks Teams, whose answer holds a number.
    const nameless = `19:${randomUUID().replaceAll('-', '')}@thread.tacv2`;
    h.connector.rosters.set(nameless, [{ id: USERS.bo.id, aadObjectId: USERS.bo.aadObjectId, name: USERS.bo.name }]);
    h.connector.teamNames.set(nameless, 'Huset 0101901402');
    expect(
      (
        await h.post({
          ...channel,
          type: 'conversationUpdate',
          id: randomUUID(),
          conversation: { id: nameless, conversationType: 'channel', tenantId: USERS.bo.tenantId, isGroup: true },
          channelData: { tenant: { id: USERS.bo.tenantId }, team: { id: nameless }, eventType: 'teamMemberAdded' },
          membersAdded: [{ id: '28:refleks-bot' }],
        })
      ).status,
    ).toBe(200);
    expect((await h.app.repos.institutions.get(USERS.bo.tenantId, nameless, { fresh: true }))?.value.name).toBe('Huset');
  });

  it('refuses an activity whose team id, tenant, user or conversation id holds a CPR number with a 400', async () => {
    const channel = baseActivity({ connectorUrl: h.connector.url }, USERS.bo, true);
    const message = { ...channel, type: 'message', id: randomUUID(), text: '<at>Refleks</at> opsæt' };
    const cases: Array<[string, Record<string, unknown>]> = [
      ['team id', { ...message, channelData: { tenant: { id: USERS.bo.tenantId }, team: { id: '19:010190-1402@thread.tacv2', name: 'X' } } }],
      ['tenant id', { ...message, conversation: { id: 'a:x', conversationType: 'personal', tenantId: '010190-1402' }, channelData: {} }],
      ['aad object id', { ...message, from: { id: '29:bo', aadObjectId: '010190-1402' } }],
      ['user id', { ...message, from: { id: '29:010190-1402', aadObjectId: USERS.bo.aadObjectId } }],
      ['conversation id', { ...message, conversation: { id: 'a:0101901402', conversationType: 'personal', tenantId: USERS.bo.tenantId } }],
      ['activity id', { ...message, id: '0101901402' }],
      ['reply-to id', { ...message, replyToId: '010190-1402' }],
    ];
    for (const [what, activity] of cases) {
      const result = await h.post(activity);
      expect(result.status, what).toBe(400);
      expect(JSON.parse(result.text), what).toEqual({ error: 'BadRequest', message: 'Ugyldig aktivitet.' });
    }
  });

  it('has stored and logged none of those numbers', async () => {
    await h.app.repos.audit.flush();
    const texts = await storedTexts(opened, recorder);
    expect(texts.length).toBeGreaterThan(10);
    expect(whereFound(found, texts)).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(10);
    expect(h.logs.filter(found)).toEqual([]);
    expect(actionsOf).toBeDefined();
  });
});
