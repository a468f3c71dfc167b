/** Child processes for tests: a TypeScript file run with `node --import tsx`, its output by lines. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** tsx's ESM loader by its path, so a child may run in any folder (a temp data dir). */
const TSX_LOADER = pathToFileURL(resolve(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Lines printed on stdout so far. */
  lines: string[];
  stderr(): string;
  /** Resolves once a stdout line matches (or rejects on exit / after `timeoutMs`). */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code and signal (rejects after `timeoutMs`, killing the child). */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnTs(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, resolve(REPO_ROOT, script), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wake of [...waiters]) wake();
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => {
      exit = { code, signal };
      for (const wake of [...waiters]) wake();
      done(exit);
    }),
  );
  return {
    process: child,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs) {
      return new Promise((done, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching line within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const check = (): void => {
          const found = lines.find(match);
          if (found !== undefined || exit) {
            clearTimeout(timer);
            waiters.delete(check);
            if (found !== undefined) done(found);
            else fail(new Error(`exited (${JSON.stringify(exit)}) before a matching line; stderr: ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    exited(timeoutMs) {
      return Promise.race([
        exitPromise,
        new Promise<never>((_, fail) =>
          setTimeout(() => {
            child.kill('SIGKILL');
            fail(new Error(`did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
          }, timeoutMs).unref(),
        ),
      ]);
    },
  };
}
