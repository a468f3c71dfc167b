/**
 * The plan card's data: the plan with each delmål's latest score and trend in its current
 * period, from the citizen's diary summary. Three point reads (tilbud, plan, summary) however
 * long the plan has run.
 */
import { planCardRequests, planCardScores } from '../domain/diary-summary.js';
import type { DiarySummary, Institution, Plan } from '../domain/model.js';
import type { ScoreSummary } from '../domain/scores.js';
import type { Versioned } from '../store/repositories.js';
import type { Call } from './context.js';
import { currentSummary } from './diary-summary.js';
import { loadPlan } from './plan-access.js';

export interface PlanView {
  institution: Institution;
  plan: Versioned<Plan>;
  scores: Record<string, ScoreSummary>;
  /** Beboerdagbog entries in all, and when the latest was written. */
  resident: DiarySummary['resident'];
}

export async function viewPlan(call: Call, teamId: string, citizenId: string): Promise<PlanView> {
  const [{ institution, plan }, stored] = await Promise.all([
    loadPlan(call, teamId, citizenId, 'plan.read'),
    call.deps.repos.summaries.get(call.actor.tenantId, teamId, citizenId),
  ]);
  const summary = await currentSummary(call, plan.value, stored, planCardRequests(plan.value));
  return { institution: institution.value, plan, scores: planCardScores(summary, plan.value), resident: summary.resident };
}
