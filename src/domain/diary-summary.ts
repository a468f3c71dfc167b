/**
 * The citizen's diary summary (pure): running figures per goal, kept up to date as entries
 * arrive, so the plan card and the evaluation never read the diary history.
 *
 * Each goal that takes entries (a delmål) keeps two accumulators:
 * - `own`: its own evaluation period (since its latest evaluation, else its creation);
 * - `parent`: its share of its goal's period, so the goal's evidence is the sum of its
 *   delmål's shares.
 * An accumulator is tied to the period start it was made for. When the period moves (an
 * evaluation, a revision that moves the delmål under a new goal) the stored one no longer
 * matches and is rebuilt from the entries since the new start: few, because the period has
 * only just begun.
 */
import { periodStart } from './evaluation.js';
import type { DiaryEntry, DiarySummary, Goal, GoalStats, Plan, SubGoalDiaryEntry } from './model.js';
import { findGoal } from './plan.js';
import { addToStats, emptyStats, mergeStats, summarizeStats, type ScoreStats, type ScoreSummary } from './scores.js';

/** How many entry ids the summary remembers against repeated deliveries. */
const RECENT_ENTRY_IDS = 50;

export type StatsSlot = 'own' | 'parent';

/** An accumulator the summary lacks or holds for an old period: rebuild it from the entries since `from`. */
export interface StatsNeed {
  goalId: string;
  slot: StatsSlot;
  from: string;
}

export function emptySummary(plan: Pick<Plan, 'tenantId' | 'teamId' | 'id'>, at: string): DiarySummary {
  return { tenantId: plan.tenantId, teamId: plan.teamId, citizenId: plan.id, goals: {}, resident: { entries: 0 }, recentEntryIds: [], updatedAt: at };
}

/** The period starts the goal's accumulators must have now. */
function expectedPeriods(plan: Plan, goal: Goal): { own: string; parent?: { id: string; from: string } } {
  const parent = goal.parentId ? findGoal(plan, goal.parentId) : undefined;
  return {
    own: periodStart(goal, plan.evaluations),
    ...(parent ? { parent: { id: parent.id, from: periodStart(parent, plan.evaluations) } } : {}),
  };
}

/** An accumulator a card needs: a goal's own period, or a delmål's share of its goal's period. */
export interface StatsRequest {
  goalId: string;
  slot: StatsSlot;
}

/** The accumulators of these requests that are missing or belong to an old period. */
export function staleStats(summary: DiarySummary | undefined, plan: Plan, requests: Iterable<StatsRequest>): StatsNeed[] {
  const needs: StatsNeed[] = [];
  const seen = new Set<string>();
  for (const { goalId, slot } of requests) {
    const key = `${goalId}|${slot}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const goal = findGoal(plan, goalId);
    if (!goal) continue;
    const expected = expectedPeriods(plan, goal);
    const stored = summary?.goals[goalId];
    if (slot === 'own') {
      if (!stored || stored.own.from !== expected.own) needs.push({ goalId, slot, from: expected.own });
    } else if (expected.parent && (!stored?.parent || stored.parentId !== expected.parent.id || stored.parent.from !== expected.parent.from)) {
      needs.push({ goalId, slot, from: expected.parent.from });
    }
  }
  return needs;
}

/** What counting an entry on this delmål needs: its own period and its share of its goal's. */
export function entryRequests(plan: Plan, goalId: string): StatsRequest[] {
  const goal = findGoal(plan, goalId);
  return goal?.parentId ? [{ goalId, slot: 'own' }, { goalId, slot: 'parent' }] : [{ goalId, slot: 'own' }];
}

/**
 * What a goal's evaluation reads: a delmål its own period; a goal its delmål's shares of its
 * period (entries are kept per delmål).
 */
export function evidenceRequests(plan: Plan, goalId: string): StatsRequest[] {
  const goal = findGoal(plan, goalId);
  if (!goal) return [];
  if (goal.parentId) return [{ goalId, slot: 'own' }];
  return plan.goals.filter((g) => g.parentId === goalId).map((g) => ({ goalId: g.id, slot: 'parent' as const }));
}

/** What the plan card reads: each delmål's own period. */
export function planCardRequests(plan: Plan): StatsRequest[] {
  return plan.goals.filter((g) => g.parentId).map((g) => ({ goalId: g.id, slot: 'own' as const }));
}

/** An accumulator built from the goal's entries since `from`. */
export function statsFromEntries(from: string, entries: readonly SubGoalDiaryEntry[]): ScoreStats {
  return entries.reduce(addToStats, emptyStats(from));
}

/**
 * Puts rebuilt accumulators into the summary. `rebuilt` holds, for each need, the accumulator
 * and the ids of the entries it counted (remembered, so a concurrent writer of one of them
 * does not count it again).
 */
export function withRebuiltStats(summary: DiarySummary, plan: Plan, rebuilt: ReadonlyArray<{ need: StatsNeed; stats: ScoreStats; entryIds: readonly string[] }>): DiarySummary {
  if (rebuilt.length === 0) return summary;
  const goals = { ...summary.goals };
  const ids: string[] = [];
  for (const { need, stats, entryIds } of rebuilt) {
    const goal = findGoal(plan, need.goalId);
    if (!goal) continue;
    const expected = expectedPeriods(plan, goal);
    // A placeholder own period ('' never matches a period start) is rebuilt when it is asked for.
    const current: GoalStats = goals[need.goalId] ?? { own: emptyStats('') };
    goals[need.goalId] =
      need.slot === 'own'
        ? { ...current, own: stats }
        : { ...current, ...(expected.parent ? { parentId: expected.parent.id } : {}), parent: stats };
    ids.push(...entryIds);
  }
  return { ...summary, goals, recentEntryIds: remember(summary.recentEntryIds, ids) };
}

function remember(list: readonly string[], ids: readonly string[]): string[] {
  const fresh = ids.filter((id) => !list.includes(id));
  return [...list, ...fresh].slice(-RECENT_ENTRY_IDS);
}

export function hasCounted(summary: DiarySummary, entryId: string): boolean {
  return summary.recentEntryIds.includes(entryId);
}

/**
 * Counts one entry. The summary must hold current accumulators for the entry's goal
 * (`staleStats` is empty for it); goals that left the plan are dropped, so the summary stays
 * as small as the plan.
 */
export function addEntryToSummary(summary: DiarySummary, plan: Plan, entry: DiaryEntry, at: string): DiarySummary {
  if (hasCounted(summary, entry.id)) return summary;
  const goals: Record<string, GoalStats> = {};
  for (const [goalId, stats] of Object.entries(summary.goals)) if (findGoal(plan, goalId)) goals[goalId] = stats;
  let resident = summary.resident;
  if (entry.kind === 'resident') {
    resident = { entries: resident.entries + 1, latestAt: !resident.latestAt || entry.occurredAt > resident.latestAt ? entry.occurredAt : resident.latestAt };
  } else {
    const goal = findGoal(plan, entry.goalId);
    const current = goals[entry.goalId];
    if (goal && current) {
      goals[entry.goalId] = {
        ...current,
        own: addToStats(current.own, entry),
        ...(current.parent ? { parent: addToStats(current.parent, entry) } : {}),
      };
    }
  }
  return { ...summary, goals, resident, recentEntryIds: remember(summary.recentEntryIds, [entry.id]), updatedAt: at };
}

/** The accumulator for a goal's evaluation (see `evidenceRequests`). */
export function goalPeriodStats(summary: DiarySummary, plan: Plan, goalId: string): ScoreStats | undefined {
  const goal = findGoal(plan, goalId);
  if (!goal) return undefined;
  const from = periodStart(goal, plan.evaluations);
  const parts: ScoreStats[] = [];
  if (goal.parentId) {
    const own = summary.goals[goalId]?.own;
    if (own && own.from === from) parts.push(own);
  } else {
    for (const sub of plan.goals) {
      if (sub.parentId !== goalId) continue;
      const share = summary.goals[sub.id];
      if (share?.parent && share.parentId === goalId && share.parent.from === from) parts.push(share.parent);
    }
  }
  return mergeStats(from, parts);
}

/** The plan card's figures per delmål: its own period. */
export function planCardScores(summary: DiarySummary, plan: Plan): Record<string, ScoreSummary> {
  const scores: Record<string, ScoreSummary> = {};
  for (const { goalId } of planCardRequests(plan)) {
    const goal = findGoal(plan, goalId)!;
    const own = summary.goals[goalId]?.own;
    if (own && own.from === periodStart(goal, plan.evaluations)) scores[goalId] = summarizeStats(own);
  }
  return scores;
}
