/**
 * The optimistic-concurrency retry helper, against a small versioned cell that behaves like a
 * document guarded by an etag (compare and swap, ConcurrencyError when the version moved).
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../src/store/ports.js';
import { ContentionError } from '../../src/usecases/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, retryOnConflict } from '../../src/store/retry.js';

interface Version<T> {
  value: T;
  etag: number;
}

/** One document with an etag; reads and writes yield to the event loop like a real store. */
class Cell<T> {
  private version: Version<T>;
  writes = 0;
  constructor(value: T) {
    this.version = { value, etag: 1 };
  }
  async read(): Promise<Version<T>> {
    await tick();
    return this.version;
  }
  async replace(value: T, ifMatch: number): Promise<Version<T>> {
    await tick();
    if (ifMatch !== this.version.etag) throw new ConcurrencyError('moved');
    this.writes++;
    this.version = { value, etag: this.version.etag + 1 };
    return this.version;
  }
  /** Someone else saves: the etag moves. */
  bump(): void {
    this.version = { ...this.version, etag: this.version.etag + 1 };
  }
}

function append(cell: Cell<string[]>, item: string, policy = {}) {
  return retryOnConflict<Version<string[]>, string[], Version<string[]>>(
    {
      load: () => cell.read(),
      change: (current) => (current.value.includes(item) ? { done: current } : { save: [...current.value, item] }),
      save: (next, current) => cell.replace(next, current.etag),
    },
    policy,
  );
}

describe('retryOnConflict', () => {
  it('lands every one of 30 writers that change one document at once (none lost, none doubled)', async () => {
    const cell = new Cell<string[]>([]);
    const items = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    const outcomes = await Promise.all(items.map((item) => append(cell, item)));
    const final = await cell.read();
    expect([...final.value].sort()).toEqual([...items].sort());
    expect(cell.writes).toBe(30);
    // They really collided: most writers needed more than one attempt.
    expect(outcomes.filter((o) => o.attempts > 1).length).toBeGreaterThan(10);
  });

  it('runs the change on the newest version each time and stops without a write when it says done', async () => {
    const cell = new Cell<string[]>([]);
    // The same submission twice at once (a double click): one write.
    const [a, b] = await Promise.all([append(cell, 'same'), append(cell, 'same')]);
    expect((await cell.read()).value).toEqual(['same']);
    expect(cell.writes).toBe(1);
    expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
  });

  it('uses the version in hand for the first attempt', async () => {
    const cell = new Cell<number>(1);
    const initial = await cell.read();
    let loads = 0;
    const { result, attempts } = await retryOnConflict({
      initial,
      load: async () => {
        loads++;
        return cell.read();
      },
      change: (current) => ({ save: current.value + 1 }),
      save: (next, current) => cell.replace(next, current.etag),
    });
    expect(result.value).toBe(2);
    expect(attempts).toBe(1);
    expect(loads).toBe(0);
  });

  it('gives up with ContentionError when the budget runs out, without writing', async () => {
    const cell = new Cell<number>(0);
    const started = performance.now();
    const error = await retryOnConflict(
      {
        load: () => cell.read(),
        change: (current) => {
          cell.bump(); // someone else always saves first
          return { save: current.value + 1 };
        },
        save: (next, current) => cell.replace(next, current.etag),
      },
      { budgetMs: 60 },
    ).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ContentionError);
    expect((error as ContentionError).attempts).toBeGreaterThan(1);
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1_000);
    expect(cell.writes).toBe(0);
  });

  it('with a budget of 0 makes exactly one attempt', async () => {
    const cell = new Cell<number>(0);
    const error = await retryOnConflict(
      {
        load: () => cell.read(),
        change: (current) => {
          cell.bump();
          return { save: current.value + 1 };
        },
        save: (next, current) => cell.replace(next, current.etag),
      },
      { budgetMs: 0 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentionError);
    expect((error as ContentionError).attempts).toBe(1);
  });

  it('throws any other error at once, from the change or the save, without retrying', async () => {
    const cell = new Cell<number>(0);
    let saves = 0;
    await expect(
      retryOnConflict({
        load: () => cell.read(),
        change: () => ({ save: 1 }),
        save: async () => {
          saves++;
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(saves).toBe(1);
    await expect(
      retryOnConflict({
        load: () => cell.read(),
        change: () => {
          throw new RangeError('refused');
        },
        save: (next: number, current) => cell.replace(next, current.etag),
      }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('sleeps with full jitter under an exponential ceiling capped at maxDelayMs, never past the budget', async () => {
    const policy = { baseDelayMs: 8, maxDelayMs: 250 };
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelay(n, policy, () => 1))).toEqual([8, 16, 32, 64, 128, 250, 250, 250]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(16);

    // The helper's waits, on a clock the sleeps move forward.
    let now = 0;
    const slept: number[] = [];
    const cell = new Cell<number>(0);
    const error = await retryOnConflict(
      {
        load: () => cell.read(),
        change: (current) => {
          cell.bump();
          return { save: current.value + 1 };
        },
        save: (next, current) => cell.replace(next, current.etag),
      },
      { budgetMs: 300, ...policy },
      {
        clock: () => now,
        random: () => 0.999,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentionError);
    expect(slept.map((ms) => Math.round(ms))).toEqual([8, 16, 32, 64, 128, 52]);
    expect(slept.reduce((a, b) => a + b, 0)).toBeCloseTo(300, 5);
  });

  it('has defaults well inside the time Teams gives an invoke', () => {
    expect(DEFAULT_RETRY_POLICY.budgetMs).toBeLessThanOrEqual(3_000);
    expect(DEFAULT_RETRY_POLICY.baseDelayMs).toBeLessThanOrEqual(10);
    expect(DEFAULT_RETRY_POLICY.maxDelayMs).toBeLessThanOrEqual(250);
  });
});
