/**
 * Support-need scores (støttebehov): lower is better. The trend of the score over a period
 * is the result measure. "Ikke vurderet" (null) entries count as notes, not as scores.
 */
import type { SubGoalDiaryEntry } from './model.js';

export type Trend = 'improving' | 'stable' | 'worsening' | 'insufficient';

export interface ScoreSummary {
  entries: number;
  scored: number;
  first?: number;
  latest?: number;
  latestAt?: string;
  average?: number;
  /** Least-squares slope in score points per entry; negative = less support needed. */
  slope?: number;
  trend: Trend;
}

/** A change smaller than this over the period (score points) counts as stable. */
const STABLE_BAND = 0.5;

export function summarizeScores(entries: readonly SubGoalDiaryEntry[]): ScoreSummary {
  const ordered = [...entries].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const scored = ordered.filter((e): e is SubGoalDiaryEntry & { score: number } => e.score !== null);
  const summary: ScoreSummary = { entries: ordered.length, scored: scored.length, trend: 'insufficient' };
  const last = ordered[ordered.length - 1];
  if (last) summary.latestAt = last.occurredAt;
  if (scored.length === 0) return summary;
  const values = scored.map((e) => e.score);
  summary.first = values[0];
  summary.latest = values[values.length - 1];
  summary.average = Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
  if (values.length < 2) return summary;
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  const slope = den === 0 ? 0 : num / den;
  summary.slope = Math.round(slope * 100) / 100;
  const change = slope * (n - 1);
  summary.trend = change <= -STABLE_BAND ? 'improving' : change >= STABLE_BAND ? 'worsening' : 'stable';
  return summary;
}
