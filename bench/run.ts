/**
 * Benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- turn` one.
 * Each benchmark measures its own baseline in the same process and run and prints ratios:
 * absolute times on these shared machines mean little.
 */
import { runScaleBenchmark } from './scale.js';
import { runEmbeddedStoreBenchmark } from './embedded-store.js';
import { runTurnBenchmark } from './turn.js';
import { runPlanCardBenchmark } from './plan-card.js';
import { runRemindersBenchmark } from './reminders.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  turn: runTurnBenchmark,
  scale: runScaleBenchmark,
  embedded: runEmbeddedStoreBenchmark,
  'plan-card': runPlanCardBenchmark,
  reminders: runRemindersBenchmark,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHMARKS);
  for (const name of names) {
    const bench = BENCHMARKS[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark "${name}"; have: ${Object.keys(BENCHMARKS).join(', ')}\n`);
      process.exit(2);
    }
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
