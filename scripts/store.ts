/**
 * `npm run store -- <command>`: look after the embedded store in DATA_DIR (read from the
 * environment or .env, as the bot does; `--data-dir <dir>` wins).
 *
 *   check [--all]                       SQLite's quick_check of the whole file, the documents not yet
 *                                       verified (every one with --all), the quarantine; a report.
 *   quarantine [--all]                  quarantined documents: number, pk, id, type, reason, when (never
 *                                       their content); --all includes restored and discarded ones.
 *   quarantine --show <n> [--out <f>]   one entry's content (the document, else its raw text), to the
 *                                       screen or to a file to fix it in.
 *   restore <n> [--from-file <f.json>]  put a document back: the fixed one from the file, or the one
 *                                       quarantined if it passes now. Checked as every write is.
 *   discard <n>                         accept the loss of a quarantined document, explicitly.
 *   backup <file>                       an online backup to a new file (safe while the bot runs).
 *
 * Exit code 0 when all is well, 1 when the check found problems or a command was refused, 2 for a
 * usage error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { EmbeddedStoreMaintenance, MaintenanceError, type CheckReport } from '../src/store/embedded/maintenance.js';
import type { QuarantineRecord } from '../src/store/embedded/integrity.js';
import { isDamaged } from '../src/store/embedded/sqlite-database.js';
import { StoreUnavailableError } from '../src/store/ports.js';
import { checkStoredDocument, CRITICAL_DOCUMENT_TYPES } from '../src/store/repositories.js';

const USAGE = `Brug / usage: npm run store -- <command> [--data-dir <dir>]
  check [--all]                         run every check and print a report
  quarantine [--all]                    list quarantined documents (never their content)
  quarantine --show <n> [--out <file>]  show one entry's content, or write it to a file
  restore <n> [--from-file <f.json>]    put a (fixed) document back; it is checked first
  discard <n>                           accept the loss of a quarantined document
  backup <file>                         online backup to a new file`;

export interface StoreCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Log lines (pino JSON) go here; default: stderr. */
  log?: (line: string) => void;
}

class UsageError extends Error {}

interface Parsed {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--data-dir', '--show', '--out', '--from-file']);
const BOOLEAN_FLAGS = new Set(['--all']);

function parseArgs(args: string[]): Parsed {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_FLAGS.has(arg)) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.set(arg, value);
    } else if (BOOLEAN_FLAGS.has(arg)) {
      flags.set(arg, true);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { command: positional.shift(), positional, flags };
}

function number(value: string | true | undefined, what: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${what} must be a quarantine number (see \`npm run store -- quarantine\`)`);
  return n;
}

function describeEntry(q: QuarantineRecord): string {
  const state = q.resolution ? `  [${q.resolution} ${q.resolvedAt}]` : '';
  return `  ${String(q.n).padStart(4)}  ${q.type ?? '?'}  "${q.id ?? '?'}"  in "${q.pk ?? '?'}"  ${q.quarantinedAt}  (${q.origin})${state}\n        ${q.reason}`;
}

function printReport(report: CheckReport, out: (text: string) => void): void {
  const lines = [
    `Lager / store: ${report.file} (${(report.bytes / 1e6).toFixed(1)} MB)`,
    `SQLite quick_check: ${report.quickCheck.join('; ')} (${report.quickCheckMs.toFixed(0)} ms)`,
    `Dokumenter / documents: ${Object.entries(report.documents).map(([type, n]) => `${type} ${n}`).join(', ') || 'none'}`,
    `Checked now: ${report.checked}; quarantined now: ${report.quarantinedNow.length}`,
    `Karantæne / quarantine, unresolved: ${report.open.length}`,
    ...report.open.map(describeEntry),
  ];
  if (report.critical.length > 0) {
    lines.push(
      `Refleks starter ikke / Refleks does not start: ${report.critical.length} critical document(s) in quarantine.`,
      '  Fix: npm run store -- quarantine --show <n> --out doc.json, edit it, npm run store -- restore <n> --from-file doc.json',
      '  or accept the loss: npm run store -- discard <n>',
    );
  }
  lines.push(report.ok ? 'OK' : 'PROBLEMER / PROBLEMS FOUND');
  out(`${lines.join('\n')}\n`);
}

/** Runs one command; returns the exit code. */
export async function runStoreCommand(args: string[], io: StoreCommandIo): Promise<number> {
  let parsed: Parsed;
  let dataDir: string;
  let busyTimeoutMs: number;
  try {
    parsed = parseArgs(args);
    if (!parsed.command || parsed.command === 'help' || parsed.command === '--help') {
      io.stdout(`${USAGE}\n`);
      return parsed.command ? 0 : 2;
    }
    const config = loadConfig(io.env);
    const fromFlag = parsed.flags.get('--data-dir');
    dataDir = resolve(typeof fromFlag === 'string' ? fromFlag : config.DATA_DIR);
    busyTimeoutMs = config.EMBEDDED_BUSY_TIMEOUT_MS;
    if (config.COSMOS_ENDPOINT) io.stderr(`Note: COSMOS_ENDPOINT is set, so the bot uses Cosmos DB; this tool works on the embedded store in ${dataDir}.\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`Ugyldig konfiguration / invalid configuration:\n${error.lines.join('\n')}\n`);
      return 2;
    }
    throw error;
  }
  const logLine = io.log ?? io.stderr;
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => logLine(line) } });
  let store: EmbeddedStoreMaintenance | undefined;
  try {
    const { command, positional, flags } = parsed;
    const known = ['check', 'quarantine', 'restore', 'discard', 'backup'];
    if (command === undefined || !known.includes(command)) throw new UsageError(`unknown command "${command}"`);
    const reportDamage = (): number => {
      // The file cannot be opened for the start-up work, or breaks while checked: report what SQLite finds, read-only.
      const damaged = EmbeddedStoreMaintenance.checkDamagedFile(dataDir);
      io.stdout(
        [
          `Lager / store: ${damaged.file} (${(damaged.bytes / 1e6).toFixed(1)} MB)`,
          `SQLite quick_check: ${damaged.quickCheck.join('; ')}`,
          'The file is damaged; Refleks cannot use it. Restore a backup into DATA_DIR (stop the bot first), or recover',
          'what can be read with the sqlite3 shell: sqlite3 refleks.sqlite ".recover" | sqlite3 recovered.sqlite',
          'PROBLEMER / PROBLEMS FOUND',
          '',
        ].join('\n'),
      );
      return 1;
    };
    try {
      store = EmbeddedStoreMaintenance.open({ dataDir, validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES, busyTimeoutMs, logger });
    } catch (error) {
      if (command !== 'check' || !isDamaged(error)) throw error;
      return reportDamage();
    }
    switch (command) {
      case 'check': {
        let report: ReturnType<typeof store.check>;
        try {
          report = store.check({ all: flags.get('--all') === true });
        } catch (error) {
          if (!isDamaged(error)) throw error;
          return reportDamage();
        }
        printReport(report, io.stdout);
        return report.ok ? 0 : 1;
      }
      case 'quarantine': {
        const show = flags.get('--show');
        if (show !== undefined) {
          const entry = store.show(number(show, '--show'));
          const text = entry.document !== undefined ? `${JSON.stringify(entry.document, null, 2)}\n` : `${entry.raw}\n`;
          const out = flags.get('--out');
          io.stderr(`${describeEntry(entry)}\n  ${entry.document !== undefined ? 'the document' : 'the raw text (no readable document in it)'}:\n`);
          if (typeof out === 'string') {
            if (existsSync(out)) throw new MaintenanceError(`${out} exists; choose a new file name`);
            writeFileSync(out, text, { flag: 'wx' });
            io.stdout(`written to ${resolve(out)}; fix it, then: npm run store -- restore ${entry.n} --from-file ${out}\n`);
          } else {
            io.stdout(text);
          }
          return 0;
        }
        const entries = store.quarantine({ includeResolved: flags.get('--all') === true });
        io.stdout(entries.length === 0 ? 'Karantænen er tom / the quarantine is empty\n' : `${entries.map(describeEntry).join('\n')}\n`);
        return 0;
      }
      case 'restore': {
        const n = number(positional[0], 'restore <n>');
        const from = flags.get('--from-file');
        let fixed: unknown;
        if (typeof from === 'string') {
          try {
            fixed = JSON.parse(readFileSync(from, 'utf8')) as unknown;
          } catch (error) {
            throw new MaintenanceError(`${from} cannot be read as JSON: ${(error as Error).message}`);
          }
        }
        const restored = store.restore(n, fixed);
        io.stdout(`Gendannet / restored: ${restored.type} "${restored.id}" in "${restored.pk}"\n`);
        return 0;
      }
      case 'discard': {
        const entry = store.discard(number(positional[0], 'discard <n>'));
        io.stdout(`Kasseret / discarded: ${entry.type ?? '?'} "${entry.id ?? '?'}" in "${entry.pk ?? '?'}" (its raw text stays in the quarantine table)\n`);
        return 0;
      }
      default: {
        const file = positional[0];
        if (!file) throw new UsageError('backup needs a file name');
        const { file: written, pages } = await store.backup(resolve(file));
        io.stdout(`Backup: ${written} (${pages} pages)\n`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof MaintenanceError || error instanceof StoreUnavailableError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    store?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  runStoreCommand(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`store command failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
