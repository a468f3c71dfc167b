/**
 * The Teams app package: built into a temp dir, validated offline against the official JSON
 * schema bundled in @microsoft/app-manifest (passed in explicitly, so nothing is fetched).
 */
import AdmZip from 'adm-zip';
import appManifest from '@microsoft/app-manifest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../scripts/make-icons.js';
import { buildAppPackage, fillTemplate, ICON_FILES, PLACEHOLDER_BOT_ID, type AppPackage } from '../../scripts/package-manifest.js';

const { AppManifestUtils, TeamsManifestConverter } = appManifest;
type ManifestArg = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];
type SchemaArg = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

const BOT_ID = '3f2a9c1e-7b4d-4e8f-9a6b-2c1d0e9f8a7b';
const EXPECTED_COMMANDS = {
  personal: ['hjælp', 'ny borger', 'borgere', 'plan', 'formål', 'nyt mål', 'nyt delmål', 'dagbog', 'evaluér'],
  team: ['opsæt', 'hjælp', 'ledere', 'refleksionsmøde', 'aftaler', 'eksportér', 'læringscirkel', 'fremdrift', 'katalog'],
};

interface Command { title: string; description: string }
interface CommandList { scopes: string[]; commands: Command[] }
interface Bot { botId: string; scopes: string[]; supportsFiles: boolean; isNotificationOnly: boolean; commandLists: CommandList[] }

const dirs: string[] = [];
function build(options: Partial<Parameters<typeof buildAppPackage>[0]> = {}): AppPackage {
  const outDir = mkdtempSync(path.join(tmpdir(), 'refleks-manifest-'));
  dirs.push(outDir);
  return buildAppPackage({ botId: BOT_ID, outDir, ...options });
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The schema file shipped in the package for the manifest's $schema URL. */
function bundledSchema(schemaUrl: string): SchemaArg {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(packageDir, 'build', new URL(schemaUrl).pathname);
  return JSON.parse(readFileSync(file, 'utf8')) as SchemaArg;
}

async function schemaErrors(manifest: Record<string, unknown>): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as ManifestArg, bundledSchema(String(manifest['$schema'])));
}

describe('Teams app package', () => {
  it('fills every placeholder and validates against the bundled official schema', async () => {
    const pkg = build({ botDomain: 'refleks.example.org', version: '1.2.3' });
    const written = readFileSync(pkg.manifestPath, 'utf8');
    expect(written).not.toContain('${{');
    expect(pkg.manifest['$schema']).toBe('https://developer.microsoft.com/json-schemas/teams/v1.25/MicrosoftTeams.schema.json');
    expect(pkg.manifest['manifestVersion']).toBe('1.25');
    expect(pkg.manifest['id']).toBe(BOT_ID);
    expect(pkg.manifest['version']).toBe('1.2.3');
    expect(pkg.manifest['validDomains']).toEqual(['refleks.example.org']);
    expect(await schemaErrors(JSON.parse(written) as Record<string, unknown>)).toEqual([]);
    // The package's typed converter accepts it as a v1.25 manifest too.
    expect(TeamsManifestConverter.jsonToManifest(written).manifestVersion).toBe('1.25');
  });

  it('validates with the local placeholder bot id and no domain', async () => {
    const pkg = build({ botId: PLACEHOLDER_BOT_ID });
    expect(pkg.manifest['validDomains']).toEqual([]);
    expect(await schemaErrors(pkg.manifest)).toEqual([]);
  });

  it('rejects a bot id that is not a GUID and a template name without a value', () => {
    expect(() => build({ botId: 'not-a-guid' })).toThrow(/GUID/);
    expect(() => fillTemplate('{"a":"${{NOPE}}"}', {})).toThrow(/NOPE/);
  });

  it('catches a broken manifest (the validator is really on)', async () => {
    const { manifest } = build();
    expect(await schemaErrors({ ...manifest, accentColor: 'teal', name: {} })).not.toEqual([]);
  });

  it('declares a conversational bot for personal and team with the Danish command lists', () => {
    const { manifest } = build();
    const bots = manifest['bots'] as Bot[];
    expect(bots).toHaveLength(1);
    const bot = bots[0]!;
    expect(bot.botId).toBe(BOT_ID);
    expect([...bot.scopes].sort()).toEqual(['personal', 'team']);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
    const byScope = Object.fromEntries(bot.commandLists.map((list) => [list.scopes.join(','), list.commands]));
    expect(Object.keys(byScope).sort()).toEqual(['personal', 'team']);
    for (const [scope, titles] of Object.entries(EXPECTED_COMMANDS)) {
      const commands = byScope[scope]!;
      expect(commands.map((c) => c.title)).toEqual(titles);
      // Teams' command menu limits: 10 commands per scope, title <= 32, description <= 128.
      expect(commands.length).toBeLessThanOrEqual(10);
      for (const command of commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.trim().length).toBeGreaterThan(0);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  it('ships a 192x192 opaque colour icon and a 32x32 white-on-transparent outline icon', () => {
    const { manifestPath } = build();
    const dir = path.dirname(manifestPath);
    const color = decodePng(readFileSync(path.join(dir, 'color.png')));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect(color.data.filter((_, i) => i % 4 === 3 && color.data[i] !== 255).length).toBe(0);

    const outline = decodePng(readFileSync(path.join(dir, 'outline.png')));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let [transparent, opaque, notWhite] = [0, 0, 0];
    for (let i = 0; i < outline.data.length; i += 4) {
      const alpha = outline.data[i + 3]!;
      if (alpha === 0) transparent++;
      else if (outline.data[i] !== 255 || outline.data[i + 1] !== 255 || outline.data[i + 2] !== 255) notWhite++;
      if (alpha === 255) opaque++;
    }
    expect(notWhite).toBe(0);
    expect(transparent).toBeGreaterThan(0);
    expect(opaque).toBeGreaterThan(0);
  });

  it('zips manifest.json, color.png and outline.png at the root, identical to appPackage/', () => {
    const { zipPath, manifestPath } = build();
    const zip = new AdmZip(zipPath);
    const entries = zip.getEntries();
    expect(entries.map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(entries.every((e) => !e.isDirectory)).toBe(true);
    const dir = path.dirname(manifestPath);
    for (const name of ['manifest.json', ...ICON_FILES]) {
      expect(zip.readFile(name)?.equals(readFileSync(path.join(dir, name)))).toBe(true);
    }
  });
});
