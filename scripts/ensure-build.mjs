/**
 * `npm start` runs the compiled bot (dist/src/main.js). On a fresh clone, or after a change to
 * the sources, there is nothing (or something old) to run: build it first. Without the
 * TypeScript compiler (a production install without dev dependencies) say what to do instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = [join(root, 'src'), join(root, 'scripts', 'store.ts')];
const newest = Math.max(...sources.map((p) => (statSync(p).isDirectory() ? newestSource(p) : statSync(p).mtimeMs)));
const upToDate = existsSync(built) && statSync(built).mtimeMs >= newest;
if (!upToDate) {
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write(
      existsSync(built)
        ? 'Refleks: dist/ er ældre end kildekoden, og TypeScript er ikke installeret. Kør "npm ci && npm run build" og start igen.\n'
        : 'Refleks: dist/src/main.js findes ikke, og TypeScript er ikke installeret til at bygge den. Kør "npm ci && npm run build" og start igen.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`Refleks: ${existsSync(built) ? 'kildekoden er ændret' : 'ingen build endnu'} – bygger dist/ (npm run build) …\n`);
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('Refleks: bygningen fejlede (se ovenfor); botten startes ikke.\n');
    process.exit(result.status ?? 1);
  }
}
