/**
 * SMORTE goals end to end over HTTP (issue 3): the six-step goal wizard with its advice,
 * the T errors that block saving, drafts that survive a closed chat, double clicks, the
 * goal life cycle through evaluation (evidence from the diaries, fortsæt / revidér /
 * afslut, GAS), concurrent evaluations, editing with a stale check, and stale cards.
 * The main flows run on the embedded store and on Cosmos (local server).
 */
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import { VERBS } from '../../src/cards/verbs.js';
import type { Plan } from '../../src/domain/model.js';
import type { StoreKind } from '../support/stores.js';
import { addGoal, createCitizen, firstSubGoalId, type CitizenIds } from '../support/flows.js';
import { cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, textOf, USERS, type CardJson, type Harness } from '../support/e2e.js';
import {
  adviceOf,
  expectedGasT,
  factOf,
  itemTitlesOf,
  lineAfter,
  evaluationLineOf,
  logScore,
  noticeOf,
  titleOf,
  walkToTimeStep,
  wizardBack,
  wizardByCommand,
  wizardNext,
  wizardSave,
  wizardStepOf,
} from '../support/goal-flows.js';

const ANNA = USERS.anna;
const BO = USERS.bo;
const TENANT = ANNA.tenantId;

const CPR_DASH = '010190-1234';
const CPR_PLAIN = '0101901234';
const CPR_DIGITS = /0101901234|010190.1234/;

const SAVED_GOAL = 'Målet er gemt.';
const GENERIC_ERROR = 'noget gik galt';

async function storedPlan(h: Harness, ids: CitizenIds): Promise<Plan> {
  const found = await h.app.repos.plans.get(TENANT, ids.teamId, ids.citizenId);
  if (!found) throw new Error('plan not stored');
  return found.value;
}

async function recordPurpose(h: Harness, ids: CitizenIds, text: string): Promise<void> {
  const form = invokeCardOf(await h.invoke(ANNA, VERBS.purposeEdit, { ...ids }));
  const plan = invokeCardOf(await h.invoke(ANNA, VERBS.purposeSave, { ...findAction(form, VERBS.purposeSave).data, purposeText: text, receivedOn: '2026-11-01' }));
  expect(textOf(plan)).toContain('Formålet er gemt.');
}

function wizardKeyOf(card: CardJson): string {
  for (const verb of [VERBS.goalWizardNext, VERBS.goalWizardSave, VERBS.goalWizardBack]) {
    try {
      return String(findAction(card, verb).data['draft']);
    } catch {
      // try the next button
    }
  }
  throw new Error('not a wizard card');
}

function hasAction(card: CardJson, verb: string): boolean {
  try {
    findAction(card, verb);
    return true;
  } catch {
    return false;
  }
}

// =====================================================================================
// 1-4: the wizard
// =====================================================================================

describe.each<StoreKind>(['embedded', 'cosmos'])('the SMORTE goal wizard on the %s store', (kind) => {
  let h: Harness;

  useApp(kind, async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
  });

  it('walks the six steps with SMORTE advice beside the text, keeps every input on Tilbage, and saves the goal', async () => {
    const ids = await createCitizen(h, ANNA, 'PS');
    const purpose = 'PS skal blive mere selvhjulpen i egen bolig.';
    await recordPurpose(h, ids, purpose);
    const good = 'PS smører selv sin madpakke tre morgener om ugen';
    const indicator = 'Antal morgener om ugen, hvor PS smører selv';
    const participation = 'Aftalt med PS og værgen på statusmødet.';
    const interventions = 'Guidning ved køleskabet, piktogramtavle';

    // Step 1: theme and the link to the formål.
    let card = await wizardByCommand(h, ANNA, 'nyt mål PS');
    expect(titleOf(card)).toBe('Nyt mål: PS');
    expect(textOf(card)).toContain('Trin 1 af 6');
    expect(factOf(card, 'Formål')).toBe(purpose);
    expect((inputOf(card, 'themeId')['choices'] as Array<{ title: string }>).map((c) => c.title)).toContain('Praktiske opgaver');
    expect(inputOf(card, 'purposeLinked')['value']).toBe('yes');
    expect(hasAction(card, VERBS.goalWizardBack)).toBe(false);
    // Nothing chosen yet, so no advice: no "intet tema" before a theme could be picked.
    expect(adviceOf(card, 'themeId')).toEqual([]);
    expect(textOf(card)).not.toContain('intet tema');
    // Required inputs say so on their label.
    expect(inputOf(card, 'themeId')['label']).toBe('Tema *');

    // Step 2: a vague text gets S and M advice beside the field; the step is kept once.
    card = await wizardNext(h, ANNA, card, { themeId: 'th2', purposeLinked: 'yes' });
    expect(textOf(card)).toContain('Trin 2 af 6');
    expect(inputOf(card, 'goalText')['value']).toBe('');
    card = await wizardNext(h, ANNA, card, { goalText: 'PS skal have det bedre' });
    expect(wizardStepOf(card)).toBe(2);
    expect(noticeOf(card)).toContain('Refleks har forslag til målet');
    expect(inputOf(card, 'goalText')['value']).toBe('PS skal have det bedre');
    expect(fieldErrorOf(card, 'goalText')).toBeUndefined();
    expect(adviceOf(card, 'goalText')).toEqual([
      expect.stringMatching(/^⚠ S: Målet er for bredt formuleret \("have det bedre"\)/),
      expect.stringMatching(/^⚠ M: Hvordan måler I, at målet er nået\?/),
    ]);
    expect(hasAction(card, VERBS.goalWizardNext)).toBe(true);

    // An avoidance goal: the O advice, and Næste again goes on (advice never blocks).
    card = await wizardNext(h, ANNA, card, { goalText: 'Peter skal ikke råbe' });
    expect(wizardStepOf(card)).toBe(2);
    expect(adviceOf(card, 'goalText')).toContainEqual(expect.stringMatching(/^⚠ O: Målet er formuleret som noget, der skal undgås \("ikke råbe"\)/));
    card = await wizardNext(h, ANNA, card, { goalText: 'Peter skal ikke råbe' });
    expect(textOf(card)).toContain('Trin 3 af 6');

    // Tilbage keeps the text of step 2 and what was typed on step 3 (the step you leave).
    card = await wizardBack(h, ANNA, card, { indicator, kind: 'maintenance' });
    expect(wizardStepOf(card)).toBe(2);
    expect(inputOf(card, 'goalText')['value']).toBe('Peter skal ikke råbe');

    // A good text: no advice, straight on; the indicator typed before is still there.
    card = await wizardNext(h, ANNA, card, { goalText: good });
    expect(wizardStepOf(card)).toBe(3);
    expect(inputOf(card, 'indicator')['value']).toBe(indicator);
    expect(inputOf(card, 'kind')['value']).toBe('maintenance');
    card = await wizardBack(h, ANNA, card, { indicator, kind: 'maintenance' });
    expect(adviceOf(card, 'goalText')).toEqual(['✓ Målet er specifikt, målbart og formuleret som noget at opnå.']);
    card = await wizardNext(h, ANNA, card, { goalText: good });
    expect(wizardStepOf(card)).toBe(3);

    // Steps 3-5.
    card = await wizardNext(h, ANNA, card, { indicator, kind: 'maintenance' });
    expect(textOf(card)).toContain('Trin 4 af 6');
    card = await wizardNext(h, ANNA, card, { participationMode: 'representative', participation });
    expect(textOf(card)).toContain('Trin 5 af 6');
    card = await wizardNext(h, ANNA, card, { interventions, externalActors: 'Familie,Værge', externalOther: 'Diætist' });
    expect(textOf(card)).toContain('Trin 6 af 6');

    // Step 6 before any date: the summary shows T ✗, but no advice about a date not yet picked.
    expect(factOf(card, 'SMORTE-tjek')).toBe('S✓ M✓ O✓ R✓ T✗');
    expect(factOf(card, 'Målet')).toBe(good);
    expect(adviceOf(card, 'endDate')).toEqual([]);
    expect(textOf(card)).not.toContain('ingen slutdato');
    expect(inputOf(card, 'endDate')['placeholder']).toBe('Vælg en dato');
    expect(inputOf(card, 'ownerId')['value']).toBe(ANNA.aadObjectId);

    // Tilbage twice from step 6 and forward again: every input is kept.
    const time = { ownerId: BO.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' };
    card = await wizardBack(h, ANNA, card, time);
    expect(wizardStepOf(card)).toBe(5);
    expect(inputOf(card, 'interventions')['value']).toBe(interventions);
    expect(inputOf(card, 'externalActors')['value']).toBe('Familie,Værge');
    expect(inputOf(card, 'externalOther')['value']).toBe('Diætist');
    card = await wizardBack(h, ANNA, card, { interventions, externalActors: 'Familie,Værge', externalOther: 'Diætist' });
    expect(wizardStepOf(card)).toBe(4);
    expect(inputOf(card, 'participationMode')['value']).toBe('representative');
    expect(inputOf(card, 'participation')['value']).toBe(participation);
    card = await wizardNext(h, ANNA, card, { participationMode: 'representative', participation });
    card = await wizardNext(h, ANNA, card, { interventions, externalActors: 'Familie,Værge', externalOther: 'Diætist' });
    expect(wizardStepOf(card)).toBe(6);
    expect(inputOf(card, 'ownerId')['value']).toBe(BO.aadObjectId);
    expect(inputOf(card, 'endDate')['value']).toBe('2027-06-30');
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-02-01');
    expect(factOf(card, 'SMORTE-tjek')).toBe('S✓ M✓ O✓ R✓ T✓');
    const key = wizardKeyOf(card);

    // Gem målet → the plan card with the goal and its SMORTE badges.
    const plan = await wizardSave(h, ANNA, card, time);
    expect(titleOf(plan)).toBe('Plan: PS');
    expect(noticeOf(plan)).toBe(SAVED_GOAL);
    const meta = lineAfter(plan, good) ?? '';
    expect(meta).toContain('aktiv');
    expect(meta).toContain('Revision 1. feb. 2027');
    expect(meta).toContain('Ansvarlig: Bo Kollega');
    expect(meta).toContain('SMORTE S✓ M✓ O✓ R✓ T✓');
    expect(textOf(plan)).toContain('Praktiske opgaver');

    const stored = await storedPlan(h, ids);
    expect(stored.goals).toHaveLength(1);
    expect(stored.goals[0]).toMatchObject({
      themeId: 'th2',
      text: good,
      state: 'active',
      indicator,
      kind: 'maintenance',
      participationMode: 'representative',
      participation,
      interventions: ['Guidning ved køleskabet', 'piktogramtavle'],
      externalActors: ['Familie', 'Værge', 'Diætist'],
      ownerId: BO.aadObjectId,
      endDate: '2027-06-30',
      revisionDate: '2027-02-01',
      purposeLinked: true,
      smorteCodes: [],
      createdBy: ANNA.aadObjectId,
    });
    expect(stored.goals[0]!.parentId).toBeUndefined();
    expect(await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key)).toBeUndefined();
  });

  it('saves a goal that keeps its SMORTE advice and shows the ⚠ badges on the plan card', async () => {
    const ids = await createCitizen(h, ANNA, 'AV');
    const first = await wizardByCommand(h, ANNA, 'nyt mål AV');
    const time = await walkToTimeStep(h, ANNA, first, { themeId: 'th1', goalText: 'AV skal ikke råbe' });
    const plan = await wizardSave(h, ANNA, time, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' });
    expect(noticeOf(plan)).toBe(SAVED_GOAL);
    // No formål recorded (R ⚠), an avoidance goal (O ⚠); the indicator makes it measurable.
    expect(lineAfter(plan, 'AV skal ikke råbe')).toContain('SMORTE S✓ M✓ O⚠ R⚠ T✓');
    const goal = (await storedPlan(h, ids)).goals[0]!;
    expect(goal.smorteCodes).toEqual(expect.arrayContaining(['O.avoidance', 'R.noPurpose']));
    expect(goal.purposeLinked).toBe(false);
  });

  it('blocks saving on the T errors, with the error next to the right field, and saves nothing', async () => {
    const ids = await createCitizen(h, ANNA, 'TE');
    const text = 'TE tager selv bussen til værkstedet to gange om ugen';
    let card = await walkToTimeStep(h, ANNA, await wizardByCommand(h, ANNA, 'nyt mål TE'), { goalText: text });

    // No end date.
    card = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '', revisionDate: '2027-02-01' });
    expect(textOf(card)).toContain('Trin 6 af 6');
    expect(noticeOf(card)).toBe('Ret de markerede felter.');
    expect(fieldErrorOf(card, 'endDate')).toMatch(/Der er ingen slutdato/);
    expect(fieldErrorOf(card, 'revisionDate')).toBeUndefined();
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-02-01');
    expect(hasAction(card, VERBS.goalWizardSave)).toBe(true);

    // End date in the past (today is 23 Nov 2026).
    card = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2026-10-01', revisionDate: '2026-09-15' });
    expect(wizardStepOf(card)).toBe(6);
    expect(fieldErrorOf(card, 'endDate')).toMatch(/Slutdatoen 1\. okt\. 2026 er overskredet/);
    expect(inputOf(card, 'endDate')['value']).toBe('2026-10-01');

    // Revisionsdato after the end date.
    card = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2027-03-01', revisionDate: '2027-04-01' });
    expect(wizardStepOf(card)).toBe(6);
    expect(fieldErrorOf(card, 'revisionDate')).toMatch(/Revisionsdatoen 1\. apr\. 2027 ligger efter slutdatoen 1\. mar\. 2027/);
    expect(fieldErrorOf(card, 'endDate')).toBeUndefined();
    expect(inputOf(card, 'endDate')['value']).toBe('2027-03-01');
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-04-01');

    // Missing revisionsdato.
    card = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2027-03-01', revisionDate: '' });
    expect(wizardStepOf(card)).toBe(6);
    expect(fieldErrorOf(card, 'revisionDate')).toBeDefined();

    expect((await storedPlan(h, ids)).goals).toHaveLength(0);

    // Fixed: the same draft saves.
    const plan = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2027-03-01', revisionDate: '2027-02-01' });
    expect(noticeOf(plan)).toBe(SAVED_GOAL);
    expect((await storedPlan(h, ids)).goals.map((g) => g.text)).toEqual([text]);
  });

  it('refuses a goal text over 1000 characters with a clear message next to the field and keeps its first 1000 characters to shorten', async () => {
    const ids = await createCitizen(h, ANNA, 'LA');
    let card = await wizardNext(h, ANNA, await wizardByCommand(h, ANNA, 'nyt mål LA'), { themeId: 'th1' });
    const long = 'LA smører selv sin madpakke tre morgener om ugen. '.repeat(25);
    expect(long.length).toBeGreaterThan(1000);
    card = await wizardNext(h, ANNA, card, { goalText: long });
    expect(wizardStepOf(card)).toBe(2);
    const tooLong = 'Teksten er for lang: højst 1000 tegn. Her står de første 1000 tegn af det, du skrev – ret den til, og prøv igen.';
    expect(fieldErrorOf(card, 'goalText')).toBe(tooLong);
    // The text is kept up to the limit: the draft never holds more.
    expect(inputOf(card, 'goalText')['value']).toBe(long.slice(0, 1000));
    // Sending the long text again does not let it through.
    card = await wizardNext(h, ANNA, card, { goalText: long });
    expect(wizardStepOf(card)).toBe(2);
    expect(fieldErrorOf(card, 'goalText')).toBe(tooLong);
    // Shortened: goes on.
    card = await wizardNext(h, ANNA, card, { goalText: long.slice(0, 48) });
    expect(wizardStepOf(card)).toBe(3);
    expect((await storedPlan(h, ids)).goals).toHaveLength(0);
  });

  it('refuses a CPR number in the goal text and stores it nowhere, not even in the draft', async () => {
    const ids = await createCitizen(h, ANNA, 'CP');
    let card = await wizardNext(h, ANNA, await wizardByCommand(h, ANNA, 'nyt mål CP'), { themeId: 'th1' });
    const key = wizardKeyOf(card);
    card = await wizardNext(h, ANNA, card, { goalText: `CP (${CPR_DASH}) smører selv sin madpakke tre morgener om ugen` });
    expect(wizardStepOf(card)).toBe(2);
    expect(fieldErrorOf(card, 'goalText')).toMatch(/CPR-nummer/);
    // The rest of the text is kept for the user to finish; the number is gone.
    expect(inputOf(card, 'goalText')['value']).toBe('CP smører selv sin madpakke tre morgener om ugen');
    expect(JSON.stringify(card)).not.toMatch(CPR_DIGITS);

    // Also when the user presses Tilbage with the number in the field.
    card = await wizardBack(h, ANNA, card, { goalText: `Mål for ${CPR_PLAIN}` });
    expect(fieldErrorOf(card, 'goalText')).toMatch(/CPR-nummer/);
    expect(JSON.stringify(card)).not.toMatch(CPR_DIGITS);

    const draft = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key);
    expect(draft).toBeDefined();
    expect((draft!.value.data['fields'] as Record<string, string>)['goalText']).toBe('Mål for');
    expect(JSON.stringify(draft)).not.toMatch(CPR_DIGITS);
    expect(JSON.stringify(await storedPlan(h, ids))).not.toMatch(CPR_DIGITS);
    expect(h.logs.join('\n')).not.toMatch(CPR_DIGITS);
  });

  it('still takes a wizard card sent before the draft key moved from `key` to `draft` in its data', async () => {
    await createCitizen(h, ANNA, 'OK');
    const card = await wizardByCommand(h, ANNA, 'nyt mål OK');
    const { draft, ...rest } = findAction(card, VERBS.goalWizardNext).data;
    const next = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardNext, { ...rest, key: draft, themeId: 'th3' }));
    expect(wizardStepOf(next)).toBe(2);
    // Neither name: a malformed card, a 400.
    expect((await h.invoke(ANNA, VERBS.goalWizardNext, { ...rest, themeId: 'th3' })).status).toBe(400);
  });

  it('keeps a draft when the chat is closed: the command resumes it with a notice, and "Start forfra" empties it', async () => {
    const ids = await createCitizen(h, ANNA, 'DR');
    const text = 'DR rydder selv op på sit værelse hver søndag';
    let card = await wizardByCommand(h, ANNA, 'nyt mål DR');
    card = await wizardNext(h, ANNA, card, { themeId: 'th3' });
    card = await wizardNext(h, ANNA, card, { goalText: text });
    expect(wizardStepOf(card)).toBe(3);

    // Later, in a new chat, the same command.
    let resumed = await wizardByCommand(h, ANNA, 'nyt mål DR');
    expect(wizardStepOf(resumed)).toBe(3);
    expect(noticeOf(resumed)).toContain('Du fortsætter, hvor du slap');
    expect(findAction(resumed, VERBS.goalWizardRestart).title).toBe('Start forfra');
    card = await wizardBack(h, ANNA, resumed, { indicator: '', kind: 'progression' });
    expect(wizardStepOf(card)).toBe(2);
    expect(inputOf(card, 'goalText')['value']).toBe(text);
    card = await wizardBack(h, ANNA, card, { goalText: text });
    expect(wizardStepOf(card)).toBe(1);
    expect(inputOf(card, 'themeId')['value']).toBe('th3');

    // The plan card's "Nyt mål" button resumes the same draft.
    const planCard = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ids }));
    resumed = invokeCardOf(await h.invoke(ANNA, VERBS.goalNew, findAction(planCard, VERBS.goalNew, (a) => a.data['kind'] === 'goal').data));
    expect(wizardStepOf(resumed)).toBe(1);
    expect(noticeOf(resumed)).toContain('Du fortsætter, hvor du slap');
    expect(inputOf(resumed, 'themeId')['value']).toBe('th3');

    // Start forfra → step 1, empty, no resume notice.
    const fresh = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardRestart, findAction(resumed, VERBS.goalWizardRestart).data));
    expect(wizardStepOf(fresh)).toBe(1);
    expect(inputOf(fresh, 'themeId')['value']).toBe('');
    expect(noticeOf(fresh)).toBe('');
    expect(hasAction(fresh, VERBS.goalWizardRestart)).toBe(false);
    card = await wizardNext(h, ANNA, fresh, { themeId: 'th1' });
    expect(wizardStepOf(card)).toBe(2);
    expect(inputOf(card, 'goalText')['value']).toBe('');
    const draft = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, wizardKeyOf(card));
    expect((draft!.value.data['fields'] as Record<string, string>)['goalText']).toBe('');
    expect((await storedPlan(h, ids)).goals).toHaveLength(0);
  });

  it('saves one goal when "Gem målet" is double-clicked (two invokes at once)', async () => {
    const ids = await createCitizen(h, ANNA, 'DK');
    const text = 'DK tager selv sin medicin efter morgenmaden seks dage om ugen';
    const time = await walkToTimeStep(h, ANNA, await wizardByCommand(h, ANNA, 'nyt mål DK'), { goalText: text });
    const payload = { ...findAction(time, VERBS.goalWizardSave).data, ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' };
    const results = await Promise.all([h.invoke(ANNA, VERBS.goalWizardSave, payload), h.invoke(ANNA, VERBS.goalWizardSave, payload)]);
    for (const r of results) {
      const card = invokeCardOf(r);
      expect(titleOf(card)).toBe('Plan: DK');
      expect(textOf(card).toLowerCase()).not.toContain(GENERIC_ERROR);
    }
    expect((await storedPlan(h, ids)).goals.filter((g) => g.text === text)).toHaveLength(1);
  });
});

// =====================================================================================
// A revisionsdato in the past (embedded)
// =====================================================================================

describe('a revisionsdato in the past (embedded store)', () => {
  let h: Harness;

  useApp('embedded', async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
  });

  it('comes back on the time step with the error next to the revisionsdato, not a generic error', async () => {
    const ids = await createCitizen(h, ANNA, 'RP');
    const time = await walkToTimeStep(h, ANNA, await wizardByCommand(h, ANNA, 'nyt mål RP'), { goalText: 'RP går selv en tur i parken to gange om ugen' });
    const card = await wizardSave(h, ANNA, time, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2026-11-01' });
    expect(textOf(card).toLowerCase()).not.toContain(GENERIC_ERROR);
    expect(wizardStepOf(card)).toBe(6);
    expect(fieldErrorOf(card, 'revisionDate')).toMatch(/fortiden/);
    expect(inputOf(card, 'endDate')['value']).toBe('2027-06-30');
    expect((await storedPlan(h, ids)).goals).toHaveLength(0);
  });
});

// =====================================================================================
// 5: evaluation
// =====================================================================================

describe.each<StoreKind>(['embedded', 'cosmos'])('evaluating goals on the %s store', (kind) => {
  let h: Harness;
  let ids: CitizenIds;
  let goalId = '';
  let subId = '';
  const GOAL = 'EV smører selv sin madpakke tre gange om ugen';
  const SUB = 'EV finder selv pålæg i køleskabet hver morgen';

  useApp(kind, async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
    ids = await createCitizen(h, ANNA, 'EV');
    await addGoal(h, ANNA, ids, { themeId: 'th1', goalText: GOAL, ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-03-01' });
    await addGoal(h, ANNA, ids, { sub: true, goalText: SUB, ownerId: ANNA.aadObjectId, endDate: '2027-05-31', revisionDate: '2027-01-15' });
    subId = await firstSubGoalId(h, ANNA, ids);
    goalId = (await storedPlan(h, ids)).goals.find((g) => !g.parentId)!.id;
  });

  function evalAction(list: CardJson, id: string) {
    return findAction(list, VERBS.evalOpen, (a) => a.data['goalId'] === id);
  }

  async function openEval(user = ANNA, id = subId): Promise<CardJson> {
    return invokeCardOf(await h.invoke(user, VERBS.evalOpen, { ...ids, goalId: id }));
  }

  async function saveEval(card: CardJson, form: Record<string, string>, user = ANNA): Promise<CardJson> {
    return invokeCardOf(await h.invoke(user, VERBS.evalSave, { ...findAction(card, VERBS.evalSave).data, assessment: '', whatWorked: '', decision: '', newRevisionDate: '', gas: '', ...form }));
  }

  it('logs delmålsdagbog scores over a few weeks', async () => {
    const days: Array<[string, string, string]> = [
      ['2026-11-24T08:00:00Z', '3', 'Skulle guides hele vejen.'],
      ['2026-12-01T08:00:00Z', '2', 'Fandt selv smør og ost.'],
      ['2026-12-08T08:00:00Z', 'na', 'Sov længe, blev ikke vurderet.'],
      ['2026-12-15T08:00:00Z', '2', 'Fandt det meste selv.'],
    ];
    for (const [at, score, note] of days) {
      h.now.value = new Date(at);
      expect(textOf(await logScore(h, ANNA, ids, subId, score, note))).toContain('✓ Gemt i dagbogen');
    }
    expect(await h.app.repos.diary.list({ tenantId: TENANT, ...ids })).toHaveLength(4);
  });

  it('lists the sub-goal whose revisionsdato has passed first, marked ⚠', async () => {
    h.now.value = new Date('2027-01-16T09:00:00Z');
    const list = cardOf((await h.message(ANNA, 'evaluér EV')).replies[0]);
    expect(titleOf(list)).toBe('Evaluering: EV');
    expect(textOf(list)).toContain('Revisionsdato nået: 1');
    expect(itemTitlesOf(list)).toEqual([`⚠ ${SUB}`, GOAL]);
    expect(evalAction(list, subId).title).toBe('Evaluér');
  });

  it('shows the evidence computed from the diary on the evaluation card', async () => {
    const list = cardOf((await h.message(ANNA, 'evaluer EV')).replies[0]);
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, evalAction(list, subId).data));
    expect(titleOf(card)).toBe('Evaluering: EV');
    expect(textOf(card)).toContain(SUB);
    expect(factOf(card, 'Periode')).toBe('23. nov. 2026 – 16. jan. 2027');
    expect(factOf(card, 'Dagbogsnotater')).toBe('4 (4 med tekst, 3 med score)');
    expect(factOf(card, 'Første score')).toBe('3 Højt støttebehov');
    expect(factOf(card, 'Seneste score')).toBe('2 Moderat støttebehov');
    expect(factOf(card, 'Gennemsnit')).toMatch(/^2[.,]3$/); // (3 + 2 + 2) / 3, "ikke vurderet" not counted
    expect(factOf(card, 'Udvikling')).toBe('mindre støttebehov');
    expect(factOf(card, 'Borgerens GAS T-score')).toBeUndefined();
  });

  it('states on the plan card the entries and the period the sub-goal’s figures cover, the same as the evaluation', async () => {
    const plan = cardOf((await h.message(ANNA, 'plan EV')).replies[0]);
    const meta = lineAfter(plan, `↳ ${SUB}`) ?? '';
    expect(meta).toContain('Seneste: 2 Moderat støttebehov');
    expect(meta).toContain('4 notater siden 23. nov. 2026');
  });

  it('requires a decision, and a new revisionsdato to fortsæt, with the errors next to the fields', async () => {
    const card = await openEval();
    let result = await saveEval(card, { assessment: 'partlyAchieved', whatWorked: 'Piktogramtavlen på køleskabet hjalp.' });
    expect(fieldErrorOf(result, 'decision')).toMatch(/Vælg en beslutning: fortsæt, revidér eller afslut/);
    expect(inputOf(result, 'assessment')['value']).toBe('partlyAchieved');
    expect(inputOf(result, 'whatWorked')['value']).toBe('Piktogramtavlen på køleskabet hjalp.');

    result = await saveEval(result, { assessment: 'partlyAchieved', whatWorked: 'Piktogramtavlen på køleskabet hjalp.', decision: 'continue' });
    expect(fieldErrorOf(result, 'newRevisionDate')).toMatch(/skal det have en ny revisionsdato/);
    expect(fieldErrorOf(result, 'decision')).toBeUndefined();
    expect(inputOf(result, 'decision')['value']).toBe('continue');

    result = await saveEval(result, { assessment: 'partlyAchieved', decision: 'continue', newRevisionDate: '2027-01-16' });
    expect(fieldErrorOf(result, 'newRevisionDate')).toMatch(/efter i dag/);

    const stored = await storedPlan(h, ids);
    expect(stored.evaluations).toHaveLength(0);
    expect(stored.goals.find((g) => g.id === subId)?.revisionDate).toBe('2027-01-15');
  });

  it('fortsæt with a new date writes the evaluation into the plan, keeps the goal active and shows the GAS T-score', async () => {
    const card = await openEval();
    const plan = await saveEval(card, { assessment: 'partlyAchieved', whatWorked: 'Piktogramtavlen på køleskabet hjalp.', decision: 'continue', newRevisionDate: '2027-03-15', gas: '1' });
    expect(titleOf(plan)).toBe('Plan: EV');
    expect(noticeOf(plan)).toBe('Evalueringen er skrevet ind i planen.');
    const meta = lineAfter(plan, `↳ ${SUB}`) ?? '';
    expect(meta).toContain('aktiv');
    expect(meta).toContain('Revision 15. mar. 2027');
    expect(meta).not.toContain('Revisionsdato er nået');
    expect(meta).not.toContain('Evalueret');
    expect(evaluationLineOf(plan, `↳ ${SUB}`)).toBe('Evalueret 16. jan. 2027: delvist opnået → fortsætter · GAS +1');
    expect(factOf(plan, 'GAS T-score')?.replace(',', '.')).toBe(String(expectedGasT([1])));
    expect(expectedGasT([1])).toBe(60);

    const stored = await storedPlan(h, ids);
    const sub = stored.goals.find((g) => g.id === subId)!;
    expect(sub.state).toBe('active');
    expect(sub.revisionDate).toBe('2027-03-15');
    expect(sub.history.at(-1)).toMatchObject({ by: ANNA.aadObjectId, fields: ['evaluation', 'revisionDate'] });
    expect(stored.evaluations).toHaveLength(1);
    expect(stored.evaluations[0]).toMatchObject({
      goalId: subId,
      assessment: 'partlyAchieved',
      decision: 'continue',
      newRevisionDate: '2027-03-15',
      gas: 1,
      whatWorked: 'Piktogramtavlen på køleskabet hjalp.',
      evaluatedBy: ANNA.aadObjectId,
      evidence: { entries: 4, notes: 4, scored: 3, first: 3, latest: 2, trend: 'improving' },
    });

    // No longer due: no ⚠ in the list.
    const list = invokeCardOf(await h.invoke(ANNA, VERBS.evalStart, { ...ids }));
    expect(itemTitlesOf(list)).toEqual([GOAL, SUB]);
    expect(textOf(list)).not.toContain('Revisionsdato nået');
  });

  it('computes the citizen’s GAS T-score over the latest GAS score of each goal', async () => {
    const card = await openEval(ANNA, goalId);
    expect(factOf(card, 'Borgerens GAS T-score')?.replace(',', '.')).toBe('60');
    const plan = await saveEval(card, { assessment: 'maintained', decision: 'continue', newRevisionDate: '2027-04-01', gas: '2' });
    expect(noticeOf(plan)).toBe('Evalueringen er skrevet ind i planen.');
    expect(evaluationLineOf(plan, GOAL)).toBe('Evalueret 16. jan. 2027: fastholdt → fortsætter · GAS +2');
    // 50 + 10·(1 + 2) / √(0.7·2 + 0.3·4) = 68.6
    expect(expectedGasT([1, 2])).toBe(68.6);
    expect(factOf(plan, 'GAS T-score')?.replace(',', '.')).toBe('68.6');
  });

  it('afslut with "opnået" ends the goal, counts only the diary since the last evaluation, and is not offered again', async () => {
    h.now.value = new Date('2027-02-01T08:00:00Z');
    await logScore(h, ANNA, ids, subId, '1', 'Fandt alt selv i dag.');
    h.now.value = new Date('2027-03-16T09:00:00Z');
    const card = await openEval();
    expect(factOf(card, 'Dagbogsnotater')).toBe('1 (1 med tekst, 1 med score)');
    expect(factOf(card, 'Første score')).toBe('1 Let støttebehov');
    expect(factOf(card, 'Periode')).toBe('16. jan. 2027 – 16. mar. 2027');
    const plan = await saveEval(card, { assessment: 'achieved', whatWorked: 'Fast rutine om morgenen.', decision: 'close' });
    expect(noticeOf(plan)).toBe('Evalueringen er skrevet ind i planen.');
    const meta = lineAfter(plan, `↳ ${SUB}`) ?? '';
    expect(meta).toMatch(/^opnået/);
    expect(evaluationLineOf(plan, `↳ ${SUB}`)).toBe('Evalueret 16. mar. 2027: opnået → afsluttet');

    const stored = await storedPlan(h, ids);
    const sub = stored.goals.find((g) => g.id === subId)!;
    expect(sub.state).toBe('achieved');
    expect(sub.history.at(-1)).toMatchObject({ fields: ['evaluation', 'state'], fromState: 'active', toState: 'achieved' });
    expect(stored.evaluations.filter((e) => e.goalId === subId)).toHaveLength(2);

    const list = invokeCardOf(await h.invoke(ANNA, VERBS.evalStart, { ...ids }));
    expect(itemTitlesOf(list)).toEqual([GOAL]);
    expect(() => evalAction(list, subId)).toThrow();
    const again = await openEval();
    expect(textOf(again)).toContain('Målet er ikke aktivt længere og kan ikke evalueres igen.');
    expect(hasAction(again, VERBS.evalSave)).toBe(false);
  });

  it('revidér opens the wizard prefilled in revise mode; saving marks the old goal revideret and adds the new one', async () => {
    const card = await openEval(ANNA, goalId);
    let wizard = await saveEval(card, { assessment: 'partlyAchieved', whatWorked: 'Madpakken lykkes, men kun med hjælp om mandagen.', decision: 'revise' });
    expect(titleOf(wizard)).toBe('Revidér mål: EV');
    expect(wizardStepOf(wizard)).toBe(1);
    expect(textOf(wizard)).toContain(`↻ ${GOAL}`);
    expect(inputOf(wizard, 'themeId')['value']).toBe('th1');
    wizard = await wizardNext(h, ANNA, wizard, { themeId: 'th1' });
    expect(wizardStepOf(wizard)).toBe(2);
    expect(inputOf(wizard, 'goalText')['value']).toBe(GOAL);

    const revised = 'EV smører selv sin madpakke fire gange om ugen';
    wizard = await wizardNext(h, ANNA, wizard, { goalText: revised });
    wizard = await wizardNext(h, ANNA, wizard, { indicator: '', kind: 'progression' });
    wizard = await wizardNext(h, ANNA, wizard, { participationMode: 'citizen', participation: 'EV valgte selv fire dage.' });
    wizard = await wizardNext(h, ANNA, wizard, { interventions: 'Guidning', externalActors: '', externalOther: '' });
    expect(wizardStepOf(wizard)).toBe(6);
    // A revision is a new goal: new dates are chosen for it.
    expect(inputOf(wizard, 'endDate')['value']).toBe('');
    expect(inputOf(wizard, 'revisionDate')['value']).toBe('');
    const plan = await wizardSave(h, ANNA, wizard, { ownerId: ANNA.aadObjectId, endDate: '2027-09-30', revisionDate: '2027-06-15' });
    expect(noticeOf(plan)).toBe('Det nye mål er gemt; det gamle står som revideret.');
    expect(lineAfter(plan, GOAL)).toMatch(/^revideret/);
    expect(lineAfter(plan, revised)).toMatch(/^aktiv/);

    const stored = await storedPlan(h, ids);
    const old = stored.goals.find((g) => g.id === goalId)!;
    expect(old.state).toBe('revised');
    const fresh = stored.goals.filter((g) => g.revisionOf === goalId);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({ text: revised, state: 'active', themeId: 'th1', revisionDate: '2027-06-15', endDate: '2027-09-30' });
    expect(stored.evaluations.filter((e) => e.goalId === goalId).map((e) => e.decision)).toEqual(['continue', 'revise']);
  });
});

// =====================================================================================
// Closing a goal with sub-goals (embedded)
// =====================================================================================

describe('afslutning of a goal that has sub-goals (embedded store)', () => {
  let h: Harness;

  useApp('embedded', async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
  });

  it('closes the goal’s active sub-goals too, as the goal life cycle does', async () => {
    const ids = await createCitizen(h, ANNA, 'AF');
    await addGoal(h, ANNA, ids, { themeId: 'th1', goalText: 'AF vasker selv sit tøj hver lørdag', ownerId: ANNA.aadObjectId, revisionDate: '2027-02-01' });
    await addGoal(h, ANNA, ids, { sub: true, goalText: 'AF sorterer selv sit vasketøj hver lørdag', ownerId: ANNA.aadObjectId, revisionDate: '2027-01-15' });
    const plan0 = await storedPlan(h, ids);
    const parent = plan0.goals.find((g) => !g.parentId)!;
    h.now.value = new Date('2027-02-02T09:00:00Z');
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId: parent.id }));
    const plan = invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, { ...findAction(card, VERBS.evalSave).data, assessment: 'achieved', whatWorked: '', decision: 'close', newRevisionDate: '', gas: '' }));
    expect(noticeOf(plan)).toBe('Evalueringen er skrevet ind i planen.');
    const stored = await storedPlan(h, ids);
    expect(stored.goals.find((g) => g.id === parent.id)?.state).toBe('achieved');
    // A sub-goal of an ended goal is not left active (it would still take diary entries).
    expect(stored.goals.filter((g) => g.parentId === parent.id).map((g) => g.state)).toEqual(['closed']);
  });

  it('revidér carries the old goal’s active sub-goals on under the new goal', async () => {
    h.now.value = new Date('2026-11-23T09:30:00Z');
    const ids = await createCitizen(h, ANNA, 'RV');
    await addGoal(h, ANNA, ids, { themeId: 'th2', goalText: 'RV handler selv ind i Netto hver torsdag', ownerId: ANNA.aadObjectId, revisionDate: '2027-02-01' });
    await addGoal(h, ANNA, ids, { sub: true, goalText: 'RV skriver selv indkøbsseddel hver onsdag', ownerId: ANNA.aadObjectId, revisionDate: '2027-03-01' });
    const parent = (await storedPlan(h, ids)).goals.find((g) => !g.parentId)!;
    h.now.value = new Date('2027-02-02T09:00:00Z');
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId: parent.id }));
    const wizard = invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, { ...findAction(card, VERBS.evalSave).data, assessment: 'partlyAchieved', whatWorked: '', decision: 'revise', newRevisionDate: '', gas: '' }));
    expect(titleOf(wizard)).toBe('Revidér mål: RV');
    const time = await walkToTimeStep(h, ANNA, wizard, { themeId: 'th2', goalText: 'RV handler selv ind i Netto hver tirsdag og torsdag' });
    const plan = await wizardSave(h, ANNA, time, { ownerId: ANNA.aadObjectId, endDate: '2027-07-31', revisionDate: '2027-05-01' });
    expect(noticeOf(plan)).toBe('Det nye mål er gemt; det gamle står som revideret.');
    const stored = await storedPlan(h, ids);
    const fresh = stored.goals.find((g) => g.revisionOf === parent.id)!;
    const sub = stored.goals.find((g) => g.text === 'RV skriver selv indkøbsseddel hver onsdag')!;
    expect(sub).toMatchObject({ state: 'active', parentId: fresh.id });
    // On the plan card the sub-goal now shows under the new goal.
    expect(lineAfter(plan, '↳ RV skriver selv indkøbsseddel hver onsdag')).toMatch(/^aktiv/);
    expect(await firstSubGoalId(h, ANNA, ids)).toBe(sub.id);
  });
});

// =====================================================================================
// 6: two people evaluating the same goal
// =====================================================================================

describe.each<StoreKind>(['embedded', 'cosmos'])('two people evaluating the same goal on the %s store', (kind) => {
  let h: Harness;
  let ids: CitizenIds;

  useApp(kind, async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
    ids = await createCitizen(h, ANNA, 'KO');
  });

  async function newGoal(text: string): Promise<string> {
    await addGoal(h, ANNA, ids, { themeId: 'th2', goalText: text, ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' });
    return (await storedPlan(h, ids)).goals.find((g) => g.text === text)!.id;
  }

  function evalForm(card: CardJson, form: Record<string, string>) {
    return { ...findAction(card, VERBS.evalSave).data, assessment: '', whatWorked: '', decision: '', newRevisionDate: '', gas: '', ...form };
  }

  const NOT_SAVED_YET = 'Din evaluering er ikke gemt endnu – dine svar står herunder.';
  const ENDED = 'Målet kan ikke evalueres længere, så din evaluering er ikke gemt.';
  const SAVED = 'Evalueringen er skrevet ind i planen.';

  it('writes one evaluation when both save at once; the other gets the evaluation form with its input kept and a notice, and can then save deliberately', async () => {
    const goalId = await newGoal('KO tager selv bussen til værkstedet to gange om ugen');
    h.now.value = new Date(h.now.value.getTime() + 86_400_000);
    const annaCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
    const boCard = invokeCardOf(await h.invoke(BO, VERBS.evalOpen, { ...ids, goalId }));
    const forms = {
      anna: { assessment: 'partlyAchieved', whatWorked: 'Anna: busturen gik fint.', decision: 'continue', newRevisionDate: '2027-04-01', gas: '1' },
      bo: { assessment: 'maintained', whatWorked: 'Bo: han tog bussen alene.', decision: 'continue', newRevisionDate: '2027-05-01', gas: '0' },
    };
    const [a, b] = await Promise.all([h.invoke(ANNA, VERBS.evalSave, evalForm(annaCard, forms.anna)), h.invoke(BO, VERBS.evalSave, evalForm(boCard, forms.bo))]);
    const cards = [invokeCardOf(a), invokeCardOf(b)];
    const notices = cards.map(noticeOf);
    expect(notices.filter((n) => n === SAVED)).toHaveLength(1);
    expect(notices.filter((n) => n.includes(NOT_SAVED_YET))).toHaveLength(1);

    const stored = await storedPlan(h, ids);
    const evaluations = stored.evaluations.filter((e) => e.goalId === goalId);
    expect(evaluations).toHaveLength(1);
    const winner = evaluations[0]!.evaluatedBy === ANNA.aadObjectId ? 'anna' : 'bo';
    const loser = winner === 'anna' ? 'bo' : 'anna';
    const loserCard = cards[winner === 'anna' ? 1 : 0]!;
    // The loser sees the goal as it is now, who evaluated it and how, and every answer kept.
    expect(titleOf(loserCard)).toBe('Evaluering: KO');
    expect(noticeOf(loserCard)).toMatch(new RegExp(`^${winner === 'anna' ? 'Anna Medarbejder' : 'Bo Kollega'} har evalueret målet: ${winner === 'anna' ? 'delvist opnået' : 'fastholdt'} → fortsætter`));
    for (const [name, value] of Object.entries(forms[loser])) expect(inputOf(loserCard, name)['value']).toBe(value);
    expect(JSON.stringify(stored)).not.toContain(forms[loser].whatWorked);

    // Saving again is a deliberate choice on the goal as it is now: it lands.
    const again = invokeCardOf(await h.invoke(loser === 'anna' ? ANNA : BO, VERBS.evalSave, evalForm(loserCard, forms[loser])));
    expect(noticeOf(again)).toBe(SAVED);
    const after = (await storedPlan(h, ids)).evaluations.filter((e) => e.goalId === goalId);
    expect(after.map((e) => e.whatWorked).sort()).toEqual([forms.anna.whatWorked, forms.bo.whatWorked].sort());
  });

  it('answers a save from a card opened before someone else’s evaluation with the evaluation form as it is now, never an overwrite', async () => {
    const goalId = await newGoal('KO handler selv ind i Netto hver torsdag');
    h.now.value = new Date(h.now.value.getTime() + 86_400_000);
    const annaCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
    const boCard = invokeCardOf(await h.invoke(BO, VERBS.evalOpen, { ...ids, goalId }));
    const first = invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, evalForm(annaCard, { assessment: 'partlyAchieved', decision: 'continue', newRevisionDate: '2027-04-01' })));
    expect(noticeOf(first)).toBe(SAVED);
    h.now.value = new Date(h.now.value.getTime() + 60_000);
    const second = invokeCardOf(await h.invoke(BO, VERBS.evalSave, evalForm(boCard, { assessment: 'notAchieved', whatWorked: 'Bo: det gik ikke.', decision: 'close' })));
    expect(titleOf(second)).toBe('Evaluering: KO');
    expect(noticeOf(second)).toMatch(/^Anna Medarbejder har evalueret målet: delvist opnået → fortsætter \(\d+\. \w+\.? 2026 \d\d:\d\d\), mens du skrev\. Din evaluering er ikke gemt endnu/);
    expect(inputOf(second, 'whatWorked')['value']).toBe('Bo: det gik ikke.');
    expect(inputOf(second, 'decision')['value']).toBe('close');
    const stored = await storedPlan(h, ids);
    expect(stored.evaluations.filter((e) => e.goalId === goalId)).toHaveLength(1);
    expect(stored.goals.find((g) => g.id === goalId)).toMatchObject({ state: 'active', revisionDate: '2027-04-01' });
    expect(JSON.stringify(stored)).not.toContain('Bo: det gik ikke.');
    // The fresh card is based on the goal as it is now.
    expect(findAction(second, VERBS.evalSave).data['baseUpdatedAt']).toBe(stored.goals.find((g) => g.id === goalId)!.updatedAt);
  });

  it('tells the second evaluator that the goal was ended meanwhile and still shows what they wrote', async () => {
    const goalId = await newGoal('KO rydder selv op efter aftensmaden hver dag');
    h.now.value = new Date(h.now.value.getTime() + 86_400_000);
    const annaCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
    const boCard = invokeCardOf(await h.invoke(BO, VERBS.evalOpen, { ...ids, goalId }));
    expect(noticeOf(invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, evalForm(annaCard, { assessment: 'achieved', decision: 'close' }))))).toBe(SAVED);
    const whatWorked = 'Bo: faste rutiner og en tjekliste på køleskabet virkede.';
    const card = invokeCardOf(await h.invoke(BO, VERBS.evalSave, evalForm(boCard, { assessment: 'maintained', whatWorked, decision: 'continue', newRevisionDate: '2027-06-01' })));
    expect(titleOf(card)).toBe('Evaluering: KO');
    expect(noticeOf(card)).toMatch(/^Anna Medarbejder har evalueret målet: opnået → afsluttet/);
    expect(noticeOf(card)).toContain(ENDED);
    expect(textOf(card)).toContain(whatWorked);
    expect(factOf(card, 'Beslutning')).toBe('Fortsæt (med ny revisionsdato)');
    expect(hasAction(card, VERBS.evalSave)).toBe(false);
    expect(textOf(card).toLowerCase()).not.toContain(GENERIC_ERROR);
    expect((await storedPlan(h, ids)).evaluations.filter((e) => e.goalId === goalId)).toHaveLength(1);
  });

  it('writes one evaluation when "Gem evaluering" is double-clicked', async () => {
    const goalId = await newGoal('KO vander selv sine planter hver søndag');
    h.now.value = new Date(h.now.value.getTime() + 86_400_000);
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
    const payload = evalForm(card, { assessment: 'maintained', decision: 'continue', newRevisionDate: '2027-05-01' });
    const results = await Promise.all([h.invoke(ANNA, VERBS.evalSave, payload), h.invoke(ANNA, VERBS.evalSave, payload)]);
    for (const r of results) expect(titleOf(invokeCardOf(r))).toBe('Plan: KO');
    expect((await storedPlan(h, ids)).evaluations.filter((e) => e.goalId === goalId)).toHaveLength(1);
  });
});

// =====================================================================================
// 7: edit ("Ret") with a stale check (embedded)
// =====================================================================================

describe('editing a goal (embedded store)', () => {
  let h: Harness;
  let ids: CitizenIds;
  let goalId = '';
  const GOAL = 'RE går selv en tur i parken to gange om ugen';

  useApp('embedded', async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
    ids = await createCitizen(h, ANNA, 'RE');
    await addGoal(h, ANNA, ids, { themeId: 'th3', goalText: GOAL, indicator: 'Ture om ugen', ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' });
    goalId = (await storedPlan(h, ids)).goals[0]!.id;
  });

  async function openEdit(user = ANNA): Promise<CardJson> {
    const list = invokeCardOf(await h.invoke(user, VERBS.evalStart, { ...ids }));
    const ret = findAction(list, VERBS.goalEdit, (a) => a.data['goalId'] === goalId);
    expect(ret.title).toBe('Ret');
    return invokeCardOf(await h.invoke(user, VERBS.goalEdit, ret.data));
  }

  it('"Ret" opens the wizard in edit mode; saving changes the goal and the history names the changed fields', async () => {
    h.now.value = new Date('2026-11-25T09:00:00Z');
    let card = await openEdit();
    expect(titleOf(card)).toBe('Ret mål: RE');
    expect(wizardStepOf(card)).toBe(1);
    expect(textOf(card)).toContain(`✎ ${GOAL}`);
    expect(inputOf(card, 'themeId')['value']).toBe('th3');
    card = await wizardNext(h, ANNA, card, { themeId: 'th3', purposeLinked: 'yes' });
    expect(inputOf(card, 'goalText')['value']).toBe(GOAL);
    const changed = 'RE går selv en tur i parken tre gange om ugen';
    card = await wizardNext(h, ANNA, card, { goalText: changed });
    expect(inputOf(card, 'indicator')['value']).toBe('Ture om ugen');
    card = await wizardNext(h, ANNA, card, { indicator: 'Ture om ugen', kind: 'progression' });
    expect(inputOf(card, 'participation')['value']).toBe('Aftalt med borgeren ved morgenmaden.');
    card = await wizardNext(h, ANNA, card, { participationMode: 'citizen', participation: 'Aftalt med borgeren ved morgenmaden.' });
    card = await wizardNext(h, ANNA, card, { interventions: 'Guidning', externalActors: '', externalOther: '' });
    expect(wizardStepOf(card)).toBe(6);
    expect(inputOf(card, 'endDate')['value']).toBe('2027-06-30');
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-02-01');
    const plan = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-01-20' });
    expect(noticeOf(plan)).toBe('Ændringerne er gemt.');
    expect(lineAfter(plan, changed)).toContain('Revision 20. jan. 2027');

    const stored = await storedPlan(h, ids);
    expect(stored.goals).toHaveLength(1);
    const goal = stored.goals[0]!;
    expect(goal).toMatchObject({ id: goalId, text: changed, revisionDate: '2027-01-20', state: 'active', indicator: 'Ture om ugen', endDate: '2027-06-30' });
    const last = goal.history.at(-1)!;
    expect(last.by).toBe(ANNA.aadObjectId);
    expect(last.fields).toEqual(expect.arrayContaining(['text', 'revisionDate']));
    for (const unchanged of ['ownerId', 'endDate', 'kind', 'indicator', 'participationMode', 'participation', 'interventions', 'externalActors', 'themeId', 'purposeLinked']) {
      expect(last.fields).not.toContain(unchanged);
    }
    expect(last.fields.every((f) => /^[a-zA-Z]+$/.test(f))).toBe(true);
    // Names only outside the plan: the logs carry neither the old nor the new text.
    expect(h.logs.join('\n')).not.toContain('RE går selv en tur');
  });

  it('does not overwrite a goal someone else edited in between: the wizard on the conflicting step, the input kept, the stored value beside it', async () => {
    h.now.value = new Date('2026-11-26T09:00:00Z');
    let annaCard = await openEdit(ANNA);
    annaCard = await wizardNext(h, ANNA, annaCard, { themeId: 'th3' });
    const annaText = 'Annas version: RE går selv en tur i parken fire gange om ugen';
    annaCard = await walkFromText(annaCard, annaText);

    h.now.value = new Date('2026-11-26T10:00:00Z');
    let boCard = await openEdit(BO);
    boCard = await wizardNext(h, BO, boCard, { themeId: 'th3' });
    const boText = 'Bos version: RE går selv en tur i parken to gange om ugen med Bo';
    boCard = await walkFromText(boCard, boText, BO);
    const boPlan = await wizardSave(h, BO, boCard, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-01-20' });
    expect(noticeOf(boPlan)).toBe('Ændringerne er gemt.');

    h.now.value = new Date('2026-11-26T11:00:00Z');
    const conflict = await wizardSave(h, ANNA, annaCard, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-01-10' });
    expect(titleOf(conflict)).toBe('Ret mål: RE');
    expect(wizardStepOf(conflict)).toBe(2);
    // Bo's revisionsdato was already 20 Jan, so only the text conflicts (10:00 UTC is 11:00 in Copenhagen).
    expect(noticeOf(conflict)).toBe('Bo Kollega har ændret målteksten (26. nov. 2026 11:00), mens du skrev. Dine svar er bevaret, og det, der er gemt nu, står under feltet. Gem målet igen for at gemme din version.');
    expect(inputOf(conflict, 'goalText')['value']).toBe(annaText);
    expect(textOf(conflict)).toContain(`Gemt nu: ${boText}`);
    let goal = (await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!;
    expect(goal.text).toBe(boText);
    expect(goal.revisionDate).toBe('2027-01-20');

    // Anna goes on from there: her revisionsdato is kept too, and Gem saves her version deliberately.
    let card = await wizardNext(h, ANNA, conflict, { goalText: annaText });
    if (wizardStepOf(card) === 2) card = await wizardNext(h, ANNA, card, { goalText: annaText });
    card = await wizardNext(h, ANNA, card, { indicator: 'Ture om ugen', kind: 'progression' });
    card = await wizardNext(h, ANNA, card, { participationMode: 'citizen', participation: 'Aftalt med borgeren ved morgenmaden.' });
    card = await wizardNext(h, ANNA, card, { interventions: 'Guidning', externalActors: '', externalOther: '' });
    expect(wizardStepOf(card)).toBe(6);
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-01-10');
    expect(textOf(card)).not.toContain('Gemt nu');
    const saved = await wizardSave(h, ANNA, card, { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-01-10' });
    expect(noticeOf(saved)).toBe('Ændringerne er gemt.');
    goal = (await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!;
    expect(goal.text).toBe(annaText);
    expect(goal.revisionDate).toBe('2027-01-10');

    // Anna's next "Ret" starts from the goal as it is now.
    const again = await openEdit(ANNA);
    expect(noticeOf(again)).toBe('');
    expect(inputOf(await wizardNext(h, ANNA, again, { themeId: 'th3' }), 'goalText')['value']).toBe(annaText);
  });

  async function walkFromText(card: CardJson, text: string, user = ANNA): Promise<CardJson> {
    let c = await wizardNext(h, user, card, { goalText: text });
    c = await wizardNext(h, user, c, { indicator: 'Ture om ugen', kind: 'progression' });
    c = await wizardNext(h, user, c, { participationMode: 'citizen', participation: 'Aftalt med borgeren ved morgenmaden.' });
    c = await wizardNext(h, user, c, { interventions: 'Guidning', externalActors: '', externalOther: '' });
    expect(wizardStepOf(c)).toBe(6);
    return c;
  }
});

// =====================================================================================
// 8: stale wizard cards (embedded)
// =====================================================================================

describe('a wizard card whose draft was already saved (embedded store)', () => {
  let h: Harness;

  useApp('embedded', async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
  });

  it('shows the plan, not an error, and adds no second goal', async () => {
    const ids = await createCitizen(h, ANNA, 'SC');
    const text = 'SC tager selv opvasken efter aftensmaden fire dage om ugen';
    const step1 = await wizardByCommand(h, ANNA, 'nyt mål SC');
    const step2 = await wizardNext(h, ANNA, step1, { themeId: 'th2' });
    const step3 = await wizardNext(h, ANNA, step2, { goalText: text });
    expect(wizardStepOf(step3)).toBe(3);
    let card = await wizardNext(h, ANNA, step3, { indicator: '', kind: 'progression' });
    card = await wizardNext(h, ANNA, card, { participationMode: 'citizen', participation: 'Aftalt med SC.' });
    const step6 = await wizardNext(h, ANNA, card, { interventions: 'Guidning', externalActors: '', externalOther: '' });
    const time = { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' };
    expect(noticeOf(await wizardSave(h, ANNA, step6, time))).toBe(SAVED_GOAL);

    const again = await wizardSave(h, ANNA, step6, time);
    expect(titleOf(again)).toBe('Plan: SC');
    expect(textOf(again).toLowerCase()).not.toContain(GENERIC_ERROR);
    const older = await wizardNext(h, ANNA, step3, { indicator: '', kind: 'progression' });
    expect(titleOf(older)).toBe('Plan: SC');
    expect((await storedPlan(h, ids)).goals.filter((g) => g.text === text)).toHaveLength(1);
  });

  it('does not act on a newer draft for the same citizen: the old card shows the plan and the new draft is untouched', async () => {
    const ids = await createCitizen(h, ANNA, 'SD');
    const text = 'SD lægger selv sit vasketøj i kurven hver aften';
    const first = await wizardByCommand(h, ANNA, 'nyt mål SD');
    const oldStep6 = await walkToTimeStep(h, ANNA, first, { goalText: text });
    const time = { ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-02-01' };
    expect(noticeOf(await wizardSave(h, ANNA, oldStep6, time))).toBe(SAVED_GOAL);

    // A new goal is begun for the same citizen and left on step 3.
    const newText = 'SD går selv i bad tre aftener om ugen';
    let fresh = await wizardByCommand(h, ANNA, 'nyt mål SD');
    expect(wizardStepOf(fresh)).toBe(1);
    fresh = await wizardNext(h, ANNA, fresh, { themeId: 'th1' });
    fresh = await wizardNext(h, ANNA, fresh, { goalText: newText });
    expect(wizardStepOf(fresh)).toBe(3);
    const key = wizardKeyOf(fresh);
    const draftBefore = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key);

    // The old card's "Gem målet" is clicked again.
    const again = await wizardSave(h, ANNA, oldStep6, { ...time, revisionDate: '2027-01-05' });
    expect(titleOf(again)).toBe('Plan: SD');
    const stored = await storedPlan(h, ids);
    expect(stored.goals.map((g) => g.text)).toEqual([text]);
    const draftAfter = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key);
    expect(draftAfter?.value.data).toEqual(draftBefore?.value.data);

    // The new draft resumes where it was.
    const resumed = await wizardByCommand(h, ANNA, 'nyt mål SD');
    expect(wizardStepOf(resumed)).toBe(3);
    expect(inputOf(await wizardBack(h, ANNA, resumed, { indicator: '', kind: 'progression' }), 'goalText')['value']).toBe(newText);
  });

  it('after "Start forfra", a card from before shows the new draft where it stands and changes nothing', async () => {
    const ids = await createCitizen(h, ANNA, 'SF');
    const first = await wizardByCommand(h, ANNA, 'nyt mål SF');
    const oldStep2 = await wizardNext(h, ANNA, first, { themeId: 'th4' });
    const oldStep3 = await wizardNext(h, ANNA, oldStep2, { goalText: 'SF ringer selv til sin mor hver søndag' });
    expect(wizardStepOf(oldStep3)).toBe(3);
    const resumed = await wizardByCommand(h, ANNA, 'nyt mål SF');
    const fresh = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardRestart, findAction(resumed, VERBS.goalWizardRestart).data));
    expect(wizardStepOf(fresh)).toBe(1);
    const key = wizardKeyOf(fresh);
    const before = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key);

    // The old step-2 card is clicked again with the old text.
    const card = await wizardNext(h, ANNA, oldStep2, { goalText: 'SF ringer selv til sin mor hver søndag' });
    expect(textOf(card).toLowerCase()).not.toContain(GENERIC_ERROR);
    expect(wizardStepOf(card)).toBe(1);
    expect(inputOf(card, 'themeId')['value']).toBe('');
    const after = await h.app.repos.drafts.get(TENANT, ANNA.aadObjectId, key);
    expect(after?.value.data).toEqual(before?.value.data);
    expect((await storedPlan(h, ids)).goals).toHaveLength(0);
  });
});
