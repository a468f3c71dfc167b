/**
 * Rules both adapters share, so they refuse and answer alike (the contract suite checks it):
 * - which documents, keys, field names, conditions and limits are accepted;
 * - the query semantics of Azure Cosmos DB, written out in code (`matchesCondition`,
 *   `compareJson`): the embedded store reproduces them in SQL (embedded/sqlite-sql.ts), and
 *   test/contract/embedded-query-semantics.test.ts checks its answers against these.
 *
 * (Imported by the Cosmos adapter too; it lives here because the store folders are the two
 * adapters. It could move to src/store/ as it is.)
 */
import type { Condition, Scalar, StoredDocument } from './ports.js';

/** A top-level field name: letters and digits, starting with a letter. Nothing else reaches a query. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
/** Cosmos DB refuses these in an id (they break the resource URL). */
const ID_FORBIDDEN = /[/\\?#]/;
/** A lone surrogate: not text (the Cosmos client's encodeURIComponent throws a URIError on it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const ID_MAX_LENGTH = 255;
/** Cosmos DB's limit for a partition key value (bytes, UTF-8). */
const PK_MAX_BYTES = 2048;
const OPS: ReadonlySet<string> = new Set<Condition['op']>(['=', '!=', '<', '<=', '>', '>=']);

export class InvalidQueryError extends TypeError {
  override readonly name = 'InvalidQueryError';
}

export function assertField(field: unknown): asserts field is string {
  if (typeof field !== 'string' || !FIELD_NAME.test(field)) throw new InvalidQueryError(`invalid field name: ${JSON.stringify(field)}`);
}

export function assertScalar(value: unknown): asserts value is Scalar {
  const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!ok) throw new InvalidQueryError(`invalid condition value: ${typeof value}`);
}

export function assertCondition(condition: Condition): void {
  assertField(condition.field);
  if (!OPS.has(condition.op)) throw new InvalidQueryError(`invalid operator: ${JSON.stringify(condition.op)}`);
  assertScalar(condition.value);
}

export function assertLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) throw new InvalidQueryError(`invalid limit: ${String(limit)}`);
}

/** The ids both stores accept: 1 to 255 characters, none of / \\ ? #, well-formed UTF-16. */
export function isValidDocumentId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= ID_MAX_LENGTH && !ID_FORBIDDEN.test(id) && !LONE_SURROGATE.test(id);
}

export function assertKey(pk: unknown, id: unknown): void {
  if (typeof pk !== 'string' || pk.length === 0 || Buffer.byteLength(pk) > PK_MAX_BYTES || LONE_SURROGATE.test(pk)) throw new TypeError('invalid partition key');
  // The message names the id's length, not the id: what reaches a log holds no content.
  if (!isValidDocumentId(id)) throw new TypeError(`invalid document id (${typeof id === 'string' ? `${id.length} characters` : typeof id})`);
}

export function assertDocument(doc: StoredDocument): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TypeError('a document must be an object');
  assertKey(doc.pk, doc.id);
  if (typeof doc.type !== 'string' || doc.type.length === 0) throw new TypeError('a document needs a type');
}

/** JSON type order of Cosmos DB's ORDER BY: undefined < null < boolean < number < string < array < object. */
function typeRank(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null) return 1;
  switch (typeof value) {
    case 'boolean':
      return 2;
    case 'number':
      return 3;
    case 'string':
      return 4;
    default:
      return Array.isArray(value) ? 5 : 6;
  }
}

/** Orders two JSON values as Cosmos DB's ORDER BY does (arrays and objects: by their JSON text). */
export function compareJson(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra <= 1) return 0;
  const x = ra >= 5 ? JSON.stringify(a) : (a as Scalar);
  const y = rb >= 5 ? JSON.stringify(b) : (b as Scalar);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A WHERE condition as Cosmos DB evaluates it: comparing different JSON types, or a missing
 * field, gives `undefined` and the document is skipped, for `!=` as much as for `<`.
 */
export function matchesCondition(value: unknown, condition: Condition): boolean {
  if (typeof value !== typeof condition.value) return false;
  const v = value as Scalar;
  const w = condition.value;
  switch (condition.op) {
    case '=':
      return v === w;
    case '!=':
      return v !== w;
    case '<':
      return v < w;
    case '<=':
      return v <= w;
    case '>':
      return v > w;
    case '>=':
      return v >= w;
  }
}
