/**
 * A compiled binder for the part of the Adaptive Cards template language Refleks' templates use,
 * giving exactly what adaptivecards-templating gives for them, at a fraction of the cost: the
 * library builds an expression memory, an options object and a closure for every expression it
 * evaluates, which made binding most of a plan card's render time and about 600 KB of garbage
 * per card (young-generation collections then landed in one render in 25).
 *
 * What compiles (every expression a whole string, as in cards/*.json):
 * - `${path}` (`a`, `a.b`, `$data`, `$root.a`, `$index`): the value as it is, keeping its type;
 * - `${path != 'text'}`, `${path == 'text'}`: for a string (or missing) value;
 * - `${count(path) > 0}` and the other comparisons of count() with a whole number, for an array;
 * - `$when` (kept only when it evaluates to the boolean true) and `$data` (an array repeats the
 *   element per item, with `$index`; none drops it), on any object.
 * Anything else in a template (text around an expression, another function, an operator) makes
 * `compileTemplate` return undefined: that template is bound by the library. And whatever is
 * unusual in the data at binding time (a missing or null value where a value is bound, a value of
 * another type than the comparison expects, a `$data` that is not a list) stops the compiled
 * binder with FALL_BACK, and the library binds that card instead, with its own result or error.
 * test/cards/cards.test.ts binds every card the bot sends both ways and compares them.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown by a compiled template for data it does not bind the library's way: bind with the library. */
export const FALL_BACK: unique symbol = Symbol('bind with adaptivecards-templating');

interface Scope {
  root: unknown;
  /** The current `$data` (the root outside any `$data`). */
  data: unknown;
  index: number | undefined;
}

type Evaluate = (scope: Scope) => unknown;
/** A compiled node: its expanded value, or DROPPED for an object its `$when` or an empty `$data` removed. */
type Expand = (scope: Scope) => Json | typeof DROPPED;

const DROPPED: unique symbol = Symbol('dropped');

/** The keys the library treats as reserved: never copied to the output. */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

const PATH = /^\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const COMPARE_TEXT = /^(\S+?)\s*(==|!=)\s*'([^'\\$]*)'$/;
const COMPARE_COUNT = /^count\((\S+?)\)\s*(==|!=|>=|<=|>|<)\s*(\d+)$/;

class NotCompilable extends Error {}

/** A path's value in the scope, as the library resolves it ('a.b' is '$data.a.b'); undefined when absent. */
function compilePath(path: string): Evaluate {
  if (!PATH.test(path)) throw new NotCompilable(path);
  const segments = path.split('.');
  const head = segments[0]!;
  const rest = head.startsWith('$') ? segments.slice(1) : segments;
  if (head.startsWith('$') && !['$root', '$data', '$index'].includes(head)) throw new NotCompilable(head);
  const start: Evaluate = head === '$root' ? (s) => s.root : head === '$index' ? (s) => s.index : (s) => s.data;
  return (scope) => {
    let value = start(scope);
    for (const segment of rest) {
      if (value === null || value === undefined) return undefined;
      // Plain objects and arrays only: anything else is for the library to decide.
      if (typeof value !== 'object') throw FALL_BACK;
      value = Object.prototype.hasOwnProperty.call(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
    }
    return value;
  };
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/** An expression's evaluator; `bound`: its value goes into the card (a missing or null value falls back). */
function compileExpression(source: string, bound: boolean): Evaluate {
  const text = COMPARE_TEXT.exec(source);
  if (text) {
    const [, path, op, literal] = text;
    const value = compilePath(path!);
    return (scope) => {
      const v = value(scope);
      if (v !== undefined && typeof v !== 'string') throw FALL_BACK;
      return (v === literal) === (op === '==');
    };
  }
  const counted = COMPARE_COUNT.exec(source);
  if (counted) {
    const [, path, op, number] = counted;
    const value = compilePath(path!);
    const n = Number(number);
    return (scope) => {
      const v = value(scope);
      if (!Array.isArray(v)) throw FALL_BACK;
      return compare(op!, v.length, n);
    };
  }
  const value = compilePath(source.trim());
  if (!bound) return value;
  return (scope) => {
    const v = value(scope);
    if (v === undefined || v === null) throw FALL_BACK;
    return v;
  };
}

/** The expression of a string that is one whole `${…}`; undefined for plain text; not compilable for text around an expression. */
function wholeExpression(text: string): string | undefined {
  const at = text.indexOf('${');
  if (at < 0) return undefined;
  if (at !== 0 || !text.endsWith('}') || text.indexOf('${', 2) >= 0 || text.indexOf('}') !== text.length - 1 || text.includes('`')) throw new NotCompilable(text);
  return text.slice(2, -1);
}

function compileNode(node: unknown): Expand {
  if (typeof node === 'string') {
    const expression = wholeExpression(node);
    if (expression === undefined) return () => node;
    const evaluate = compileExpression(expression, true);
    return (scope) => evaluate(scope) as Json;
  }
  if (Array.isArray(node)) {
    const items = node.map(compileNode);
    return (scope) => {
      const out: Json[] = [];
      for (const item of items) {
        const value = item(scope);
        if (value === DROPPED || value === null) continue;
        if (Array.isArray(value)) out.push(...value);
        else out.push(value);
      }
      return out;
    };
  }
  if (node === null || typeof node !== 'object') return () => node as Json;
  return compileObject(node as Record<string, unknown>);
}

function compileObject(node: Record<string, unknown>): Expand {
  const whenSource = node['$when'];
  const dataSource = node['$data'];
  const when = whenSource === undefined ? undefined : typeof whenSource === 'string' ? compileExpression(wholeExpression(whenSource) ?? notCompilable(whenSource), false) : notCompilable(String(whenSource));
  const data = dataSource === undefined ? undefined : typeof dataSource === 'string' ? compileExpression(wholeExpression(dataSource) ?? notCompilable(dataSource), true) : notCompilable(String(dataSource));
  const fields = Object.keys(node)
    .filter((key) => !RESERVED.has(key))
    .map((key) => ({ key, expand: compileNode(node[key]) }));
  const expandOne = (scope: Scope): Json | typeof DROPPED => {
    if (when && when(scope) !== true) return DROPPED;
    const out: { [key: string]: Json } = {};
    for (const { key, expand } of fields) {
      const value = expand(scope);
      // The library keeps a dropped nested object as null.
      out[key] = value === DROPPED ? null : value;
    }
    return out;
  };
  if (!data) return expandOne;
  return (scope) => {
    const value = data(scope);
    if (!Array.isArray(value)) throw FALL_BACK;
    const out: Json[] = [];
    value.forEach((item, index) => {
      if (item === undefined || item === null) throw FALL_BACK;
      const expanded = expandOne({ root: scope.root, data: item, index });
      if (expanded !== DROPPED) out.push(expanded);
    });
    // As the library does: nothing is dropped, one is the object itself, more are a list.
    return out.length === 0 ? DROPPED : out.length === 1 ? out[0]! : out;
  };
}

function notCompilable(source: string): never {
  throw new NotCompilable(source);
}

/** The template as a binder, or undefined when it uses more of the language than compiles here. */
export function compileTemplate(template: object): ((data: object) => Record<string, unknown>) | undefined {
  let expand: Expand;
  try {
    expand = compileNode(template);
  } catch (error) {
    if (error instanceof NotCompilable) return undefined;
    throw error;
  }
  return (data) => {
    const out = expand({ root: data, data, index: undefined });
    if (out === DROPPED || out === null || typeof out !== 'object' || Array.isArray(out)) throw FALL_BACK;
    return out;
  };
}
