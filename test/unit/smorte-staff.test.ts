/**
 * The SMORTE checker on goals as staff write them (test/fixtures/smorte-staff-goals.ts: 405
 * goals from eight settings, labelled must / not / either per letter before any tuning, split in
 * a half to tune on and a half that is not). Prints precision and recall per letter and split.
 *
 * Issue 10's target is 0.95 for each. Until it is reached the floors below are what the checker
 * has reached so far: a change that makes it worse on either half fails here.
 */
import { describe, expect, it } from 'vitest';
import { checkSmorte } from '../../src/domain/smorte.js';
import { STAFF_GOALS, type StaffGoal } from '../fixtures/smorte-staff-goals.js';

const NOW = new Date('2026-11-23T09:30:00Z');
const LETTERS = ['S', 'M', 'O'] as const;
type Letter = (typeof LETTERS)[number];

/** Reached so far (measured 2026-12-03; before issue 10's work: S 0.51/0.55, M 0.74/0.68, O 0.68/0.64 recall on tune/holdout). */
const FLOORS: Record<'tune' | 'holdout', Record<Letter, { precision: number; recall: number }>> = {
  tune: { S: { precision: 0.92, recall: 0.66 }, M: { precision: 0.85, recall: 0.94 }, O: { precision: 0.97, recall: 0.95 } },
  // S on the held-out half went from 0.76 to 0.73 when more avoidance was recognised (a goal that
  // names a behaviour to stop is not also "vague": the behaviour is its what); 0.74 now.
  holdout: { S: { precision: 0.9, recall: 0.73 }, M: { precision: 0.87, recall: 0.86 }, O: { precision: 0.93, recall: 0.87 } },
};

function flagged(goal: StaffGoal): Set<string> {
  const findings = checkSmorte({ text: goal.text, endDate: '2027-06-01', revisionDate: '2027-03-01', purposeId: 'p', themeId: 't' }, { now: NOW });
  return new Set(findings.map((f) => f.letter));
}

function score(split: 'tune' | 'holdout', letter: Letter): { precision: number; recall: number; line: string } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const goal of STAFF_GOALS.filter((g) => g.split === split)) {
    const label = goal[letter];
    if (label === 'either') continue;
    const hit = flagged(goal).has(letter);
    if (label === 'must' && hit) tp++;
    else if (label === 'must') fn++;
    else if (hit) fp++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { precision, recall, line: `SMORTE staff set ${split} ${letter} precision ${precision.toFixed(2)} recall ${recall.toFixed(2)} (tp=${tp}, fp=${fp}, fn=${fn})` };
}

describe('SMORTE: goals as staff write them', () => {
  it('has a set of at least 300 goals from several settings, split in halves, each labelled per letter', () => {
    expect(STAFF_GOALS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(STAFF_GOALS.map((g) => g.id)).size).toBe(STAFF_GOALS.length);
    expect(new Set(STAFF_GOALS.map((g) => g.setting)).size).toBeGreaterThanOrEqual(6);
    const tune = STAFF_GOALS.filter((g) => g.split === 'tune').length;
    expect(Math.abs(tune - (STAFF_GOALS.length - tune))).toBeLessThanOrEqual(STAFF_GOALS.length * 0.05);
  });

  for (const split of ['tune', 'holdout'] as const) {
    it.each(LETTERS)(`does not fall below what it reached on the ${split} half for %s`, (letter) => {
      const row = score(split, letter);
      console.log(row.line);
      expect(row.precision).toBeGreaterThanOrEqual(FLOORS[split][letter].precision);
      expect(row.recall).toBeGreaterThanOrEqual(FLOORS[split][letter].recall);
    });
  }
});
