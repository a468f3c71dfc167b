/**
 * The conflict test for concurrent changes to one goal (pure): which changes commute, which
 * touch the same field of the same goal, and how a wizard draft is rebased onto a newer goal.
 */
import { describe, expect, it } from 'vitest';
import { applyEvaluation } from '../../src/domain/evaluation.js';
import { changesSince, editGoal, EVALUATION_TOUCHES, findGoalConflict, stampAfter, transitionGoal } from '../../src/domain/goal-lifecycle.js';
import { changedGoalFields, draftFieldsFor, firstStepFor, goalToDraftFields, rebaseDraft } from '../../src/domain/goal-wizard.js';
import type { Evidence, Goal, Plan } from '../../src/domain/model.js';
import { addGoal, createPlan, findGoal } from '../../src/domain/plan.js';

const t0 = new Date('2026-11-22T10:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const evidence: Evidence = { periodFrom: t0.toISOString(), periodTo: t0.toISOString(), entries: 0, scored: 0, notes: 0, trend: 'insufficient' };

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function plan(): Plan {
  let p = ok(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, t0));
  p = ok(addGoal(p, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad to gange om ugen', ownerId: 'u1', revisionDate: '2027-02-01', endDate: '2027-06-30', indicator: 'gange om ugen' }, 'u1', t0));
  p = ok(addGoal(p, { id: 'g2', themeId: 'th2', text: 'AB går selv en tur hver dag', ownerId: 'u1', revisionDate: '2027-02-01', endDate: '2027-06-30' }, 'u1', t0));
  return ok(addGoal(p, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB skræller selv kartofler', ownerId: 'u1', revisionDate: '2027-01-15' }, 'u1', t0));
}

function goal(p: Plan, id: string): Goal {
  const g = findGoal(p, id);
  if (!g) throw new Error(id);
  return g;
}

function evaluate(p: Plan, goalId: string, decision: 'continue' | 'close' | 'revise', by = 'u2', at = later(1000)): Plan {
  return ok(applyEvaluation(p, { id: `e-${goalId}-${at.getTime()}`, goalId, assessment: 'partlyAchieved', whatWorked: '', decision, newRevisionDate: '2027-03-01', gas: '' }, evidence, by, at));
}

describe('stamps on a goal', () => {
  it('always come after the goal’s last change, even in the same millisecond or from a clock behind', () => {
    const g = goal(plan(), 'g1');
    expect(stampAfter(g, later(5))).toBe(later(5).toISOString());
    expect(stampAfter(g, t0)).toBe(later(1).toISOString());
    expect(stampAfter(g, new Date(t0.getTime() - 60_000))).toBe(later(1).toISOString());
  });

  it('make the history of a goal strictly increasing through edits, evaluations and transitions at one instant', () => {
    let p = plan();
    p = ok(editGoal(p, 'g1', { text: 'AB laver selv mad tre gange om ugen' }, 'u2', t0));
    p = evaluate(p, 'g1', 'continue', 'u3', t0);
    p = ok(transitionGoal(p, 'g1', 'closed', 'u1', t0));
    const times = goal(p, 'g1').history.map((c) => Date.parse(c.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
    expect(goal(p, 'g1').updatedAt).toBe(goal(p, 'g1').history.at(-1)!.at);
    // The sub-goal closed with its goal is stamped after its own last change.
    expect(goal(p, 's1').history.at(-1)).toMatchObject({ fields: ['state'], toState: 'closed' });
  });
});

describe('findGoalConflict', () => {
  it('finds no conflict when nothing happened to the goal since the card was drawn', () => {
    const p = plan();
    expect(findGoalConflict(p, 'g1', goal(p, 'g1').updatedAt, EVALUATION_TOUCHES, { requireActive: true })).toBeUndefined();
    expect(changesSince(goal(p, 'g1'), goal(p, 'g1').updatedAt)).toEqual([]);
  });

  it('lets changes commute: another goal evaluated, a sub-goal added, another field of the same goal edited', () => {
    const p = plan();
    const base = goal(p, 'g1').updatedAt;
    let q = evaluate(p, 'g2', 'continue');
    q = ok(addGoal(q, { id: 's2', parentId: 'g1', themeId: 'th1', text: 'AB skærer selv løg', ownerId: 'u1', revisionDate: '2027-01-15' }, 'u3', later(2000)));
    q = ok(editGoal(q, 'g1', { text: 'AB laver selv mad tre gange om ugen', smorteCodes: ['O.avoidance'] }, 'u3', later(3000)));
    // An evaluation touches evaluation/state/revisionDate: a text edit is another field.
    expect(findGoalConflict(q, 'g1', base, EVALUATION_TOUCHES, { requireActive: true })).toBeUndefined();
    // An edit of the indicator does not meet an edit of the text (nor the SMORTE codes it derived).
    expect(findGoalConflict(q, 'g1', base, ['indicator', 'smorteCodes'], { requireActive: true })).toBeUndefined();
  });

  it('finds two evaluations of the same goal', () => {
    const p = plan();
    const base = goal(p, 'g1').updatedAt;
    const q = evaluate(p, 'g1', 'continue', 'u2');
    const conflict = findGoalConflict(q, 'g1', base, EVALUATION_TOUCHES, { requireActive: true });
    expect(conflict).toMatchObject({ kind: 'fields', goalId: 'g1', fields: ['evaluation', 'revisionDate'] });
    expect(conflict?.kind === 'fields' && conflict.changes.map((c) => c.by)).toEqual(['u2']);
    // A revidér decision (goal still active) is an evaluation too.
    expect(findGoalConflict(evaluate(p, 'g1', 'revise'), 'g1', base, EVALUATION_TOUCHES, { requireActive: true })).toMatchObject({ kind: 'fields', fields: ['evaluation'] });
  });

  it('finds an evaluation meeting an edit of the revisionsdato, and two edits of the same field', () => {
    const p = plan();
    const base = goal(p, 'g1').updatedAt;
    const q = ok(editGoal(p, 'g1', { revisionDate: '2027-01-20', text: 'AB laver selv mad tre gange om ugen' }, 'u3', later(1000)));
    expect(findGoalConflict(q, 'g1', base, EVALUATION_TOUCHES, { requireActive: true })).toMatchObject({ kind: 'fields', fields: ['revisionDate'] });
    expect(findGoalConflict(q, 'g1', base, ['text', 'ownerId'], { requireActive: true })).toMatchObject({ kind: 'fields', fields: ['text'] });
    // An evaluation that moved the revisionsdato meets an edit of it.
    expect(findGoalConflict(evaluate(p, 'g1', 'continue'), 'g1', base, ['revisionDate'], { requireActive: true })).toMatchObject({ kind: 'fields', fields: ['revisionDate'] });
  });

  it('only counts changes newer than the base: a card drawn after a change does not conflict with it', () => {
    const p = evaluate(plan(), 'g1', 'continue');
    expect(findGoalConflict(p, 'g1', goal(p, 'g1').updatedAt, EVALUATION_TOUCHES, { requireActive: true })).toBeUndefined();
  });

  it('finds a goal that was ended meanwhile, for a change that needs it active or would end it itself', () => {
    const p = plan();
    const base = goal(p, 'g1').updatedAt;
    const closed = evaluate(p, 'g1', 'close');
    expect(findGoalConflict(closed, 'g1', base, EVALUATION_TOUCHES, { requireActive: true })).toMatchObject({ kind: 'ended', state: 'partlyAchieved' });
    expect(findGoalConflict(closed, 'g1', base, ['text'], { requireActive: true })).toMatchObject({ kind: 'ended' });
    // Revising touches the state: a goal closed meanwhile is a conflict, until the draft is rebased on it.
    expect(findGoalConflict(closed, 'g1', base, ['text', 'state'])).toMatchObject({ kind: 'ended' });
    expect(findGoalConflict(closed, 'g1', goal(closed, 'g1').updatedAt, ['text', 'state'])).toBeUndefined();
    // The sub-goal closed with its goal.
    const s1 = findGoalConflict(closed, 's1', goal(p, 's1').updatedAt, EVALUATION_TOUCHES, { requireActive: true });
    expect(s1).toMatchObject({ kind: 'ended', state: 'closed' });
    expect(s1?.kind === 'ended' && s1.changes.map((c) => c.toState)).toEqual(['closed']);
  });

  it('answers missing for a goal that is not in the plan', () => {
    expect(findGoalConflict(plan(), 'nope', t0.toISOString(), ['text'])).toEqual({ kind: 'missing', goalId: 'nope' });
  });

  it('treats an unknown base as "everything is newer"', () => {
    const p = evaluate(plan(), 'g1', 'continue');
    expect(findGoalConflict(p, 'g1', '', EVALUATION_TOUCHES)).toMatchObject({ kind: 'fields' });
  });
});

describe('a wizard draft of an existing goal', () => {
  const p = plan();
  const base = goalToDraftFields(goal(p, 'g1'));

  it('knows which goal fields the user changed, normalised as they are saved', () => {
    expect(changedGoalFields(base, base)).toEqual([]);
    expect(changedGoalFields(base, { ...base, goalText: `  ${base.goalText} ` })).toEqual([]);
    expect(changedGoalFields(base, { ...base, goalText: 'AB laver selv mad hver dag', revisionDate: '2027-01-20' })).toEqual(['text', 'revisionDate']);
    expect(changedGoalFields(base, { ...base, externalOther: 'Diætist' })).toEqual(['externalActors']);
  });

  it('maps goal fields to the wizard’s fields and steps', () => {
    expect(draftFieldsFor(['text', 'externalActors'])).toEqual(['goalText', 'externalActors', 'externalOther']);
    expect(firstStepFor(['revisionDate', 'text'])).toBe('text');
    expect(firstStepFor(['ownerId'])).toBe('time');
    expect(firstStepFor(['evaluation'])).toBeUndefined();
  });

  it('rebases the user’s changes onto the goal as it is now, keeping the other person’s change of another field', () => {
    const mine = { ...base, goalText: 'AB laver selv mad hver dag' };
    const theirs = ok(editGoal(p, 'g1', { indicator: 'dage om ugen', revisionDate: '2027-01-20' }, 'u3', later(1000)));
    const rebased = rebaseDraft(base, mine, goalToDraftFields(goal(theirs, 'g1')));
    expect(rebased).toMatchObject({ goalText: 'AB laver selv mad hver dag', indicator: 'dage om ugen', revisionDate: '2027-01-20' });
    // Measured against the rebased base, the user's change is still theirs to save.
    expect(changedGoalFields(goalToDraftFields(goal(theirs, 'g1')), rebased)).toEqual(['text']);
  });
});
