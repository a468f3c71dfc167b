/** Loads the Adaptive Card templates in `cards/` once, and adds the Action.Submit fallbacks. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from './render.js';

/** `saved` is the diary's confirmation: the one card of the most frequent turn, kept small so it binds fast. */
export type TemplateName = 'menu' | 'form' | 'plan' | 'saved' | 'deadlines';

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
 * Card text is Markdown in Teams and most hosts: "2. dec. 2026 08:37" at the start of a line
 * renders as item 2 of a numbered list, "*vigtigt*" as italics, "- " as a bullet. Every
 * TextBlock and fact value the bot sends is escaped, so a client shows exactly the text (the
 * user's note, a goal, a date). Emphasis the bot means is set with the TextBlock's `weight`,
 * never with Markdown.
 */
const INLINE_SPECIALS = /[\\*_`~[\]]/g;
const LINE_START = /^(\s*)(?:(\d+)([.)])(?=\s|$)|([-+](?=\s)|#(?=#{0,5}(?:\s|$))|>))/gm;
/** Whether a text needs escaping at all (most do not): one test instead of two replacements. */
const NEEDS_ESCAPE = /[\\*_`~[\]]|^\s*(?:\d+[.)]|[-+#>])/m;

export function escapeMarkdown(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(INLINE_SPECIALS, (c) => `\\${c}`)
    .replace(LINE_START, (_m, space: string, digits?: string, dot?: string, mark?: string) => (digits ? `${space}${digits}\\${dot}` : `${space}\\${mark}`));
}

function escapeText(text: Json): Json {
  return typeof text === 'string' ? escapeMarkdown(text) : text;
}

/**
 * Finishes an expanded card in one walk, in place (expansion made every object of it fresh):
 * - every Action.Execute gets an Action.Submit fallback for clients without Universal Actions;
 *   the verb travels in the submit data as `verb` (it names the intention only);
 * - a TextBlock's text and a fact's value are escaped (see escapeMarkdown).
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
  if (type === 'TextBlock' && 'text' in node) node['text'] = escapeText(node['text']!);
  else if (type === 'FactSet' && Array.isArray(node['facts'])) {
    for (const fact of node['facts']) if (fact && typeof fact === 'object' && !Array.isArray(fact)) fact['value'] = escapeText(fact['value'] ?? '');
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
