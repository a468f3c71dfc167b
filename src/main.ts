/** Composition root: the only place that reads the environment. */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger, createPrettyDestination } from './logger.js';
import { startApp } from './app.js';
import { openConfiguredStore } from './store/open-configured-store.js';

async function main(): Promise<void> {
  // A local .env file is read if present (Node's own loader); the real environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Refleks kan ikke starte – ugyldig konfiguration:\n${error.lines.join('\n')}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    ...(config.LOG_FORMAT === 'pretty' ? { destination: await createPrettyDestination(process.stdout, process.stdout.isTTY === true) } : {}),
  });
  const started = performance.now();
  const store = await openConfiguredStore(config, logger);
  if (config.REFLEKS_DEMO_SEED && store.kind === 'embedded') {
    const { seedDemoIfEmpty } = await import('./dev/seed-demo.js');
    await seedDemoIfEmpty(store, new Date(), logger, config.REFLEKS_DEMO_SERVICE_URL ? { serviceUrl: config.REFLEKS_DEMO_SERVICE_URL } : {});
  }
  const app = await startApp({ config, logger, store });
  // The start-up this process did on top of loading its code: the store (with its checks) and the app.
  logger.info({ port: app.port, store: store.kind, startupMs: Math.round(performance.now() - started), processMs: Math.round(performance.now()) }, 'ready');
  const stop = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Refleks stoppede: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
