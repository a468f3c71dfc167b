/**
 * `npm run package`: fills manifest/manifest.template.json and builds the Teams app package.
 *   <outDir>/appPackage/{manifest.json,color.png,outline.png}
 *   <outDir>/refleks-app.zip   (the same three files at the zip root)
 *
 * Placeholders `${{NAME}}` in the template:
 *   BOT_ID        the bot's Microsoft App Id (env MicrosoftAppId; without it a fixed all-zero
 *                 placeholder GUID is used, fine for validation, not for upload to Teams)
 *   TEAMS_APP_ID  the Teams app id (env TEAMS_APP_ID, default: the bot id)
 *   APP_VERSION   package.json version
 *   BOT_DOMAIN    the bot's public host name for validDomains (env BOT_DOMAIN; dropped if empty)
 */
import AdmZip from 'adm-zip';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = path.join(root, 'manifest');

export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
export const ICON_FILES = ['color.png', 'outline.png'] as const;
const GUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

export interface BuildAppPackageOptions {
  botId: string;
  outDir: string;
  /** Defaults to botId. */
  appId?: string;
  /** Defaults to package.json's version. */
  version?: string;
  /** Host name only, e.g. refleks.example.org; omitted from validDomains when empty. */
  botDomain?: string;
}

export interface AppPackage {
  manifest: Record<string, unknown>;
  manifestPath: string;
  zipPath: string;
}

/** Replaces every `${{NAME}}` in the template text; an unknown or unfilled name is an error. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest template: no value for \${{${name}}}`);
    return JSON.stringify(value).slice(1, -1);
  });
}

export function buildAppPackage(options: BuildAppPackageOptions): AppPackage {
  const appId = options.appId ?? options.botId;
  for (const [key, id] of [['botId', options.botId], ['appId', appId]] as const) {
    if (!GUID.test(id)) throw new Error(`${key} must be a GUID, got "${id}"`);
  }
  const version = options.version ?? (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const template = readFileSync(path.join(manifestDir, 'manifest.template.json'), 'utf8');
  const manifest = JSON.parse(
    fillTemplate(template, { BOT_ID: options.botId, TEAMS_APP_ID: appId, APP_VERSION: version, BOT_DOMAIN: options.botDomain?.trim() ?? '' }),
  ) as Record<string, unknown>;
  if (Array.isArray(manifest['validDomains'])) manifest['validDomains'] = manifest['validDomains'].filter((d) => d !== '');

  const appPackageDir = path.join(options.outDir, 'appPackage');
  mkdirSync(appPackageDir, { recursive: true });
  const manifestJson = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestPath = path.join(appPackageDir, 'manifest.json');
  writeFileSync(manifestPath, manifestJson);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifestJson, 'utf8'));
  for (const icon of ICON_FILES) {
    copyFileSync(path.join(manifestDir, icon), path.join(appPackageDir, icon));
    zip.addFile(icon, readFileSync(path.join(manifestDir, icon)));
  }
  const zipPath = path.join(options.outDir, 'refleks-app.zip');
  zip.writeZip(zipPath);
  return { manifest, manifestPath, zipPath };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const botId = process.env['MicrosoftAppId']?.trim() || PLACEHOLDER_BOT_ID;
  if (botId === PLACEHOLDER_BOT_ID) {
    process.stderr.write(`MicrosoftAppId er ikke sat: bruger pladsholderen ${PLACEHOLDER_BOT_ID} (kan valideres, men ikke uploades til Teams).\n`);
  }
  try {
    const result = buildAppPackage({
      botId,
      outDir: path.join(root, 'dist'),
      ...(process.env['TEAMS_APP_ID']?.trim() ? { appId: process.env['TEAMS_APP_ID'].trim() } : {}),
      ...(process.env['BOT_DOMAIN']?.trim() ? { botDomain: process.env['BOT_DOMAIN'].trim() } : {}),
    });
    process.stdout.write(`wrote ${path.relative(root, result.manifestPath)} and ${path.relative(root, result.zipPath)}\n`);
  } catch (error) {
    process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
