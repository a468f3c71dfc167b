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
 * Card text is Markdown: a text that begins with a number and a full stop ("2. dec. 2026 08:37")
 * renders as an item of a numbered list. Such a start is escaped in every TextBlock and fact.
 */
const LIST_START = /^(\d+)\.(\s)/;

function escapeListStart(text: Json): Json {
  // Most texts do not begin with a digit: only those are looked at.
  if (typeof text !== 'string' || text.length < 3) return text;
  const first = text.charCodeAt(0);
  return first >= 48 && first <= 57 ? text.replace(LIST_START, '$1\\.$2') : text;
}

/**
 * Finishes an expanded card in one walk, in place (expansion made every object of it fresh):
 * - every Action.Execute gets an Action.Submit fallback for clients without Universal Actions;
 *   the verb travels in the submit data as `verb` (it names the intention only);
 * - a list-like start of a TextBlock's text or a fact's value is escaped (see LIST_START).
 */
function finishCard(node: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) finishCard(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const key in node) {
    const value = node[key]!;
    if (value !== null && typeof value === 'object') finishCard(value);
  }
  const type = node['type'];
  if (type === 'TextBlock' && 'text' in node) node['text'] = escapeListStart(node['text']!);
  else if (type === 'FactSet' && Array.isArray(node['facts'])) {
    for (const fact of node['facts']) if (fact && typeof fact === 'object' && !Array.isArray(fact)) fact['value'] = escapeListStart(fact['value'] ?? '');
  } else if (type === 'Action.Execute' && typeof node['verb'] === 'string') {
    const data = node['data'] && typeof node['data'] === 'object' && !Array.isArray(node['data']) ? node['data'] : {};
    const fallback: { [key: string]: Json } = {
      type: 'Action.Submit',
      title: node['title'] ?? '',
      data: { ...data, verb: node['verb'] },
    };
    if (node['style'] !== undefined) fallback['style'] = node['style'];
    if (node['associatedInputs'] !== undefined) fallback['associatedInputs'] = node['associatedInputs'];
    node['fallback'] = fallback;
  }
}

export function renderCard(name: TemplateName, data: object): Record<string, unknown> {
  const card = renderTemplate(loadTemplate(name), data) as Json;
  finishCard(card);
  return card as Record<string, unknown>;
}
