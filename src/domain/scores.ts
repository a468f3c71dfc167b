/**
 * Support-need scores (støttebehov): lower is better. The trend of the score over a period
 * is the result measure. "Ikke vurderet" (null) entries count as notes, not as scores.
 *
 * A period's figures are kept as a running accumulator (`ScoreStats`) that takes one entry at
 * a time, so the cards read a few numbers instead of every entry of the period:
 * counts, first and latest score, the sum for the average, and the least-squares sums of the
 * score against time (days since the period start). Accumulators of the same period add up,
 * so a goal's figures are the sum of its sub-goals'.
 */
import { z } from 'zod';
import type { SubGoalDiaryEntry } from './model.js';

export type Trend = 'improving' | 'stable' | 'worsening' | 'insufficient';

export interface ScoreSummary {
  entries: number;
  scored: number;
  first?: number;
  latest?: number;
  /** When the newest entry (scored or not) occurred. */
  latestAt?: string;
  average?: number;
  /** Least-squares slope in score points per day; negative = less support needed. */
  slope?: number;
  trend: Trend;
}

/** A change smaller than this over the period (score points) counts as stable. */
const STABLE_BAND = 0.5;
const DAY_MS = 86_400_000;

export const ScoreStatsSchema = z.object({
  /** The period start (ISO date-time): entries at or after it are counted; t is measured from it. */
  from: z.string(),
  entries: z.number().int().min(0),
  scored: z.number().int().min(0),
  notes: z.number().int().min(0),
  first: z.number().optional(),
  firstAt: z.string().optional(),
  latest: z.number().optional(),
  latestScoredAt: z.string().optional(),
  latestAt: z.string().optional(),
  /** Σy, Σt, Σt², Σty over scored entries (t in days since `from`). */
  sumY: z.number(),
  sumT: z.number(),
  sumTT: z.number(),
  sumTY: z.number(),
  /** Earliest and latest t of a scored entry. */
  tMin: z.number().optional(),
  tMax: z.number().optional(),
});
export type ScoreStats = z.infer<typeof ScoreStatsSchema>;

export function emptyStats(from: string): ScoreStats {
  return { from, entries: 0, scored: 0, notes: 0, sumY: 0, sumT: 0, sumTT: 0, sumTY: 0 };
}

/** The entry's time in days after the period start. */
function daysSince(from: string, at: string): number {
  return (Date.parse(at) - Date.parse(from)) / DAY_MS;
}

/** Adds one entry to the period's figures. Entries before the period start are not counted. */
export function addToStats(stats: ScoreStats, entry: Pick<SubGoalDiaryEntry, 'occurredAt' | 'score' | 'note'>): ScoreStats {
  if (entry.occurredAt < stats.from) return stats;
  const next: ScoreStats = { ...stats, entries: stats.entries + 1, notes: stats.notes + (entry.note.trim() !== '' ? 1 : 0) };
  if (!next.latestAt || entry.occurredAt >= next.latestAt) next.latestAt = entry.occurredAt;
  if (entry.score === null) return next;
  const t = daysSince(stats.from, entry.occurredAt);
  const y = entry.score;
  next.scored = stats.scored + 1;
  next.sumY = stats.sumY + y;
  next.sumT = stats.sumT + t;
  next.sumTT = stats.sumTT + t * t;
  next.sumTY = stats.sumTY + t * y;
  next.tMin = stats.tMin === undefined ? t : Math.min(stats.tMin, t);
  next.tMax = stats.tMax === undefined ? t : Math.max(stats.tMax, t);
  if (!stats.firstAt || entry.occurredAt < stats.firstAt) {
    next.first = y;
    next.firstAt = entry.occurredAt;
  }
  if (!stats.latestScoredAt || entry.occurredAt >= stats.latestScoredAt) {
    next.latest = y;
    next.latestScoredAt = entry.occurredAt;
  }
  return next;
}

/** The figures of several accumulators of the same period (a goal and its sub-goals). */
export function mergeStats(from: string, parts: readonly ScoreStats[]): ScoreStats {
  let out = emptyStats(from);
  for (const p of parts) {
    if (p.from !== from) throw new RangeError('mergeStats: accumulators of different periods');
    out = {
      ...out,
      entries: out.entries + p.entries,
      scored: out.scored + p.scored,
      notes: out.notes + p.notes,
      sumY: out.sumY + p.sumY,
      sumT: out.sumT + p.sumT,
      sumTT: out.sumTT + p.sumTT,
      sumTY: out.sumTY + p.sumTY,
    };
    if (p.tMin !== undefined) out.tMin = out.tMin === undefined ? p.tMin : Math.min(out.tMin, p.tMin);
    if (p.tMax !== undefined) out.tMax = out.tMax === undefined ? p.tMax : Math.max(out.tMax, p.tMax);
    if (p.latestAt && (!out.latestAt || p.latestAt > out.latestAt)) out.latestAt = p.latestAt;
    if (p.firstAt && p.first !== undefined && (!out.firstAt || p.firstAt < out.firstAt)) {
      out.first = p.first;
      out.firstAt = p.firstAt;
    }
    if (p.latestScoredAt && p.latest !== undefined && (!out.latestScoredAt || p.latestScoredAt >= out.latestScoredAt)) {
      out.latest = p.latest;
      out.latestScoredAt = p.latestScoredAt;
    }
  }
  return out;
}

/** The figures a card shows: counts, first, latest, average and the trend over the period. */
export function summarizeStats(stats: ScoreStats): ScoreSummary {
  const summary: ScoreSummary = { entries: stats.entries, scored: stats.scored, trend: 'insufficient' };
  if (stats.latestAt) summary.latestAt = stats.latestAt;
  if (stats.scored === 0) return summary;
  if (stats.first !== undefined) summary.first = stats.first;
  if (stats.latest !== undefined) summary.latest = stats.latest;
  summary.average = Math.round((stats.sumY / stats.scored) * 10) / 10;
  if (stats.scored < 2) return summary;
  const n = stats.scored;
  const den = n * stats.sumTT - stats.sumT * stats.sumT;
  // All scores at one moment (or rounding noise): no slope to speak of.
  const slope = den <= 1e-9 * Math.max(1, n * stats.sumTT) ? 0 : (n * stats.sumTY - stats.sumT * stats.sumY) / den;
  summary.slope = Math.round(slope * 1000) / 1000;
  const change = slope * ((stats.tMax ?? 0) - (stats.tMin ?? 0));
  summary.trend = change <= -STABLE_BAND ? 'improving' : change >= STABLE_BAND ? 'worsening' : 'stable';
  return summary;
}

/** The figures of a list of entries (oldest first or in any order). */
export function summarizeScores(entries: readonly SubGoalDiaryEntry[]): ScoreSummary {
  if (entries.length === 0) return { entries: 0, scored: 0, trend: 'insufficient' };
  const from = entries.reduce((min, e) => (e.occurredAt < min ? e.occurredAt : min), entries[0]!.occurredAt);
  return summarizeStats(entries.reduce(addToStats, emptyStats(from)));
}
