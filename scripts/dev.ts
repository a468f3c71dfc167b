/**
 * `npm run dev`: starts the bot (src/main.ts, demo seed on) and the Microsoft 365 Agents
 * Playground pointed at it, both on 127.0.0.1, and prints the URL to open.
 *
 * - Bot logs (pino JSON lines) pass through unchanged; Playground output is prefixed.
 * - Ctrl+C / SIGTERM stops both; if either child exits on its own, the other is stopped and
 *   this script exits non-zero.
 * - Playground: no browser, telemetry off (flag + App Insights statsbeat off), bound to loopback
 *   (it listens on all interfaces and has no host option), fixed personal-chat id, its log file
 *   under .tmp/. Facts behind each setting: docs/playground.md.
 *
 * Env: PORT (bot, default 3978), PLAYGROUND_PORT (default 56150), REFLEKS_DEV_BOT_CMD (replace
 * the bot command, split on spaces, e.g. "node /tmp/echo-bot.mjs"; for testing this script).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PLAYGROUND } from '../src/dev/playground-defaults.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const botPort = Number(process.env['PORT'] ?? 3978);
const playgroundPort = Number(process.env['PLAYGROUND_PORT'] ?? PLAYGROUND.port);
const say = (line: string): void => void process.stdout.write(`[dev] ${line}\n`);

/** Monkey-patches net.Server#listen(port[, cb]) to bind 127.0.0.1 (loaded with --import). */
const LOOPBACK_ONLY =
  'data:text/javascript,import net from "node:net"; const listen = net.Server.prototype.listen;' +
  ' net.Server.prototype.listen = function (...a) { if (typeof a[0] === "number" && typeof a[1] !== "string") a.splice(1, 0, "127.0.0.1"); return listen.apply(this, a); };';

const noProxy = [process.env['NO_PROXY'] ?? process.env['no_proxy'], '127.0.0.1', 'localhost'].filter(Boolean).join(',');

const children = new Map<string, ChildProcess>();
let stopping = false;

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 5000);
  force.unref();
  const waitAll = [...children.values()].map(
    (child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))),
  );
  void Promise.all(waitAll).then(() => process.exit(exitCode));
}

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, pipeOutput: boolean): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', pipeOutput ? 'pipe' : 'inherit', pipeOutput ? 'pipe' : 'inherit'] });
  children.set(name, child);
  child.on('error', (error) => {
    say(`${name} kunne ikke starte: ${error.message}`);
    stopAll(1);
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} stoppede uventet (${signal ?? `exit code ${code}`}); stopper resten.`);
    stopAll(code && code !== 0 ? code : 1);
  });
  return child;
}

function prefixLines(stream: NodeJS.ReadableStream | null, prefix: string, onLine?: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    onLine?.(line);
    process.stdout.write(`${prefix}${line}\n`);
  });
}

function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`Port ${port} (${what}) er optaget. Stop det andet program eller sæt ${what === 'bot' ? 'PORT' : 'PLAYGROUND_PORT'}.`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stopping) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} svarede ikke inden for ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('stopped');
}

async function main(): Promise<void> {
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  if (process.env['MicrosoftAppId']) {
    say('Advarsel: MicrosoftAppId er sat, så botten kræver JWT – Playground sender ingen. Fjern den for lokal udvikling.');
  }
  for (const [key, port] of [['PORT', botPort], ['PLAYGROUND_PORT', playgroundPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${key} skal være et portnummer.`);
  }
  await assertPortFree(botPort, 'bot');
  await assertPortFree(playgroundPort, 'playground');

  // 1. The bot.
  const custom = process.env['REFLEKS_DEV_BOT_CMD']?.trim();
  const [botExe, ...botArgs] = (custom ? custom.split(/\s+/) : [process.execPath, '--import', 'tsx', 'src/main.ts']) as [string, ...string[]];
  // A reminder pass every 10 s (unless REMINDER_INTERVAL_MS is set), so the demo's due reminder
  // (src/dev/seed-demo.ts) shows in the Playground's personal chat shortly after start. The
  // download links (a meeting's .docx) point at the local bot, so they open from the Playground.
  const playgroundServiceUrl = `http://127.0.0.1:${playgroundPort}/_connector`;
  start(
    'bot',
    botExe,
    botArgs,
    { UI_LOCALE: 'da', LOG_FORMAT: 'pretty', REMINDER_INTERVAL_MS: '10000', PUBLIC_BASE_URL: `http://127.0.0.1:${botPort}`, ...process.env, REFLEKS_DEMO_SEED: '1', REFLEKS_DEMO_SERVICE_URL: playgroundServiceUrl, PORT: String(botPort), NO_PROXY: noProxy },
    false,
  );
  const readyz = `http://127.0.0.1:${botPort}/readyz`;
  await waitFor('Botten (' + readyz + ')', async () => (await fetch(readyz)).status === 200, 60_000);

  // 2. The Playground.
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const logDir = path.join(root, '.tmp', 'playground');
  mkdirSync(logDir, { recursive: true });
  const playgroundEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: 'none',
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(logDir, 'm365agentsplayground.log'),
    NO_PROXY: noProxy,
    TZ: process.env['TZ'] ?? 'Europe/Copenhagen',
  };
  let listeningPort: number | undefined;
  const playground = start(
    'playground',
    process.execPath,
    [
      '--import', LOOPBACK_ONLY, cli, 'start',
      '--app-endpoint', `http://127.0.0.1:${botPort}/api/messages`,
      '--port', String(playgroundPort),
      '--service-url', playgroundServiceUrl,
      '--conversation-id', PLAYGROUND.personalChatId,
      '--disable-telemetry',
    ],
    playgroundEnv,
    true,
  );
  prefixLines(playground.stdout, '[playground] ', (line) => {
    const match = /^Listening on (\d+)/.exec(line);
    if (match) listeningPort = Number(match[1]);
  });
  prefixLines(playground.stderr, '[playground] ');
  await waitFor('Agents Playground', async () => listeningPort !== undefined, 30_000);
  if (listeningPort !== playgroundPort) throw new Error(`Agents Playground lytter på ${listeningPort} i stedet for ${playgroundPort}.`);
  await waitFor('Agents Playground', async () => (await (await fetch(`http://127.0.0.1:${playgroundPort}/_debug/ping`)).text()) === 'pong', 30_000);

  say(`Refleks kører. Åbn Agents Playground: http://127.0.0.1:${playgroundPort}  (Ctrl+C stopper)`);
}

main().catch((error: unknown) => {
  if (stopping) return;
  say(`Fejl: ${error instanceof Error ? error.message : String(error)}`);
  stopAll(1);
});
