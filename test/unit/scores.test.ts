import { describe, expect, it } from 'vitest';
import type { SubGoalDiaryEntry } from '../../src/domain/model.js';
import { addToStats, emptyStats, mergeStats, summarizeScores, summarizeStats } from '../../src/domain/scores.js';

function entry(day: number, score: number | null): SubGoalDiaryEntry {
  const at = new Date(Date.UTC(2026, 10, day, 10)).toISOString();
  return {
    kind: 'subGoal',
    id: `e${day}`,
    tenantId: 't',
    teamId: 'team',
    citizenId: 'c',
    goalId: 'g',
    score,
    note: 'n',
    occurredAt: at,
    recordedAt: at,
    recordedBy: 'u',
    submissionId: `s${day}`,
  };
}

describe('support-need score summary', () => {
  it('shows a falling score as less support needed', () => {
    const s = summarizeScores([entry(1, 3), entry(3, 3), entry(5, 2), entry(7, 1)]);
    expect(s).toMatchObject({ entries: 4, scored: 4, first: 3, latest: 1, average: 2.3, trend: 'improving' });
  });

  it('shows a rising score as more support needed', () => {
    expect(summarizeScores([entry(1, 1), entry(2, 2), entry(3, 3)]).trend).toBe('worsening');
  });

  it('treats small wobbles as stable', () => {
    expect(summarizeScores([entry(1, 2), entry(2, 2), entry(3, 2), entry(4, 2)]).trend).toBe('stable');
  });

  it('counts "ikke vurderet" as an entry but not as a score', () => {
    const s = summarizeScores([entry(1, null), entry(2, 2)]);
    expect(s).toMatchObject({ entries: 2, scored: 1, latest: 2, trend: 'insufficient' });
  });

  it('orders by time, not by input order', () => {
    expect(summarizeScores([entry(9, 0), entry(1, 4)]).latest).toBe(0);
  });

  it('has nothing to say about an empty diary', () => {
    expect(summarizeScores([])).toEqual({ entries: 0, scored: 0, trend: 'insufficient' });
  });

  it('measures the trend against time: scores far apart weigh by their distance, not their order', () => {
    // Three scores in the first week, then one a month later: least squares on days.
    const entries = [entry(1, 3), entry(2, 3), entry(3, 3), entry(30, 2)];
    const t = [0, 1, 2, 29];
    const y = [3, 3, 3, 2];
    const n = 4;
    const st = t.reduce((a, b) => a + b, 0);
    const sy = y.reduce((a, b) => a + b, 0);
    const stt = t.reduce((a, b) => a + b * b, 0);
    const sty = t.reduce((a, b, i) => a + b * y[i]!, 0);
    const expected = (n * sty - st * sy) / (n * stt - st * st);
    const s = summarizeScores(entries);
    expect(s.slope).toBeCloseTo(expected, 3);
    // A fall of one point over the period: less support needed.
    expect(s.trend).toBe('improving');
  });

  it('adds up accumulators of one period to the figures of all their entries', () => {
    const from = entry(1, 0).occurredAt;
    const a = [entry(2, 3), entry(5, 2), entry(9, null)];
    const b = [entry(3, 4), entry(7, 1)];
    const merged = mergeStats(from, [a.reduce(addToStats, emptyStats(from)), b.reduce(addToStats, emptyStats(from))]);
    expect(summarizeStats(merged)).toEqual(summarizeScores([...a, ...b]));
    expect(merged).toMatchObject({ entries: 5, scored: 4, first: 3, latest: 1, notes: 5 });
    expect(() => mergeStats(from, [emptyStats(entry(2, 0).occurredAt)])).toThrow(RangeError);
  });

  it('leaves entries from before the period out', () => {
    const stats = [entry(1, 4), entry(5, 1)].reduce(addToStats, emptyStats(entry(3, 0).occurredAt));
    expect(stats).toMatchObject({ entries: 1, scored: 1, first: 1, latest: 1 });
  });
});
