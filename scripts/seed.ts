/**
 * `npm run seed -- --citizens <n> --due <m> --service-url <url> [--tenant <id>] [--team <id>]`:
 * a made-up tilbud for trying reminders, in the configured store (environment or .env, as the
 * bot reads it: the embedded store in DATA_DIR, or Cosmos DB when COSMOS_ENDPOINT is set).
 * n citizens, each with an owner of its own and that owner's personal conversation reference at
 * the service URL; m of them have a goal whose revisionsdato is today, so m reminders are due at
 * once (the tilbud's reminder settings: quiet hours off, weekends send, send time 00:00; see
 * src/dev/seed-reminders.ts). Then `npm run reminders -- --once` sends them.
 *
 * stdout: one JSON line `{"tenantId","teamId","store","citizens","due","reminderEntries","dueNow"}`;
 * logs (pino JSON) go to stderr. Exit 0 done; 2 bad arguments or configuration; 3 the tilbud is in
 * the store already (nothing written: run it with another --team, or on an empty store).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isCardId } from '../src/bot/ids.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { SEED_DEFAULTS, SeedExistsError, seedReminderTilbud } from '../src/dev/seed-reminders.js';

const MAX_CITIZENS = 1000;

const USAGE = [
  'Brug / usage: npm run seed -- --citizens <n> --due <m> --service-url <url> [--tenant <id>] [--team <id>]',
  `  --citizens <n>      antal borgere, 1–${MAX_CITIZENS} / number of citizens`,
  '  --due <m>           heraf med en frist i dag (påmindelse nu), 0–n / of them with a deadline due now',
  '  --service-url <url> Bot Connector-adressen, påmindelserne sendes til (http/https) / the connector the reminders go to',
  `  --tenant <id>       tenant-id (standard / default ${SEED_DEFAULTS.tenantId})`,
  `  --team <id>         tilbuddets team-id (standard / default ${SEED_DEFAULTS.teamId})`,
].join('\n');

const count = (what: string, max: number) =>
  z
    .string({ error: `${what} mangler / is missing` })
    .regex(/^\d+$/, `${what} skal være et helt tal / must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(0).max(max, `${what} må højst være ${max} / must be at most ${max}`));

const id = (what: string) => z.string().refine((v) => isCardId(v), `${what} er ikke et gyldigt id / is not a valid id`);

const ArgsSchema = z
  .object({
    citizens: count('--citizens', MAX_CITIZENS).refine((n) => n >= 1, '--citizens skal være mindst 1 / must be at least 1'),
    due: count('--due', MAX_CITIZENS),
    'service-url': z.url({ protocol: /^https?$/, error: '--service-url skal være en http- eller https-adresse / must be an http or https URL' }),
    tenant: id('--tenant').optional(),
    team: id('--team').optional(),
  })
  .refine((a) => a.due <= a.citizens, { path: ['due'], message: '--due må ikke være større end --citizens / must not exceed --citizens' });

function fail(lines: string[]): number {
  process.stderr.write(`${lines.join('\n')}\n\n${USAGE}\n`);
  return 2;
}

async function run(argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { citizens: { type: 'string' }, due: { type: 'string' }, 'service-url': { type: 'string' }, tenant: { type: 'string' }, team: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return fail([`Ugyldige argumenter / invalid arguments: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (values['help']) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) return fail(parsed.error.issues.map((issue) => issue.message));
  const args = parsed.data;

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
  // Loaded only once the arguments are good: a usage error answers at once.
  const [{ repositoryOptionsOf }, { createLogger }, { openConfiguredStore }, { createRepositories }] = await Promise.all([
    import('../src/app.js'),
    import('../src/logger.js'),
    import('../src/store/open-configured-store.js'),
    import('../src/store/repositories.js'),
  ]);
  const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stderr });
  const store = await openConfiguredStore(config, logger);
  const repos = createRepositories(store, repositoryOptionsOf(config, logger));
  try {
    const summary = await seedReminderTilbud(
      repos,
      { citizens: args.citizens, due: args.due, serviceUrl: args['service-url'], ...(args.tenant ? { tenantId: args.tenant } : {}), ...(args.team ? { teamId: args.team } : {}) },
      new Date(),
    );
    logger.info({ tenantId: summary.tenantId, teamId: summary.teamId, citizens: summary.citizens, due: summary.due, reminderEntries: summary.reminderEntries, dueNow: summary.dueNow }, 'seed tilbud written');
    process.stdout.write(`${JSON.stringify({ tenantId: summary.tenantId, teamId: summary.teamId, store: store.kind, citizens: summary.citizens, due: summary.due, reminderEntries: summary.reminderEntries, dueNow: summary.dueNow })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof SeedExistsError) {
      process.stderr.write(
        `Tilbuddet "${error.teamId}" (tenant ${error.tenantId}) findes allerede i lageret; intet er skrevet. Brug --team <id> for et nyt tilbud, eller et tomt lager.\n` +
          `The tilbud "${error.teamId}" (tenant ${error.tenantId}) is in the store already; nothing was written. Use --team <id> for a new one, or an empty store.\n`,
      );
      return 3;
    }
    throw error;
  } finally {
    await repos.audit.flush();
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
