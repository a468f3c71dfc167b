/**
 * `npm start` on a fresh clone: there is no dist/ yet, so it builds first and then starts, and a
 * development run prints readable log lines (LOG_FORMAT=pretty, as `npm run dev` sets).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';

function run(cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[]; until(match: RegExp, ms: number): Promise<string> } {
  const child = spawn('npm', ['start', '--silent'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  return {
    child,
    lines,
    until(match, ms) {
      return new Promise((done, fail) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const found = lines.find((l) => match.test(l));
          if (found !== undefined || Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(poll);
            if (found !== undefined) done(found);
            else fail(new Error(`no line matching ${match} within ${ms} ms:\n${lines.join('\n')}`));
          }
        }, 50);
      });
    },
  };
}

describe('npm start on a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'refleks-clone-'));
  let started: ChildProcess | undefined;
  afterAll(() => {
    if (started?.pid && started.exitCode === null) process.kill(-started.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds dist/ first, then starts the bot, with readable log lines in pretty mode', { timeout: 90_000 }, async () => {
    for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', 'cards']) cpSync(join(REPO_ROOT, name), join(dir, name), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const bot = run(dir, { PATH: process.env['PATH'], HOME: process.env['HOME'], DATA_DIR: join(dir, 'data'), PORT: '0', LOG_FORMAT: 'pretty', npm_config_update_notifier: 'false' });
    started = bot.child;
    await bot.until(/bygger dist\//, 20_000);
    const ready = await bot.until(/ready/, 60_000);
    // "12:01:02 INFO: ready (port: …)": a line for a person, not a JSON object.
    expect(ready).toMatch(/^\[?\d\d:\d\d:\d\d\]? INFO: ready/);
    expect(ready.trim().startsWith('{')).toBe(false);
    expect(bot.lines.filter((l) => l.trim().startsWith('{"level"'))).toEqual([]);
  });
});
