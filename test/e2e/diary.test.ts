/**
 * Diary logging end to end over HTTP: a tilbud is set up from a channel, a citizen with a
 * goal and a sub-goal is created from the 1:1 chat, and both diaries are written through
 * the cards. Runs on the embedded store and on Cosmos (local server).
 */
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import { VERBS } from '../../src/cards/verbs.js';
import type { StoreKind } from '../support/stores.js';
import { cardOf, findAction, inputOf, invokeCardOf, textOf, USERS, type Harness } from '../support/e2e.js';
import { completeWizard } from '../support/flows.js';

describe.each<StoreKind>(['embedded', 'cosmos'])('diary logging on the %s store', (kind) => {
  let h: Harness;

  useApp(kind, async (app) => {
    h = app.h;
  });

  let teamId = '';
  let citizenId = '';
  let subGoalId = '';

  it('registers the team as a tilbud with its members when someone types "opsæt" in a channel', async () => {
    const replies = await h.setupTeam(USERS.anna);
    expect(String(replies[0]?.body['text'])).toContain('er oprettet som tilbud i Refleks med 2 medarbejdere');
  });

  it('creates a citizen from the 1:1 chat and shows the plan with the formål missing', async () => {
    const { replies } = await h.message(USERS.anna, 'ny borger');
    const form = cardOf(replies[0]);
    const save = findAction(form, VERBS.citizenSave);
    const choices = (inputOf(form, 'contactPersons') as { choices: Array<{ title: string; value: string }>; isMultiSelect: boolean }).choices;
    expect(choices.map((c) => c.title)).toEqual(['Anna Medarbejder', 'Bo Kollega']);
    const plan = invokeCardOf(
      await h.invoke(USERS.anna, VERBS.citizenSave, { ...save.data, alias: 'AB', targetGroup: 'adult', representative: 'guardian', contactPersons: `${USERS.anna.aadObjectId},${USERS.bo.aadObjectId},aad-stranger` }),
    );
    expect(textOf(plan)).toMatch(/Kontaktpersoner\nAnna Medarbejder, Bo Kollega/);
    expect(textOf(plan)).toMatch(/Repræsentant\nVærge/);
    expect(textOf(plan)).toContain('Borgeren er oprettet.');
    expect(textOf(plan)).toContain('Plan: AB');
    expect(textOf(plan)).toContain('Formål fra handleplanen mangler');
    const diaryAction = findAction(plan, VERBS.diaryPickCitizen);
    teamId = String(diaryAction.data['teamId']);
    citizenId = String(diaryAction.data['citizenId']);
  });

  it('lets "ny borger" be cancelled: Annullér creates nothing and shows the citizen list', async () => {
    const form = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
    const cancel = findAction(form, VERBS.citizenList);
    expect(cancel.title).toBe('Annullér');
    const list = invokeCardOf(await h.invoke(USERS.anna, VERBS.citizenList, cancel.data));
    expect(textOf(list)).toContain('Mine borgere');
    expect(textOf(list)).toContain('AB');
    expect(await h.app.repos.citizens.list(USERS.anna.tenantId, teamId)).toHaveLength(1);
  });

  it('adds a goal and a sub-goal through the wizard that show on the plan card', async () => {
    const first = cardOf((await h.message(USERS.anna, 'nyt mål AB')).replies[0]);
    const afterGoal = await completeWizard(h, USERS.anna, first, {
      themeId: 'th1',
      goalText: 'AB smører selv sin madpakke tre gange om ugen',
      ownerId: USERS.anna.aadObjectId,
      revisionDate: '2027-02-01',
    });
    expect(textOf(afterGoal)).toContain('AB smører selv sin madpakke tre gange om ugen');

    const subFirst = cardOf((await h.message(USERS.anna, 'nyt delmål ab')).replies[0]);
    const afterSub = await completeWizard(h, USERS.anna, subFirst, {
      goalText: 'AB finder selv pålæg i køleskabet hver morgen',
      ownerId: USERS.anna.aadObjectId,
      revisionDate: '2027-01-15',
    });
    expect(textOf(afterSub)).toContain('↳ AB finder selv pålæg i køleskabet hver morgen');
    expect(textOf(afterSub)).toContain('Delmålet er gemt.');
  });

  it('logs a delmålsdagbog entry in three card actions from "dagbog" and shows it on the plan', async () => {
    const pickCitizen = cardOf((await h.message(USERS.anna, 'dagbog')).replies[0]);
    expect(textOf(pickCitizen)).toContain('Hvem skriver du om?');
    // 1: pick the citizen
    const targets = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickCitizen, findAction(pickCitizen, VERBS.diaryPickCitizen).data));
    // 2: pick the sub-goal
    const pickSub = findAction(targets, VERBS.diaryPickTarget, (a) => a.data['target'] === 'subGoal');
    subGoalId = String(pickSub.data['goalId']);
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, pickSub.data));
    const score = inputOf(form, 'score') as { style: string; choices: Array<{ title: string }> };
    expect(score.style).toBe('expanded');
    expect(score.choices.map((c) => c.title)).toEqual([
      '0 Intet støttebehov',
      '1 Let støttebehov',
      '2 Moderat støttebehov',
      '3 Højt støttebehov',
      '4 Fuldstændigt støttebehov',
      'Ikke vurderet',
    ]);
    // 3: save
    const saved = invokeCardOf(
      await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '2', note: 'Smurte selv madpakke med lidt guidning.' }),
    );
    expect(textOf(saved)).toContain('✓ Gemt i dagbogen');
    expect(textOf(saved)).toContain('2 Moderat støttebehov');

    const entries = await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId, citizenId });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'subGoal', goalId: subGoalId, score: 2, recordedBy: USERS.anna.aadObjectId });

    const plan = cardOf((await h.message(USERS.anna, 'plan AB')).replies[0]);
    expect(textOf(plan)).toContain('Seneste: 2 Moderat støttebehov');
  });

  it('keeps the confirmation in the chat, with the note’s first words, and opens the next step as a new card', async () => {
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { teamId, citizenId, target: 'subGoal', goalId: subGoalId }));
    const note = 'Gik selv ned til bussen og købte billet i automaten uden hjælp fra personalet i dag';
    const saved = invokeCardOf(await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '1', note }));
    expect(textOf(saved)).toContain('Notat\nGik selv ned til bussen og købte billet i automaten uden hjælp …');

    for (const verb of [VERBS.diaryPickCitizen, VERBS.planShow]) {
      const before = h.connector.sent.length;
      const clicked = await h.invoke(USERS.anna, verb, findAction(saved, verb).data);
      // The clicked card is not replaced: Teams shows the short message on it and leaves it.
      expect(clicked.status).toBe(200);
      expect(clicked.body.type).toBe('application/vnd.microsoft.activity.message');
      expect(clicked.body.value).toBe('Åbnet nedenfor.');
      const next = cardOf(h.connector.sent[before]);
      expect(textOf(next)).toContain(verb === VERBS.planShow ? 'Plan: AB' : 'Hvad vil du skrive om?');
    }

    // With Action.Submit the confirmation is not updated in place either: the next card is new.
    const submitted = await h.submit(USERS.anna, { verb: VERBS.planShow, ...findAction(saved, VERBS.planShow).data }, 'confirmation-activity-id');
    expect(submitted.replies).toHaveLength(1);
    expect(submitted.replies[0]?.method).toBe('POST');
    expect(textOf(cardOf(submitted.replies[0]))).toContain('Plan: AB');
  });

  it('shows the trend once there are several scores', async () => {
    h.now.value = new Date('2026-11-24T09:00:00Z');
    const form = invokeCardOf(await h.invoke(USERS.bo, VERBS.diaryPickTarget, { teamId, citizenId, target: 'subGoal', goalId: subGoalId }));
    await h.invoke(USERS.bo, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '1', note: 'Klarede det selv.' });
    h.now.value = new Date('2026-11-25T09:00:00Z');
    const form2 = invokeCardOf(await h.invoke(USERS.bo, VERBS.diaryPickTarget, { teamId, citizenId, target: 'subGoal', goalId: subGoalId }));
    const saved = invokeCardOf(await h.invoke(USERS.bo, VERBS.diarySave, { ...findAction(form2, VERBS.diarySave).data, score: '0', note: 'Helt selv i dag.' }));
    expect(textOf(saved)).toContain('0 Intet støttebehov');
    const plan = invokeCardOf(await h.invoke(USERS.anna, VERBS.planShow, { teamId, citizenId }));
    expect(textOf(plan)).toContain('Seneste: 0 Intet støttebehov · ↘ mindre støttebehov');
  });

  it('logs a beboerdagbog entry with kontekst and type in two actions from "dagbog AB"', async () => {
    const targets = cardOf((await h.message(USERS.anna, 'dagbog AB')).replies[0]);
    const form = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, findAction(targets, VERBS.diaryPickTarget, (a) => a.data['target'] === 'resident').data));
    const choices = (inputOf(form, 'contextType') as { choices: Array<{ title: string; value: string }> }).choices;
    expect(choices).toContainEqual({ title: 'Sundhed – Medicin', value: 'sundhed/medicin' });
    const saved = invokeCardOf(
      await h.invoke(USERS.anna, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, contextType: 'sundhed/medicin', note: 'Tog selv sin medicin efter morgenmaden.' }),
    );
    expect(textOf(saved)).toContain('Beboerdagbog · AB');
    expect(textOf(saved)).toContain('Sundhed – Medicin');
    const resident = (await h.app.repos.diary.list({ tenantId: USERS.anna.tenantId, teamId, citizenId })).filter((e) => e.kind === 'resident');
    expect(resident).toEqual([expect.objectContaining({ contextId: 'sundhed', entryTypeId: 'medicin', note: 'Tog selv sin medicin efter morgenmaden.' })]);
    const plan = invokeCardOf(await h.invoke(USERS.anna, VERBS.planShow, { teamId, citizenId }));
    expect(textOf(plan)).toMatch(/Beboerdagbog\n1 notat · seneste \d+\. \w+\.? 2026 \d\d:\d\d/);
  });

  it('lists my citizens with buttons for the plan and the diary', async () => {
    const card = cardOf((await h.message(USERS.anna, 'borgere')).replies[0]);
    expect(textOf(card)).toContain('AB');
    expect(textOf(card)).toContain('kontaktperson');
    expect(findAction(card, VERBS.planShow).data).toEqual({ teamId, citizenId });
  });

  it('records the formål from the handleplan and keeps the earlier version', async () => {
    const form = cardOf((await h.message(USERS.anna, 'formål AB')).replies[0]);
    const plan1 = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(form, VERBS.purposeSave).data, purposeText: 'AB skal blive mere selvhjulpen i egen bolig.', receivedOn: '2026-11-01' }));
    expect(textOf(plan1)).toContain('AB skal blive mere selvhjulpen i egen bolig.');
    const form2 = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, { teamId, citizenId }));
    expect(inputOf(form2, 'purposeText')['value']).toBe('AB skal blive mere selvhjulpen i egen bolig.');
    const plan2 = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeSave, { ...findAction(form2, VERBS.purposeSave).data, purposeText: 'Revideret: AB skal kunne klare egen husholdning.', receivedOn: '2026-11-20' }));
    expect(textOf(plan2)).toContain('1 tidligere versioner');
  });
});
