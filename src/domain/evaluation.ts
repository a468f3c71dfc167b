/**
 * Evaluation of a goal or sub-goal (seed 001, section 3): the evidence the bot computed
 * from the diaries for the period, the assessment, what worked, and always a decision:
 * fortsæt (with a new revisionsdato), revidér or afslut. Optionally a GAS score.
 */
import type { DiaryEntry, Goal, GoalState, Plan, Assessment, Evaluation, Evidence } from './model.js';
import { AssessmentSchema, DecisionSchema, GasScoreSchema } from './model.js';
import { closeGoal, withChange } from './goal-lifecycle.js';
import { findGoal, isIsoDate, isoNow, subGoalsOf, todayInZone, type Outcome } from './plan.js';
import { summarizeScores, summarizeStats, type ScoreStats, type ScoreSummary } from './scores.js';
import { checkText, collectErrors, MESSAGES, TEXT_LIMITS } from './text.js';


/** Where the evaluation period starts: the last evaluation, else when the goal was made. */
export function periodStart(goal: Goal, evaluations: readonly Evaluation[]): string {
  let last: string | undefined;
  for (const e of evaluations) if (e.goalId === goal.id && (last === undefined || e.evaluatedAt > last)) last = e.evaluatedAt;
  return last ?? goal.createdAt;
}

/**
 * The evidence for a goal over the period: its own delmålsdagbog entries, or, for a goal
 * with sub-goals, those of its sub-goals. Notes are entries with text (all of them).
 */
export function computeEvidence(plan: Plan, goalId: string, entries: readonly DiaryEntry[], periodFrom: string, now: Date): Evidence {
  const goal = findGoal(plan, goalId);
  const ids = new Set([goalId, ...(goal ? subGoalsOf(plan, goalId).map((g) => g.id) : [])]);
  const periodTo = isoNow(now);
  const relevant = entries.filter(
    (e): e is Extract<DiaryEntry, { kind: 'subGoal' }> => e.kind === 'subGoal' && ids.has(e.goalId) && e.occurredAt >= periodFrom && e.occurredAt <= periodTo,
  );
  return evidenceOf(periodFrom, periodTo, summarizeScores(relevant), relevant.filter((e) => e.note.trim() !== '').length);
}

/** The evidence from the period's running figures (the diary summary), without reading any entry. */
export function evidenceFromStats(stats: ScoreStats, now: Date): Evidence {
  return evidenceOf(stats.from, isoNow(now), summarizeStats(stats), stats.notes);
}

function evidenceOf(periodFrom: string, periodTo: string, summary: ScoreSummary, notes: number): Evidence {
  return {
    periodFrom,
    periodTo,
    entries: summary.entries,
    scored: summary.scored,
    notes,
    ...(summary.first !== undefined ? { first: summary.first } : {}),
    ...(summary.latest !== undefined ? { latest: summary.latest } : {}),
    ...(summary.average !== undefined ? { average: summary.average } : {}),
    trend: summary.trend,
  };
}

/** The card's value for "no GAS score" (a choice value cannot be empty). */
export const NO_GAS_SCORE = 'none';

function gasOf(raw: string): number | undefined {
  return raw === '' || raw === NO_GAS_SCORE ? undefined : Number(raw);
}

export interface EvaluationInput {
  id: string;
  goalId: string;
  assessment: string;
  whatWorked: string;
  decision: string;
  newRevisionDate: string;
  gas: string;
}

const STATE_ON_CLOSE: Record<Assessment, GoalState> = {
  achieved: 'achieved',
  maintained: 'achieved',
  partlyAchieved: 'partlyAchieved',
  notAchieved: 'notAchieved',
  worsened: 'notAchieved',
};

export function validateEvaluation(input: EvaluationInput, now: Date) {
  const assessment = AssessmentSchema.safeParse(input.assessment);
  const decision = DecisionSchema.safeParse(input.decision);
  const gas = gasOf(input.gas);
  return collectErrors({
    assessment: assessment.success ? undefined : { da: 'Vælg en vurdering af målet.', en: 'Pick an assessment of the goal.' },
    whatWorked: checkText(input.whatWorked, { required: false, max: TEXT_LIMITS.note }),
    decision: decision.success ? undefined : { da: 'Vælg en beslutning: fortsæt, revidér eller afslut.', en: 'Pick a decision: continue, revise or close.' },
    newRevisionDate:
      decision.success && decision.data === 'continue'
        ? !isIsoDate(input.newRevisionDate)
          ? { da: 'Når målet fortsætter, skal det have en ny revisionsdato.', en: 'A goal that continues needs a new revision date.' }
          : input.newRevisionDate <= todayInZone(now)
            ? { da: 'Den nye revisionsdato skal ligge efter i dag.', en: 'The new revision date must be after today.' }
            : undefined
        : undefined,
    gas: gas !== undefined && !GasScoreSchema.safeParse(gas).success ? MESSAGES.invalidChoice : undefined,
  });
}

/**
 * Writes the evaluation into the plan and moves the goal on: fortsæt keeps it active with
 * the new revisionsdato; afslut sets the end state from the assessment; revidér marks it
 * revideret (the wizard then makes the new version).
 */
export function applyEvaluation(plan: Plan, input: EvaluationInput, evidence: Evidence, actorId: string, now: Date): Outcome<Plan> {
  const goal = findGoal(plan, input.goalId);
  if (!goal || goal.state !== 'active') {
    return { ok: false, errors: { goalId: { da: 'Målet er ikke aktivt og kan ikke evalueres.', en: 'The goal is not active and cannot be evaluated.' } } };
  }
  const errors = validateEvaluation(input, now);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const assessment = AssessmentSchema.parse(input.assessment);
  const decision = DecisionSchema.parse(input.decision);
  const at = isoNow(now);
  const gas = gasOf(input.gas);
  const evaluation: Evaluation = {
    id: input.id,
    goalId: goal.id,
    evidence,
    assessment,
    whatWorked: input.whatWorked.trim(),
    decision,
    ...(decision === 'continue' ? { newRevisionDate: input.newRevisionDate } : {}),
    ...(gas !== undefined ? { gas } : {}),
    evaluatedAt: at,
    evaluatedBy: actorId,
  };
  // revidér: the goal stays active until its new version is saved from the wizard (which then
  // marks it revideret), so leaving the wizard never leaves a revised goal without a successor.
  const toState: GoalState = decision === 'close' ? STATE_ON_CLOSE[assessment] : 'active';
  const updated: Goal = withChange(
    goal,
    decision === 'close'
      ? { by: actorId, fields: ['evaluation', 'state'], fromState: goal.state, toState }
      : { by: actorId, fields: decision === 'continue' ? ['evaluation', 'revisionDate'] : ['evaluation'] },
    now,
    { state: toState, ...(decision === 'continue' ? { revisionDate: input.newRevisionDate } : {}) },
  );
  // Closing a goal closes its active sub-goals too (the life cycle's rule).
  const closeSubs = decision === 'close' && !goal.parentId;
  return {
    ok: true,
    value: {
      ...plan,
      goals: plan.goals.map((g) => {
        if (g.id === goal.id) return updated;
        if (closeSubs && g.parentId === goal.id && g.state === 'active') return closeGoal(g, actorId, now);
        return g;
      }),
      evaluations: [...plan.evaluations, evaluation],
    },
  };
}

/** The latest evaluation of a goal, if any (of two at the same moment, the one written last). */
export function latestEvaluation(plan: Plan, goalId: string): Evaluation | undefined {
  let latest: Evaluation | undefined;
  for (const e of plan.evaluations) if (e.goalId === goalId && (!latest || e.evaluatedAt >= latest.evaluatedAt)) latest = e;
  return latest;
}

export const GAS_RHO = 0.3;

/**
 * Goal Attainment Scaling T-score (Kiresuk & Sherman): T = 50 + 10·Σwᵢxᵢ / √((1-ρ)Σwᵢ² + ρ(Σwᵢ)²),
 * ρ = 0.3. Equal weights unless given. Undefined without scores.
 */
export function gasTScore(scores: ReadonlyArray<{ x: number; w?: number }>, rho = GAS_RHO): number | undefined {
  if (scores.length === 0) return undefined;
  const sumWX = scores.reduce((a, s) => a + (s.w ?? 1) * s.x, 0);
  const sumW2 = scores.reduce((a, s) => a + (s.w ?? 1) ** 2, 0);
  const sumW = scores.reduce((a, s) => a + (s.w ?? 1), 0);
  const t = 50 + (10 * sumWX) / Math.sqrt((1 - rho) * sumW2 + rho * sumW ** 2);
  return Math.round(t * 10) / 10;
}

/** The citizen's GAS T-score from the latest GAS score of each goal (one pass over the evaluations). */
export function citizenGasTScore(plan: Plan): number | undefined {
  return evaluationIndex(plan).gasT;
}

/**
 * What a card with many goals needs from the evaluations, in one pass: each goal's latest
 * evaluation (of two at the same moment, the one written last) and the citizen's GAS T-score
 * from each goal's latest GAS score.
 */
export function evaluationIndex(plan: Plan): { latestOf: (goalId: string) => Evaluation | undefined; gasT: number | undefined } {
  const byGoal = new Map<string, { latest: Evaluation; gas: Evaluation | undefined }>();
  for (const e of plan.evaluations) {
    const entry = byGoal.get(e.goalId);
    if (!entry) {
      byGoal.set(e.goalId, { latest: e, gas: e.gas !== undefined ? e : undefined });
      continue;
    }
    if (e.evaluatedAt >= entry.latest.evaluatedAt) entry.latest = e;
    if (e.gas !== undefined && (!entry.gas || e.evaluatedAt >= entry.gas.evaluatedAt)) entry.gas = e;
  }
  const scores: Array<{ x: number }> = [];
  for (const entry of byGoal.values()) if (entry.gas) scores.push({ x: entry.gas.gas! });
  return { latestOf: (goalId) => byGoal.get(goalId)?.latest, gasT: gasTScore(scores) };
}
