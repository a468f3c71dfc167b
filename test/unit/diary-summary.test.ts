/**
 * The diary summary gives the same figures as reading every entry: the plan card's and the
 * evaluation's numbers come from running accumulators, checked here against the full list
 * over months of entries, across evaluations that start new periods, and for a goal whose
 * evidence is the sum of its delmål.
 */
import { describe, expect, it } from 'vitest';
import {
  addEntryToSummary,
  emptySummary,
  entryRequests,
  evidenceRequests,
  goalPeriodStats,
  hasCounted,
  planCardRequests,
  planCardScores,
  staleStats,
  statsFromEntries,
  withRebuiltStats,
  type StatsRequest,
} from '../../src/domain/diary-summary.js';
import { applyEvaluation, computeEvidence, evidenceFromStats, periodStart } from '../../src/domain/evaluation.js';
import type { DiaryEntry, DiarySummary, Plan, SubGoalDiaryEntry } from '../../src/domain/model.js';
import { addGoal, createPlan, findGoal } from '../../src/domain/plan.js';
import { summarizeScores } from '../../src/domain/scores.js';

const start = new Date('2026-01-05T08:00:00Z');
const day = (n: number, hour = 9): Date => new Date(start.getTime() + n * 86_400_000 + (hour - 8) * 3_600_000);

function must<T>(o: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!o.ok) throw new Error(JSON.stringify(o.errors));
  return o.value;
}

function basePlan(): Plan {
  let plan = must(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, start));
  plan = must(addGoal(plan, { id: 'g1', themeId: 'th1', text: 'AB laver selv mad', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', start));
  plan = must(addGoal(plan, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB skræller selv kartofler', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', start));
  plan = must(addGoal(plan, { id: 's2', parentId: 'g1', themeId: 'th1', text: 'AB dækker selv bord', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', start));
  return plan;
}

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function subEntry(id: string, goalId: string, at: Date, score: number | null): SubGoalDiaryEntry {
  const iso = at.toISOString();
  return { kind: 'subGoal', id, tenantId: 't', teamId: 'team', citizenId: 'c1', goalId, score, note: 'notat', occurredAt: iso, recordedAt: iso, recordedBy: 'u1', submissionId: `s-${id}` };
}

/** Counts an entry the way the use case does: rebuild what is stale from the entries so far, then add. */
function count(summary: DiarySummary, plan: Plan, entry: DiaryEntry, written: readonly DiaryEntry[]): DiarySummary {
  if (hasCounted(summary, entry.id)) return summary;
  const needs = entry.kind === 'subGoal' ? staleStats(summary, plan, entryRequests(plan, entry.goalId)) : [];
  return addEntryToSummary(withRebuilt(summary, plan, needs, written, entry.id), plan, entry, entry.occurredAt);
}

function withRebuilt(summary: DiarySummary, plan: Plan, needs: ReturnType<typeof staleStats>, written: readonly DiaryEntry[], skip?: string): DiarySummary {
  return withRebuiltStats(
    summary,
    plan,
    needs.map((need) => {
      const entries = written.filter((e): e is SubGoalDiaryEntry => e.kind === 'subGoal' && e.goalId === need.goalId && e.occurredAt >= need.from && e.id !== skip);
      return { need, stats: statsFromEntries(need.from, entries), entryIds: entries.map((e) => e.id) };
    }),
  );
}

/** The summary as a card reads it: anything stale rebuilt from the entries written so far. */
function read(summary: DiarySummary, plan: Plan, requests: StatsRequest[], written: readonly DiaryEntry[]): DiarySummary {
  return withRebuilt(summary, plan, staleStats(summary, plan, requests), written);
}

function expectSameEvidence(summary: DiarySummary, plan: Plan, goalId: string, written: readonly DiaryEntry[], now: Date): void {
  const goal = findGoal(plan, goalId)!;
  const current = read(summary, plan, evidenceRequests(plan, goalId), written);
  const fromSummary = evidenceFromStats(goalPeriodStats(current, plan, goalId)!, now);
  const fromEntries = computeEvidence(plan, goalId, written, periodStart(goal, plan.evaluations), now);
  expect(fromSummary, goalId).toEqual(fromEntries);
}

describe('the diary summary', () => {
  it('gives the figures of the full diary, for delmål and their goal, across evaluations that start new periods', () => {
    const rnd = random(7);
    let plan = basePlan();
    let summary = emptySummary(plan, start.toISOString());
    const written: DiaryEntry[] = [];
    let n = 0;
    for (let d = 0; d < 240; d++) {
      for (const goalId of ['s1', 's2']) {
        if (rnd() < 0.25) continue;
        const r = rnd();
        const entry = subEntry(`e${n++}`, goalId, day(d, 8 + Math.floor(rnd() * 10)), r < 0.1 ? null : Math.max(0, Math.min(4, Math.round(3 - d / 80 + (rnd() - 0.5) * 2))));
        summary = count(summary, plan, entry, written);
        written.push(entry);
      }
      if (d % 5 === 0) {
        const resident: DiaryEntry = { kind: 'resident', id: `r${d}`, tenantId: 't', teamId: 'team', citizenId: 'c1', contextId: 'hverdag', entryTypeId: 'observation', note: 'n', occurredAt: day(d, 12).toISOString(), recordedAt: day(d, 12).toISOString(), recordedBy: 'u1', submissionId: `sr${d}` };
        summary = count(summary, plan, resident, written);
        written.push(resident);
      }
      const now = day(d, 20);
      if (d === 90 || d === 200) {
        // The delmål s1 is evaluated: its own period starts again; the goal's does not.
        const evidence = evidenceFromStats(goalPeriodStats(read(summary, plan, evidenceRequests(plan, 's1'), written), plan, 's1')!, now);
        plan = must(applyEvaluation(plan, { id: `ev-s1-${d}`, goalId: 's1', assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-03-01', gas: '' }, evidence, 'u1', now));
      }
      if (d === 150) {
        const evidence = evidenceFromStats(goalPeriodStats(read(summary, plan, evidenceRequests(plan, 'g1'), written), plan, 'g1')!, now);
        plan = must(applyEvaluation(plan, { id: 'ev-g1', goalId: 'g1', assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-03-01', gas: '1' }, evidence, 'u1', now));
      }
      if (d % 30 === 29 || d === 90 || d === 150 || d === 151) {
        for (const goalId of ['g1', 's1', 's2']) expectSameEvidence(summary, plan, goalId, written, now);
      }
    }
    // The plan card: each delmål's figures in its own period.
    const card = planCardScores(read(summary, plan, planCardRequests(plan), written), plan);
    for (const goalId of ['s1', 's2']) {
      const from = periodStart(findGoal(plan, goalId)!, plan.evaluations);
      expect(card[goalId], goalId).toEqual(summarizeScores(written.filter((e): e is SubGoalDiaryEntry => e.kind === 'subGoal' && e.goalId === goalId && e.occurredAt >= from)));
    }
    expect(summary.resident.entries).toBe(written.filter((e) => e.kind === 'resident').length);
    // Bounded: the summary holds a few numbers per delmål and the latest 100 entry ids, whatever the history.
    expect(JSON.stringify(summary).length).toBeLessThan(8_000);
  });

  it('does not count an entry twice, also when a rebuild already counted it', () => {
    const plan = basePlan();
    const e1 = subEntry('e1', 's1', day(1), 3);
    const e2 = subEntry('e2', 's1', day(2), 2);
    let summary = count(emptySummary(plan, start.toISOString()), plan, e1, []);
    summary = count(summary, plan, e1, [e1]);
    expect(summary.goals['s1']!.own.entries).toBe(1);
    // A writer whose rebuild saw e2 (already stored by someone else, not yet counted by them) …
    const stale = emptySummary(plan, start.toISOString());
    const rebuilt = count(stale, plan, e1, [e2]);
    expect(rebuilt.goals['s1']!.own.entries).toBe(2);
    // … and then e2's own count finds it counted.
    expect(count(rebuilt, plan, e2, [e1, e2]).goals['s1']!.own.entries).toBe(2);
  });

  it('moves a delmål’s share to its new goal when the goal is revised (the share is rebuilt for the new period)', () => {
    let plan = basePlan();
    const written = [subEntry('e1', 's1', day(1), 3), subEntry('e2', 's1', day(3), 2)];
    let summary = emptySummary(plan, start.toISOString());
    for (const [i, e] of written.entries()) summary = count(summary, plan, e, written.slice(0, i));
    // g2 replaces g1 on day 5; s1 carries on under it.
    plan = must(addGoal(plan, { id: 'g2', themeId: 'th1', text: 'AB laver selv aftensmad', ownerId: 'u1', revisionDate: '2026-12-01' }, 'u1', day(5)));
    plan = { ...plan, goals: plan.goals.map((g) => (g.id === 's1' ? { ...g, parentId: 'g2' } : g)) };
    const later = subEntry('e3', 's1', day(6), 1);
    summary = count(summary, plan, later, written);
    written.push(later);
    expectSameEvidence(summary, plan, 'g2', written, day(7));
    expect(goalPeriodStats(read(summary, plan, evidenceRequests(plan, 'g2'), written), plan, 'g2')!.entries).toBe(1);
    // The delmål's own period still counts all three.
    expect(summary.goals['s1']!.own.entries).toBe(3);
  });

  it('drops the figures of goals that left the plan', () => {
    let plan = basePlan();
    let summary = count(emptySummary(plan, start.toISOString()), plan, subEntry('e1', 's2', day(1), 2), []);
    expect(Object.keys(summary.goals)).toEqual(['s2']);
    plan = { ...plan, goals: plan.goals.filter((g) => g.id !== 's2') };
    summary = count(summary, plan, subEntry('e2', 's1', day(2), 2), []);
    expect(Object.keys(summary.goals)).toEqual(['s1']);
  });
});
