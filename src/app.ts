/**
 * Builds the running application from a parsed config: store, repositories, bot, adapter
 * and HTTP server. `main.ts` calls it with the environment's config; tests and benchmarks
 * call it with their own (a temp data dir, a local Cosmos, a fixed clock).
 */
import type { AddressInfo } from 'node:net';
import type restify from 'restify';
import type { Config } from './config/config.js';
import { isLocalMode } from './config/config.js';
import type { Logger } from './logger.js';
import { createAdapter, type AdapterSettings, type RefleksAdapter } from './bot/adapter.js';
import { RefleksBot } from './bot/refleks-bot.js';
import { createHttpServer } from './http/server.js';
import { DownloadLinks, DownloadSigner, serveDownload } from './http/downloads.js';
import type { DocumentStore } from './store/ports.js';
import { createRepositories, type Repositories, type RepositoryOptions } from './store/repositories.js';
import type { RetryPolicy } from './store/retry.js';
import { ProactiveSender } from './bot/proactive-sender.js';
import { ReminderEngine, type EngineSettings } from './reminders/engine.js';

export interface App {
  server: restify.Server;
  repos: Repositories;
  store: DocumentStore;
  url: string;
  port: number;
  /** The signed download links of this process (its key and PUBLIC_BASE_URL). */
  downloads: DownloadLinks;
  /** The reminder engine of this process (running on REMINDER_INTERVAL_MS unless that is 0). */
  reminders: ReminderEngine;
  /** Another engine over the same store and connector (tests: several instances in one process). */
  newReminderEngine(options?: { instanceId?: string; settings?: Partial<EngineSettings> }): ReminderEngine;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  store: DocumentStore;
  clock?: () => Date;
  /** Overrides the Bot Framework OpenID metadata URL (tests). */
  openIdMetadataUrl?: string;
  /** Cache settings of the repositories (tests and benchmarks turn the caches off). */
  repositories?: Pick<RepositoryOptions, 'institutionCacheMs' | 'planCacheMs'>;
  /** How plan writes retry under contention (tests shorten the budget). */
  writeRetry?: Partial<RetryPolicy>;
  /** Reminder engine settings on top of the config's (tests shorten timeouts and backoff). */
  reminderEngine?: Partial<EngineSettings>;
}

/** The engine settings the config gives. */
export function engineSettingsOf(config: Config): Partial<EngineSettings> {
  return {
    ratePerSecond: config.REMINDER_RATE_PER_SECOND,
    maxAttempts: config.REMINDER_MAX_ATTEMPTS,
    claimTimeoutMs: config.REMINDER_CLAIM_TIMEOUT_MS,
    leaseMs: config.REMINDER_LEASE_MS,
  };
}

/** The repositories' options the config and logger give (the bot and the one-off commands alike). */
export function repositoryOptionsOf(config: Config, logger: Logger, clock?: () => Date): RepositoryOptions {
  return {
    onAuditError: (error) => logger.error({ err: error }, 'audit write failed'),
    onCitizenIndexRebuilt: (count) => logger.info({ citizens: count }, 'citizen index built from the plans'),
    ...(clock ? { clock } : {}),
    reminderDefaults: { quietHours: config.REMINDER_QUIET_HOURS, weekends: config.REMINDER_WEEKENDS },
    onReminderSyncError: (error, plan) => logger.error({ err: error, tenantId: plan.tenantId, planId: plan.id }, 'reminders of a plan not kept current; the engine re-checks before sending'),
    onCorruptDocument: (error) => logger.error({ document: { type: error.type, pk: error.pk, id: error.id }, reason: error.reason }, 'stored document cannot be read; left out or rebuilt'),
  };
}

/** The adapter's settings the config gives. */
export function adapterSettingsOf(config: Config, openIdMetadataUrl?: string): AdapterSettings {
  return {
    appId: config.MicrosoftAppId,
    appPassword: config.MicrosoftAppPassword,
    appType: config.MicrosoftAppType,
    tenantId: config.MicrosoftAppTenantId,
    authTimeoutMs: config.AUTH_METADATA_TIMEOUT_MS,
    connectorBudgetMs: config.CONNECTOR_BUDGET_MS,
    openIdMetadataUrl,
  };
}

/** The proactive sender of reminder cards over an adapter. */
export function createReminderSender(config: Config, logger: Logger, repos: Repositories, adapter: RefleksAdapter, clock?: () => Date): ProactiveSender {
  return new ProactiveSender({
    adapter,
    appId: config.MicrosoftAppId ?? '',
    repos,
    logger,
    ...(clock ? { clock } : {}),
    ...(config.UI_LOCALE !== 'auto' ? { forceLocale: config.UI_LOCALE } : {}),
  });
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger, store } = options;
  const repos = createRepositories(store, { ...repositoryOptionsOf(config, logger, options.clock), ...options.repositories });
  const clock = options.clock ?? (() => new Date());
  const signer = new DownloadSigner(config.DOWNLOAD_SECRET);
  const downloads = new DownloadLinks(signer, config.PUBLIC_BASE_URL);
  const bot = new RefleksBot({
    repos,
    logger,
    downloads,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(config.UI_LOCALE !== 'auto' ? { forceLocale: config.UI_LOCALE } : {}),
    ...(options.writeRetry ? { writeRetry: options.writeRetry } : {}),
  });
  const adapter = createAdapter(adapterSettingsOf(config, options.openIdMetadataUrl), logger);
  const sender = createReminderSender(config, logger, repos, adapter, options.clock);
  const newReminderEngine = (extra: { instanceId?: string; settings?: Partial<EngineSettings> } = {}): ReminderEngine =>
    new ReminderEngine({
      repos,
      sender,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(extra.instanceId ? { instanceId: extra.instanceId } : {}),
      settings: { ...engineSettingsOf(config), ...options.reminderEngine, ...extra.settings },
    });
  const reminders = newReminderEngine();
  const server = createHttpServer({
    adapter,
    bot,
    logger,
    checkReady: async () => {
      await store.ping();
      return { store: store.kind };
    },
    download: (token) => serveDownload({ signer, repos, logger, clock }, token),
  });
  // Local mode has no authentication, so it listens on loopback only.
  const host = isLocalMode(config) ? '127.0.0.1' : (config.HOST ?? '0.0.0.0');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (config.REMINDER_INTERVAL_MS > 0) reminders.start(config.REMINDER_INTERVAL_MS);
  logger.info({ port, host, store: store.kind, auth: isLocalMode(config) ? 'none (local mode)' : config.MicrosoftAppType ?? 'SingleTenant' }, 'listening');
  return {
    server,
    repos,
    store,
    url,
    port,
    downloads,
    reminders,
    newReminderEngine,
    close: async () => {
      await reminders.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await repos.audit.flush();
      await store.close();
    },
  };
}
