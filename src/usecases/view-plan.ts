/** The plan card's data: the plan with each sub-goal's latest score and trend. */
import type { DiaryEntry, Institution, Plan, SubGoalDiaryEntry } from '../domain/model.js';
import { summarizeScores, type ScoreSummary } from '../domain/scores.js';
import type { Versioned } from '../store/repositories.js';
import type { Call } from './context.js';
import { loadPlan } from './plan-access.js';

export interface PlanView {
  institution: Institution;
  plan: Versioned<Plan>;
  scores: Record<string, ScoreSummary>;
  residentEntries: number;
  latestEntries: DiaryEntry[];
}

/** How far back the plan card looks for the latest scores and their trend. */
const WINDOW_DAYS = 120;

export async function viewPlan(call: Call, teamId: string, citizenId: string): Promise<PlanView> {
  const { institution, plan } = await loadPlan(call, teamId, citizenId, 'plan.read');
  const since = new Date(call.now.getTime() - WINDOW_DAYS * 86_400_000).toISOString();
  const entries = await call.deps.repos.diary.list({ tenantId: call.actor.tenantId, teamId, citizenId, since });
  const byGoal = new Map<string, SubGoalDiaryEntry[]>();
  let residentEntries = 0;
  for (const entry of entries) {
    if (entry.kind === 'resident') {
      residentEntries++;
      continue;
    }
    const list = byGoal.get(entry.goalId) ?? [];
    list.push(entry);
    byGoal.set(entry.goalId, list);
  }
  const scores: Record<string, ScoreSummary> = {};
  for (const goal of plan.value.goals) scores[goal.id] = summarizeScores(byGoal.get(goal.id) ?? []);
  return { institution: institution.value, plan, scores, residentEntries, latestEntries: entries.slice(-5).reverse() };
}
