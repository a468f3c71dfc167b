/** The læringscirkel's rules (domain/learning-cycle.ts): udviklingspunkt, hypothesis, steps, deadlines, spread, catalogue, board. */
import { describe, expect, it } from 'vitest';
import {
  ACT_DAYS_AFTER_END,
  addIdea,
  advanceStage,
  advanceTrial,
  BOARD_LOG_MAX,
  catalogueEntry,
  checkHypothesis,
  createImprovementPoint,
  decideTrial,
  DEFAULT_MAX_CYCLE_DAYS,
  HYPOTHESIS_MESSAGES,
  hypothesisProblem,
  ImprovementPointSchema,
  progressBoard,
  savePlan,
  saveReflection,
  saveRun,
  startNextCycle,
  startTrial,
  stepBack,
  STUDY_DAYS_AFTER_END,
  trialDeadlines,
  TrialSchema,
  TrialStateError,
  validatePlan,
  type CycleOutcome,
  type ImprovementPoint,
  type PlanInput,
  type Trial,
} from '../../src/domain/learning-cycle.js';
import { MESSAGES } from '../../src/domain/text.js';
import { DEFAULT_REMINDER_SETTINGS, remindersBetween, teamTaskOf, trialStepDeadlines } from '../../src/domain/deadlines.js';

const now = new Date('2026-11-23T09:30:00Z');
const later = (days: number): Date => new Date(now.getTime() + days * 86_400_000);
const ANNE = 'aad-anne';
const BO = 'aad-bo';
const MEMBERS = [ANNE, BO];
const CONTEXT = { members: MEMBERS };
const CPR = '010190-1234';

function value<T>(outcome: CycleOutcome<T>): T {
  if (!outcome.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TrialStateError) return error.reason.da;
    throw error;
  }
  throw new Error('expected a TrialStateError');
}

function point(): ImprovementPoint {
  return value(
    createImprovementPoint(
      { id: 'p1', tenantId: 't', teamId: 'team', title: 'Fælles måltider', aim: 'AB deltager i fællesskabet ved aftensmaden.', measure: 'Antal aftener om ugen, AB spiser med.' },
      ANNE,
      now,
    ),
  );
}

const GOOD_PLAN: PlanInput = {
  hypothesis: 'Hvis vi laver madplan med AB om søndagen, så deltager AB i aftensmaden mindst tre aftener om ugen',
  what: 'Madplan med AB søndag eftermiddag',
  who: [ANNE, BO],
  where: 'Køkkenet i afdeling B',
  startDate: '2026-11-23',
  endDate: '2026-11-29',
  data: 'Antal aftener, AB spiser med',
  collection: 'Aftenvagten krydser af i skemaet hver aften',
};

function planned(plan: PlanInput = GOOD_PLAN): Trial {
  const trial = startTrial(point(), { id: 'tr1', actorId: ANNE }, now);
  return value(savePlan(trial, plan, CONTEXT, now));
}

function atStep(step: 'do' | 'study' | 'act'): Trial {
  let trial = value(advanceTrial(planned(), CONTEXT));
  if (step === 'do') return trial;
  trial = value(saveRun(trial, { happened: 'AB valgte tre retter.', surprises: 'AB ville selv handle ind.', data: 'AB spiste med fire aftener.' }, later(6)));
  trial = value(advanceTrial(trial, CONTEXT));
  if (step === 'study') return trial;
  trial = value(saveReflection(trial, { comparison: 'Fire aftener mod forventet tre: hypotesen holdt.', held: 'yes' }, later(7)));
  return value(advanceTrial(trial, CONTEXT));
}

function finished(decision: 'adopt' | 'adapt' | 'abandon', at = later(8), id = 'tr1'): Trial {
  return value(decideTrial({ ...atStep('act'), id }, { decision, reason: 'Virkede, AB glad for det.' }, BO, at));
}

describe('udviklingspunkt and forandringskatalog', () => {
  it('needs the aim and the measure, and refuses a CPR number in them', () => {
    const outcome = createImprovementPoint({ id: 'p1', tenantId: 't', teamId: 'team', title: 'Måltider', aim: '', measure: `Borger ${CPR} spiser med` }, ANNE, now);
    expect(outcome).toMatchObject({ ok: false, errors: { aim: MESSAGES.required, measure: MESSAGES.cpr } });
  });

  it('lets anyone add ideas, with who and when, and ignores a resent idea', () => {
    const p1 = value(addIdea(point(), { id: 'i1', text: ' Hjemmebesøg før netværksmøde ' }, BO, later(1)));
    const p2 = value(addIdea(p1, { id: 'i1', text: 'Noget andet' }, ANNE, later(2)));
    expect(p2.ideas).toEqual([{ id: 'i1', text: 'Hjemmebesøg før netværksmøde', addedBy: BO, addedAt: later(1).toISOString() }]);
    expect(ImprovementPointSchema.safeParse(p2).success).toBe(true);
  });

  it('refuses an empty idea and one with a CPR number', () => {
    expect(addIdea(point(), { id: 'i1', text: '  ' }, BO, now)).toMatchObject({ ok: false, errors: { text: MESSAGES.required } });
    expect(addIdea(point(), { id: 'i1', text: `Spørg ${CPR}` }, BO, now)).toMatchObject({ ok: false, errors: { text: MESSAGES.cpr } });
  });
});

describe('the hypothesis', () => {
  it.each([
    'Hvis vi laver madplan med AB om søndagen, så deltager AB i aftensmaden mindst tre aftener om ugen',
    'Når personalet bruger piktogrammer ved morgenrutinen, vil NN selv komme i tøjet på under 20 minutter',
    'Hvis vi bruger en dukke til at simulere situationer med det ufødte barn, så stimulerer vi forældrenes tilknytning',
    'Vi forventer, at AB spiser med flere gange om ugen, når vi laver madplan sammen',
    'Madplan om søndagen øger AB’s deltagelse i aftensmaden',
    'Ved at bruge piktogrammer bliver morgenrutinen kortere for NN',
    'Hvis vi laver madplan med AB, deltager AB oftere i aftensmaden',
    'NN vil have færre konflikter ved morgenmaden, når vi bruger et fast skema',
  ])('accepts the statement "%s"', (text) => {
    expect(hypothesisProblem(text)).toBeUndefined();
    expect(checkHypothesis(text, true)).toBeUndefined();
  });

  it.each([
    'Hvordan får vi AB til at deltage i aftensmaden?',
    'Kan piktogrammer hjælpe NN om morgenen',
    'Skal vi prøve med madplan om søndagen',
    'Virker det, hvis vi laver madplan',
    'Hvad sker der, hvis vi laver madplan med AB',
    'Madplan med AB om søndagen – virker det?',
  ])('refuses the question "%s"', (text) => {
    expect(hypothesisProblem(text)).toBe('question');
  });

  it.each([
    'Vi prøver piktogrammer ved morgenrutinen',
    'Madplan med AB om søndagen',
    'Hvis vi laver madplan med AB om søndagen',
    'Hvis vi laver madplan med AB om søndagen, så',
    'Vi vil lave madplan med AB om søndagen',
    'AB skal deltage i aftensmaden',
  ])('refuses "%s", which predicts no effect', (text) => {
    expect(hypothesisProblem(text)).toBe('noEffect');
  });

  it.each(['Vi vil gerne have, at AB spiser mere med', 'Vi håber, at NN bliver gladere'])('refuses the wish "%s"', (text) => {
    expect(hypothesisProblem(text)).toBe('wish');
  });

  it('tells in Danish how to write it, with an English twin', () => {
    const message = checkHypothesis('Hvordan får vi AB med?', true);
    expect(message?.da).toContain('Skriv hypotesen som en påstand, der kan vise sig at holde eller ikke holde, fx "Hvis vi …, så vil …"');
    expect(message?.da).toContain('spørgsmål');
    expect(message?.en).toContain('statement');
    expect(HYPOTHESIS_MESSAGES.noEffect.da).toContain('hvad I forventer');
  });

  it('refuses a CPR number before looking at the form', () => {
    expect(checkHypothesis(`Hvis vi laver madplan med ${CPR}, så spiser han mere`, true)).toEqual(MESSAGES.cpr);
  });
});

describe('Planlæg', () => {
  it('keeps a draft with empty fields but refuses moving on until the plan is complete', () => {
    const trial = startTrial(point(), { id: 'tr1', actorId: ANNE }, now);
    const draft = value(savePlan(trial, { ...GOOD_PLAN, what: '', who: [], startDate: '', endDate: '' }, CONTEXT, now));
    expect(draft.step).toBe('plan');
    const moved = advanceTrial(draft, CONTEXT);
    expect(moved.ok).toBe(false);
    if (moved.ok) return;
    expect(Object.keys(moved.errors).sort()).toEqual(['endDate', 'startDate', 'what', 'who']);
    expect(moved.errors.who?.da).toBe('Vælg, hvem der afprøver det.');
  });

  it('refuses a question as the hypothesis already in the draft', () => {
    const trial = startTrial(point(), { id: 'tr1', actorId: ANNE }, now);
    expect(savePlan(trial, { ...GOOD_PLAN, hypothesis: 'Kan madplan hjælpe AB?' }, CONTEXT, now)).toMatchObject({ ok: false, errors: { hypothesis: HYPOTHESIS_MESSAGES.question } });
  });

  it('refuses an end before the start, dates that do not exist, and people outside the team', () => {
    const { errors } = validatePlan({ ...GOOD_PLAN, startDate: '2026-11-29', endDate: '2026-11-23', who: ['aad-stranger'] }, CONTEXT, true);
    expect(errors.endDate?.da).toBe('Slutdatoen ligger før startdatoen.');
    expect(errors.who?.da).toBe('Vælg blandt teamets medlemmer.');
    const bad = validatePlan({ ...GOOD_PLAN, startDate: '2026-02-30', endDate: '23-11-2026' }, CONTEXT, true);
    expect(bad.errors).toMatchObject({ startDate: MESSAGES.invalidDate, endDate: MESSAGES.invalidDate });
  });

  it('accepts a one-day plan and the limit itself without a warning', () => {
    expect(validatePlan({ ...GOOD_PLAN, endDate: GOOD_PLAN.startDate }, CONTEXT, true)).toEqual({ errors: {}, warnings: {} });
    expect(validatePlan({ ...GOOD_PLAN, endDate: '2026-12-06' }, CONTEXT, true).warnings).toEqual({});
  });

  it('warns, without refusing, about a plan longer than the limit (default 14 days, or the tilbud’s own)', () => {
    expect(DEFAULT_MAX_CYCLE_DAYS).toBe(14);
    const long = savePlan(startTrial(point(), { id: 'tr1', actorId: ANNE }, now), { ...GOOD_PLAN, endDate: '2026-12-07' }, CONTEXT, now);
    expect(long.ok).toBe(true);
    expect(long.warnings.endDate?.da).toContain('varer 15 dage');
    expect(long.warnings.endDate?.da).toContain('højst 14 dage');
    const own = validatePlan(GOOD_PLAN, { members: MEMBERS, maxCycleDays: 5 }, true);
    expect(own.errors).toEqual({});
    expect(own.warnings.endDate?.da).toContain('varer 7 dage');
    expect(own.warnings.endDate?.en).toContain('at most 5 days');
  });

  it('refuses a CPR number in any text of the plan', () => {
    const { errors } = validatePlan({ ...GOOD_PLAN, where: `Hos ${CPR}`, collection: `Spørg ${CPR}` }, CONTEXT, false);
    expect(errors).toEqual({ where: MESSAGES.cpr, collection: MESSAGES.cpr });
  });

  it('starts the plan’s "what" from the chosen idea of the forandringskatalog', () => {
    const p = value(addIdea(point(), { id: 'i1', text: 'Madplan med AB' }, BO, now));
    expect(startTrial(p, { id: 'tr1', actorId: ANNE, ideaId: 'i1' }, now).plan?.what).toBe('Madplan med AB');
    expect(refusal(() => startTrial(p, { id: 'tr1', actorId: ANNE, ideaId: 'gone' }, now))).toContain('findes ikke længere');
  });
});

describe('the steps in order', () => {
  it('runs Planlæg → Afprøv → Reflektér → Justér, each needing its own fields', () => {
    const doing = value(advanceTrial(planned(), CONTEXT));
    expect(doing.step).toBe('do');
    const notRun = advanceTrial(doing, CONTEXT);
    expect(notRun).toMatchObject({ ok: false, errors: { happened: MESSAGES.required, data: MESSAGES.required } });
    if (!notRun.ok) expect(notRun.errors.surprises).toBeUndefined();
    const study = atStep('study');
    expect(study.step).toBe('study');
    expect(advanceTrial(study, CONTEXT)).toMatchObject({ ok: false, errors: { comparison: MESSAGES.required, held: { da: 'Vælg, om hypotesen holdt.' } } });
    expect(atStep('act').step).toBe('act');
  });

  it('only saves the fields of the step the trial is at', () => {
    expect(refusal(() => saveRun(planned(), { happened: 'x', surprises: '', data: 'y' }, now))).toBe('Prøvehandlingen er ved "Planlæg": "Afprøv" udfyldes, når den er ved det trin.');
    expect(refusal(() => savePlan(atStep('do'), GOOD_PLAN, CONTEXT, now))).toContain('er ved "Afprøv"');
  });

  it('goes back a step keeping what was written, but not before Planlæg', () => {
    const back = stepBack(atStep('study'));
    expect(back.step).toBe('do');
    expect(back.run?.data).toBe('AB spiste med fire aftener.');
    expect(refusal(() => stepBack(planned()))).toContain('intet trin før');
  });

  it('is finished by the decision, which needs a choice and a short reason', () => {
    const act = atStep('act');
    expect(refusal(() => advanceTrial(act, CONTEXT))).toBe('Afslut læringscirklen med en beslutning: bekræft, justér eller forkast.');
    expect(decideTrial(act, { decision: '', reason: '' }, BO, now)).toMatchObject({ ok: false, errors: { decision: { da: 'Vælg: bekræft, justér eller forkast.' }, reason: MESSAGES.required } });
    expect(decideTrial(act, { decision: 'adopt', reason: 'x'.repeat(201) }, BO, now)).toMatchObject({ ok: false, errors: { reason: MESSAGES.tooLong(200) } });
    const done = finished('adopt');
    expect(done.finishedAt).toBe(later(8).toISOString());
    expect(done.decision).toMatchObject({ decision: 'adopt', decidedBy: BO });
    expect(TrialSchema.safeParse(done).success).toBe(true);
  });

  it('refuses any change to a finished cycle, going back included', () => {
    const done = finished('adapt');
    expect(refusal(() => stepBack(done))).toContain('afsluttet');
    expect(refusal(() => decideTrial(done, { decision: 'abandon', reason: 'Nej' }, BO, now))).toContain('afsluttet');
  });
});

describe('the next cycle', () => {
  it('after justér is prefilled from the plan with new dates to choose, linked to the previous', () => {
    const next = startNextCycle(finished('adapt'), { id: 'tr2', actorId: BO }, later(9));
    expect(next).toMatchObject({ id: 'tr2', step: 'plan', previousTrialId: 'tr1', improvementPointId: 'p1', stage: 'oneCitizen' });
    expect(next.plan).toMatchObject({ hypothesis: GOOD_PLAN.hypothesis, what: GOOD_PLAN.what, who: [ANNE, BO], startDate: '', endDate: '' });
    expect(advanceTrial(next, CONTEXT)).toMatchObject({ ok: false, errors: { startDate: MESSAGES.required } });
  });

  it('after forkast starts empty, and not before a decision', () => {
    expect(startNextCycle(finished('abandon'), { id: 'tr2', actorId: BO }, later(9)).plan).toBeUndefined();
    expect(refusal(() => startNextCycle(atStep('act'), { id: 'tr2', actorId: BO }, now))).toContain('før den næste startes');
  });
});

describe('spreading a tiltag', () => {
  it('moves one stage at a time from én borger to implementeret', () => {
    let trial = finished('adopt');
    trial = advanceStage(trial, 'severalCitizens');
    expect(trial.stage).toBe('severalCitizens');
    expect(advanceStage(trial, 'severalCitizens')).toBe(trial);
    expect(refusal(() => advanceStage(trial, 'implemented'))).toBe('Udbred ét trin ad gangen: fra "Flere borgere" til "Fuld skala".');
    trial = advanceStage(advanceStage(trial, 'fullScale'), 'implemented');
    expect(trial.stage).toBe('implemented');
    expect(refusal(() => advanceStage(trial, 'oneCitizen'))).toBe('Tiltaget er allerede implementeret.');
    expect(startNextCycle(trial, { id: 'tr2', actorId: BO }, now).stage).toBe('implemented');
  });

  it('only for a cycle finished with bekræft or justér', () => {
    expect(advanceStage(finished('adapt'), 'severalCitizens').stage).toBe('severalCitizens');
    expect(refusal(() => advanceStage(finished('abandon'), 'severalCitizens'))).toContain('"bekræft" eller "justér"');
    expect(refusal(() => advanceStage(atStep('act'), 'severalCitizens'))).toContain('"bekræft" eller "justér"');
  });
});

describe('step deadlines', () => {
  it('gives the open steps’ due dates to the plan’s people', () => {
    expect(STUDY_DAYS_AFTER_END).toBe(2);
    expect(ACT_DAYS_AFTER_END).toBe(4);
    const deadlines = trialDeadlines(atStep('do'));
    expect(deadlines).toEqual([
      { id: 'trialStep:tr1:do', trialId: 'tr1', step: 'do', dueDate: '2026-11-29', ownerIds: [ANNE, BO], openedAt: now.toISOString() },
      { id: 'trialStep:tr1:study', trialId: 'tr1', step: 'study', dueDate: '2026-12-01', ownerIds: [ANNE, BO], openedAt: now.toISOString() },
      { id: 'trialStep:tr1:act', trialId: 'tr1', step: 'act', dueDate: '2026-12-03', ownerIds: [ANNE, BO], openedAt: now.toISOString() },
    ]);
  });

  it('are reminder deadlines with the trial as their source: the day before and on the day, to each of the plan’s people', () => {
    const deadlines = trialStepDeadlines(atStep('do'));
    expect(deadlines.map((d) => [d.id, d.kind, d.planId, d.step, d.dueDate, d.ownerIds])).toEqual([
      ['trialStep:trial:tr1:do', 'trialStep', 'trial:tr1', 'do', '2026-11-29', [ANNE, BO]],
      ['trialStep:trial:tr1:study', 'trialStep', 'trial:tr1', 'study', '2026-12-01', [ANNE, BO]],
      ['trialStep:trial:tr1:act', 'trialStep', 'trial:tr1', 'act', '2026-12-03', [ANNE, BO]],
    ]);
    expect(teamTaskOf('trial:tr1')).toEqual({ source: 'trial', id: 'tr1' });
    // Reflektér is due Tuesday 1 December: Monday and Tuesday at 07:30 in Copenhagen.
    expect(remindersBetween(deadlines[1]!, now, later(60), DEFAULT_REMINDER_SETTINGS).map((r) => [r.offsetDays, r.dueAt])).toEqual([
      [-1, '2026-11-30T06:30:00.000Z'],
      [0, '2026-12-01T06:30:00.000Z'],
    ]);
    expect(trialStepDeadlines(finished('adopt'))).toEqual([]);
  });

  it('has Planlæg due at the start, drops steps that are done, and none after the decision or without dates', () => {
    expect(trialDeadlines(planned())[0]).toMatchObject({ id: 'trialStep:tr1:plan', dueDate: '2026-11-23' });
    expect(trialDeadlines(atStep('act')).map((d) => d.step)).toEqual(['act']);
    expect(trialDeadlines(finished('adopt'))).toEqual([]);
    expect(trialDeadlines(startTrial(point(), { id: 'tr9', actorId: ANNE }, now))).toEqual([]);
  });

  it('counts days across the month and year end in Copenhagen', () => {
    const trial = planned({ ...GOOD_PLAN, startDate: '2026-12-24', endDate: '2026-12-30' });
    expect(trialDeadlines(trial).map((d) => d.dueDate)).toEqual(['2026-12-24', '2026-12-30', '2027-01-01', '2027-01-03']);
  });

  it('counts calendar days across the change from summer time', () => {
    const trial = planned({ ...GOOD_PLAN, startDate: '2026-10-20', endDate: '2026-10-24' });
    expect(trialDeadlines(trial).map((d) => d.dueDate)).toEqual(['2026-10-20', '2026-10-24', '2026-10-26', '2026-10-28']);
    expect(validatePlan({ ...GOOD_PLAN, startDate: '2026-10-20', endDate: '2026-11-03' }, CONTEXT, true).warnings.endDate?.da).toContain('varer 15 dage');
  });

  it('falls back to the one who started the trial when the plan names nobody yet', () => {
    const draft = planned({ ...GOOD_PLAN, who: [] });
    expect(trialDeadlines(draft)[0]?.ownerIds).toEqual([ANNE]);
  });
});

describe('forbedringskatalog', () => {
  it('turns a finished cycle into an entry with hypothesis, what was tried, result, decision, stage and dates', () => {
    expect(catalogueEntry(finished('adopt'))).toEqual({
      trialId: 'tr1',
      improvementPointId: 'p1',
      hypothesis: GOOD_PLAN.hypothesis,
      tried: GOOD_PLAN.what,
      result: 'Fire aftener mod forventet tre: hypotesen holdt.',
      held: 'yes',
      decision: 'adopt',
      decisionName: { da: 'Bekræft', en: 'Adopt' },
      reason: 'Virkede, AB glad for det.',
      stage: 'oneCitizen',
      stageName: { da: 'Én borger', en: 'One citizen' },
      startDate: '2026-11-23',
      endDate: '2026-11-29',
      finishedAt: later(8).toISOString(),
    });
  });

  it('refuses a cycle that is still running', () => {
    expect(refusal(() => catalogueEntry(atStep('act')))).toContain('Kun afsluttede');
  });
});

describe('fremdriftsmøde board', () => {
  it('lists running trials overdue first, then by due date, those without dates last', () => {
    const overdue = { ...atStep('do'), id: 'late' }; // Afprøv due 2026-11-29
    const soon = { ...planned({ ...GOOD_PLAN, startDate: '2026-12-08', endDate: '2026-12-10' }), id: 'soon' };
    const undated = { ...startTrial(point(), { id: 'undated', actorId: BO }, now) };
    const board = progressBoard({ trials: [undated, soon, overdue, finished('adopt', later(8), 'done')], points: [point()] }, new Date('2026-12-02T08:00:00Z'));
    expect(board.running.map((r) => [r.trialId, r.state, r.dueDate])).toEqual([
      ['late', 'overdue', '2026-11-29'],
      ['soon', 'open', '2026-12-08'],
      ['undated', 'noDate', undefined],
    ]);
    expect(board.running[0]).toMatchObject({ stepName: { da: 'Afprøv' }, ownerIds: [ANNE, BO], daysLeft: -3, pointTitle: 'Fælles måltider' });
    expect(board.running[2]?.ownerIds).toEqual([BO]);
  });

  it('shows the ideas no trial has taken up, newest first, and the aims', () => {
    let p = value(addIdea(point(), { id: 'i1', text: 'Madplan' }, ANNE, later(1)));
    p = value(addIdea(p, { id: 'i2', text: 'Piktogrammer' }, BO, later(2)));
    p = value(addIdea(p, { id: 'i3', text: 'Fast plads ved bordet' }, BO, later(3)));
    const trying = startTrial(p, { id: 'tr1', actorId: ANNE, ideaId: 'i1' }, later(4));
    const board = progressBoard({ trials: [trying], points: [p] }, later(4));
    expect(board.ideas.map((i) => i.idea.text)).toEqual(['Fast plads ved bordet', 'Piktogrammer']);
    expect(board.aims).toEqual([{ improvementPointId: 'p1', title: 'Fælles måltider', aim: 'AB deltager i fællesskabet ved aftensmaden.', measure: 'Antal aftener om ugen, AB spiser med.' }]);
  });

  it('keeps a bounded log of finished cycles, newest first', () => {
    const cycles = Array.from({ length: BOARD_LOG_MAX + 2 }, (_, i) => finished('adapt', later(8 + i), `c${String(i).padStart(2, '0')}`));
    const board = progressBoard({ trials: cycles, points: [point()] }, later(30));
    expect(board.log).toHaveLength(BOARD_LOG_MAX);
    expect(board.log[0]?.trialId).toBe('c11');
    expect(board.log.at(-1)?.trialId).toBe('c02');
    expect(board.logLeftOut).toBe(2);
    expect(board.running).toEqual([]);
    expect(progressBoard({ trials: cycles, points: [], logMax: 3 }, later(30)).log.map((e) => e.trialId)).toEqual(['c11', 'c10', 'c09']);
  });
});
