/**
 * The plan stays bounded over years of use, and nothing leaves it without landing in the
 * archive: ten years of typical use (goals revised yearly, evaluated three times a year, edited,
 * the formål renewed) through the same domain functions the use cases call.
 */
import { describe, expect, it } from 'vitest';
import { applyEvaluation, periodStart } from '../../src/domain/evaluation.js';
import { editGoal, transitionGoal } from '../../src/domain/goal-lifecycle.js';
import type { Evaluation, Goal, Plan, PlanArchive } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose, todayInZone } from '../../src/domain/plan.js';
import { mergeIntoArchive, RETENTION, retainPlan } from '../../src/domain/plan-retention.js';

function must<T>(o: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!o.ok) throw new Error(JSON.stringify(o.errors));
  return o.value;
}

const DAY = 86_400_000;
const t0 = new Date('2026-01-05T08:00:00Z');
const at = (d: number): Date => new Date(t0.getTime() + d * DAY);
const date = (d: number): string => todayInZone(at(d));
const evidence = (now: Date) => ({ periodFrom: now.toISOString(), periodTo: now.toISOString(), entries: 30, scored: 28, notes: 30, first: 3, latest: 2, average: 2.4, trend: 'improving' as const });
const LONG = 'AB deltager selv i madlavningen og skræller kartofler, dækker bord og rydder af efter aftensmaden tre gange om ugen';

describe('plan retention', () => {
  it('keeps a plan with ten years of typical use far under the 2 MB item limit, and loses nothing', () => {
    let plan = must(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, t0));
    const archives = new Map<string, PlanArchive>();
    const allGoals = new Set<string>();
    const allEvaluations = new Set<string>();
    let peak = 0;
    const settle = (next: Plan, d: number): void => {
      const { plan: kept, archived } = retainPlan(next, at(d));
      const year = at(d).toISOString().slice(0, 4);
      const archive = archives.get(year) ?? { tenantId: 't', teamId: 'team', citizenId: 'c1', year, goals: [], evaluations: [], goalHistory: [], purposeRevisions: [], updatedAt: at(d).toISOString() };
      archives.set(year, mergeIntoArchive(archive, archived, at(d).toISOString()));
      plan = kept;
      peak = Math.max(peak, JSON.stringify(plan).length);
    };
    let n = 0;
    const newGoal = (d: number, parentId?: string, revisionOf?: string): string => {
      const id = `g${n++}`;
      settle(must(addGoal(plan, { id, ...(parentId ? { parentId } : {}), themeId: `th${(n % 5) + 1}`, text: `${LONG} (${id})`, ownerId: 'u1', revisionDate: date(d + 120), endDate: date(d + 360), indicator: 'Støttebehov 0–4 i delmålsdagbogen', interventions: ['Guidning', 'Rutineskema'], externalActors: ['Familie'], ...(revisionOf ? { revisionOf } : {}) }, 'u1', at(d))), d);
      allGoals.add(id);
      return id;
    };
    // Three goals with two delmål each, renewed every year.
    let goals: Array<{ id: string; subs: string[] }> = [];
    for (let year = 0; year < 10; year++) {
      const d0 = year * 365;
      settle(must(recordPurpose(plan, { id: `p${year}`, text: `Formål fra handleplanen, år ${year + 1}: AB skal blive mere selvhjulpen i hverdagen.`, receivedOn: date(d0) }, 'u1', at(d0))), d0);
      const previous = goals;
      goals = [];
      for (let i = 0; i < 3; i++) {
        const old = previous[i];
        const id = newGoal(d0 + 1, undefined, old?.id);
        if (old) {
          // The old version is revideret; its delmål end with it.
          settle(must(transitionGoal(plan, old.id, 'revised', 'u1', at(d0 + 1))), d0 + 1);
        }
        goals.push({ id, subs: [newGoal(d0 + 1, id), newGoal(d0 + 1, id)] });
      }
      // Evaluated three times a year (fortsæt), edited now and then.
      for (const k of [1, 2, 3]) {
        const d = d0 + k * 110;
        for (const g of goals) {
          for (const goalId of [g.id, ...g.subs]) {
            const id = `ev-${goalId}-${k}`;
            settle(must(applyEvaluation(plan, { id, goalId, assessment: 'partlyAchieved', whatWorked: 'Guidning om morgenen virkede godt, og AB tog selv initiativ flere gange.', decision: 'continue', newRevisionDate: date(d + 100), gas: '0' }, evidence(at(d)), 'u1', at(d))), d);
            allEvaluations.add(id);
            settle(must(editGoal(plan, goalId, { indicator: `Støttebehov 0–4, gennemgået ${date(d)}` }, 'u1', at(d))), d);
          }
        }
      }
    }
    const size = JSON.stringify(plan).length;
    // Far under Cosmos DB's 2 MB item limit (measured: about 50 KB after ten years, 56 KB at the
    // peak; without retention it is 245 KB and grows every year).
    expect(peak).toBeLessThan(100_000);
    expect(size).toBeLessThan(100_000);
    // Nothing lost: every goal and evaluation is in the plan or an archive.
    const inArchive = [...archives.values()];
    const goalIds = new Set([...plan.goals.map((g) => g.id), ...inArchive.flatMap((a) => a.goals.map((g: Goal) => g.id))]);
    const evaluationIds = new Set([...plan.evaluations.map((e) => e.id), ...inArchive.flatMap((a) => a.evaluations.map((e: Evaluation) => e.id))]);
    for (const id of allGoals) expect(goalIds.has(id), id).toBe(true);
    for (const id of allEvaluations) expect(evaluationIds.has(id), id).toBe(true);
    expect(inArchive.reduce((sum, a) => sum + a.purposeRevisions.length, 0) + (plan.purpose?.revisions.length ?? 0)).toBe(9);
    // What the cards need stays: every active goal with its latest evaluation (its period start).
    for (const goal of plan.goals.filter((g) => g.state === 'active')) {
      expect(periodStart(goal, plan.evaluations), goal.id).toBe(at(9 * 365 + 330).toISOString());
    }
    expect(plan.goals.filter((g) => g.state !== 'active').length).toBeLessThanOrEqual(RETENTION.endedGoals);
    for (const goal of plan.goals) expect(goal.history.length).toBeLessThanOrEqual(RETENTION.historyPerGoal);
  });

  it('leaves a young plan untouched', () => {
    let plan = must(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, t0));
    plan = must(addGoal(plan, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: 'u1', revisionDate: date(100) }, 'u1', t0));
    plan = must(transitionGoal(plan, 'g1', 'achieved', 'u1', at(10)));
    const { plan: kept, archived } = retainPlan(plan, at(20));
    expect(kept).toBe(plan);
    expect(archived.goals).toEqual([]);
  });

  it('archives a goal a year after it ended, with its delmål and evaluations; adding them to the archive twice changes nothing', () => {
    let plan = must(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, t0));
    plan = must(addGoal(plan, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: 'u1', revisionDate: date(100) }, 'u1', t0));
    plan = must(addGoal(plan, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB skræller selv kartofler', ownerId: 'u1', revisionDate: date(100) }, 'u1', t0));
    plan = must(applyEvaluation(plan, { id: 'e1', goalId: 'g1', assessment: 'achieved', whatWorked: '', decision: 'close', newRevisionDate: '', gas: '2' }, evidence(at(30)), 'u1', at(30)));
    expect(retainPlan(plan, at(300)).archived.goals).toEqual([]);
    const { plan: kept, archived } = retainPlan(plan, at(400));
    expect(kept.goals).toEqual([]);
    expect(kept.evaluations).toEqual([]);
    expect(archived.goals.map((g) => g.id).sort()).toEqual(['g1', 's1']);
    expect(archived.evaluations.map((e) => e.id)).toEqual(['e1']);
    const empty: PlanArchive = { tenantId: 't', teamId: 'team', citizenId: 'c1', year: '2027', goals: [], evaluations: [], goalHistory: [], purposeRevisions: [], updatedAt: at(400).toISOString() };
    const once = mergeIntoArchive(empty, archived, at(400).toISOString());
    expect(mergeIntoArchive(once, archived, at(400).toISOString())).toEqual(once);
  });
});
