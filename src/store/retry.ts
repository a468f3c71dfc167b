/**
 * Optimistic-concurrency writes that keep trying: read the newest version, apply a pure
 * change, save it with the version it was read at; when someone else saved in between
 * (ConcurrencyError), wait a little and do it again on the version that is newest now.
 *
 * The waits are "full jitter" exponential backoff: before retry n the write sleeps a random
 * time between 0 and min(maxDelayMs, baseDelayMs · 2ⁿ⁻¹), which spreads many writers of the
 * same document apart instead of letting them collide again in lock step. A time budget (not
 * a count) bounds the whole thing, so a write either lands or fails with ContentionError well
 * inside the few seconds Teams gives an invoke.
 *
 * Generic on purpose: plans, the citizen index, the plan archive and the diary summary use it.
 */
import { ConcurrencyError } from './ports.js';

/** Every attempt met a newer version until the time budget ran out. */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${attempts} attempts in ${Math.round(elapsedMs)} ms`);
  }
}

export interface RetryPolicy {
  /** No new attempt starts after this many ms from the first one. 0 = a single attempt. */
  budgetMs: number;
  /** The backoff's first ceiling (ms); it doubles per retry. */
  baseDelayMs: number;
  /** The backoff's largest ceiling (ms). */
  maxDelayMs: number;
  /** A safety net behind the budget (a clock that does not move). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { budgetMs: 3_000, baseDelayMs: 8, maxDelayMs: 250, maxAttempts: 500 };

/** What the change decided for the version it was given: write this, or stop with a result (nothing to write). */
export type RetryStep<N, R> = { save: N } | { done: R };

export interface OptimisticWrite<C, N, R> {
  /** The version already in hand for the first attempt; without it the first attempt loads. */
  initial?: C;
  /** Reads the newest version. */
  load(): Promise<C>;
  /** Decides on one version. Pure apart from throwing: it runs again on every newer version. */
  change(current: C): RetryStep<N, R> | Promise<RetryStep<N, R>>;
  /** Saves `next` only if the store still holds `current` (etag); otherwise throws ConcurrencyError. */
  save(next: N, current: C): Promise<R>;
}

export interface RetryEnvironment {
  /** A monotonic clock in ms (default `performance.now`). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Which errors mean "someone else saved first" (default: ConcurrencyError). */
  isConflict?: (error: unknown) => boolean;
}

export interface RetryOutcome<R> {
  result: R;
  attempts: number;
}

/** The wait before retry number `retry` (1 = the first retry): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return random() * ceiling;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `change` and `save` until a save lands, the change stops with `done`, or the budget
 * runs out (ContentionError). Errors other than a conflict, from any of the three functions,
 * are thrown at once.
 */
export async function retryOnConflict<C, N, R>(
  op: OptimisticWrite<C, N, R>,
  policy: Partial<RetryPolicy> = {},
  env: RetryEnvironment = {},
): Promise<RetryOutcome<R>> {
  const p: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...policy };
  const clock = env.clock ?? (() => performance.now());
  const sleep = env.sleep ?? defaultSleep;
  const random = env.random ?? Math.random;
  const isConflict = env.isConflict ?? ((error: unknown) => error instanceof ConcurrencyError);
  const started = clock();
  let current = op.initial ?? (await op.load());
  for (let attempt = 1; ; attempt++) {
    const step = await op.change(current);
    if ('done' in step) return { result: step.done, attempts: attempt };
    try {
      return { result: await op.save(step.save, current), attempts: attempt };
    } catch (error) {
      if (!isConflict(error)) throw error;
      const elapsed = clock() - started;
      const remaining = p.budgetMs - elapsed;
      if (remaining <= 0 || attempt >= p.maxAttempts) throw new ContentionError(attempt, elapsed);
      await sleep(Math.min(remaining, backoffDelay(attempt, p, random)));
      current = await op.load();
    }
  }
}
