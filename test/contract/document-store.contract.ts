/**
 * The DocumentStore contract: one suite, run against every adapter (see document-store.test.ts).
 * Every test works in partitions of its own (a fresh tenant id), so one store serves the suite.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConcurrencyError,
  partitionKeys,
  type Condition,
  type DocumentStore,
  type StoredDocument,
  type VersionedDocument,
} from '../../src/store/ports.js';

/** A store under test, as the factories in contract-stores.ts open it. */
export interface ContractStore {
  store: DocumentStore;
  /** Closes the store and opens the same data again; only for stores that persist. */
  reopen?: () => Promise<DocumentStore>;
  /** Releases everything (closes the store, stops servers, removes files). */
  cleanup(): Promise<void>;
}

export type ContractStoreFactory = () => Promise<ContractStore>;

export interface ContractOptions {
  /**
   * The local Cosmos server leaves documents that lack the ORDER BY field out of an ordered
   * query; Cosmos DB (since 2022) and the embedded store return them, sorted lowest.
   * Default: true for a `cosmos` store (the suite only ever runs it on the local server).
   */
  orderByOmitsMissingField?: boolean;
  /** The store keeps its data across close and open (the persistence tests run only then). */
  persistent?: boolean;
}

const tenant = (): string => `tenant-${randomUUID()}`;
const teamPk = (tenantId: string, team = 'team-1'): string => partitionKeys.institution(tenantId, team);

function doc(pk: string, id: string, fields: Record<string, unknown> = {}, type = 'thing'): StoredDocument {
  return { id, pk, type, ...fields };
}

const ids = (rows: VersionedDocument[]): string[] => rows.map((r) => r.doc.id);

export function describeDocumentStoreContract(name: string, open: ContractStoreFactory, options: ContractOptions = {}): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let target: ContractStore;
    let store: DocumentStore;

    beforeAll(async () => {
      target = await open();
      store = target.store;
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    describe('create and read', () => {
      it('returns exactly the written document, and the same on read, with an etag beside it', async () => {
        const pk = teamPk(tenant());
        const written = doc(pk, 'plan:c1', {
          alias: 'ÆØ',
          count: 3,
          ratio: 0.25,
          active: true,
          nothing: null,
          list: [1, 'two', { three: 3 }],
          nested: { deep: { deeper: 'æøå' } },
        });
        const created = await store.create(written);
        expect(created.doc).toEqual(written);
        expect(Object.keys(created.doc).sort()).toEqual(Object.keys(written).sort());
        expect(created.etag).toEqual(expect.any(String));
        expect(created.etag.length).toBeGreaterThan(0);

        const read = await store.read(pk, 'plan:c1');
        expect(read).toEqual({ doc: written, etag: created.etag });
        // No storage fields leak: not nedb's _id, not the emulated etag, not Cosmos's _rid/_ts/…
        expect(Object.keys(read!.doc).filter((k) => k.startsWith('_') || k === 'etag')).toEqual([]);
      });

      it('answers undefined for a missing document, also for the same id in another partition', async () => {
        const t = tenant();
        await store.create(doc(teamPk(t, 'a'), 'x'));
        expect(await store.read(teamPk(t, 'a'), 'missing')).toBeUndefined();
        expect(await store.read(teamPk(t, 'b'), 'x')).toBeUndefined();
      });

      it('does not let a later change to the caller’s object alter what was stored', async () => {
        const pk = teamPk(tenant());
        const written = doc(pk, 'd', { list: [1] });
        const created = await store.create(written);
        (written['list'] as number[]).push(2);
        (created.doc['list'] as number[]).push(3);
        expect((await store.read(pk, 'd'))!.doc['list']).toEqual([1]);
      });

      it('keeps field names that nedb itself would refuse (dots, dollar signs) inside nested data', async () => {
        const pk = teamPk(tenant());
        const written = doc(pk, 'draft:k', { data: { 'a.b': 1, $x: 'dollar', 'space key': true } });
        await store.create(written);
        expect((await store.read(pk, 'draft:k'))!.doc).toEqual(written);
      });

      it('throws AlreadyExistsError for an existing (pk, id) and leaves it unchanged', async () => {
        const t = tenant();
        const pk = teamPk(t);
        const first = await store.create(doc(pk, 'same', { v: 1 }));
        await expect(store.create(doc(pk, 'same', { v: 2 }))).rejects.toBeInstanceOf(AlreadyExistsError);
        expect(await store.read(pk, 'same')).toEqual(first);
        // The same id in another partition is another document.
        await expect(store.create(doc(teamPk(t, 'other'), 'same', { v: 3 }))).resolves.toMatchObject({ doc: { v: 3 } });
      });

      it('refuses ids Cosmos DB cannot address, and empty keys', async () => {
        const pk = teamPk(tenant());
        for (const id of ['a/b', 'a\\b', 'a?b', 'a#b', '']) {
          await expect(store.create(doc(pk, id))).rejects.toThrow(TypeError);
        }
        await expect(store.create(doc('', 'id'))).rejects.toThrow(TypeError);
        await expect(store.read(pk, '')).rejects.toThrow(TypeError);
      });

      it('refuses a lone surrogate or an id over 255 characters in every call, as a TypeError (not a URIError) that does not echo the id', async () => {
        const pk = teamPk(tenant());
        for (const id of ['\ud800', 'a\udc00b', 'x'.repeat(256)]) {
          await expect(store.create(doc(pk, id))).rejects.toThrow(TypeError);
          await expect(store.read(pk, id)).rejects.toThrow(TypeError);
          await expect(store.upsert(doc(pk, id))).rejects.toThrow(TypeError);
          await expect(store.delete(pk, id)).rejects.toThrow(TypeError);
          await expect(store.read(pk, id)).rejects.not.toThrow(/xxxx|\ud800|\udc00/);
        }
        await expect(store.read(`${pk}\ud800`, 'id')).rejects.toThrow(TypeError);
        await expect(store.create(doc(pk, 'x'.repeat(255)))).resolves.toMatchObject({ doc: { id: 'x'.repeat(255) } });
      });
    });

    describe('replace (optimistic concurrency)', () => {
      it('replaces with the current etag and hands out a new one', async () => {
        const pk = teamPk(tenant());
        const created = await store.create(doc(pk, 'p', { v: 1 }));
        const replaced = await store.replace(doc(pk, 'p', { v: 2 }), created.etag);
        expect(replaced.doc).toEqual(doc(pk, 'p', { v: 2 }));
        expect(replaced.etag).not.toBe(created.etag);
        expect(await store.read(pk, 'p')).toEqual(replaced);
      });

      it('refuses a stale etag with ConcurrencyError and keeps the newer version', async () => {
        const pk = teamPk(tenant());
        const created = await store.create(doc(pk, 'p', { v: 1 }));
        const second = await store.replace(doc(pk, 'p', { v: 2 }), created.etag);
        await expect(store.replace(doc(pk, 'p', { v: 3 }), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.replace(doc(pk, 'p', { v: 3 }), 'not-an-etag')).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.read(pk, 'p')).toEqual(second);
      });

      it('refuses to replace a missing document with ConcurrencyError (it vanished) and does not create it', async () => {
        const t = tenant();
        const pk = teamPk(t);
        const created = await store.create(doc(pk, 'p'));
        await expect(store.replace(doc(pk, 'ghost'), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.replace(doc(teamPk(t, 'other'), 'p'), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.read(pk, 'ghost')).toBeUndefined();
        expect(await store.read(teamPk(t, 'other'), 'p')).toBeUndefined();
        await store.delete(pk, 'p');
        await expect(store.replace(doc(pk, 'p'), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      });

      it('changes the etag on every write', async () => {
        const pk = teamPk(tenant());
        const seen: string[] = [];
        let current = await store.create(doc(pk, 'e', { n: 0 }));
        seen.push(current.etag);
        for (let n = 1; n <= 3; n++) {
          current = await store.replace(doc(pk, 'e', { n }), current.etag);
          seen.push(current.etag);
        }
        // An identical body still gets a new version.
        current = await store.replace(doc(pk, 'e', { n: 3 }), current.etag);
        seen.push(current.etag);
        seen.push((await store.upsert(doc(pk, 'e', { n: 3 }))).etag);
        seen.push((await store.upsert(doc(pk, 'e', { n: 3 }))).etag);
        expect(new Set(seen).size).toBe(seen.length);
        expect((await store.read(pk, 'e'))!.etag).toBe(seen.at(-1));
      });

      it('lets exactly one of many concurrent replaces from the same etag win', async () => {
        const pk = teamPk(tenant());
        const created = await store.create(doc(pk, 'race', { winner: 'none' }));
        const contenders = Array.from({ length: 12 }, (_, i) => `writer-${i}`);
        const results = await Promise.allSettled(contenders.map((w) => store.replace(doc(pk, 'race', { winner: w }), created.etag)));
        const won = results.filter((r): r is PromiseFulfilledResult<VersionedDocument> => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(contenders.length - 1);
        for (const r of lost) expect(r.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.read(pk, 'race')).toEqual(won[0]!.value);
      });

      it('lets exactly one of concurrent creates of the same document win', async () => {
        const pk = teamPk(tenant());
        const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.create(doc(pk, 'once', { i }))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AlreadyExistsError);
      });
    });

    describe('upsert, createMany and delete', () => {
      it('upsert creates when missing and overwrites without a version check', async () => {
        const pk = teamPk(tenant());
        const first = await store.upsert(doc(pk, 'u', { v: 1 }));
        expect(first.doc).toEqual(doc(pk, 'u', { v: 1 }));
        const second = await store.upsert(doc(pk, 'u', { v: 2 }));
        expect(second.etag).not.toBe(first.etag);
        expect(await store.read(pk, 'u')).toEqual(second);
        // The old etag is now stale for replace.
        await expect(store.replace(doc(pk, 'u', { v: 3 }), first.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      });

      it('createMany creates new documents and skips existing ones (and repeats in the batch)', async () => {
        const pk = teamPk(tenant());
        const existing = await store.create(doc(pk, 'a', { v: 'old' }));
        await store.createMany([doc(pk, 'a', { v: 'new' }), doc(pk, 'b', { v: 1 }), doc(pk, 'c', { v: 2 }), doc(pk, 'c', { v: 3 })]);
        expect(await store.read(pk, 'a')).toEqual(existing);
        expect((await store.read(pk, 'b'))!.doc['v']).toBe(1);
        expect([2, 3]).toContain((await store.read(pk, 'c'))!.doc['v']);
        await store.createMany([]);
        expect(ids(await store.query({ pk, type: 'thing', orderBy: { field: 'id', direction: 'asc' } }))).toEqual(['a', 'b', 'c']);
      });

      it('delete without ifMatch removes; a missing document is ignored', async () => {
        const pk = teamPk(tenant());
        await store.create(doc(pk, 'd'));
        await store.delete(pk, 'd');
        expect(await store.read(pk, 'd')).toBeUndefined();
        await expect(store.delete(pk, 'd')).resolves.toBeUndefined();
        await expect(store.delete(pk, 'never-was', 'some-etag')).resolves.toBeUndefined();
        // Deleted means gone: it can be created again.
        await expect(store.create(doc(pk, 'd'))).resolves.toBeDefined();
      });

      it('delete with ifMatch removes only that version', async () => {
        const pk = teamPk(tenant());
        const v1 = await store.create(doc(pk, 'd', { v: 1 }));
        const v2 = await store.replace(doc(pk, 'd', { v: 2 }), v1.etag);
        await expect(store.delete(pk, 'd', v1.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.read(pk, 'd')).toEqual(v2);
        await store.delete(pk, 'd', v2.etag);
        expect(await store.read(pk, 'd')).toBeUndefined();
      });

      it('delete leaves the same id in another partition alone', async () => {
        const t = tenant();
        await store.create(doc(teamPk(t, 'a'), 'same'));
        const other = await store.create(doc(teamPk(t, 'b'), 'same'));
        await store.delete(teamPk(t, 'a'), 'same');
        expect(await store.read(teamPk(t, 'b'), 'same')).toEqual(other);
      });
    });

    describe('query', () => {
      const seed = async (pk: string): Promise<void> => {
        await store.createMany([
          doc(pk, 'n1', { n: 1, s: 'alpha', flag: true, at: '2026-01-01T08:00:00+01:00' }),
          doc(pk, 'n2', { n: 2, s: 'bravo', flag: false, at: '2026-01-02T08:00:00+01:00' }),
          doc(pk, 'n3', { n: 3, s: 'charlie', flag: true, at: '2026-01-03T08:00:00+01:00' }),
          doc(pk, 'n4', { n: 4, s: 'delta', flag: false, at: '2026-01-04T08:00:00+01:00' }),
          doc(pk, 'n5', { n: 5, s: 'echo', flag: true, at: '2026-01-05T08:00:00+01:00' }),
          // Odd ones out: the field missing, null, or of another type.
          doc(pk, 'missing', { s: 'zulu' }),
          doc(pk, 'null', { n: null, s: null }),
          doc(pk, 'text', { n: '3', s: 3, flag: 'true' }),
          doc(pk, 'other-type', { n: 3, s: 'charlie' }, 'otherType'),
        ]);
      };
      const q = async (pk: string, ...where: Condition[]): Promise<string[]> =>
        ids(await store.query({ pk, type: 'thing', where })).sort();

      it('filters by type inside the partition', async () => {
        const pk = teamPk(tenant());
        await seed(pk);
        expect(await q(pk)).toEqual(['missing', 'n1', 'n2', 'n3', 'n4', 'n5', 'null', 'text']);
        expect(ids(await store.query({ pk, type: 'otherType' }))).toEqual(['other-type']);
        expect(await store.query({ pk, type: 'noSuchType' })).toEqual([]);
      });

      it('supports = != < <= > >= on numbers, strings and booleans, comparing only values of the same type', async () => {
        const pk = teamPk(tenant());
        await seed(pk);
        expect(await q(pk, { field: 'n', op: '=', value: 3 })).toEqual(['n3']);
        expect(await q(pk, { field: 'n', op: '!=', value: 3 })).toEqual(['n1', 'n2', 'n4', 'n5']);
        expect(await q(pk, { field: 'n', op: '<', value: 3 })).toEqual(['n1', 'n2']);
        expect(await q(pk, { field: 'n', op: '<=', value: 3 })).toEqual(['n1', 'n2', 'n3']);
        expect(await q(pk, { field: 'n', op: '>', value: 3 })).toEqual(['n4', 'n5']);
        expect(await q(pk, { field: 'n', op: '>=', value: 3 })).toEqual(['n3', 'n4', 'n5']);
        expect(await q(pk, { field: 's', op: '=', value: 'charlie' })).toEqual(['n3']);
        expect(await q(pk, { field: 's', op: '!=', value: 'charlie' })).toEqual(['missing', 'n1', 'n2', 'n4', 'n5']);
        expect(await q(pk, { field: 's', op: '<', value: 'charlie' })).toEqual(['n1', 'n2']);
        expect(await q(pk, { field: 's', op: '<=', value: 'charlie' })).toEqual(['n1', 'n2', 'n3']);
        expect(await q(pk, { field: 's', op: '>', value: 'charlie' })).toEqual(['missing', 'n4', 'n5']);
        expect(await q(pk, { field: 's', op: '>=', value: 'delta' })).toEqual(['missing', 'n4', 'n5']);
        expect(await q(pk, { field: 'flag', op: '=', value: true })).toEqual(['n1', 'n3', 'n5']);
        expect(await q(pk, { field: 'flag', op: '!=', value: true })).toEqual(['n2', 'n4']);
        expect(await q(pk, { field: 'n', op: '=', value: '3' })).toEqual(['text']);
        expect(await q(pk, { field: 'nope', op: '!=', value: 1 })).toEqual([]);
      });

      it('compares ISO timestamps as strings and ANDs several conditions', async () => {
        const pk = teamPk(tenant());
        await seed(pk);
        expect(
          await q(pk, { field: 'at', op: '>=', value: '2026-01-02T08:00:00+01:00' }, { field: 'at', op: '<=', value: '2026-01-04T08:00:00+01:00' }),
        ).toEqual(['n2', 'n3', 'n4']);
        expect(await q(pk, { field: 'flag', op: '=', value: true }, { field: 'n', op: '>', value: 1 })).toEqual(['n3', 'n5']);
      });

      it('treats values as data, never as query text', async () => {
        const pk = teamPk(tenant());
        await seed(pk);
        expect(await q(pk, { field: 's', op: '=', value: "x' OR '1'='1" })).toEqual([]);
        expect(await q(pk, { field: 's', op: '=', value: 'x" OR 1=1 --' })).toEqual([]);
        expect(await q(pk, { field: 's', op: '=', value: '@pk' })).toEqual([]);
      });

      it('accepts field names that are SQL keywords', async () => {
        const pk = teamPk(tenant());
        await store.createMany([doc(pk, 'k1', { value: 1, order: 'b', select: true }), doc(pk, 'k2', { value: 2, order: 'a', select: false })]);
        expect(ids(await store.query({ pk, type: 'thing', where: [{ field: 'value', op: '>', value: 1 }] }))).toEqual(['k2']);
        expect(ids(await store.query({ pk, type: 'thing', where: [{ field: 'select', op: '=', value: true }] }))).toEqual(['k1']);
        expect(ids(await store.query({ pk, type: 'thing', orderBy: { field: 'order', direction: 'asc' } }))).toEqual(['k2', 'k1']);
      });

      it('orders ascending and descending, by strings and by numbers', async () => {
        const pk = teamPk(tenant());
        await store.createMany(
          ['2026-03-01T10:00:00+01:00', '2026-01-15T09:30:00+01:00', '2026-02-10T23:59:00+01:00', '2025-12-31T00:00:00+01:00'].map((at, i) =>
            doc(pk, `d${i}`, { at, rank: [30, 10, 20, 5][i] }),
          ),
        );
        const order = async (field: string, direction: 'asc' | 'desc', limit?: number): Promise<string[]> =>
          ids(await store.query({ pk, type: 'thing', orderBy: { field, direction }, ...(limit !== undefined ? { limit } : {}) }));
        expect(await order('at', 'asc')).toEqual(['d3', 'd1', 'd2', 'd0']);
        expect(await order('at', 'desc')).toEqual(['d0', 'd2', 'd1', 'd3']);
        expect(await order('rank', 'asc')).toEqual(['d3', 'd1', 'd2', 'd0']);
        expect(await order('rank', 'desc')).toEqual(['d0', 'd2', 'd1', 'd3']);
        // limit applies after ordering
        expect(await order('at', 'desc', 2)).toEqual(['d0', 'd2']);
        expect(await order('rank', 'asc', 1)).toEqual(['d3']);
        expect(await order('rank', 'asc', 0)).toEqual([]);
        expect(await order('rank', 'asc', 100)).toHaveLength(4);
        // ordering with conditions
        expect(ids(await store.query({ pk, type: 'thing', where: [{ field: 'rank', op: '>=', value: 10 }], orderBy: { field: 'at', direction: 'desc' }, limit: 2 }))).toEqual([
          'd0',
          'd2',
        ]);
      });

      it('orders mixed JSON types as Cosmos DB does: null < booleans < numbers < strings', async () => {
        const pk = teamPk(tenant());
        await store.createMany([doc(pk, 's', { k: 'a' }), doc(pk, 'n', { k: 2 }), doc(pk, 'b', { k: true }), doc(pk, 'z', { k: null }), doc(pk, 'f', { k: false }), doc(pk, 'm')]);
        const asc = ids(await store.query({ pk, type: 'thing', orderBy: { field: 'k', direction: 'asc' } }));
        const desc = ids(await store.query({ pk, type: 'thing', orderBy: { field: 'k', direction: 'desc' } }));
        if (options.orderByOmitsMissingField ?? store.kind === 'cosmos') {
          expect(asc).toEqual(['z', 'f', 'b', 'n', 's']);
          expect(desc).toEqual(['s', 'n', 'b', 'f', 'z']);
        } else {
          // A document without the field sorts lowest and is still returned.
          expect(asc).toEqual(['m', 'z', 'f', 'b', 'n', 's']);
          expect(desc).toEqual(['s', 'n', 'b', 'f', 'z', 'm']);
        }
      });

      it('pages through more results than fit in one page', async () => {
        const pk = teamPk(tenant());
        const total = 250;
        await store.createMany(Array.from({ length: total }, (_, i) => doc(pk, `p${String(i).padStart(3, '0')}`, { seq: i, even: i % 2 === 0 })));
        const all = await store.query({ pk, type: 'thing' });
        expect(all).toHaveLength(total);
        expect(new Set(ids(all)).size).toBe(total);
        const desc = await store.query({ pk, type: 'thing', orderBy: { field: 'seq', direction: 'desc' } });
        expect(desc.map((r) => r.doc['seq'])).toEqual(Array.from({ length: total }, (_, i) => total - 1 - i));
        const top = await store.query({ pk, type: 'thing', orderBy: { field: 'seq', direction: 'asc' }, limit: 137 });
        expect(top.map((r) => r.doc['seq'])).toEqual(Array.from({ length: 137 }, (_, i) => i));
        const even = await store.query({ pk, type: 'thing', where: [{ field: 'even', op: '=', value: true }], orderBy: { field: 'seq', direction: 'asc' } });
        expect(even).toHaveLength(total / 2);
        expect(even.every((r) => (r.doc['seq'] as number) % 2 === 0)).toBe(true);
      });

      it('returns each result with its current etag', async () => {
        const pk = teamPk(tenant());
        const a = await store.create(doc(pk, 'a'));
        const a2 = await store.replace(doc(pk, 'a', { v: 2 }), a.etag);
        const b = await store.upsert(doc(pk, 'b'));
        expect(await store.query({ pk, type: 'thing', orderBy: { field: 'id', direction: 'asc' } })).toEqual([a2, b]);
      });
    });

    describe('tenant isolation', () => {
      it('never returns partition B’s documents to a query for partition A, even with identical ids, types and fields', async () => {
        const tenantA = tenant();
        const tenantB = tenant();
        const pkA = teamPk(tenantA, 'team-x');
        const pkB = teamPk(tenantB, 'team-x');
        const pkA2 = teamPk(tenantA, 'team-y');
        for (const pk of [pkA, pkB, pkA2]) {
          await store.createMany(Array.from({ length: 5 }, (_, i) => doc(pk, `plan:c${i}`, { citizenId: `c${i}`, aliasKey: `alias${i}`, owner: pk }, 'plan')));
        }
        const fromA = await store.query({ pk: pkA, type: 'plan' });
        expect(fromA).toHaveLength(5);
        expect(fromA.every((r) => r.doc.pk === pkA && r.doc['owner'] === pkA)).toBe(true);
        const filtered = await store.query({ pk: pkA, type: 'plan', where: [{ field: 'citizenId', op: '=', value: 'c1' }], orderBy: { field: 'aliasKey', direction: 'desc' }, limit: 10 });
        expect(filtered.map((r) => r.doc.pk)).toEqual([pkA]);
        expect((await store.read(pkB, 'plan:c1'))!.doc['owner']).toBe(pkB);

        // A write in A does not touch B.
        const a1 = (await store.read(pkA, 'plan:c1'))!;
        const b1 = (await store.read(pkB, 'plan:c1'))!;
        await store.replace({ ...a1.doc, aliasKey: 'changed' }, a1.etag);
        expect(await store.read(pkB, 'plan:c1')).toEqual(b1);
        // B's etag is no key to A's document.
        await expect(store.replace({ ...a1.doc }, b1.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        await store.delete(pkA, 'plan:c2');
        expect(await store.read(pkB, 'plan:c2')).toBeDefined();
        expect(await store.read(pkA2, 'plan:c2')).toBeDefined();
      });

      it('orders and limits inside the partition only, even when another partition sorts first', async () => {
        const t = tenant();
        const pkA = teamPk(t, 'a');
        const pkB = teamPk(t, 'b');
        await store.createMany([
          ...Array.from({ length: 5 }, (_, i) => doc(pkB, `x${i}`, { rank: i })),
          ...Array.from({ length: 5 }, (_, i) => doc(pkA, `x${i}`, { rank: 10 + i })),
        ]);
        const top = await store.query({ pk: pkA, type: 'thing', orderBy: { field: 'rank', direction: 'asc' }, limit: 3 });
        expect(top.map((r) => [r.doc.pk, r.doc['rank']])).toEqual([
          [pkA, 10],
          [pkA, 11],
          [pkA, 12],
        ]);
        const filtered = await store.query({ pk: pkA, type: 'thing', where: [{ field: 'rank', op: '<', value: 100 }], limit: 2 });
        expect(filtered.map((r) => r.doc.pk)).toEqual([pkA, pkA]);
      });

      it('does not treat a partition key as a prefix in a query', async () => {
        const t = tenant();
        await store.create(doc(teamPk(t, 'ab'), 'x'));
        await store.create(doc(teamPk(t, 'a'), 'y'));
        expect(ids(await store.query({ pk: teamPk(t, 'a'), type: 'thing' }))).toEqual(['y']);
      });
    });

    describe('scan (cross-partition)', () => {
      it('finds a type across partitions, narrowed by a partition-key prefix and conditions', async () => {
        const type = `scan${randomUUID().replaceAll('-', '')}`;
        const t1 = tenant();
        const t2 = tenant();
        await store.createMany([
          doc(teamPk(t1, 'a'), 'r1', { due: '2026-01-01' }, type),
          doc(teamPk(t1, 'b'), 'r2', { due: '2026-02-01' }, type),
          doc(partitionKeys.user(t1, 'u1'), 'r3', { due: '2026-03-01' }, type),
          doc(teamPk(t2, 'a'), 'r1', { due: '2026-01-01' }, type),
          doc(teamPk(t1, 'a'), 'not-this-type', { due: '2026-01-01' }, `${type}x`),
        ]);
        const key = (r: VersionedDocument): string => `${r.doc.pk}/${r.doc.id}`;
        const all = await store.scan({ type });
        expect(all.map(key).sort()).toEqual(
          [`${teamPk(t1, 'a')}/r1`, `${teamPk(t1, 'b')}/r2`, `${partitionKeys.user(t1, 'u1')}/r3`, `${teamPk(t2, 'a')}/r1`].sort(),
        );
        const tenant1 = await store.scan({ type, pkPrefix: `t|${t1}|` });
        expect(tenant1.map(key).sort()).toEqual([`${teamPk(t1, 'a')}/r1`, `${teamPk(t1, 'b')}/r2`, `${partitionKeys.user(t1, 'u1')}/r3`].sort());
        const teams = await store.scan({ type, pkPrefix: `t|${t1}|team|` });
        expect(teams.map((r) => r.doc.id).sort()).toEqual(['r1', 'r2']);
        const due = await store.scan({ type, pkPrefix: `t|${t1}|`, where: [{ field: 'due', op: '<', value: '2026-02-15' }] });
        expect(due.map((r) => r.doc.id).sort()).toEqual(['r1', 'r2']);
        expect(await store.scan({ type, pkPrefix: `t|nobody|` })).toEqual([]);
        // Results carry etags that work for replace.
        const r2 = teams.find((r) => r.doc.id === 'r2')!;
        await expect(store.replace({ ...r2.doc, due: '2026-02-02' }, r2.etag)).resolves.toBeDefined();
      });

      it('orders a scan and bounds it (the due scan: the earliest due first, one page at a time)', async () => {
        const type = `scan${randomUUID().replaceAll('-', '')}`;
        const t1 = tenant();
        const t2 = tenant();
        await store.createMany([
          doc(teamPk(t1, 'a'), 'r1', { dueAt: '2026-01-03T08:00:00.000Z' }, type),
          doc(teamPk(t2, 'a'), 'r2', { dueAt: '2026-01-01T08:00:00.000Z' }, type),
          doc(teamPk(t1, 'b'), 'r3', { dueAt: '2026-01-02T08:00:00.000Z' }, type),
          doc(teamPk(t2, 'b'), 'r4', { dueAt: '2026-01-09T08:00:00.000Z' }, type),
          // No due time (sent, nothing further): never due.
          doc(teamPk(t1, 'c'), 'r5', { state: 'sent' }, type),
        ]);
        const due = (limit?: number) =>
          store.scan({ type, where: [{ field: 'dueAt', op: '<=', value: '2026-01-05T00:00:00.000Z' }], orderBy: { field: 'dueAt', direction: 'asc' }, ...(limit !== undefined ? { limit } : {}) });
        expect((await due()).map((r) => r.doc.id)).toEqual(['r2', 'r3', 'r1']);
        expect((await due(2)).map((r) => r.doc.id)).toEqual(['r2', 'r3']);
        expect(await due(0)).toEqual([]);
        const latest = await store.scan({ type, where: [{ field: 'dueAt', op: '>=', value: '2026-01-01T00:00:00.000Z' }], orderBy: { field: 'dueAt', direction: 'desc' }, limit: 1 });
        expect(latest.map((r) => r.doc.id)).toEqual(['r4']);
      });
    });

    describe('field-name validation', () => {
      const bad = ['a.b', 'x) OR (1=1', 'c["pk"]', 'x OR 1=1', 'x"]', '', '_etag', '1abc', 'a b', 'c.pk', 'a-b', 'æble'];

      it('refuses field names that are not plain letters and digits, in where, orderBy and scan', async () => {
        const pk = teamPk(tenant());
        await store.create(doc(pk, 'x', { a: 1 }));
        for (const field of bad) {
          await expect(store.query({ pk, type: 'thing', where: [{ field, op: '=', value: 1 }] }), field).rejects.toThrow(/invalid field name/);
          await expect(store.query({ pk, type: 'thing', orderBy: { field, direction: 'asc' } }), field).rejects.toThrow(/invalid field name/);
          await expect(store.scan({ type: 'thing', pkPrefix: pk, where: [{ field, op: '=', value: 1 }] }), field).rejects.toThrow(/invalid field name/);
        }
      });

      it('refuses unknown operators, non-scalar values and bad limits', async () => {
        const pk = teamPk(tenant());
        const query = (where: unknown, limit?: unknown): Promise<unknown> =>
          store.query({ pk, type: 'thing', where: where as Condition[], ...(limit !== undefined ? { limit: limit as number } : {}) });
        await expect(query([{ field: 'a', op: 'LIKE', value: '%' }])).rejects.toThrow(/invalid operator/);
        await expect(query([{ field: 'a', op: '= 1 OR 1 =', value: 1 }])).rejects.toThrow(/invalid operator/);
        await expect(query([{ field: 'a', op: '=', value: { $gt: 0 } }])).rejects.toThrow(/invalid condition value/);
        await expect(query([{ field: 'a', op: '=', value: null }])).rejects.toThrow(/invalid condition value/);
        await expect(query([{ field: 'a', op: '=', value: Number.NaN }])).rejects.toThrow(/invalid condition value/);
        await expect(query([], -1)).rejects.toThrow(/invalid limit/);
        await expect(query([], 1.5)).rejects.toThrow(/invalid limit/);
        await expect(query([], '5; DROP')).rejects.toThrow(/invalid limit/);
      });
    });

    describe('returned documents, concurrent batches and large scans', () => {
      /** Storage fields of either adapter: Cosmos system fields, nedb's _id, the embedded etag column. */
      const storageFields = ['_etag', '_rid', '_ts', '_self', '_attachments', '_lsn', '_id', '__etag', 'etag', 'body'];
      const expectClean = (found: VersionedDocument): void => {
        for (const field of storageFields) expect(Object.keys(found.doc), field).not.toContain(field);
      };

      it('never returns storage fields, from any operation', async () => {
        const pk = teamPk(tenant());
        const type = `clean${randomUUID().replaceAll('-', '')}`;
        const created = await store.create(doc(pk, 'x1', { v: 1 }, type));
        const all: VersionedDocument[] = [
          created,
          (await store.read(pk, 'x1'))!,
          await store.replace(doc(pk, 'x1', { v: 2 }, type), created.etag),
          await store.upsert(doc(pk, 'x2', { v: 3 }, type)),
          ...(await store.query({ pk, type })),
          ...(await store.query({ pk, type, where: [{ field: 'v', op: '>', value: 0 }], orderBy: { field: 'v', direction: 'desc' }, limit: 1 })),
          ...(await store.scan({ type })),
          ...(await store.scan({ type, pkPrefix: pk, where: [{ field: 'v', op: '=', value: 3 }] })),
        ];
        expect(all).toHaveLength(10);
        for (const found of all) {
          expectClean(found);
          expect(Object.keys(found.doc).sort()).toEqual(['id', 'pk', 'type', 'v']);
        }
      });

      it('hands out copies: mutating a returned document does not change the store', async () => {
        const pk = teamPk(tenant());
        const type = `copy${randomUUID().replaceAll('-', '')}`;
        const written = doc(pk, 'c', { alias: 'AB', list: [1], nested: { deep: 'æøå' } }, type);
        const original = structuredClone(written);
        const spoil = (found: VersionedDocument): void => {
          found.doc['alias'] = 'ZZ';
          (found.doc['list'] as number[]).push(99);
          const nested = found.doc['nested'] as { deep: string } | undefined;
          if (nested) nested.deep = 'changed';
          delete (found.doc as Record<string, unknown>)['pk'];
        };
        const created = await store.create(written);
        spoil(created);
        spoil((await store.read(pk, 'c'))!);
        for (const found of await store.query({ pk, type })) spoil(found);
        for (const found of await store.query({ pk, type, orderBy: { field: 'alias', direction: 'asc' } })) spoil(found);
        for (const found of await store.scan({ type })) spoil(found);
        expect((await store.read(pk, 'c'))!.doc).toEqual(original);

        const current = (await store.read(pk, 'c'))!;
        const replaced = await store.replace({ ...original, alias: 'CD', list: [2] }, current.etag);
        spoil(replaced);
        const upserted = await store.upsert(doc(pk, 'u', { list: [3] }, type));
        spoil(upserted);
        expect((await store.read(pk, 'c'))!.doc).toEqual({ ...original, alias: 'CD', list: [2] });
        expect((await store.read(pk, 'u'))!.doc).toEqual(doc(pk, 'u', { list: [3] }, type));
      });

      it('createMany skips ids another writer creates meanwhile and still stores the rest', async () => {
        const pk = partitionKeys.audit(tenant(), 'team-1', '2026-03');
        const batch = (from: number, to: number): StoredDocument[] =>
          Array.from({ length: to - from }, (_, i) => doc(pk, `audit:e${from + i}`, { n: from + i }, 'audit'));
        await Promise.all([
          store.createMany(batch(0, 6)),
          store.createMany(batch(3, 9)),
          store.create(doc(pk, 'audit:e8', { n: 8 }, 'audit')).catch((error: unknown) => {
            if (!(error instanceof AlreadyExistsError)) throw error;
          }),
        ]);
        expect(ids(await store.query({ pk, type: 'audit', orderBy: { field: 'n', direction: 'asc' } }))).toEqual(batch(0, 9).map((d) => d.id));
      });

      it('scans more documents than fit in one page', async () => {
        const type = `bulk${randomUUID().replaceAll('-', '')}`;
        const t = tenant();
        const pks = [teamPk(t, 'a'), teamPk(t, 'b'), partitionKeys.user(t, 'u1')];
        await store.createMany(Array.from({ length: 240 }, (_, i) => doc(pks[i % 3]!, `r${i}`, { n: i }, type)));
        await store.create(doc(teamPk(tenant(), 'a'), 'elsewhere', { n: 0 }, type));
        expect(await store.scan({ type })).toHaveLength(241);
        const mine = await store.scan({ type, pkPrefix: `t|${t}|` });
        expect(mine).toHaveLength(240);
        expect(new Set(mine.map((r) => `${r.doc.pk}/${r.doc.id}`)).size).toBe(240);
        expect(await store.scan({ type, pkPrefix: `t|${t}|team|`, where: [{ field: 'n', op: '>=', value: 120 }] })).toHaveLength(80);
      });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    // An in-memory store has nothing to reopen: the persistence tests are only defined for a
    // store that keeps its data.
    const describePersistence = (title: string, body: () => void): void => {
      if (options.persistent) describe(title, body);
    };
    describePersistence('persistence', () => {
      it('keeps documents, etags and deletions across close and open', async () => {
        const pk = teamPk(tenant());
        const kept = await store.create(doc(pk, 'kept', { v: 1, text: 'æøå' }));
        const replaced = await store.replace(doc(pk, 'replaced', { v: 0 }), (await store.create(doc(pk, 'replaced'))).etag);
        await store.create(doc(pk, 'deleted'));
        await store.delete(pk, 'deleted');
        const upserted = await store.upsert(doc(pk, 'upserted', { v: 9 }));
        await store.createMany([doc(pk, 'many1'), doc(pk, 'many2')]);

        store = await target.reopen!();
        target.store = store;

        expect(await store.read(pk, 'kept')).toEqual(kept);
        expect(await store.read(pk, 'replaced')).toEqual(replaced);
        expect(await store.read(pk, 'upserted')).toEqual(upserted);
        expect(await store.read(pk, 'deleted')).toBeUndefined();
        expect(ids(await store.query({ pk, type: 'thing', orderBy: { field: 'id', direction: 'asc' } }))).toEqual(['kept', 'many1', 'many2', 'replaced', 'upserted']);
        // An etag read before the restart is still the current version…
        const next = await store.replace(doc(pk, 'kept', { v: 2 }), kept.etag);
        // …and the unique key still holds.
        await expect(store.create(doc(pk, 'kept'))).rejects.toBeInstanceOf(AlreadyExistsError);
        await expect(store.replace(doc(pk, 'kept', { v: 3 }), kept.etag)).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.read(pk, 'kept'))!.etag).toBe(next.etag);
      });
    });
  });
}
