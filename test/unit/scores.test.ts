import { describe, expect, it } from 'vitest';
import type { SubGoalDiaryEntry } from '../../src/domain/model.js';
import { summarizeScores } from '../../src/domain/scores.js';

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
});
