/**
 * Binds an Adaptive Card template to data with adaptivecards-templating. Data that leaves an
 * expression unbound is a bug, so it throws. No botbuilder here: this module is shared by the
 * bot, the tests and the scripts.
 *
 * Import: adaptivecards-templating is CommonJS (`__exportStar` re-exports, which Node's CJS
 * lexer detects), so the named ESM import works in Node, tsx, vitest and the tsc build. It
 * `require`s its peer adaptive-expressions itself; nothing has to be loaded first (the first
 * import costs ~250 ms, mostly adaptive-expressions).
 *
 * How adaptivecards-templating 2.3 behaves (checked against 2.3.1 with adaptive-expressions 4.23):
 * - A missing (undefined) field stays in the output literally: `"${missing}"`, and
 *   `"Hej ${missing}!"` gives "Hej ${missing}!". That is what `${` in the output catches; the
 *   library's `GlobalSettings.getUndefinedFieldValueSubstitutionString` callback (used here to
 *   name the missing paths) sees the same cases. `coalesce(missing, 'x')` does NOT help: it
 *   returns "${missing}". `exists(missing)` and `if(missing == null, …)` work.
 * - A field that is `null`: a whole-string expression `"${n}"` gives JSON null (the property is
 *   then null, not absent); inside a longer string (`"x ${n}"`) expansion throws a TypeError.
 *   View models should use '' rather than null.
 * - A whole-string expression keeps the value's type: `"${n}"` with n = 3 gives the number 3,
 *   `"${flag}"` a boolean, `"${obj}"` the object (how `data` payloads are passed). Where the
 *   card wants a string (Input values, Fact values, text), put strings in the view model or use
 *   `${string(n)}`. An object inside a longer string prints "[object Object]".
 * - `$when` is kept only when it evaluates to the boolean true. A missing field, a string
 *   "true", an array, or a plain JSON `true` (not an expression) all drop the element; but
 *   `${x != ''}` with x missing is TRUE. `$when` never triggers the missing-field substitution,
 *   so a missing field there is not reported. (The library's
 *   `getLastTemplateExpansionWarnings()` also warns for every `$when` that is simply false, so
 *   those warnings are useless.)
 * - `$data: "${items}"` repeats the element once per item; inside, `${name}` is the item's field,
 *   `${$data}` the item itself (arrays of strings), `${$index}` its position and `${$root.x}` the
 *   top-level data. An empty array removes the element from its array; where the element is an
 *   object property rather than an array item, the property becomes null. `$when` next to `$data`
 *   is evaluated per item. A missing `$data` field renders the element once with `${…}` left in.
 * - Strings from the data are never evaluated again: a note typed as "koster ${5}" passes
 *   through verbatim. The unbound check below therefore ignores `${…}` that occurs in a data
 *   string.
 * - Object keys are not templated (`{"${k}": 1}` stays as is).
 * - A literal `${` in template text: write `\${` in the template string (JSON `"\\${"`), or
 *   `${'${'}`; expansion turns both into `${`, which this module would then report as unbound.
 *   So, if ever needed, pass the text through the data instead: `"text": "${literal}"` with
 *   `{ literal: 'a ${b}' }`. A backtick in a string that also holds an expression breaks the
 *   expression parser (the string is parsed as a JS-like template literal); backticks are fine
 *   in strings without `${` and in data.
 */
import { GlobalSettings, Template } from 'adaptivecards-templating';
import { compileTemplate, FALL_BACK } from './compiled-template.js';

const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** A Template parses its expressions once; it can then be bound to data many times. */
const prepared = new WeakMap<object, Template>();

function compiled(template: object): Template {
  let result = prepared.get(template);
  if (!result) {
    result = new Template(template);
    prepared.set(template, result);
  }
  return result;
}

/** Every string in `data` that holds `${` (user text); such text is not an unbound expression. */
function dataTextsWithExpressionMarks(data: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.includes('${')) found.push(node);
    } else if (node !== null && typeof node === 'object' && !seen.has(node)) {
      seen.add(node);
      for (const value of Array.isArray(node) ? node : Object.values(node)) walk(value);
    }
  };
  walk(data);
  return found;
}

/** The first `${…}` in `text` that did not come from a data string, if any. */
function leftoverExpression(text: string, dataTexts: () => readonly string[]): string | undefined {
  for (let start = text.indexOf('${'); start >= 0; start = text.indexOf('${', start + 2)) {
    const close = text.indexOf('}', start);
    const token = close < 0 ? text.slice(start) : text.slice(start, close + 1);
    if (!dataTexts().some((t) => t.includes(token))) return token;
  }
  return undefined;
}

/** Whether any string in the expanded card holds "${" (a cheap walk; the one that names paths runs only then). */
function hasExpressionMark(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('${');
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const item of node) if (hasExpressionMark(item)) return true;
    return false;
  }
  for (const key in node) if (hasExpressionMark((node as Record<string, unknown>)[key])) return true;
  return false;
}

function findUnbound(node: unknown, path: string, dataTexts: () => readonly string[], out: string[]): void {
  if (out.length >= 5) return;
  if (typeof node === 'string') {
    const token = node.includes('${') ? leftoverExpression(node, dataTexts) : undefined;
    if (token) out.push(`${token} at ${path}`);
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => findUnbound(item, `${path}[${i}]`, dataTexts, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) findUnbound(value, `${path}.${key}`, dataTexts, out);
  }
}

/** Each template's compiled binder (null: it uses more of the language than compiles; see compiled-template.ts). */
const binders = new WeakMap<object, ((data: object) => Record<string, unknown>) | null>();

let binding: 'compiled' | 'library' = 'compiled';

/** Which binder renderTemplate uses: the compiled one (default, falling back to the library), or the library alone (tests compare the two). */
export function useTemplateBinder(which: 'compiled' | 'library'): void {
  binding = which;
}

/** How many expansions each binder did (tests check that the bot's cards bind compiled). */
export const templateBindings = { compiled: 0, library: 0 };

/**
 * Expands `template` with `data` as `$root`. Throws when the template refers to data that is
 * missing (undefined), when a `${…}` is left in the result (missing data or a failed
 * expression, such as an unknown function), when expansion itself fails, and when the result is
 * not an object (a root `$when` that is false, or a root `$data` array).
 *
 * A template that uses only what compiled-template.ts compiles is bound by its compiled binder,
 * with the very result the library gives; data it does not bind that way (a missing value, for
 * one) and every other template go to adaptivecards-templating, with the checks below.
 */
export function renderTemplate(template: object, data: object): Record<string, unknown> {
  if (binding === 'compiled') {
    let bind = binders.get(template);
    if (bind === undefined) {
      bind = compileTemplate(template) ?? null;
      binders.set(template, bind);
    }
    if (bind) {
      try {
        const card = bind(data);
        templateBindings.compiled++;
        return card;
      } catch (error) {
        if (error !== FALL_BACK) throw error;
      }
    }
  }
  return renderWithLibrary(template, data);
}

/** Expands `template` with adaptivecards-templating (the reference for what a template means). */
export function renderWithLibrary(template: object, data: object): Record<string, unknown> {
  templateBindings.library++;
  const compiledTemplate = compiled(template);
  const missing = new Set<string>();
  const previous = GlobalSettings.getUndefinedFieldValueSubstitutionString;
  // expand() is synchronous, so swapping the library's global callback around it is safe.
  GlobalSettings.getUndefinedFieldValueSubstitutionString = (path: string) => {
    missing.add(path);
    return previous?.(path);
  };
  let expanded: unknown;
  try {
    expanded = compiledTemplate.expand({ $root: data });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /\bnull\b/.test(reason) ? ' (a null value inside a longer "…${x}…" string?)' : '';
    throw new Error(`card template could not be expanded: ${reason}${hint}`, { cause: error });
  } finally {
    GlobalSettings.getUndefinedFieldValueSubstitutionString = previous;
  }

  let texts: string[] | undefined;
  const dataTexts = (): readonly string[] => (texts ??= dataTextsWithExpressionMarks(data));
  const unbound: string[] = [];
  // The path-naming walk only when some string holds "${" at all (rare: user text, or a bug).
  if (hasExpressionMark(expanded)) findUnbound(expanded, '$', dataTexts, unbound);
  if (missing.size > 0 || unbound.length > 0) {
    const parts = [];
    if (missing.size > 0) parts.push(`missing data: ${[...missing].join(', ')}`);
    if (unbound.length > 0) parts.push(`left unbound: ${unbound.join('; ')}`);
    throw new Error(`card template left an unbound expression (${parts.join('; ')})`);
  }
  if (expanded === null || typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new Error(`card template did not expand to an object (got ${Array.isArray(expanded) ? 'an array' : String(expanded)})`);
  }
  return expanded as Record<string, unknown>;
}

export function cardAttachment<T extends object>(card: T): { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: T } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** Size of the card as sent (UTF-8 JSON). Teams rejects messages over ~28 KB, activity included. */
export function cardSizeBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
