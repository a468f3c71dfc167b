/**
 * Many people changing one plan at once, end to end over HTTP on both stores: changes that
 * commute (new goals and sub-goals, evaluations of different goals, edits of different fields)
 * all land; a real conflict (the same field of the same goal) answers with the current card and
 * the user's input kept; a write that cannot land within its time budget answers with the
 * current card and "Mange ændrer planen lige nu – prøv igen", never the generic apology; and a
 * repeated delivery never writes twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import type { Plan } from '../../src/domain/model.js';
import { useApp } from '../support/lifecycle.js';
import { openStore, withRivalWriter, type OpenedStore, type RivalWriter, type StoreKind } from '../support/stores.js';
import { addGoal, createCitizen, type CitizenIds } from '../support/flows.js';
import { findAction, inputOf, invokeCardOf, startHarness, textOf, user, USERS, type CardJson, type Harness, type InvokeResult, type TestUser } from '../support/e2e.js';
import { factOf, noticeOf, timeInputs, titleOf, walkToTimeStep, walkWizardTo6, wizardSave, wizardStepOf } from '../support/goal-flows.js';

const ANNA = USERS.anna;
const BO = USERS.bo;
const TENANT = ANNA.tenantId;
const STAFF: TestUser[] = Array.from({ length: 20 }, (_, i) => user(`staff${String(i + 1).padStart(2, '0')}`, `Medarbejder ${i + 1}`));
const TEAM = [ANNA, BO, ...STAFF];

const GENERIC_ERROR = 'noget gik galt';
const SUB_SAVED = 'Delmålet er gemt.';
const EDIT_SAVED = 'Ændringerne er gemt.';
const EVAL_SAVED = 'Evalueringen er skrevet ind i planen.';
const BUSY = 'Mange ændrer planen lige nu – prøv igen.';
/** What Teams allows an invoke before it shows an error; the bot's own budget is 3 s. */
const TEAMS_INVOKE_MS = 5_000;
const CARD_LIMIT_BYTES = 28 * 1024;

async function storedPlan(h: Harness, ids: CitizenIds): Promise<Plan> {
  const found = await h.app.repos.plans.get(TENANT, ids.teamId, ids.citizenId);
  if (!found) throw new Error('plan not stored');
  return found.value;
}

async function timed(call: Promise<InvokeResult>): Promise<{ result: InvokeResult; ms: number }> {
  const started = performance.now();
  const result = await call;
  return { result, ms: performance.now() - started };
}

function expectNoApology(card: CardJson): void {
  expect(textOf(card).toLowerCase()).not.toContain(GENERIC_ERROR);
}

function sizeOf(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

function time(u: TestUser, revisionDate = '2027-02-01'): Record<string, string> {
  return { ownerId: u.aadObjectId, endDate: '2027-06-30', revisionDate };
}

/** A new sub-goal wizard walked to step 6 by `u`, ready for "Gem målet". */
async function subGoalAtStep6(h: Harness, u: TestUser, ids: CitizenIds, parentId: string, text: string): Promise<CardJson> {
  const first = invokeCardOf(await h.invoke(u, VERBS.goalNew, { ...ids, kind: 'sub' }));
  return walkToTimeStep(h, u, first, { parentId, goalText: text });
}

function saveSubGoal(h: Harness, u: TestUser, step6: CardJson): Promise<InvokeResult> {
  return h.invoke(u, VERBS.goalWizardSave, { ...findAction(step6, VERBS.goalWizardSave).data, ...time(u) });
}

function evalPayload(card: CardJson, form: Record<string, string>): Record<string, unknown> {
  return { ...findAction(card, VERBS.evalSave).data, assessment: '', whatWorked: '', decision: '', newRevisionDate: '', gas: '', ...form };
}

async function newCitizenWithGoal(h: Harness, alias: string): Promise<{ ids: CitizenIds; parentId: string }> {
  const ids = await createCitizen(h, ANNA, alias);
  await addGoal(h, ANNA, ids, { themeId: 'th1', goalText: `${alias} laver selv aftensmad to gange om ugen`, ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-03-01' });
  return { ids, parentId: (await storedPlan(h, ids)).goals[0]!.id };
}

// =====================================================================================
// Commuting changes all land
// =====================================================================================

describe.each<StoreKind>(['embedded', 'cosmos'])('many people changing one plan at once on the %s store', (kind) => {
  let h: Harness;

  useApp(kind, async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, TEAM);
  });

  it('saves all 20 sub-goals when 20 people add them to one plan at once, each answered in time, and the plan card lists them all', async () => {
    const { ids, parentId } = await newCitizenWithGoal(h, 'MA');
    const texts = STAFF.map((_, i) => `MA øver selv trin ${i + 1} af madlavningen to gange om ugen`);
    const cards: CardJson[] = [];
    for (const [i, u] of STAFF.entries()) cards.push(await subGoalAtStep6(h, u, ids, parentId, texts[i]!));

    const answers = await Promise.all(STAFF.map((u, i) => timed(saveSubGoal(h, u, cards[i]!))));
    for (const { result, ms } of answers) {
      expect(result.status).toBe(200);
      const card = invokeCardOf(result);
      expectNoApology(card);
      expect(titleOf(card)).toBe('Plan: MA');
      expect(noticeOf(card)).toBe(SUB_SAVED);
      expect(ms).toBeLessThan(TEAMS_INVOKE_MS);
    }

    const stored = await storedPlan(h, ids);
    const subs = stored.goals.filter((g) => g.parentId === parentId);
    expect(subs.map((g) => g.text).sort()).toEqual([...texts].sort());
    expect(new Set(subs.map((g) => g.createdBy))).toEqual(new Set(STAFF.map((u) => u.aadObjectId)));
    for (const u of STAFF) expect(await h.app.repos.drafts.get(TENANT, u.aadObjectId, String(findAction(cards[0]!, VERBS.goalWizardSave).data['draft']))).toBeUndefined();

    const plan = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ids }));
    for (const text of texts) expect(textOf(plan)).toContain(`↳ ${text}`);
    expect(sizeOf(plan)).toBeLessThan(CARD_LIMIT_BYTES);
  });

  it('saves 10 new sub-goals and 6 evaluations of 6 different goals sent at once', async () => {
    const { ids, parentId } = await newCitizenWithGoal(h, 'MB');
    for (let i = 1; i <= 6; i++) {
      await addGoal(h, ANNA, ids, { sub: true, parentId, goalText: `MB øver selv opgave ${i} i køkkenet hver uge`, ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-01-15' });
    }
    const toEvaluate = (await storedPlan(h, ids)).goals.filter((g) => g.parentId === parentId);
    expect(toEvaluate).toHaveLength(6);
    const evaluators = STAFF.slice(0, 6);
    const adders = STAFF.slice(6, 16);
    const evalCards: CardJson[] = [];
    for (const [i, u] of evaluators.entries()) evalCards.push(invokeCardOf(await h.invoke(u, VERBS.evalOpen, { ...ids, goalId: toEvaluate[i]!.id })));
    const addTexts = adders.map((_, i) => `MB skræller selv grøntsag nummer ${i + 1} hver tirsdag`);
    const addCards: CardJson[] = [];
    for (const [i, u] of adders.entries()) addCards.push(await subGoalAtStep6(h, u, ids, parentId, addTexts[i]!));

    const whatWorked = (i: number) => `Evaluering ${i + 1}: guidning ved køkkenbordet hjalp.`;
    const answers = await Promise.all([
      ...evaluators.map((u, i) =>
        timed(h.invoke(u, VERBS.evalSave, evalPayload(evalCards[i]!, { assessment: 'partlyAchieved', whatWorked: whatWorked(i), decision: 'continue', newRevisionDate: '2027-04-01', gas: '1' }))),
      ),
      ...adders.map((u, i) => timed(saveSubGoal(h, u, addCards[i]!))),
    ]);
    const notices = answers.map(({ result }) => {
      expect(result.status).toBe(200);
      const card = invokeCardOf(result);
      expectNoApology(card);
      return noticeOf(card);
    });
    expect(notices.slice(0, 6)).toEqual(Array(6).fill(EVAL_SAVED));
    expect(notices.slice(6)).toEqual(Array(10).fill(SUB_SAVED));
    for (const { ms } of answers) expect(ms).toBeLessThan(TEAMS_INVOKE_MS);

    const stored = await storedPlan(h, ids);
    expect(stored.evaluations.map((e) => e.goalId).sort()).toEqual(toEvaluate.map((g) => g.id).sort());
    expect(stored.evaluations.map((e) => e.whatWorked).sort()).toEqual(evaluators.map((_, i) => whatWorked(i)).sort());
    for (const g of toEvaluate) expect(stored.goals.find((x) => x.id === g.id)).toMatchObject({ state: 'active', revisionDate: '2027-04-01' });
    expect(stored.goals.filter((g) => g.parentId === parentId).map((g) => g.text)).toEqual(expect.arrayContaining(addTexts));
    expect(stored.goals.filter((g) => g.parentId === parentId)).toHaveLength(16);
  });

  it('writes each of 10 sub-goals once when every "Gem målet" is delivered twice at once under contention', async () => {
    const { ids, parentId } = await newCitizenWithGoal(h, 'MC');
    const people = STAFF.slice(0, 10);
    const texts = people.map((_, i) => `MC dækker selv bord til ${i + 2} personer hver aften`);
    const cards: CardJson[] = [];
    for (const [i, u] of people.entries()) cards.push(await subGoalAtStep6(h, u, ids, parentId, texts[i]!));
    const answers = await Promise.all(people.flatMap((u, i) => [saveSubGoal(h, u, cards[i]!), saveSubGoal(h, u, cards[i]!)]));
    for (const result of answers) {
      expect(result.status).toBe(200);
      expect(titleOf(invokeCardOf(result))).toBe('Plan: MC');
      expectNoApology(invokeCardOf(result));
    }
    const subs = (await storedPlan(h, ids)).goals.filter((g) => g.parentId === parentId);
    expect(subs.map((g) => g.text).sort()).toEqual([...texts].sort());
  });

  it('applies both edits when two people change different fields of one goal at once', async () => {
    const { ids, parentId: goalId } = await newCitizenWithGoal(h, 'MD');
    const annaText = 'MD laver selv aftensmad tre gange om ugen';
    const anna6 = await walkWizardTo6(h, ANNA, invokeCardOf(await h.invoke(ANNA, VERBS.goalEdit, { ...ids, goalId })), { goalText: annaText });
    const bo6 = await walkWizardTo6(h, BO, invokeCardOf(await h.invoke(BO, VERBS.goalEdit, { ...ids, goalId })));
    const [a, b] = await Promise.all([
      h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(anna6, VERBS.goalWizardSave).data, ...timeInputs(anna6) }),
      h.invoke(BO, VERBS.goalWizardSave, { ...findAction(bo6, VERBS.goalWizardSave).data, ...timeInputs(bo6, { revisionDate: '2027-01-20' }) }),
    ]);
    expect(noticeOf(invokeCardOf(a))).toBe(EDIT_SAVED);
    expect(noticeOf(invokeCardOf(b))).toBe(EDIT_SAVED);
    const goal = (await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!;
    expect(goal).toMatchObject({ text: annaText, revisionDate: '2027-01-20', endDate: '2027-06-30', state: 'active' });
    const edits = goal.history.filter((c) => c.fields.includes('text') || c.fields.includes('revisionDate'));
    expect(edits.map((c) => [c.by, c.fields.filter((f) => f !== 'smorteCodes')]).sort()).toEqual(
      [
        [ANNA.aadObjectId, ['text']],
        [BO.aadObjectId, ['revisionDate']],
      ].sort(),
    );
  });

  it('applies one of two edits of the same field sent at once; the other gets the wizard on that step with its text kept and the stored one beside it', async () => {
    const { ids, parentId: goalId } = await newCitizenWithGoal(h, 'ME');
    const indicators = { anna: 'Annas indikator: aftener om ugen med selvlavet mad', bo: 'Bos indikator: antal retter MD laver uden hjælp' };
    const anna6 = await walkWizardTo6(h, ANNA, invokeCardOf(await h.invoke(ANNA, VERBS.goalEdit, { ...ids, goalId })), { indicator: indicators.anna });
    const bo6 = await walkWizardTo6(h, BO, invokeCardOf(await h.invoke(BO, VERBS.goalEdit, { ...ids, goalId })), { indicator: indicators.bo });
    const [a, b] = await Promise.all([
      h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(anna6, VERBS.goalWizardSave).data, ...timeInputs(anna6) }),
      h.invoke(BO, VERBS.goalWizardSave, { ...findAction(bo6, VERBS.goalWizardSave).data, ...timeInputs(bo6) }),
    ]);
    const cards = [invokeCardOf(a), invokeCardOf(b)];
    const saved = cards.findIndex((c) => noticeOf(c) === EDIT_SAVED);
    expect(saved).toBeGreaterThanOrEqual(0);
    const winner = saved === 0 ? 'anna' : 'bo';
    const loser = winner === 'anna' ? 'bo' : 'anna';
    const loserUser = loser === 'anna' ? ANNA : BO;
    const conflict = cards[1 - saved]!;
    expectNoApology(conflict);
    expect(titleOf(conflict)).toBe('Ret mål: ME');
    expect(wizardStepOf(conflict)).toBe(3);
    expect(noticeOf(conflict)).toMatch(new RegExp(`^${winner === 'anna' ? 'Anna Medarbejder' : 'Bo Kollega'} har ændret indikatoren \\(.+\\), mens du skrev\\. Dine svar er bevaret`));
    expect(inputOf(conflict, 'indicator')['value']).toBe(indicators[loser]);
    expect(textOf(conflict)).toContain(`Gemt nu: ${indicators[winner]}`);
    expect((await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!.indicator).toBe(indicators[winner]);

    // The loser's first click delivered again (a Teams retry) does not apply the rebased draft unseen.
    const original = loser === 'anna' ? anna6 : bo6;
    const repeat = invokeCardOf(await h.invoke(loserUser, VERBS.goalWizardSave, { ...findAction(original, VERBS.goalWizardSave).data, ...timeInputs(original) }));
    expectNoApology(repeat);
    expect(wizardStepOf(repeat)).toBe(3);
    expect((await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!.indicator).toBe(indicators[winner]);

    // Gem again (after the remaining steps) applies the loser's version deliberately.
    const again6 = await walkWizardTo6(h, loserUser, conflict);
    const plan = invokeCardOf(await h.invoke(loserUser, VERBS.goalWizardSave, { ...findAction(again6, VERBS.goalWizardSave).data, ...timeInputs(again6) }));
    expect(noticeOf(plan)).toBe(EDIT_SAVED);
    expect((await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!.indicator).toBe(indicators[loser]);
  });

  it('saves both when two people make the very same change at once (no conflict to answer)', async () => {
    const { ids, parentId: goalId } = await newCitizenWithGoal(h, 'MI');
    const same = 'Antal aftener om ugen, hvor MI laver maden selv';
    const anna6 = await walkWizardTo6(h, ANNA, invokeCardOf(await h.invoke(ANNA, VERBS.goalEdit, { ...ids, goalId })), { indicator: same });
    const bo6 = await walkWizardTo6(h, BO, invokeCardOf(await h.invoke(BO, VERBS.goalEdit, { ...ids, goalId })), { indicator: same });
    const [a, b] = await Promise.all([
      h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(anna6, VERBS.goalWizardSave).data, ...timeInputs(anna6) }),
      h.invoke(BO, VERBS.goalWizardSave, { ...findAction(bo6, VERBS.goalWizardSave).data, ...timeInputs(bo6) }),
    ]);
    expect([noticeOf(invokeCardOf(a)), noticeOf(invokeCardOf(b))]).toEqual([EDIT_SAVED, EDIT_SAVED]);
    expect((await storedPlan(h, ids)).goals.find((g) => g.id === goalId)!.indicator).toBe(same);
  });

  it('revises a goal on top of someone else’s edit of another field; an edit of the same field meanwhile answers with the wizard, the revision kept', async () => {
    const { ids, parentId: goalId } = await newCitizenWithGoal(h, 'MJ');
    const openRevision = async (): Promise<CardJson> => {
      const evalCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
      const wizard = invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, evalPayload(evalCard, { assessment: 'partlyAchieved', decision: 'revise' })));
      expect(titleOf(wizard)).toBe('Revidér mål: MJ');
      return wizard;
    };
    const boEdit = async (changes: Record<string, string>) => {
      const bo6 = await walkWizardTo6(h, BO, invokeCardOf(await h.invoke(BO, VERBS.goalEdit, { ...ids, goalId })), changes);
      expect(noticeOf(invokeCardOf(await h.invoke(BO, VERBS.goalWizardSave, { ...findAction(bo6, VERBS.goalWizardSave).data, ...timeInputs(bo6) })))).toBe(EDIT_SAVED);
    };
    const dates = { ownerId: ANNA.aadObjectId, endDate: '2027-09-30', revisionDate: '2027-06-15' };
    const annaText = 'MJ laver selv aftensmad fire gange om ugen';

    // Bo's new indicator commutes with Anna's new text: the new version carries both.
    const revision6 = await walkWizardTo6(h, ANNA, await openRevision(), { goalText: annaText });
    await boEdit({ indicator: 'Bos indikator: aftener om ugen' });
    const plan = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(revision6, VERBS.goalWizardSave).data, ...timeInputs(revision6, dates) }));
    expect(noticeOf(plan)).toBe('Det nye mål er gemt; det gamle står som revideret.');
    let stored = await storedPlan(h, ids);
    const first = stored.goals.find((g) => g.revisionOf === goalId)!;
    expect(first).toMatchObject({ text: annaText, indicator: 'Bos indikator: aftener om ugen', state: 'active', revisionDate: '2027-06-15' });
    expect(stored.goals.find((g) => g.id === goalId)!.state).toBe('revised');

    // Revising the new version while Bo changes its text: Anna gets the wizard on the text step, her text kept.
    const secondId = first.id;
    const evalCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId: secondId }));
    const wizard = invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, evalPayload(evalCard, { assessment: 'partlyAchieved', decision: 'revise' })));
    const annaText2 = 'MJ laver selv aftensmad fem gange om ugen';
    const second6 = await walkWizardTo6(h, ANNA, wizard, { goalText: annaText2 });
    const boText = 'MJ laver selv aftensmad med Bo tre gange om ugen';
    const bo6 = await walkWizardTo6(h, BO, invokeCardOf(await h.invoke(BO, VERBS.goalEdit, { ...ids, goalId: secondId })), { goalText: boText });
    expect(noticeOf(invokeCardOf(await h.invoke(BO, VERBS.goalWizardSave, { ...findAction(bo6, VERBS.goalWizardSave).data, ...timeInputs(bo6) })))).toBe(EDIT_SAVED);
    const conflict = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(second6, VERBS.goalWizardSave).data, ...timeInputs(second6, dates) }));
    expect(titleOf(conflict)).toBe('Revidér mål: MJ');
    expect(wizardStepOf(conflict)).toBe(2);
    expect(noticeOf(conflict)).toMatch(/^Bo Kollega har ændret målteksten/);
    expect(inputOf(conflict, 'goalText')['value']).toBe(annaText2);
    expect(textOf(conflict)).toContain(`Gemt nu: ${boText}`);
    stored = await storedPlan(h, ids);
    expect(stored.goals.find((g) => g.id === secondId)).toMatchObject({ state: 'active', text: boText });

    // Gem again saves Anna's revision deliberately; her dates were kept through the rebase.
    const again6 = await walkWizardTo6(h, ANNA, conflict);
    expect(inputOf(again6, 'revisionDate')['value']).toBe('2027-06-15');
    const saved = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(again6, VERBS.goalWizardSave).data, ...timeInputs(again6) }));
    expect(noticeOf(saved)).toBe('Det nye mål er gemt; det gamle står som revideret.');
    stored = await storedPlan(h, ids);
    expect(stored.goals.find((g) => g.id === secondId)!.state).toBe('revised');
    expect(stored.goals.find((g) => g.revisionOf === secondId)).toMatchObject({ text: annaText2, state: 'active' });
  });

  it('lets a new sub-goal whose goal was ended meanwhile keep its answers and pick another goal', async () => {
    const { ids, parentId } = await newCitizenWithGoal(h, 'MF');
    await addGoal(h, ANNA, ids, { themeId: 'th2', goalText: 'MF går selv i Netto hver fredag', ownerId: ANNA.aadObjectId, endDate: '2027-06-30', revisionDate: '2027-03-01' });
    const text = 'MF finder selv varerne på indkøbssedlen hver fredag';
    const step6 = await subGoalAtStep6(h, BO, ids, parentId, text);
    // Anna closes the goal the sub-goal was to belong to.
    const evalCard = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId: parentId }));
    expect(noticeOf(invokeCardOf(await h.invoke(ANNA, VERBS.evalSave, evalPayload(evalCard, { assessment: 'achieved', decision: 'close' }))))).toBe(EVAL_SAVED);
    const card = invokeCardOf(await saveSubGoal(h, BO, step6));
    expect(titleOf(card)).toBe('Nyt delmål: MF');
    expect(wizardStepOf(card)).toBe(1);
    expect(noticeOf(card)).toMatch(/^Anna Medarbejder har evalueret målet: opnået → afsluttet .*Vælg et andet mål; dine andre svar er bevaret\.$/);
    const other = (await storedPlan(h, ids)).goals.find((g) => g.text === 'MF går selv i Netto hver fredag')!;
    const plan = await wizardSave(h, BO, await walkWizardTo6(h, BO, card, { parentId: other.id }), time(BO));
    expect(noticeOf(plan)).toBe(SUB_SAVED);
    expect((await storedPlan(h, ids)).goals.find((g) => g.text === text)).toMatchObject({ parentId: other.id, state: 'active' });
  });

  it('keeps the typed formål when someone else recorded one meanwhile, and shows theirs in the notice', async () => {
    const ids = await createCitizen(h, ANNA, 'MG');
    const annaForm = invokeCardOf(await h.invoke(ANNA, VERBS.purposeEdit, { ...ids }));
    const boForm = invokeCardOf(await h.invoke(BO, VERBS.purposeEdit, { ...ids }));
    const boText = 'Bos formål: MG skal kunne bo i egen lejlighed med støtte.';
    const annaText = 'Annas formål: MG skal blive mere selvhjulpen i hverdagen.';
    expect(noticeOf(invokeCardOf(await h.invoke(BO, VERBS.purposeSave, { ...findAction(boForm, VERBS.purposeSave).data, purposeText: boText, receivedOn: '2026-11-01' })))).toBe('Formålet er gemt.');
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.purposeSave, { ...findAction(annaForm, VERBS.purposeSave).data, purposeText: annaText, receivedOn: '2026-11-02' }));
    expect(titleOf(card)).toBe('Formål fra handleplanen: MG');
    expect(noticeOf(card)).toContain(`Bo Kollega har registreret et nyt formål`);
    expect(noticeOf(card)).toContain(boText);
    expect(inputOf(card, 'purposeText')['value']).toBe(annaText);
    expect(inputOf(card, 'receivedOn')['value']).toBe('2026-11-02');
    expect((await storedPlan(h, ids)).purpose?.text).toBe(boText);
    // Saving again is deliberate: Anna's formål replaces Bo's, which is kept as an earlier version.
    const saved = invokeCardOf(await h.invoke(ANNA, VERBS.purposeSave, { ...findAction(card, VERBS.purposeSave).data, purposeText: annaText, receivedOn: '2026-11-02' }));
    expect(noticeOf(saved)).toBe('Formålet er gemt.');
    const purpose = (await storedPlan(h, ids)).purpose!;
    expect(purpose.text).toBe(annaText);
    expect(purpose.revisions.map((r) => r.text)).toEqual([boText]);
  });

  it('lets a formål and a new goal saved at once both land', async () => {
    const ids = await createCitizen(h, ANNA, 'MH');
    const form = invokeCardOf(await h.invoke(BO, VERBS.purposeEdit, { ...ids }));
    const first = invokeCardOf(await h.invoke(ANNA, VERBS.goalNew, { ...ids, kind: 'goal' }));
    const step6 = await walkToTimeStep(h, ANNA, first, { goalText: 'MH vasker selv sit tøj hver lørdag' });
    const [p, g] = await Promise.all([
      h.invoke(BO, VERBS.purposeSave, { ...findAction(form, VERBS.purposeSave).data, purposeText: 'MH skal kunne klare sin egen husholdning.', receivedOn: '2026-11-01' }),
      h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(step6, VERBS.goalWizardSave).data, ...time(ANNA) }),
    ]);
    expect(noticeOf(invokeCardOf(p))).toBe('Formålet er gemt.');
    expect(noticeOf(invokeCardOf(g))).toBe('Målet er gemt.');
    const stored = await storedPlan(h, ids);
    expect(stored.purpose?.text).toBe('MH skal kunne klare sin egen husholdning.');
    expect(stored.goals.map((x) => x.text)).toEqual(['MH vasker selv sit tøj hver lørdag']);
  });
});

// =====================================================================================
// The write budget runs out
// =====================================================================================

describe.each<StoreKind>(['embedded', 'cosmos'])('a plan write that cannot land within its budget on the %s store', (kind) => {
  let opened: OpenedStore | undefined;
  let h: Harness;
  let rival: RivalWriter;
  let ids: CitizenIds;
  let parentId = '';
  const BUDGET_MS = 40;

  beforeAll(async () => {
    opened = await openStore(kind);
    const wrapped = withRivalWriter(opened.store);
    rival = wrapped.rival;
    h = await startHarness({ store: wrapped.store, writeRetry: { budgetMs: BUDGET_MS } });
    await h.setupTeam(ANNA, [ANNA, BO]);
    ({ ids, parentId } = await newCitizenWithGoal(h, 'BU'));
  });
  afterAll(async () => {
    await h?.close();
    await opened?.cleanup();
  });

  /** Runs `fn` while someone else saves the plan before every save of the app's. */
  async function underContention<T>(fn: () => Promise<T>): Promise<{ value: T; rivalWrites: number }> {
    const before = rival.writes;
    rival.active = true;
    try {
      return { value: await fn(), rivalWrites: rival.writes - before };
    } finally {
      rival.active = false;
    }
  }

  it('answers a sub-goal save with the wizard, its input kept and the notice, status 200, not the apology; Gem again saves it', async () => {
    const text = 'BU bager selv boller hver søndag formiddag';
    const step6 = await subGoalAtStep6(h, ANNA, ids, parentId, text);
    const inputs = time(ANNA, '2027-02-15');
    const { value: result, rivalWrites } = await underContention(() => timed(h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(step6, VERBS.goalWizardSave).data, ...inputs })));
    expect(result.result.status).toBe(200);
    const card = invokeCardOf(result.result);
    expectNoApology(card);
    expect(titleOf(card)).toBe('Nyt delmål: BU');
    expect(wizardStepOf(card)).toBe(6);
    expect(noticeOf(card)).toBe(BUSY);
    expect(inputOf(card, 'revisionDate')['value']).toBe('2027-02-15');
    expect(inputOf(card, 'endDate')['value']).toBe('2027-06-30');
    expect(factOf(card, 'Delmålet')).toBe(text);
    // It really retried, and gave up within the budget (plus one attempt), well inside Teams' limit.
    expect(rivalWrites).toBeGreaterThan(1);
    expect(result.ms).toBeLessThan(TEAMS_INVOKE_MS);
    expect((await storedPlan(h, ids)).goals.filter((g) => g.text === text)).toHaveLength(0);

    const saved = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardSave, { ...findAction(card, VERBS.goalWizardSave).data, ...inputs }));
    expect(noticeOf(saved)).toBe(SUB_SAVED);
    expect((await storedPlan(h, ids)).goals.filter((g) => g.text === text)).toHaveLength(1);
  });

  it('answers an evaluation with the evaluation form, every answer kept, the same base, and the notice; saving again lands', async () => {
    const form = { assessment: 'partlyAchieved', whatWorked: 'Det hjalp at lave en fast plan for ugen.', decision: 'continue', newRevisionDate: '2027-04-01', gas: '1' };
    const evalCard = invokeCardOf(await h.invoke(BO, VERBS.evalOpen, { ...ids, goalId: parentId }));
    const base = findAction(evalCard, VERBS.evalSave).data['baseUpdatedAt'];
    const { value: result } = await underContention(() => h.invoke(BO, VERBS.evalSave, evalPayload(evalCard, form)));
    expect(result.status).toBe(200);
    const card = invokeCardOf(result);
    expectNoApology(card);
    expect(titleOf(card)).toBe('Evaluering: BU');
    expect(noticeOf(card)).toBe(BUSY);
    for (const [name, value] of Object.entries(form)) expect(inputOf(card, name)['value']).toBe(value);
    expect(findAction(card, VERBS.evalSave).data['baseUpdatedAt']).toBe(base);
    expect((await storedPlan(h, ids)).evaluations).toHaveLength(0);

    expect(noticeOf(invokeCardOf(await h.invoke(BO, VERBS.evalSave, evalPayload(card, form))))).toBe(EVAL_SAVED);
    expect((await storedPlan(h, ids)).evaluations.map((e) => e.whatWorked)).toEqual([form.whatWorked]);
  });

  it('answers a formål with the form, the text kept, and the notice', async () => {
    const formCard = invokeCardOf(await h.invoke(ANNA, VERBS.purposeEdit, { ...ids }));
    const text = 'BU skal kunne klare sin egen husholdning med støtte.';
    const { value: result } = await underContention(() => h.invoke(ANNA, VERBS.purposeSave, { ...findAction(formCard, VERBS.purposeSave).data, purposeText: text, receivedOn: '2026-11-01' }));
    expect(result.status).toBe(200);
    const card = invokeCardOf(result);
    expectNoApology(card);
    expect(noticeOf(card)).toBe(BUSY);
    expect(inputOf(card, 'purposeText')['value']).toBe(text);
    expect((await storedPlan(h, ids)).purpose).toBeUndefined();
    expect(noticeOf(invokeCardOf(await h.invoke(ANNA, VERBS.purposeSave, { ...findAction(card, VERBS.purposeSave).data, purposeText: text, receivedOn: '2026-11-01' })))).toBe('Formålet er gemt.');
  });

  it('answers in English for an English Teams locale', async () => {
    const emma = USERS.emma;
    await h.setupTeam(ANNA, [ANNA, BO, emma]);
    const formCard = invokeCardOf(await h.invoke(emma, VERBS.purposeEdit, { ...ids }));
    const { value: result } = await underContention(() => h.invoke(emma, VERBS.purposeSave, { ...findAction(formCard, VERBS.purposeSave).data, purposeText: 'BU should manage the household.', receivedOn: '2026-11-01' }));
    expect(noticeOf(invokeCardOf(result))).toBe('Many people are changing the plan right now – please try again.');
  });
});
