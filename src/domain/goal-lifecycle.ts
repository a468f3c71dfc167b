/**
 * The goal life cycle: aktiv → opnået / delvist opnået / ikke opnået / revideret / afsluttet.
 * End states are final: a goal that goes on after a revision is a new goal (revisionOf).
 * Edits keep a history of who changed which fields when, with the previous values in the
 * plan (never in logs).
 */
import type { Goal, GoalState, Plan } from './model.js';
import { findGoal, isoNow, subGoalsOf, type GoalInput, type Outcome } from './plan.js';

const TRANSITIONS: Record<GoalState, readonly GoalState[]> = {
  active: ['achieved', 'partlyAchieved', 'notAchieved', 'revised', 'closed'],
  achieved: [],
  partlyAchieved: [],
  notAchieved: [],
  revised: [],
  closed: [],
};

export function canTransition(from: GoalState, to: GoalState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOpen(goal: Goal): boolean {
  return goal.state === 'active';
}

/** Fields an edit may change. */
export type GoalEdit = Partial<
  Pick<Goal, 'text' | 'indicator' | 'ownerId' | 'revisionDate' | 'endDate' | 'kind' | 'participationMode' | 'participation' | 'interventions' | 'externalActors' | 'themeId' | 'purposeLinked' | 'smorteCodes'>
>;

const EDITABLE: ReadonlyArray<keyof GoalEdit> = [
  'text',
  'indicator',
  'ownerId',
  'revisionDate',
  'endDate',
  'kind',
  'participationMode',
  'participation',
  'interventions',
  'externalActors',
  'themeId',
  'purposeLinked',
  'smorteCodes',
];

/** Applies an edit to an active goal, recording which fields changed and their old values. */
export function editGoal(plan: Plan, goalId: string, edit: GoalEdit, actorId: string, now: Date): Outcome<Plan> {
  const goal = findGoal(plan, goalId);
  if (!goal || !isOpen(goal)) {
    return { ok: false, errors: { goalId: { da: 'Målet er ikke aktivt og kan ikke ændres.', en: 'The goal is not active and cannot be changed.' } } };
  }
  const changed: string[] = [];
  const previous: Record<string, unknown> = {};
  const next: Goal = { ...goal };
  for (const key of EDITABLE) {
    if (!(key in edit)) continue;
    const value = edit[key];
    if (JSON.stringify(value) === JSON.stringify(goal[key])) continue;
    changed.push(key);
    previous[key] = goal[key];
    (next as Record<string, unknown>)[key] = value;
  }
  if (changed.length === 0) return { ok: true, value: plan };
  const at = isoNow(now);
  next.updatedAt = at;
  next.history = [...goal.history, { at, by: actorId, fields: changed, previous }];
  return { ok: true, value: { ...plan, goals: plan.goals.map((g) => (g.id === goalId ? next : g)) } };
}

/** Moves a goal to a new state; closing a goal also closes its active sub-goals. */
export function transitionGoal(plan: Plan, goalId: string, to: GoalState, actorId: string, now: Date): Outcome<Plan> {
  const goal = findGoal(plan, goalId);
  if (!goal || !canTransition(goal.state, to)) {
    return { ok: false, errors: { goalId: { da: 'Målet kan ikke skifte til den tilstand.', en: 'The goal cannot change to that state.' } } };
  }
  const at = isoNow(now);
  const close = new Set(to === 'active' ? [] : subGoalsOf(plan, goalId).filter(isOpen).map((g) => g.id));
  return {
    ok: true,
    value: {
      ...plan,
      goals: plan.goals.map((g) => {
        if (g.id === goalId) return { ...g, state: to, updatedAt: at, history: [...g.history, { at, by: actorId, fields: ['state'], fromState: g.state, toState: to }] };
        if (close.has(g.id)) return { ...g, state: 'closed' as const, updatedAt: at, history: [...g.history, { at, by: actorId, fields: ['state'], fromState: g.state, toState: 'closed' as const }] };
        return g;
      }),
    },
  };
}

/** The fields of an existing goal as wizard input (to revise or edit it). */
export function goalAsInput(goal: Goal): Omit<GoalInput, 'id'> {
  return {
    ...(goal.parentId ? { parentId: goal.parentId } : {}),
    themeId: goal.themeId,
    text: goal.text,
    ownerId: goal.ownerId,
    revisionDate: goal.revisionDate,
    ...(goal.endDate ? { endDate: goal.endDate } : {}),
    ...(goal.indicator ? { indicator: goal.indicator } : {}),
    purposeLinked: goal.purposeLinked,
    ...(goal.kind ? { kind: goal.kind } : {}),
    ...(goal.participationMode ? { participationMode: goal.participationMode } : {}),
    ...(goal.participation ? { participation: goal.participation } : {}),
    interventions: goal.interventions,
    externalActors: goal.externalActors,
  };
}
