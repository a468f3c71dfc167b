/**
 * Evaluating a goal or sub-goal: the goals to evaluate (revisionsdato reached first), the
 * evidence computed from the diaries for the period, and saving the evaluation with its
 * decision into the plan. Evaluations of different goals, and changes of other fields of the
 * same goal, all land; two people evaluating the same goal (or one evaluating a goal whose
 * revisionsdato or state someone else just changed): the second gets a GoalConflictError with
 * the goal as it is now, never an overwrite.
 */
import { evidenceRequests, goalPeriodStats } from '../domain/diary-summary.js';
import { applyEvaluation, citizenGasTScore, evidenceFromStats, validateEvaluation, type EvaluationInput } from '../domain/evaluation.js';
import { EVALUATION_TOUCHES, findGoalConflict } from '../domain/goal-lifecycle.js';
import type { DiarySummary, Evidence, Goal, Institution, Plan } from '../domain/model.js';
import { findGoal, todayInZone } from '../domain/plan.js';
import type { Versioned } from '../store/repositories.js';
import { deriveId, type Call } from './context.js';
import { currentSummary } from './diary-summary.js';
import { GoalConflictError, InputError, NotFoundError, RefusedError } from './errors.js';
import { loadPlan, updatePlan, type LoadedPlan } from './plan-access.js';

export interface EvaluationCandidates {
  plan: Plan;
  institution: Institution;
  due: Goal[];
  later: Goal[];
}

/** Active goals and sub-goals: those whose revisionsdato has come first, then by date. */
export async function listEvaluationCandidates(call: Call, teamId: string, citizenId: string): Promise<EvaluationCandidates> {
  const { plan, institution } = await loadPlan(call, teamId, citizenId, 'evaluation.list');
  const today = todayInZone(call.now);
  const active = plan.value.goals.filter((g) => g.state === 'active').sort((a, b) => a.revisionDate.localeCompare(b.revisionDate));
  return { plan: plan.value, institution: institution.value, due: active.filter((g) => g.revisionDate <= today), later: active.filter((g) => g.revisionDate > today) };
}

export interface EvaluationContext {
  plan: Plan;
  institution: Institution;
  goal: Goal;
  evidence: Evidence;
  gasT?: number;
}

/** The plan and the diary summary, read at once (the summary is used only once access is granted). */
async function loadWithSummary(call: Call, teamId: string, citizenId: string, action: string) {
  const [loaded, summary] = await Promise.all([loadPlan(call, teamId, citizenId, action), call.deps.repos.summaries.get(call.actor.tenantId, teamId, citizenId)]);
  return { loaded, summary };
}

export async function openEvaluation(call: Call, teamId: string, citizenId: string, goalId: string): Promise<EvaluationContext> {
  const { loaded, summary } = await loadWithSummary(call, teamId, citizenId, 'evaluation.open');
  const { plan, institution } = loaded;
  const goal = findGoal(plan.value, goalId);
  if (!goal) throw new NotFoundError('goal');
  if (goal.state !== 'active') {
    throw new RefusedError({ da: 'Målet er ikke aktivt længere og kan ikke evalueres igen.', en: 'The goal is no longer active and cannot be evaluated again.' });
  }
  const evidence = await gatherEvidence(call, loaded, summary, goal);
  const gasT = citizenGasTScore(plan.value);
  return { plan: plan.value, institution: institution.value, goal, evidence, ...(gasT !== undefined ? { gasT } : {}) };
}

/** The evidence for the goal's current period, from the diary summary (no diary history is read). */
async function gatherEvidence(call: Call, loaded: LoadedPlan, stored: Versioned<DiarySummary> | undefined, goal: Goal): Promise<Evidence> {
  const plan = loaded.plan.value;
  const summary = await currentSummary(call, plan, stored, evidenceRequests(plan, goal.id));
  return evidenceFromStats(goalPeriodStats(summary, plan, goal.id)!, call.now);
}

export interface SaveEvaluationInput extends Omit<EvaluationInput, 'id'> {
  teamId: string;
  citizenId: string;
  /** The goal's updatedAt when the card was drawn. */
  baseUpdatedAt: string;
  submissionId: string;
}

export async function saveEvaluation(call: Call, input: SaveEvaluationInput): Promise<Versioned<Plan>> {
  const evaluation: EvaluationInput = {
    id: deriveId(input.citizenId, 'evaluation', input.submissionId),
    goalId: input.goalId,
    assessment: input.assessment,
    whatWorked: input.whatWorked,
    decision: input.decision,
    newRevisionDate: input.newRevisionDate,
    gas: input.gas,
  };
  // The input first: a conflict answer echoes it back, so it must be clean (no CPR number).
  const errors = validateEvaluation(evaluation, call.now);
  if (Object.keys(errors).length > 0) throw new InputError(errors);
  const { loaded, summary } = await loadWithSummary(call, input.teamId, input.citizenId, 'evaluation.save');
  const goal = findGoal(loaded.plan.value, input.goalId);
  if (!goal) throw new NotFoundError('goal');
  const evidence = await gatherEvidence(call, loaded, summary, goal);
  const { plan } = await updatePlan(call, loaded, input.submissionId, (current) => {
    const conflict = findGoalConflict(current, input.goalId, input.baseUpdatedAt, EVALUATION_TOUCHES, { requireActive: true });
    if (conflict) throw new GoalConflictError(conflict, current);
    return applyEvaluation(current, evaluation, evidence, call.actor.aadObjectId, call.now);
  });
  return plan;
}
