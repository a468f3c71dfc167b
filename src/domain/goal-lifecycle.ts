/**
 * The goal life cycle: aktiv → opnået / delvist opnået / ikke opnået / revideret / afsluttet.
 * End states are final: a goal that goes on after a revision is a new goal (revisionOf).
 * Edits keep a history of who changed which fields when, with the previous values in the
 * plan (never in logs).
 */
import type { Goal, GoalChange, GoalState, Plan } from './model.js';
import { findGoal, subGoalsOf, type GoalInput, type Outcome } from './plan.js';

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

/**
 * When a change to the goal happens: `now`, but always at least 1 ms after the goal's last
 * change. A goal's history times therefore strictly increase, so "the changes newer than the
 * card's baseUpdatedAt" is exact even for two changes in one millisecond or instances whose
 * clocks differ a little.
 */
export function stampAfter(goal: Pick<Goal, 'updatedAt'>, now: Date): string {
  const last = Date.parse(goal.updatedAt);
  return new Date(Number.isNaN(last) ? now.getTime() : Math.max(now.getTime(), last + 1)).toISOString();
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
  const at = stampAfter(goal, now);
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
  const close = new Set(to === 'active' ? [] : subGoalsOf(plan, goalId).filter(isOpen).map((g) => g.id));
  return {
    ok: true,
    value: {
      ...plan,
      goals: plan.goals.map((g) => {
        if (g.id === goalId) return withChange(g, { by: actorId, fields: ['state'], fromState: g.state, toState: to }, now, { state: to });
        if (close.has(g.id)) return closeGoal(g, actorId, now);
        return g;
      }),
    },
  };
}

/** The goal with one more history entry (stamped after its last change) and the changed values. */
export function withChange(goal: Goal, change: Omit<GoalChange, 'at'>, now: Date, values: Partial<Goal> = {}): Goal {
  const at = stampAfter(goal, now);
  return { ...goal, ...values, updatedAt: at, history: [...goal.history, { at, ...change }] };
}

/** A sub-goal closed because its goal ended (the life cycle's rule). */
export function closeGoal(goal: Goal, actorId: string, now: Date): Goal {
  return withChange(goal, { by: actorId, fields: ['state'], fromState: goal.state, toState: 'closed' }, now, { state: 'closed' });
}

// ---------------------------------------------------------------- concurrent changes

/** The fields an evaluation touches, whatever its decision. */
export const EVALUATION_TOUCHES: readonly string[] = ['evaluation', 'state', 'revisionDate'];

/** Fields computed from others (SMORTE codes follow the text): they never conflict on their own. */
const DERIVED_FIELDS: ReadonlySet<string> = new Set(['smorteCodes']);

/** The goal's history entries newer than `baseUpdatedAt` (the goal's updatedAt when a card was drawn). */
export function changesSince(goal: Goal, baseUpdatedAt: string): GoalChange[] {
  const base = Date.parse(baseUpdatedAt);
  // An unknown base: every change counts as newer (the careful answer).
  if (Number.isNaN(base)) return [...goal.history];
  return goal.history.filter((c) => Date.parse(c.at) > base);
}

/**
 * Why a change drawn from an older version of the goal cannot simply be re-applied:
 * - `missing`: the goal is not in the plan;
 * - `ended`: the goal is no longer active (someone closed, evaluated to an end or revised it)
 *   and the change needs it active, or the change itself would end it;
 * - `fields`: a newer change touched a field this one touches too (the same field of the same
 *   goal), e.g. two evaluations, or two edits of the text.
 */
export type GoalConflict =
  | { kind: 'missing'; goalId: string }
  | { kind: 'ended'; goalId: string; state: GoalState; changes: GoalChange[] }
  | { kind: 'fields'; goalId: string; fields: string[]; changes: GoalChange[] };

export interface ConflictOptions {
  /** The change needs the goal active (an evaluation, an edit, a new sub-goal under it). */
  requireActive?: boolean;
}

/**
 * The conflict test for optimistic changes to one goal. Changes newer than the card commute
 * with this one unless they touched one of its fields: an evaluation of another goal, a new
 * sub-goal, or an edit of another field never conflicts. Derived fields are ignored.
 */
export function findGoalConflict(plan: Plan, goalId: string, baseUpdatedAt: string, touches: readonly string[], options: ConflictOptions = {}): GoalConflict | undefined {
  const goal = findGoal(plan, goalId);
  if (!goal) return { kind: 'missing', goalId };
  const newer = changesSince(goal, baseUpdatedAt);
  const touched = new Set(touches.filter((f) => !DERIVED_FIELDS.has(f)));
  const hits = newer.filter((c) => c.fields.some((f) => touched.has(f)));
  if (!isOpen(goal) && (options.requireActive || hits.some((c) => c.fields.includes('state')))) {
    return { kind: 'ended', goalId, state: goal.state, changes: newer.filter((c) => c.fields.includes('state')) };
  }
  if (hits.length === 0) return undefined;
  const fields = [...new Set(hits.flatMap((c) => c.fields.filter((f) => touched.has(f))))];
  return { kind: 'fields', goalId, fields, changes: hits };
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
