/**
 * `npm run reminders -- --once`: the reminder engine as its own process, against the configured
 * store (environment or .env, as the bot reads it). One pass to completion: every due reminder
 * claimed, checked and sent or deferred; prints one JSON line
 * `{"claimed":…,"sent":…,"deferred":…,"failed":…}` and exits 0. When another instance holds the
 * scan lease the pass does nothing (all zeros; the log on stderr says so).
 *
 * Without `--once` it runs a pass every REMINDER_INTERVAL_MS until SIGINT/SIGTERM (a separate
 * engine process; then set REMINDER_INTERVAL_MS=0 for the bot, or let both take turns on the lease).
 *
 * Logs (pino JSON) go to stderr; stdout carries only the summary. Exit 2 on a usage or config error.
 */
import { existsSync } from 'node:fs';
import { adapterSettingsOf, createReminderSender, engineSettingsOf, repositoryOptionsOf } from '../src/app.js';
import { createAdapter } from '../src/bot/adapter.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { ReminderEngine } from '../src/reminders/engine.js';
import { openConfiguredStore } from '../src/store/open-configured-store.js';
import { createRepositories } from '../src/store/repositories.js';

const USAGE = 'Brug / usage: npm run reminders -- [--once]';

async function run(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--once');
  if (unknown.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const once = args.includes('--once');
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Ugyldig konfiguration / invalid configuration:\n${error.lines.join('\n')}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stderr });
  const store = await openConfiguredStore(config, logger);
  const repos = createRepositories(store, repositoryOptionsOf(config, logger));
  const adapter = createAdapter(adapterSettingsOf(config), logger);
  const engine = new ReminderEngine({ repos, sender: createReminderSender(config, logger, repos, adapter), logger, settings: engineSettingsOf(config) });
  try {
    if (once) {
      const { leased, ...summary } = await engine.runOnce();
      if (!leased) logger.info('another instance holds the reminder lease; nothing done');
      process.stdout.write(`${JSON.stringify({ claimed: summary.claimed, sent: summary.sent, deferred: summary.deferred, failed: summary.failed })}\n`);
      return 0;
    }
    const intervalMs = config.REMINDER_INTERVAL_MS > 0 ? config.REMINDER_INTERVAL_MS : 60_000;
    engine.start(intervalMs);
    logger.info({ intervalMs, instance: engine.instanceId }, 'reminder engine running');
    // The engine's timer is unref'd (it must not keep the bot alive); here the process lives for
    // the engine, so a handle holds it until the signal. Without one, a store that keeps no
    // handle open between passes (Cosmos DB) let the process end silently after its first pass.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    clearInterval(keepAlive);
    return 0;
  } finally {
    await engine.stop();
    await repos.audit.flush();
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`reminders: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
