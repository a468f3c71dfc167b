/**
 * Queries of the port as SQLite SQL over the documents table, with Azure Cosmos DB's semantics.
 *
 * A field is read with `json_extract(body, '$.field')`. Field names are checked (letters and
 * digits only, `assertField`) before they are inlined, and they must be inlined: an expression
 * index is used only for the very same expression. Values always travel as parameters.
 *
 * Cosmos DB compares only values of the same JSON type (a comparison across types, or with a
 * missing field, is undefined and the document is skipped, also for `!=`), and ORDER BY sorts
 * undefined < null < boolean < number < string < array < object. Both come from one
 * expression, the field's type rank (`rankSql`): a condition is `rank = <rank of the value> AND
 * value <op> ?`, and ORDER BY is `rank, value`. The rank is deterministic, so the declared
 * indexes (src/store/indexes.ts) store it beside the value and a query seeks on both.
 * (json_extract gives booleans as 1 and 0; inside rank 2 that orders false before true.)
 */
import type { Condition, CrossPartitionScan, PartitionQuery, Scalar } from '../ports.js';
import { assertCondition, assertField, assertLimit, InvalidQueryError } from '../document-rules.js';
import { DOCUMENT_INDEXES, indexName, assertIndex, type DocumentIndex } from '../indexes.js';

export type SqlValue = string | number | null;

/** The field's value: JSON scalars as SQL values, arrays and objects as JSON text. */
export function valueSql(field: string): string {
  assertField(field);
  return `json_extract(body, '$.${field}')`;
}

/** The field's JSON type in Cosmos DB's sort order: 0 missing, 1 null, 2 boolean, 3 number, 4 string, 5 array, 6 object. */
export function rankSql(field: string): string {
  assertField(field);
  return (
    `(CASE json_type(body, '$.${field}') WHEN 'null' THEN 1 WHEN 'true' THEN 2 WHEN 'false' THEN 2 ` +
    `WHEN 'integer' THEN 3 WHEN 'real' THEN 3 WHEN 'text' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 6 ELSE 0 END)`
  );
}

function rankOf(value: Scalar): number {
  switch (typeof value) {
    case 'boolean':
      return 2;
    case 'number':
      return 3;
    default:
      return 4;
  }
}

function bindable(value: Scalar): SqlValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * A type as an SQL string literal, so the planner can use the partial indexes (`WHERE type =
 * 'diary'`); bound parameters would hide the value from it. Only plain names are inlined; any
 * other type is bound (correct, just without a partial index).
 */
const LITERAL_TYPE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export function typeLiteral(type: string): string | undefined {
  return LITERAL_TYPE.test(type) ? `'${type.replaceAll("'", "''")}'` : undefined;
}

function typeClause(type: string, params: SqlValue[], scope: 'partition' | 'crossPartition'): string {
  const literal = typeLiteral(type);
  if (literal === undefined) {
    params.push(type);
    return 'type = ?';
  }
  // A type without an index of its own is answered from the (type, pk) index, whose WHERE term
  // the query must repeat word for word (SQLite uses a partial index only when the query's
  // terms include the index's).
  // (Never for a type the (type, pk) index leaves out: the term would exclude every document.)
  const inTypeIndex = !OWN_INDEX_TYPES.has(type);
  const ownScanIndex = scope === 'crossPartition' && SCAN_INDEX_TYPES.has(type);
  return inTypeIndex && !ownScanIndex ? `type = ${literal} AND ${TYPE_INDEX_WHERE}` : `type = ${literal}`;
}

/** The WHERE terms of the conditions; `typed` collects the fields whose type they fix. */
function conditionClauses(where: readonly Condition[] | undefined, params: SqlValue[], typed = new Set<string>()): string[] {
  const clauses: string[] = [];
  // One type check per field and rank: a second one (a range's other end) would only add a
  // duplicate term, which keeps SQLite from seeing that the index already gives the order.
  const ranked = new Set<string>();
  for (const condition of where ?? []) {
    assertCondition(condition);
    const rank = rankOf(condition.value);
    const key = `${condition.field}:${rank}`;
    if (!ranked.has(key)) {
      ranked.add(key);
      clauses.push(`${rankSql(condition.field)} = ${rank}`);
    }
    typed.add(condition.field);
    params.push(bindable(condition.value));
    clauses.push(`${valueSql(condition.field)} ${condition.op} ?`);
  }
  return clauses;
}

export interface BuiltQuery {
  sql: string;
  params: SqlValue[];
}

const SELECTED = 'SELECT etag, body FROM documents';

/** A partition query as SQL. Throws InvalidQueryError (a TypeError) for bad input. */
export function buildPartitionQuery(query: PartitionQuery): BuiltQuery {
  if (typeof query.pk !== 'string' || query.pk === '') throw new TypeError('query needs a partition key');
  if (typeof query.type !== 'string') throw new TypeError('query needs a type');
  const params: SqlValue[] = [];
  const where = [typeClause(query.type, params, 'partition')];
  params.push(query.pk);
  where.push('pk = ?');
  const typed = new Set<string>();
  where.push(...conditionClauses(query.where, params, typed));
  let sql = `${SELECTED} WHERE ${where.join(' AND ')}`;
  if (query.orderBy) {
    const { field, direction } = query.orderBy;
    assertField(field);
    if (direction !== 'asc' && direction !== 'desc') throw new InvalidQueryError('orderBy.direction must be asc or desc');
    const dir = direction === 'desc' ? 'DESC' : 'ASC';
    // When a condition already fixes the field's type, every result has the same rank: order by
    // the value alone, which SQLite then reads in index order (it does not drop a rank term
    // that a condition fixes, and would sort instead).
    const rank = typed.has(field) ? '' : `${rankSql(field)} ${dir}, `;
    sql += ` ORDER BY ${rank}${valueSql(field)} ${dir}`;
  }
  if (query.limit !== undefined) {
    assertLimit(query.limit);
    sql += ` LIMIT ${query.limit}`;
  }
  return { sql, params };
}

/**
 * The smallest string above every string that starts with `prefix`, in SQLite's BINARY order
 * (UTF-8 bytes, which is code point order): the prefix with its last code point raised by one.
 * Undefined when there is none (a prefix of only U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** A cross-partition scan as SQL: the type, optionally a partition-key prefix (as a range), and the conditions. */
export function buildScan(scan: CrossPartitionScan): BuiltQuery {
  if (typeof scan.type !== 'string') throw new TypeError('scan needs a type');
  const params: SqlValue[] = [];
  const where = [typeClause(scan.type, params, 'crossPartition')];
  if (scan.pkPrefix) {
    where.push('pk >= ?');
    params.push(scan.pkPrefix);
    const upper = prefixUpperBound(scan.pkPrefix);
    if (upper !== undefined) {
      where.push('pk < ?');
      params.push(upper);
    }
  }
  const typed = new Set<string>();
  where.push(...conditionClauses(scan.where, params, typed));
  let sql = `${SELECTED} WHERE ${where.join(' AND ')}`;
  if (scan.orderBy) {
    const { field, direction } = scan.orderBy;
    assertField(field);
    if (direction !== 'asc' && direction !== 'desc') throw new InvalidQueryError('orderBy.direction must be asc or desc');
    const dir = direction === 'desc' ? 'DESC' : 'ASC';
    const rank = typed.has(field) ? '' : `${rankSql(field)} ${dir}, `;
    sql += ` ORDER BY ${rank}${valueSql(field)} ${dir}`;
  }
  if (scan.limit !== undefined) {
    assertLimit(scan.limit);
    sql += ` LIMIT ${scan.limit}`;
  }
  return { sql, params };
}

export const TYPE_INDEX_NAME = 'doc_type_pk';
/** Types with an index of their own in the partition: left out of the (type, pk) index. */
const OWN_INDEX_TYPES: ReadonlySet<string> = new Set(DOCUMENT_INDEXES.filter((i) => (i.scope ?? 'partition') === 'partition').map((i) => i.type));
/** Types with an index of their own for a cross-partition scan (reminders by due time). */
const SCAN_INDEX_TYPES: ReadonlySet<string> = new Set(DOCUMENT_INDEXES.filter((i) => i.scope === 'crossPartition').map((i) => i.type));
const TYPE_INDEX_WHERE = `type NOT IN (${[...OWN_INDEX_TYPES].sort().map((type) => `'${type}'`).join(', ')})`;

/**
 * The index on (type, pk) for the types without an index of their own in the partition (a
 * user's memberships, drafts…) and for scans by type. The types with one (diary entries, plans,
 * audit events) are left out: their own index answers a query by type and partition as well,
 * and the high-volume writes (a diary entry, an audit event) then update one index less.
 */
export function typeIndexDdl(): string {
  return `CREATE INDEX ${TYPE_INDEX_NAME} ON documents (type, pk) WHERE ${TYPE_INDEX_WHERE}`;
}

/** The CREATE INDEX statement of a declared index: a partial index on the type, over (pk,) rank and value of each field. */
export function indexDdl(index: DocumentIndex): string {
  assertIndex(index);
  const fields = [...index.equality, ...(index.order !== undefined ? [index.order] : [])];
  const columns = fields.flatMap((field) => [rankSql(field), valueSql(field)]);
  // A partition index starts with the partition key; a cross-partition one ends with it, so a
  // scan narrowed by a partition-key prefix is still answered from the index.
  const all = index.scope === 'crossPartition' ? [...columns, 'pk'] : ['pk', ...columns];
  return `CREATE INDEX ${indexName(index)} ON documents (${all.join(', ')}) WHERE type = ${typeLiteral(index.type)!}`;
}
