/**
 * A CPR number written the ways an attacker (or a copy-paste from another system) writes it:
 * dots in the date, full-width digits, a zero-width space, a newline, a slash or a dot before
 * the serial. Each is refused next to the field in a diary note, a goal text in the wizard, an
 * evaluation and the formål, the rest of the text given back without it, and it is stored
 * nowhere (every document written, every document there, the embedded store's files) and
 * logged nowhere, on both stores.
 */
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { useApp } from '../support/lifecycle.js';
import type { OpenedStore, StoreKind } from '../support/stores.js';
import { setUpCitizenWithGoals, type PlanIds } from '../support/flows.js';
import { wizardNext, wizardStepOf } from '../support/goal-flows.js';
import { cprFinder, RecordingStore, storedTexts, whereFound } from '../support/cpr-scan.js';
import { actionsOf, cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, USERS, type Harness } from '../support/e2e.js';

/** 010190-1234 in the formats the guard used to miss. */
export const CPR_FORMATS: ReadonlyArray<readonly [string, string]> = [
  ['dots in the date', '01.01.90-1234'],
  ['full-width digits', '０１０１９０１２３４'],
  ['a zero-width space', '0101\u200b90-1234'],
  ['a newline', '010190\n1234'],
  ['a slash', '010190/1234'],
  ['a dot', '010190.1234'],
];
const found = cprFinder('0101901234');

describe.each<StoreKind>(['embedded', 'cosmos'])('CPR numbers in every format, on the %s store', (kind) => {
  let h: Harness;
  let opened: OpenedStore;
  let recorder: RecordingStore;
  let ids: PlanIds;

  useApp(
    kind,
    async (app) => {
      ({ h, opened } = app);
      ids = await setUpCitizenWithGoals(h, USERS.anna);
    },
    { wrapStore: (store) => (recorder = new RecordingStore(store)) },
  );

  it.each(CPR_FORMATS)('refuses %s in a diary note and gives the rest of the note back', async (_label, cpr) => {
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'subGoal', goalId: ids.subGoalId }));
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '2', note: `Ringede om ${cpr} i dag` }));
    expect(fieldErrorOf(card, 'note')).toMatch(/CPR-nummer/);
    expect(inputOf(card, 'note')['value']).toBe('Ringede om i dag');
    expect(found(JSON.stringify(card))).toBe(false);
  });

  it.each(CPR_FORMATS)('refuses %s in a goal text in the wizard, and keeps it out of the draft', async (_label, cpr) => {
    const opened = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalNew, { teamId: ids.teamId, citizenId: ids.citizenId, kind: 'goal' }));
    // The draft the previous case left is resumed: start it again.
    const restart = actionsOf(opened).find((a) => a.verb === VERBS.goalWizardRestart);
    const first = restart ? invokeCardOf(await h.invoke(USERS.anna, restart.verb, restart.data)) : opened;
    const step2 = await wizardNext(h, USERS.anna, first, { themeId: 'th1', purposeLinked: 'yes' });
    expect(wizardStepOf(step2)).toBe(2);
    const refused = await wizardNext(h, USERS.anna, step2, { goalText: `CD (${cpr}) laver selv aftensmad to gange om ugen` });
    expect(fieldErrorOf(refused, 'goalText')).toMatch(/CPR-nummer/);
    expect(inputOf(refused, 'goalText')['value']).toBe('CD laver selv aftensmad to gange om ugen');
    expect(found(JSON.stringify(refused))).toBe(false);
  });

  it.each(CPR_FORMATS)('refuses %s in an evaluation', async (_label, cpr) => {
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalOpen, { teamId: ids.teamId, citizenId: ids.citizenId, goalId: ids.goalId }));
    const data = { ...findAction(form, VERBS.evalSave).data, assessment: 'partlyAchieved', whatWorked: `Samtale med far, ${cpr}, hjalp`, decision: 'continue', newRevisionDate: '2027-06-01', gas: '' };
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalSave, data));
    expect(fieldErrorOf(card, 'whatWorked')).toMatch(/CPR-nummer/);
    expect(inputOf(card, 'whatWorked')['value']).toBe('Samtale med far, , hjalp');
    expect(found(JSON.stringify(card))).toBe(false);
  });

  it.each(CPR_FORMATS)('refuses %s in the formål and in a chat message', async (_label, cpr) => {
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: ids.teamId, citizenId: ids.citizenId }));
    const card = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(form, VERBS.purposeSave).data, purposeText: `Bevilget for ${cpr}`, receivedOn: '2026-11-01' }));
    expect(fieldErrorOf(card, 'purposeText')).toMatch(/CPR-nummer/);
    const { replies } = await h.message(USERS.anna, `plan ${cpr}`);
    expect(String(replies[0]?.body['text'])).toMatch(/CPR-nummer/);
  });

  it.each(CPR_FORMATS)('does not echo %s typed into a date or a choice back on the card', async (_label, cpr) => {
    const purposeForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId: ids.teamId, citizenId: ids.citizenId }));
    const purpose = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(purposeForm, VERBS.purposeSave).data, purposeText: 'Et formål', receivedOn: cpr }));
    expect(fieldErrorOf(purpose, 'receivedOn')).toBeDefined();
    expect(found(JSON.stringify(purpose))).toBe(false);
    const evalForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalOpen, { teamId: ids.teamId, citizenId: ids.citizenId, goalId: ids.goalId }));
    const evaluation = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalSave, { ...findAction(evalForm, VERBS.evalSave).data, assessment: cpr, whatWorked: '', decision: 'continue', newRevisionDate: cpr, gas: cpr }));
    expect(found(JSON.stringify(evaluation))).toBe(false);
    const diaryForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId: ids.teamId, citizenId: ids.citizenId, target: 'subGoal', goalId: ids.subGoalId }));
    const diary = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(diaryForm, VERBS.diarySave).data, score: cpr, note: 'Et notat' }));
    expect(fieldErrorOf(diary, 'score')).toBeDefined();
    expect(found(JSON.stringify(diary))).toBe(false);
    const citizenForm = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    const citizen = invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenSave, { ...findAction(citizenForm, VERBS.citizenSave).data, alias: 'GH', targetGroup: cpr, representative: cpr }));
    expect(found(JSON.stringify(citizen))).toBe(false);
  });

  it('has stored none of them anywhere and logged none of them', async () => {
    await h.app.repos.audit.flush();
    const plan = await h.app.repos.plans.get(USERS.anna.tenantId, ids.teamId, ids.citizenId);
    expect(plan!.value.evaluations).toHaveLength(0);
    expect(await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId: ids.teamId, citizenId: ids.citizenId })).toHaveLength(0);
    const texts = await storedTexts(opened, recorder);
    expect(texts.length).toBeGreaterThan(10);
    expect(whereFound(found, texts)).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(10);
    expect(h.logs.filter(found)).toEqual([]);
  });
});
