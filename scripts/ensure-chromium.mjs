/**
 * `npm test` runs this first (the `pretest` script): the acceptance suite drives the Agents
 * Playground in headless Chromium, and the browser comes from Debian's `chromium` package, never
 * from a download. Present (or CHROMIUM_PATH set): nothing to do. Missing: installed with apt-get
 * when this runs as root (CI and the development machines); otherwise it says what to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const say = (line) => process.stdout.write(`[test] ${line}\n`);
if (process.env.CHROMIUM_PATH) {
  say(`CHROMIUM_PATH is ${path}, which does not exist.`);
  process.exit(1);
}
const packages = ['chromium', 'fonts-dejavu-core'];
const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!canInstall) {
  say(`The acceptance tests need Chromium at ${path}. Install it with: sudo apt-get install ${packages.join(' ')} (or set CHROMIUM_PATH).`);
  process.exit(1);
}
say(`Installing Debian's ${packages.join(' ')} for the acceptance tests (once; about 20 s)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    say(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
    process.exit(1);
  }
}
if (!existsSync(path)) {
  say(`apt-get installed chromium, but ${path} is not there.`);
  process.exit(1);
}
