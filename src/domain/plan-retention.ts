/**
 * Keeping the plan document bounded (pure). A plan is read on every card, so it holds what the
 * work of now needs: the active goals, the goals that ended recently, the latest evaluations
 * of each goal, the latest changes of each goal and the latest formål versions. Everything
 * older moves, unchanged, to the citizen's archive (one document per citizen and year), so a
 * plan with ten years of use stays about as large as one with one year, and nothing is lost.
 */
import type { Evaluation, Goal, GoalChange, Plan, PlanArchive, PurposeRevision } from './model.js';

export const RETENTION = {
  /** Ended goals (opnået, ikke opnået, revideret, afsluttet …) kept in the plan at most … */
  endedGoals: 10,
  /** … and only while they ended within this many days. */
  endedGoalDays: 365,
  /** Evaluations kept in the plan per goal (the newest). */
  evaluationsPerGoal: 3,
  /** Changes kept in a goal's history in the plan (the newest). */
  historyPerGoal: 20,
  /** Earlier formål versions kept in the plan (the newest). */
  purposeRevisions: 5,
} as const;

const DAY_MS = 86_400_000;

/** What leaves the plan: whole goals with their evaluations, older evaluations and changes, formål versions. */
export interface ArchivedItems {
  goals: Goal[];
  evaluations: Evaluation[];
  goalHistory: Array<{ goalId: string; change: GoalChange }>;
  purposeRevisions: PurposeRevision[];
}

export function isEmptyArchive(items: ArchivedItems): boolean {
  return items.goals.length + items.evaluations.length + items.goalHistory.length + items.purposeRevisions.length === 0;
}

/** When an ended goal ended: its last change. */
function endedAt(goal: Goal): string {
  return goal.updatedAt;
}

/**
 * Splits the plan into what stays and what moves to the archive. A goal leaves together with
 * its delmål (which have ended too: closing or revising a goal closes or moves its delmål).
 */
export function retainPlan(plan: Plan, now: Date): { plan: Plan; archived: ArchivedItems } {
  const archived: ArchivedItems = { goals: [], evaluations: [], goalHistory: [], purposeRevisions: [] };
  const cutoff = new Date(now.getTime() - RETENTION.endedGoalDays * DAY_MS).toISOString();

  // Ended top-level goals (and ended delmål of active goals), newest first; keep the first few recent ones.
  const ended = plan.goals.filter((g) => g.state !== 'active').sort((a, b) => endedAt(b).localeCompare(endedAt(a)));
  const leaving = new Set<string>();
  let kept = 0;
  for (const goal of ended) {
    const parent = goal.parentId ? plan.goals.find((g) => g.id === goal.parentId) : undefined;
    // A delmål of a goal that ended goes with its goal.
    if (parent && parent.state !== 'active') continue;
    if (kept < RETENTION.endedGoals && endedAt(goal) >= cutoff) {
      kept++;
      continue;
    }
    leaving.add(goal.id);
    for (const sub of plan.goals) if (sub.parentId === goal.id && sub.state !== 'active') leaving.add(sub.id);
  }
  // An active delmål under a leaving goal cannot exist (the life cycle closes or moves them); keep it safe anyway.
  for (const goal of plan.goals) if (goal.state === 'active') leaving.delete(goal.id);

  const goals: Goal[] = [];
  for (const goal of plan.goals) {
    if (leaving.has(goal.id)) {
      archived.goals.push(goal);
      continue;
    }
    if (goal.history.length > RETENTION.historyPerGoal) {
      const cut = goal.history.length - RETENTION.historyPerGoal;
      for (const change of goal.history.slice(0, cut)) archived.goalHistory.push({ goalId: goal.id, change });
      goals.push({ ...goal, history: goal.history.slice(cut) });
    } else {
      goals.push(goal);
    }
  }

  const byGoal = new Map<string, Evaluation[]>();
  for (const evaluation of plan.evaluations) {
    const list = byGoal.get(evaluation.goalId) ?? [];
    list.push(evaluation);
    byGoal.set(evaluation.goalId, list);
  }
  const evaluations: Evaluation[] = [];
  for (const [goalId, list] of byGoal) {
    const sorted = [...list].sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt));
    const stays = leaving.has(goalId) || !plan.goals.some((g) => g.id === goalId) ? [] : sorted.slice(-RETENTION.evaluationsPerGoal);
    for (const e of sorted) (stays.includes(e) ? evaluations : archived.evaluations).push(e);
  }
  evaluations.sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt));

  let purpose = plan.purpose;
  if (purpose && purpose.revisions.length > RETENTION.purposeRevisions) {
    const cut = purpose.revisions.length - RETENTION.purposeRevisions;
    archived.purposeRevisions.push(...purpose.revisions.slice(0, cut));
    purpose = { ...purpose, revisions: purpose.revisions.slice(cut) };
  }

  if (isEmptyArchive(archived)) return { plan, archived };
  return { plan: { ...plan, goals, evaluations, ...(purpose ? { purpose } : {}) }, archived };
}

/** Adds archived items to the year's archive; adding the same items again changes nothing. */
export function mergeIntoArchive(archive: PlanArchive, items: ArchivedItems, at: string): PlanArchive {
  const goals = new Map(archive.goals.map((g) => [g.id, g]));
  for (const goal of items.goals) goals.set(goal.id, goal);
  const evaluations = new Map(archive.evaluations.map((e) => [e.id, e]));
  for (const evaluation of items.evaluations) evaluations.set(evaluation.id, evaluation);
  const changeKey = (h: { goalId: string; change: GoalChange }): string => `${h.goalId}|${h.change.at}|${h.change.fields.join(',')}`;
  const history = new Map(archive.goalHistory.map((h) => [changeKey(h), h]));
  for (const h of items.goalHistory) history.set(changeKey(h), h);
  const purposeKey = (p: PurposeRevision): string => `${p.recordedAt}|${p.receivedOn}`;
  const purposes = new Map(archive.purposeRevisions.map((p) => [purposeKey(p), p]));
  for (const p of items.purposeRevisions) purposes.set(purposeKey(p), p);
  return {
    ...archive,
    goals: [...goals.values()],
    evaluations: [...evaluations.values()],
    goalHistory: [...history.values()],
    purposeRevisions: [...purposes.values()],
    updatedAt: at,
  };
}
