/**
 * The embedded store's SQL against the reference semantics in document-rules.ts
 * (`matchesCondition`, `compareJson`: Azure Cosmos DB's), on every combination of a field's
 * JSON type (missing, null, booleans, numbers, strings, arrays, objects) with every operator
 * and condition type. The contract suite checks chosen cases on both adapters; this checks
 * them all on SQLite.
 */
import { describe, expect, it } from 'vitest';
import { compareJson, matchesCondition } from '../../src/store/document-rules.js';
import { createEmbeddedDocumentStore } from '../../src/store/embedded/embedded-document-store.js';
import type { Condition, Scalar, StoredDocument } from '../../src/store/ports.js';

const PK = 't|semantics|team|x';
const MISSING = Symbol('missing');
const FIELD_VALUES: unknown[] = [MISSING, null, true, false, -1, 0, 2.5, 3, 10, '', 'a', 'b', '3', 'æble', [1], [], { x: 1 }, {}];
const CONDITION_VALUES: Scalar[] = [true, false, -1, 0, 2.5, 3, '', 'a', 'b', '3', 'æble'];
const OPS: Condition['op'][] = ['=', '!=', '<', '<=', '>', '>='];

function docs(): StoredDocument[] {
  return FIELD_VALUES.flatMap((v, i) =>
    // Two of each, so ties show up in the ordering.
    [0, 1].map((copy): StoredDocument => ({ id: `d${i}-${copy}`, pk: PK, type: 'thing', ...(v === MISSING ? {} : { v }), other: i % 3 })),
  );
}

describe('embedded query semantics = the reference (Cosmos DB) semantics', () => {
  it('filters like matchesCondition for every field type, operator and condition type', async () => {
    const store = await createEmbeddedDocumentStore({ inMemory: true });
    const all = docs();
    await store.createMany(all);
    for (const op of OPS) {
      for (const value of CONDITION_VALUES) {
        const condition: Condition = { field: 'v', op, value };
        const expected = all.filter((d) => matchesCondition(d['v'], condition)).map((d) => d.id).sort();
        const found = (await store.query({ pk: PK, type: 'thing', where: [condition] })).map((r) => r.doc.id).sort();
        expect(found, `v ${op} ${JSON.stringify(value)}`).toEqual(expected);
        // The same through a cross-partition scan.
        const scanned = (await store.scan({ type: 'thing', pkPrefix: 't|semantics|', where: [condition] })).map((r) => r.doc.id).sort();
        expect(scanned, `scan v ${op} ${JSON.stringify(value)}`).toEqual(expected);
      }
    }
    await store.close();
  });

  it('orders like compareJson in both directions, with and without a condition on the same field, and limits after ordering', async () => {
    const store = await createEmbeddedDocumentStore({ inMemory: true });
    const all = docs();
    await store.createMany(all);
    const key = (d: StoredDocument): string => JSON.stringify(d['v'] === undefined ? '(missing)' : d['v']);
    for (const direction of ['asc', 'desc'] as const) {
      const sign = direction === 'asc' ? 1 : -1;
      const wheres: Condition[][] = [[], [{ field: 'v', op: '>=', value: 0 }], [{ field: 'v', op: '!=', value: 'b' }], [{ field: 'other', op: '=', value: 1 }]];
      for (const where of wheres) {
        const expected = all
          .filter((d) => where.every((c) => matchesCondition(d[c.field], c)))
          .sort((a, b) => sign * compareJson(a['v'], b['v']))
          .map(key);
        for (const limit of [undefined, 5]) {
          const found = (await store.query({ pk: PK, type: 'thing', where, orderBy: { field: 'v', direction }, ...(limit ? { limit } : {}) })).map((r) => key(r.doc));
          expect(found, `${direction} ${JSON.stringify(where)} ${limit ?? ''}`).toEqual(limit ? expected.slice(0, limit) : expected);
        }
      }
    }
    await store.close();
  });
});
