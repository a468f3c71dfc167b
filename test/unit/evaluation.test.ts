import { describe, expect, it } from 'vitest';
import { applyEvaluation, citizenGasTScore, computeEvidence, evaluationIndex, gasTScore, latestEvaluation, periodStart } from '../../src/domain/evaluation.js';
import { canTransition, editGoal, transitionGoal } from '../../src/domain/goal-lifecycle.js';
import { checkDraft, draftToGoalInput, EMPTY_DRAFT, firstBlockingStep, smorteBadges, validateStep } from '../../src/domain/goal-wizard.js';
import type { Plan, SubGoalDiaryEntry } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';

const now = new Date('2026-11-22T10:00:00Z');

function planWithGoals(): Plan {
  let p = createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, now);
  if (!p.ok) throw new Error('plan');
  const withPurpose = recordPurpose(p.value, { id: 'p1', text: 'Egen bolig', receivedOn: '2026-10-01' }, 'u1', now);
  if (!withPurpose.ok) throw new Error('purpose');
  p = addGoal(withPurpose.value, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', now);
  if (!p.ok) throw new Error('goal');
  p = addGoal(p.value, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB skræller selv kartofler', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', now);
  if (!p.ok) throw new Error('sub');
  return p.value;
}

function entry(goalId: string, day: number, score: number | null, note = 'notat'): SubGoalDiaryEntry {
  const at = new Date(Date.UTC(2026, 10, day, 9)).toISOString();
  return { kind: 'subGoal', id: `${goalId}-${day}`, tenantId: 't', teamId: 'team', citizenId: 'c1', goalId, score, note, occurredAt: at, recordedAt: at, recordedBy: 'u1', submissionId: `s${day}` };
}

describe('evaluation evidence', () => {
  it('counts a goal’s own and its sub-goals’ entries in the period, with first, latest, average and trend', () => {
    const plan = planWithGoals();
    const later = new Date('2026-11-30T10:00:00Z');
    const evidence = computeEvidence(plan, 'g1', [entry('s1', 23, 3), entry('s1', 25, 2), entry('s1', 27, 1), entry('other', 26, 4)], periodStart(plan.goals[0]!, []), later);
    expect(evidence).toMatchObject({ entries: 3, scored: 3, notes: 3, first: 3, latest: 1, average: 2, trend: 'improving' });
  });

  it('starts the period at the latest evaluation', () => {
    const plan = planWithGoals();
    const evaluated = applyEvaluation(plan, { id: 'e1', goalId: 's1', assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-01-10', gas: '' }, computeEvidence(plan, 's1', [], plan.goals[1]!.createdAt, now), 'u1', now);
    if (!evaluated.ok) throw new Error('evaluation');
    expect(periodStart(evaluated.value.goals[1]!, evaluated.value.evaluations)).toBe(now.toISOString());
  });
});

describe('applying an evaluation', () => {
  const base = { id: 'e1', goalId: 's1', whatWorked: 'Guidning', gas: '' };
  const evidence = { periodFrom: now.toISOString(), periodTo: now.toISOString(), entries: 0, scored: 0, notes: 0, trend: 'insufficient' as const };

  it('always needs a decision, and a new revisionsdato after today when the goal continues', () => {
    const plan = planWithGoals();
    const none = applyEvaluation(plan, { ...base, assessment: 'achieved', decision: '', newRevisionDate: '' }, evidence, 'u1', now);
    expect(none.ok ? [] : Object.keys(none.errors)).toContain('decision');
    const noDate = applyEvaluation(plan, { ...base, assessment: 'achieved', decision: 'continue', newRevisionDate: '' }, evidence, 'u1', now);
    expect(noDate.ok ? [] : Object.keys(noDate.errors)).toEqual(['newRevisionDate']);
    const today = applyEvaluation(plan, { ...base, assessment: 'achieved', decision: 'continue', newRevisionDate: '2026-11-22' }, evidence, 'u1', now);
    expect(today.ok).toBe(false);
  });

  it('keeps a continued goal active with the new date, and writes the evaluation into the plan', () => {
    const result = applyEvaluation(planWithGoals(), { ...base, assessment: 'partlyAchieved', decision: 'continue', newRevisionDate: '2027-02-01', gas: '1' }, evidence, 'u2', now);
    if (!result.ok) throw new Error('evaluation');
    expect(result.value.goals[1]).toMatchObject({ state: 'active', revisionDate: '2027-02-01' });
    expect(result.value.evaluations).toEqual([expect.objectContaining({ goalId: 's1', assessment: 'partlyAchieved', decision: 'continue', gas: 1, evaluatedBy: 'u2' })]);
    expect(result.value.goals[1]!.history.at(-1)).toMatchObject({ by: 'u2', fields: ['evaluation', 'revisionDate'] });
  });

  it('sets the end state from the assessment when the goal is closed, and refuses a second evaluation', () => {
    const closed = applyEvaluation(planWithGoals(), { ...base, assessment: 'maintained', decision: 'close', newRevisionDate: '' }, evidence, 'u1', now);
    if (!closed.ok) throw new Error('close');
    expect(closed.value.goals[1]!.state).toBe('achieved');
    expect(applyEvaluation(closed.value, { ...base, id: 'e2', assessment: 'achieved', decision: 'close', newRevisionDate: '' }, evidence, 'u1', now).ok).toBe(false);
    const revised = applyEvaluation(planWithGoals(), { ...base, assessment: 'notAchieved', decision: 'revise', newRevisionDate: '' }, evidence, 'u1', now);
    // revidér keeps the goal active until the new version is saved from the wizard
    expect(revised.ok && revised.value.goals[1]!.state).toBe('active');
  });
});

describe('Goal Attainment Scaling', () => {
  it('computes the T-score with ρ = 0.3', () => {
    expect(gasTScore([{ x: 0 }, { x: 0 }])).toBe(50);
    // Two goals at +1: 50 + 10·2 / √(0.7·2 + 0.3·4) = 50 + 20/√2.6
    expect(gasTScore([{ x: 1 }, { x: 1 }])).toBeCloseTo(50 + 20 / Math.sqrt(2.6), 1);
    expect(gasTScore([{ x: -2 }])).toBeCloseTo(30, 5);
    expect(gasTScore([])).toBeUndefined();
  });

  it('uses each goal’s latest GAS score for the citizen', () => {
    const evidence = { periodFrom: now.toISOString(), periodTo: now.toISOString(), entries: 0, scored: 0, notes: 0, trend: 'insufficient' as const };
    const first = applyEvaluation(planWithGoals(), { id: 'e1', goalId: 's1', assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-01-01', gas: '-1' }, evidence, 'u1', now);
    if (!first.ok) throw new Error('1');
    const second = applyEvaluation(first.value, { id: 'e2', goalId: 's1', assessment: 'achieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-03-01', gas: '2' }, evidence, 'u1', new Date('2026-12-01T10:00:00Z'));
    if (!second.ok) throw new Error('2');
    expect(citizenGasTScore(second.value)).toBeCloseTo(70, 5);
  });

  it('finds each goal’s latest evaluation and latest GAS score in any order, the one written last on a tie', () => {
    const evidence = { periodFrom: now.toISOString(), periodTo: now.toISOString(), entries: 0, scored: 0, notes: 0, trend: 'insufficient' as const };
    const base = { evidence, whatWorked: '', decision: 'continue' as const, evaluatedBy: 'u1' };
    const evaluations = [
      { ...base, id: 'b', goalId: 'g1', assessment: 'achieved' as const, gas: 2, evaluatedAt: '2026-12-01T10:00:00.000Z' },
      { ...base, id: 'a', goalId: 'g1', assessment: 'notAchieved' as const, gas: -2, evaluatedAt: '2026-10-01T10:00:00.000Z' },
      // The latest of s1 has no GAS score: its GAS comes from the one before.
      { ...base, id: 'c', goalId: 's1', assessment: 'maintained' as const, gas: 1, evaluatedAt: '2026-10-01T10:00:00.000Z' },
      { ...base, id: 'd', goalId: 's1', assessment: 'partlyAchieved' as const, evaluatedAt: '2026-11-01T10:00:00.000Z' },
      { ...base, id: 'e', goalId: 's1', assessment: 'worsened' as const, evaluatedAt: '2026-11-01T10:00:00.000Z' },
    ];
    const plan = { ...planWithGoals(), evaluations };
    const index = evaluationIndex(plan);
    expect(index.latestOf('g1')?.id).toBe('b');
    expect(index.latestOf('s1')?.id).toBe('e');
    expect(index.latestOf('nothing')).toBeUndefined();
    expect(index.gasT).toBe(gasTScore([{ x: 2 }, { x: 1 }]));
    for (const goalId of ['g1', 's1']) expect(latestEvaluation(plan, goalId)).toBe(index.latestOf(goalId));
    expect(periodStart(plan.goals.find((g) => g.id === 's1')!, evaluations)).toBe('2026-11-01T10:00:00.000Z');
  });
});

describe('goal life cycle', () => {
  it('only moves on from aktiv', () => {
    expect(canTransition('active', 'achieved')).toBe(true);
    expect(canTransition('achieved', 'active')).toBe(false);
    expect(canTransition('closed', 'revised')).toBe(false);
  });

  it('closes the active sub-goals when a goal is closed', () => {
    const result = transitionGoal(planWithGoals(), 'g1', 'closed', 'u1', now);
    expect(result.ok && result.value.goals.map((g) => g.state)).toEqual(['closed', 'closed']);
  });

  it('keeps a history of which fields an edit changed and their old values', () => {
    const result = editGoal(planWithGoals(), 's1', { text: 'AB skræller selv fem kartofler', indicator: 'antal kartofler' }, 'u2', now);
    if (!result.ok) throw new Error('edit');
    expect(result.value.goals[1]!.history.at(-1)).toMatchObject({ by: 'u2', fields: ['text', 'indicator'], previous: { text: 'AB skræller selv kartofler', indicator: undefined } });
  });
});

describe('the wizard draft', () => {
  const plan = planWithGoals();
  const members = ['u1', 'u2'];
  const good = { ...EMPTY_DRAFT, themeId: 'th2', goalText: 'AB støvsuger selv sin stue hver lørdag', indicator: 'lørdage med støvsugning', participation: 'AB valgte selv målet', ownerId: 'u1', endDate: '2027-06-01', revisionDate: '2027-03-01' };

  it('lets SMORTE advice through but blocks on the T errors', () => {
    expect(validateStep('text', plan, { ...good, goalText: 'AB skal have det bedre' }, false, members, now)).toEqual({});
    expect(firstBlockingStep(plan, { ...good, endDate: '' }, false, members, now)?.step).toBe('time');
    expect(firstBlockingStep(plan, { ...good, revisionDate: '2027-07-01' }, false, members, now)?.errors).toHaveProperty('revisionDate');
    expect(firstBlockingStep(plan, good, false, members, now)).toBeUndefined();
  });

  it('refuses a goal text over 1000 characters and a missing participation description', () => {
    expect(validateStep('text', plan, { ...good, goalText: 'a'.repeat(1001) }, false, members, now)).toHaveProperty('goalText');
    expect(validateStep('participation', plan, { ...good, participation: ' ' }, false, members, now)).toHaveProperty('participation');
  });

  it('turns the draft into a goal with its SMORTE codes and lists', () => {
    const input = draftToGoalInput(plan, { ...good, interventions: 'guidning, piktogrammer', externalActors: 'Familie,Værge', externalOther: 'Nabo' }, false, now);
    expect(input).toMatchObject({ purposeLinked: true, interventions: ['guidning', 'piktogrammer'], externalActors: ['Familie', 'Værge', 'Nabo'], endDate: '2027-06-01' });
    expect(smorteBadges(input.smorteCodes).every((b) => b.ok)).toBe(true);
    expect(checkDraft(plan, { ...good, goalText: 'AB skal ikke råbe' }, now).map((f) => f.letter)).toContain('O');
  });
});
