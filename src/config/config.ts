/**
 * Configuration from the environment, parsed with zod. `loadConfig` fails fast with one
 * clear line per bad key. Only `main.ts` calls it.
 */
import { z } from 'zod';
import { QuietHoursSchema, WeekendPolicySchema } from '../domain/model.js';

const emptyToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().min(1).optional());
/** Lower case, no spaces, an en dash read as a hyphen ("17:00 – 07:30" = "17:00-07:30"). */
const normalizedToken = (value: unknown): unknown =>
  typeof value === 'string' ? emptyToUndefined(value.trim().toLowerCase().replace(/\s+/g, '').replace(/[\u2013\u2014]/g, '-')) : value;
const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .optional()
    .transform((v) => v === '1' || v === 'true' || v === 'yes'),
);

export const ConfigSchema = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
    HOST: optionalString,
    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(
      emptyToUndefined,
      z.enum(['SingleTenant', 'UserAssignedMSI', 'MultiTenant']).optional(),
    ),
    MicrosoftAppTenantId: optionalString,
    COSMOS_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    COSMOS_KEY: optionalString,
    COSMOS_MANAGED_IDENTITY_CLIENT_ID: optionalString,
    COSMOS_DATABASE: z.preprocess(emptyToUndefined, z.string().min(1).default('refleks')),
    COSMOS_CONTAINER: z.preprocess(emptyToUndefined, z.string().min(1).default('refleks')),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().min(1).default('./data')),
    EMBEDDED_SYNC: z.preprocess(
      (value) => (typeof value === 'string' ? emptyToUndefined(value.trim().toLowerCase()) : value),
      z.enum(['full', 'normal']).default('normal'),
    ),
    EMBEDDED_BUSY_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(600000).default(5000)),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    /** json (production) or pretty: one readable line per log entry (npm run dev sets it). */
    LOG_FORMAT: z.preprocess(
      (value) => (typeof value === 'string' ? emptyToUndefined(value.trim().toLowerCase()) : value),
      z.enum(['json', 'pretty']).default('json'),
    ),
    AUTH_METADATA_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(60000).default(4000)),
    /** How long one turn may spend on the Bot Connector in all (replies, card updates, roster reads); each call is tried once. */
    CONNECTOR_BUDGET_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(60000).default(4000)),
    REFLEKS_DEMO_SEED: booleanFlag,
    /** The Playground's connector, for the demo seed: Alex's personal chat is stored as reachable there (`npm run dev` sets it). */
    REFLEKS_DEMO_SERVICE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    UI_LOCALE: z.preprocess(emptyToUndefined, z.enum(['auto', 'da', 'en']).default('auto')),
    /**
     * Reminders' quiet hours in Copenhagen time, HH:mm-HH:mm (may run over midnight) or off; a
     * reminder that falls inside waits for their end. A tilbud can set its own.
     */
    REMINDER_QUIET_HOURS: z.preprocess(normalizedToken, QuietHoursSchema.default('17:00-07:30')),
    /** skip: a reminder due on a Saturday or Sunday waits for Monday morning; send: weekends are like weekdays. */
    REMINDER_WEEKENDS: z.preprocess(normalizedToken, WeekendPolicySchema.default('skip')),
    /** How often the bot process runs a reminder pass (ms); 0: not in this process (run `npm run reminders` instead). */
    REMINDER_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(86_400_000).default(60_000)),
    /** Delivery attempts (5xx, 412, timeouts) before a reminder is marked failed. */
    REMINDER_MAX_ATTEMPTS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(50).default(5)),
    /** Global ceiling of reminder messages per second (Teams allows 50 requests/s per app and tenant). */
    REMINDER_RATE_PER_SECOND: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(50).default(30)),
    /**
     * How long an instance's claim on a reminder holds (ms): a reminder left "sending" by a crashed
     * instance is due again after this. Longer than a send may take (the send timeout is 15 s).
     */
    REMINDER_CLAIM_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(500).max(3_600_000).default(120_000)),
    /** How long the reminder scan lease holds without renewal (ms): another instance takes over a crashed one's scan after this. */
    REMINDER_LEASE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(500).max(3_600_000).default(60_000)),
    /**
     * The address people reach the bot at from their browser (https://refleks.example.dk, no
     * trailing path): the signed download links (a meeting's .docx from `@Refleks eksportér`) start
     * with it. Unset: no link is posted; the bot says the Word file is not available in this
     * setup. `npm run dev` sets it to the local bot (http://127.0.0.1:<PORT>).
     */
    PUBLIC_BASE_URL: z.preprocess(
      (value) => (typeof value === 'string' ? emptyToUndefined(value.trim().replace(/\/+$/, '')) : value),
      z.url({ protocol: /^https?$/ }).refine((v) => !/[?#]/.test(v), { message: 'a base URL without ? or #' }).optional(),
    ),
    /**
     * The key download links are signed with (HMAC-SHA256), at least 32 characters (e.g.
     * `openssl rand -base64 48`). Every instance behind one PUBLIC_BASE_URL needs the same key, and
     * changing it makes the links out there invalid (they last at most 24 hours anyway). Unset: a
     * random key per process, which is fine for one instance (a restart invalidates the links).
     * Never logged.
     */
    DOWNLOAD_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, { message: 'at least 32 characters' }).optional()),
  })
;

type RawEnv = Record<string, string | undefined>;

/** Rules across keys. Checked on the raw values so they are reported even when other keys are bad. */
function crossFieldIssues(env: RawEnv): string[] {
  const has = (key: string): boolean => typeof env[key] === 'string' && env[key]!.trim() !== '';
  const issues: string[] = [];
  if (has('MicrosoftAppId')) {
    const type = has('MicrosoftAppType') ? env['MicrosoftAppType']!.trim() : 'SingleTenant';
    if (type === 'MultiTenant') issues.push('  MicrosoftAppType: MultiTenant bots are deprecated; use SingleTenant or UserAssignedMSI');
    if (!has('MicrosoftAppTenantId')) issues.push('  MicrosoftAppTenantId: required when MicrosoftAppId is set');
    if (type === 'SingleTenant' && !has('MicrosoftAppPassword')) issues.push('  MicrosoftAppPassword: required for a SingleTenant bot');
  } else if (has('MicrosoftAppPassword') || env['MicrosoftAppType']?.trim() === 'UserAssignedMSI') {
    issues.push('  MicrosoftAppId: required when MicrosoftAppPassword or MicrosoftAppType is set');
  }
  return issues;
}

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.join('\n')}`);
  }
}

/** Parses the environment. Throws ConfigError with one line per bad key (never echoes secret values). */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const result = ConfigSchema.safeParse(env);
  const lines = result.success ? [] : result.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
  lines.push(...crossFieldIssues(env as RawEnv));
  if (result.success && lines.length === 0) return result.data;
  throw new ConfigError(lines);
}

/** Local mode: no app id, so no auth, and the server binds to loopback only. */
export function isLocalMode(config: Config): boolean {
  return !config.MicrosoftAppId;
}
