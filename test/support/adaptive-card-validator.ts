/**
 * Validates Adaptive Card JSON with the official `adaptivecards` renderer, the way a Teams
 * client that supports schema 1.5 would parse it, and renders it into a happy-dom document.
 *
 * Why the UMD bundle in a VM context: `adaptivecards/lib/*.js` is ESM syntax with
 * extensionless relative imports in a package without `"type": "module"`, so Node 20 ESM
 * cannot import it. The webpack bundle `dist/adaptivecards.min.js` is self-contained UMD: run
 * in a happy-dom `Window` (which is itself a `vm` context), it sets `window.AdaptiveCards`, and
 * every `document`/`window`/`HTMLElement` it touches is happy-dom's. Types come from the
 * package's `.d.ts` through a type-only import (erased at runtime).
 *
 * Loaded once per process on the first call and reused (importing happy-dom ~0.6 s, evaluating the
 * bundle into a Window ~50-70 ms; then ~5 ms per card). Global settings are set once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import type { Window } from 'happy-dom';
import type * as AC from 'adaptivecards';

type ACModule = typeof AC;

export interface CardValidationResult {
  errors: string[];
  warnings: string[];
}

interface Loaded {
  ac: ACModule;
  window: Window;
  hostConfig: AC.HostConfig;
  target: AC.Version;
}

/** Collects the library's console.warn/console.error output during one call. */
let consoleSink: { warnings: string[]; errors: string[] } | undefined;

/**
 * The parts of Teams' host config that change what is valid (from the Teams host config
 * sample in microsoft/AdaptiveCards): interactivity on, at most 6 actions per action set,
 * inline Action.ShowCard, no custom container styles.
 */
const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  choiceSetInputValueSeparator: ',',
  fontFamily: "'Segoe UI', Tahoma, Geneva, Verdana, sans-serif",
  actions: {
    maxActions: 6,
    spacing: 'Default',
    buttonSpacing: 8,
    showCard: { actionMode: 'Inline', inlineTopMargin: 16, style: 'emphasis' },
    preExpandSingleShowCardAction: false,
    actionsOrientation: 'Horizontal',
    actionAlignment: 'Left',
  },
  adaptiveCard: { allowCustomStyle: false },
};

/** Events that do not stop a card from working; everything else is an error. */
const WARNING_EVENTS = new Set(['Hint', 'Deprecated']);

let loading: Promise<Loaded> | undefined;

async function loadLibrary(): Promise<Loaded> {
  // happy-dom is imported on first use (~0.6 s), so importing this module costs nothing.
  const { Window: HappyWindow } = await import('happy-dom');
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('adaptivecards/package.json'));
  const bundlePath = join(packageDir, 'dist', 'adaptivecards.min.js');
  const bundle = readFileSync(bundlePath, 'utf8');

  const text = (args: unknown[]): string => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  const capturingConsole = Object.assign(Object.create(globalThis.console) as Console, {
    warn: (...args: unknown[]) => {
      if (consoleSink) consoleSink.warnings.push(text(args));
      else globalThis.console.warn(...args);
    },
    error: (...args: unknown[]) => {
      if (consoleSink) consoleSink.errors.push(text(args));
      else globalThis.console.error(...args);
    },
  });

  const window = new HappyWindow({ url: 'https://teams.microsoft.com/', console: capturingConsole });
  // The Window is a vm context: the UMD wrapper sees no `exports`/`define` and assigns
  // `this.AdaptiveCards` on the window.
  new vm.Script(bundle, { filename: bundlePath }).runInContext(window as unknown as vm.Context);
  const ac = (window as unknown as { AdaptiveCards?: ACModule }).AdaptiveCards;
  if (!ac?.AdaptiveCard) throw new Error(`adaptivecards bundle did not define AdaptiveCards (${bundlePath})`);

  const target = ac.Versions.v1_5;
  // Every card object (not only the root card) reports versions above 1.5 as unsupported.
  ac.SerializableObject.defaultMaxVersion = target;
  // Teams honours `fallback`; elements it does not know fall back (and we still report them).
  ac.GlobalSettings.enableFallback = true;
  ac.GlobalSettings.enableFullJsonRoundTrip = false;
  // Teams does its own markdown; without this the library warns once that markdown-it is missing.
  ac.AdaptiveCard.onProcessMarkdown = (_text, result) => {
    result.didProcess = false;
  };

  return { ac, window, hostConfig: new ac.HostConfig(TEAMS_HOST_CONFIG), target };
}

function library(): Promise<Loaded> {
  if (!loading) {
    loading = Promise.resolve()
      .then(loadLibrary)
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
  }
  return loading;
}

/** Closes the happy-dom window. Optional (e.g. in `afterAll`); the next call loads again. */
export async function closeAdaptiveCardValidator(): Promise<void> {
  const current = loading;
  loading = undefined;
  if (!current) return;
  const { window } = await current.catch(() => ({ window: undefined }));
  await window?.happyDOM.close();
}

function describeSource(source: unknown): string {
  if (!source || typeof source !== 'object') return '';
  const candidate = source as { getJsonTypeName?: () => string; id?: unknown };
  const type = typeof candidate.getJsonTypeName === 'function' ? candidate.getJsonTypeName() : undefined;
  const id = typeof candidate.id === 'string' && candidate.id ? ` "${candidate.id}"` : '';
  return type ? `${type}${id}: ` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ParsedCard {
  card: AC.AdaptiveCard;
  result: CardValidationResult;
}

/** Checks the library does not make, on parsed objects (so fallbacks are seen as what they became). */
function extraChecks(ac: ACModule, object: AC.CardObject, source: unknown, report: (message: string) => void): void {
  const type = object.getJsonTypeName();
  const label = describeSource(object);
  // `source` is the JSON of the owner when the object came from a fallback: only look at it
  // when it describes this object.
  const raw = isObject(source) && source['type'] === type ? source : undefined;
  const associatedInputs = raw?.['associatedInputs'];
  if (associatedInputs !== undefined && !(typeof associatedInputs === 'string' && /^(auto|none)$/i.test(associatedInputs))) {
    // The library (and Teams) silently treat anything but "none" as "auto".
    report(`${label}Invalid value ${JSON.stringify(associatedInputs)} for property "associatedInputs" (auto | none). [InvalidPropertyValue]`);
  }
  if (object instanceof ac.ExecuteAction && !object.verb) {
    report(`${label}Action.Execute has no "verb" (Teams sends it as the invoke's action.verb). [PropertyCantBeNull]`);
  } else if (type === 'TextBlock' && (object as AC.TextBlock).text === undefined) {
    report(`${label}property "text" must be set. [PropertyCantBeNull]`);
  } else if (type === 'Image' && !(object as AC.Image).url) {
    report(`${label}property "url" must be set. [PropertyCantBeNull]`);
  }
}

function parseAndValidate(lib: Loaded, json: Record<string, unknown>): ParsedCard {
  const { ac } = lib;
  const errors: string[] = [];
  const warnings: string[] = [];
  const context = new ac.SerializationContext(lib.target);
  context.onParseElement = (element, source) => extraChecks(ac, element, source, (m) => errors.push(`[parse] ${m}`));
  context.onParseAction = (action, source) => extraChecks(ac, action, source, (m) => errors.push(`[parse] ${m}`));

  const card = new ac.AdaptiveCard();
  card.hostConfig = lib.hostConfig;
  card.maxVersion = lib.target;
  card.parse(json, context);

  const classify = (phase: string, event: AC.IValidationEvent): void => {
    const name = ac.ValidationEvent[event.event] ?? String(event.event);
    const line = `[${phase}] ${describeSource(event.source)}${event.message} [${name}]`;
    (WARNING_EVENTS.has(name) ? warnings : errors).push(line);
  };
  for (let i = 0; i < context.eventCount; i++) classify('parse', context.getEventAt(i));
  for (const event of card.validateProperties().validationEvents) classify('validate', event);
  return { card, result: { errors, warnings } };
}

/**
 * A `fallback` of an element or action the client knows is never parsed by the library (it is
 * only used when the owner is unknown), so Refleks' Action.Submit fallbacks would go unchecked.
 * Each such fallback is validated on its own, wrapped in a 1.5 card.
 */
function fallbackCards(lib: Loaded, node: unknown, path: string, out: { path: string; card: object }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => fallbackCards(lib, item, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(node)) return;
  const type = typeof node['type'] === 'string' ? node['type'] : undefined;
  const fallback = node['fallback'];
  if (type && isObject(fallback)) {
    const isAction = type.startsWith('Action.');
    const registry = isAction ? lib.ac.GlobalRegistry.actions : lib.ac.GlobalRegistry.elements;
    const knownOwner = registry.createInstance(type, lib.target) !== undefined;
    if (knownOwner) {
      out.push({
        path: `${path}.fallback`,
        card: isAction
          ? { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'ActionSet', actions: [fallback] }] }
          : { type: 'AdaptiveCard', version: '1.5', body: [fallback] },
      });
    }
  }
  for (const [key, value] of Object.entries(node)) {
    // `data` is the bot's own payload, not card structure.
    if (key === 'data' && type?.startsWith('Action.')) continue;
    fallbackCards(lib, value, `${path}.${key}`, out);
  }
}

function renderInto(lib: Loaded, card: AC.AdaptiveCard): { html?: string; error?: string } {
  const document = lib.window.document;
  try {
    const element = card.render();
    if (!element) return { error: 'render() returned no element' };
    const host = document.createElement('div');
    document.body.appendChild(host);
    try {
      host.appendChild(element as unknown as Parameters<typeof host.appendChild>[0]);
      card.updateLayout();
      return { html: host.innerHTML };
    } finally {
      host.remove();
    }
  } catch (error) {
    return { error: `render() threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  }
}

async function run(cardJson: unknown): Promise<CardValidationResult & { html?: string }> {
  const lib = await library();
  if (!isObject(cardJson)) return { errors: ['card is not a JSON object'], warnings: [] };
  // Parse a copy: the library must not see (or keep) the caller's object.
  const json = JSON.parse(JSON.stringify(cardJson)) as Record<string, unknown>;

  const sink = { warnings: [] as string[], errors: [] as string[] };
  consoleSink = sink;
  try {
    const { card, result } = parseAndValidate(lib, json);

    const fallbacks: { path: string; card: object }[] = [];
    fallbackCards(lib, json, '$', fallbacks);
    for (const fallback of fallbacks) {
      const inner = parseAndValidate(lib, fallback.card as Record<string, unknown>).result;
      result.errors.push(...inner.errors.map((m) => `fallback at ${fallback.path}: ${m}`));
      result.warnings.push(...inner.warnings.map((m) => `fallback at ${fallback.path}: ${m}`));
    }

    const rendered = renderInto(lib, card);
    if (rendered.error) result.errors.push(`[render] ${rendered.error}`);
    result.errors.push(...sink.errors.map((m) => `[console.error] ${m}`));
    result.warnings.push(...sink.warnings.map((m) => `[console.warn] ${m}`));
    return { ...result, html: rendered.html };
  } finally {
    consoleSink = undefined;
  }
}

/**
 * Parses `card` as a Teams client on schema 1.5 would (elements, actions and properties newer
 * than 1.5 are reported), against Teams' host config (max 6 actions per set), runs the
 * library's validation plus checks it lacks (Action.Execute needs a verb, TextBlock needs
 * text, Image needs url, associatedInputs is auto|none), validates the `fallback`s the library
 * skips, and renders the card into a happy-dom document. Strings read
 * `[parse|validate|render] Type "id": message [ValidationEvent]`; Hint and Deprecated events
 * and the library's console.warn output are warnings, everything else is an error.
 */
export async function validateAdaptiveCard(card: unknown): Promise<CardValidationResult> {
  const { errors, warnings } = await run(card);
  return { errors, warnings };
}

/** The card rendered by the `adaptivecards` library into happy-dom, as HTML (for debugging). */
export async function renderAdaptiveCardHtml(card: unknown): Promise<string> {
  const { html, errors } = await run(card);
  if (html === undefined) throw new Error(`card did not render:\n${errors.join('\n')}`);
  return html;
}
