/**
 * Reading and keeping the citizen's diary summary (domain/diary-summary.ts): the plan card and
 * the evaluation read it instead of the diary, and every diary entry is counted into it.
 *
 * An accumulator that is missing or belongs to an old period is rebuilt from the entries of
 * that delmål since the period start, through the (citizen, goal, time) index. A period only
 * moves when it starts anew (an evaluation, a revision), so such a rebuild reads the few entries
 * since then; only a summary that never existed (data from before summaries) reads further back,
 * once, and is then stored.
 */
import {
  addEntryToSummary,
  emptySummary,
  hasCounted,
  staleStats,
  statsFromEntries,
  withRebuiltStats,
  entryRequests,
  type StatsNeed,
  type StatsRequest,
} from '../domain/diary-summary.js';
import type { DiaryEntry, DiarySummary, Plan, SubGoalDiaryEntry } from '../domain/model.js';
import { AlreadyExistsError, ConcurrencyError } from '../store/ports.js';
import type { Versioned } from '../store/repositories.js';
import { retryOnConflict } from '../store/retry.js';
import type { Call } from './context.js';

async function rebuild(call: Call, plan: Plan, needs: readonly StatsNeed[], skipEntryId?: string) {
  return Promise.all(
    needs.map(async (need) => {
      const entries = (await call.deps.repos.diary.list({ tenantId: plan.tenantId, teamId: plan.teamId, citizenId: plan.id, goalId: need.goalId, since: need.from })).filter(
        (e): e is SubGoalDiaryEntry => e.kind === 'subGoal' && e.id !== skipEntryId,
      );
      return { need, stats: statsFromEntries(need.from, entries), entryIds: entries.map((e) => e.id) };
    }),
  );
}

/**
 * A summary for a citizen who has none yet. Usually a new citizen; for data from before
 * summaries existed it counts the beboerdagbog entries once (the delmål accumulators are
 * rebuilt as they are asked for).
 */
async function firstSummary(call: Call, plan: Plan, skipEntryId?: string): Promise<DiarySummary> {
  const resident = (await call.deps.repos.diary.list({ tenantId: plan.tenantId, teamId: plan.teamId, citizenId: plan.id, kind: 'resident' })).filter((e) => e.id !== skipEntryId);
  const summary = emptySummary(plan, call.now.toISOString());
  const latestAt = resident.at(-1)?.occurredAt;
  return { ...summary, resident: { entries: resident.length, ...(latestAt ? { latestAt } : {}) }, recentEntryIds: resident.slice(-50).map((e) => e.id) };
}

/** The summary (a first one when there is none) with these stale accumulators rebuilt from the entries. */
async function upToDate(call: Call, plan: Plan, stored: DiarySummary | undefined, needs: readonly StatsNeed[], skipEntryId?: string): Promise<DiarySummary> {
  const base = stored ?? (await firstSummary(call, plan, skipEntryId));
  return withRebuiltStats(base, plan, await rebuild(call, plan, needs, skipEntryId));
}

/**
 * The summary with current accumulators for these requests. `stored` is the summary as read
 * (undefined: none yet). What had to be rebuilt is written back, so the next card finds it
 * (best effort: a concurrent writer's version is as good).
 */
export async function currentSummary(
  call: Call,
  plan: Plan,
  stored: Versioned<DiarySummary> | undefined,
  requests: readonly StatsRequest[],
): Promise<DiarySummary> {
  const needs = staleStats(stored?.value, plan, requests);
  if (stored && needs.length === 0) return stored.value;
  const summary = await upToDate(call, plan, stored?.value, needs);
  try {
    if (stored) await call.deps.repos.summaries.replace(summary, stored.etag);
    else await call.deps.repos.summaries.create(summary);
  } catch (error) {
    if (!(error instanceof ConcurrencyError) && !(error instanceof AlreadyExistsError)) throw error;
  }
  return summary;
}

/**
 * Counts a new entry into the summary: read, rebuild what is stale, add, write with the etag,
 * retried on a conflict. Counting the same entry twice (a repeated delivery) changes nothing.
 * `prefetched` is the version this process saw last, which spares the first attempt a read (its
 * etag guards the write; a newer one written elsewhere makes the next attempt read).
 */
export async function countEntry(call: Call, plan: Plan, entry: DiaryEntry, prefetched?: { summary: Versioned<DiarySummary> | undefined }): Promise<void> {
  const repo = call.deps.repos.summaries;
  await retryOnConflict<Versioned<DiarySummary> | undefined, DiarySummary, void>(
    {
      ...(prefetched?.summary ? { initial: prefetched.summary } : {}),
      load: () => repo.get(plan.tenantId, plan.teamId, plan.id),
      change: (stored) => {
        if (stored && hasCounted(stored.value, entry.id)) return { done: undefined };
        const needs = entry.kind === 'subGoal' ? staleStats(stored?.value, plan, entryRequests(plan, entry.goalId)) : [];
        // The usual case reads nothing: the summary is current for this delmål.
        if (stored && needs.length === 0) return { save: addEntryToSummary(stored.value, plan, entry, call.now.toISOString()) };
        return upToDate(call, plan, stored?.value, needs, entry.id).then((rebuilt) => ({ save: addEntryToSummary(rebuilt, plan, entry, call.now.toISOString()) }));
      },
      save: async (next, stored) => {
        if (stored) {
          await repo.replace(next, stored.etag);
          return;
        }
        try {
          await repo.create(next);
        } catch (error) {
          if (error instanceof AlreadyExistsError) throw new ConcurrencyError('summary created meanwhile');
          throw error;
        }
      },
    },
    call.deps.writeRetry,
  );
}
