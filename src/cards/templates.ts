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

/**
 * Card text is Markdown in Teams and most hosts: "2. dec. 2026 08:37" at the start of a line
 * renders as item 2 of a numbered list, "*vigtigt*" as italics, "- " as a bullet. Every
 * TextBlock and fact value the bot sends is escaped, so a client shows exactly the text (the
 * user's note, a goal, a date). Emphasis the bot means is set with the TextBlock's `weight`,
 * never with Markdown.
 */
const INLINE_SPECIALS = /[\\*_`~[\]]/g;
const LINE_START = /^(\s*)(?:(\d+)([.)])(?=\s|$)|([-+](?=\s)|#(?=#{0,5}(?:\s|$))|>))/gm;

export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_SPECIALS, (c) => `\\${c}`)
    .replace(LINE_START, (_m, space: string, digits?: string, dot?: string, mark?: string) => (digits ? `${space}${digits}\\${dot}` : `${space}\\${mark}`));
}

function escapeText(text: Json): Json {
  return typeof text === 'string' ? escapeMarkdown(text) : text;
}

function guardMarkdown(node: Json): void {
  if (Array.isArray(node)) return node.forEach(guardMarkdown);
  if (node === null || typeof node !== 'object') return;
  if (node['type'] === 'TextBlock' && 'text' in node) node['text'] = escapeText(node['text']!);
  if (node['type'] === 'FactSet' && Array.isArray(node['facts'])) {
    for (const fact of node['facts']) if (fact && typeof fact === 'object' && !Array.isArray(fact)) fact['value'] = escapeText(fact['value'] ?? '');
  }
  for (const value of Object.values(node)) guardMarkdown(value);
}

export function renderCard(name: TemplateName, data: object): Record<string, unknown> {
  const card = addSubmitFallbacks(renderTemplate(loadTemplate(name), data) as Json);
  guardMarkdown(card);
  return card as Record<string, unknown>;
}
