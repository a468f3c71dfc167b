/** Loads the Adaptive Card templates in `cards/` once, and adds the Action.Submit fallbacks. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from './render.js';

/** `saved` is the diary's confirmation: the one card of the most frequent turn, kept small so it binds fast. */
export type TemplateName = 'menu' | 'form' | 'plan' | 'saved';

const here = dirname(fileURLToPath(import.meta.url));
/** `cards/` at the repository root, from src/cards (tsx) or dist/src/cards (built). */
const TEMPLATE_DIRS = [join(here, '..', '..', 'cards'), join(here, '..', '..', '..', 'cards')];

const cache = new Map<TemplateName, object>();

function loadTemplate(name: TemplateName): object {
  const cached = cache.get(name);
  if (cached) return cached;
  for (const dir of TEMPLATE_DIRS) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as object;
      cache.set(name, parsed);
      return parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`card template not found: ${name}`);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Every Action.Execute gets an Action.Submit fallback for clients without Universal
 * Actions. The verb travels in the submit data as `verb` (it names the intention only).
 */
function addSubmitFallbacks(node: Json): Json {
  if (Array.isArray(node)) return node.map(addSubmitFallbacks);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) out[key] = addSubmitFallbacks(value);
  if (out['type'] === 'Action.Execute' && typeof out['verb'] === 'string') {
    const data = out['data'] && typeof out['data'] === 'object' && !Array.isArray(out['data']) ? out['data'] : {};
    const fallback: { [key: string]: Json } = {
      type: 'Action.Submit',
      title: out['title'] ?? '',
      data: { ...data, verb: out['verb'] },
    };
    if (out['style'] !== undefined) fallback['style'] = out['style'];
    if (out['associatedInputs'] !== undefined) fallback['associatedInputs'] = out['associatedInputs'];
    out['fallback'] = fallback;
  }
  return out;
}

export function renderCard(name: TemplateName, data: object): Record<string, unknown> {
  const expanded = renderTemplate(loadTemplate(name), data);
  return addSubmitFallbacks(expanded as Json) as Record<string, unknown>;
}
