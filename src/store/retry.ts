/**
 * Optimistic concurrency with retries: an attempt reads a document, applies a change and
 * writes it with the etag it read; when someone wrote in between (ConcurrencyError) it runs
 * again after a jittered, growing pause, until it lands or the time budget is spent.
 * "Full jitter" (a random pause between 0 and the current cap) spreads twenty writers out
 * instead of letting them collide again in lockstep.
 */
import { ConcurrencyError } from './ports.js';

export interface RetryOptions {
  /** How long to keep trying (ms), counted from the first attempt. */
  budgetMs?: number;
  /** The first pause's cap (ms); it doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { budgetMs: 3_000, baseDelayMs: 5, maxDelayMs: 250 };

/** Every attempt met a newer version until the budget ran out. */
export class RetryBudgetExceededError extends ConcurrencyError {
  constructor(readonly attempts: number) {
    super(`still conflicting after ${attempts} attempts`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it does not throw ConcurrencyError, within the budget. */
export async function retryOnConflict<T>(attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { budgetMs, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options };
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || error instanceof RetryBudgetExceededError) throw error;
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(n - 1, 16));
      const pause = Math.random() * cap;
      if (Date.now() - started + pause >= budgetMs) throw new RetryBudgetExceededError(n);
      await sleep(pause);
    }
  }
}
