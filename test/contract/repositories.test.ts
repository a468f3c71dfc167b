/**
 * The typed repositories over both adapters (embedded on a temp dir, Cosmos on the local
 * server): the same behaviour on each, including the tenant boundary, etag checks, the
 * tilbud cache, idempotent diary entries and the batched audit trail.
 * All data is fake: aliases such as "AB", made-up ids, no names, no CPR numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import type { AuditEvent, ConversationRef, DiaryEntry, Draft, Institution, Membership, Plan } from '../../src/domain/model.js';
import { ConcurrencyError, AlreadyExistsError, partitionKeys } from '../../src/store/ports.js';
import { createRepositories, type Repositories } from '../../src/store/repositories.js';
import { openCosmos, openEmbeddedAsTheApp } from './contract-stores.js';
import type { ContractStore, ContractStoreFactory } from './document-store.contract.js';

const TEAM = '19:7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f@thread.tacv2';
const STAFF_1 = '00000000-0000-4000-8000-00000000a001';
const STAFF_2 = '00000000-0000-4000-8000-00000000a002';
const CREATED = '2026-03-02T08:15:00.000Z';

let sequence = 0;
function freshTenant(label = 'tenant'): string {
  sequence += 1;
  return `${label}-${process.pid}-${sequence}-5e0d7a13`;
}

function institution(tenantId: string, teamId = TEAM, overrides: Partial<Institution> = {}): Institution {
  return {
    tenantId,
    teamId,
    name: 'Bofællesskab Test Nord',
    demo: false,
    members: [
      { aadObjectId: STAFF_1, teamsUserId: '29:staff-1', name: 'Medarbejder 1', role: 'owner' },
      { aadObjectId: STAFF_2, name: 'Medarbejder 2', role: 'member' },
    ],
    membersRefreshedAt: CREATED,
    settings: createDefaultSettings(),
    createdAt: CREATED,
    createdBy: STAFF_1,
    updatedAt: CREATED,
    ...overrides,
  };
}

function plan(tenantId: string, citizenId: string, alias: string, overrides: Partial<Plan> = {}): Plan {
  return {
    id: citizenId,
    tenantId,
    teamId: TEAM,
    alias,
    aliasKey: alias.toLowerCase(),
    targetGroup: 'adult',
    contactPersons: [STAFF_1],
    themes: [{ id: 'th1', name: 'Egenomsorg', resources: 'Kan selv vælge tøj', challenges: 'Morgenrutinen' }],
    goals: [],
    evaluations: [],
    demo: false,
    recentSubmissions: [],
    createdAt: CREATED,
    createdBy: STAFF_1,
    updatedAt: CREATED,
    updatedBy: STAFF_1,
    ...overrides,
  };
}

function subGoalEntry(tenantId: string, citizenId: string, id: string, occurredAt: string, goalId: string, note = 'AB smurte selv madpakke'): DiaryEntry {
  return {
    kind: 'subGoal',
    id,
    tenantId,
    teamId: TEAM,
    citizenId,
    goalId,
    score: 2,
    note,
    occurredAt,
    recordedAt: occurredAt,
    recordedBy: STAFF_1,
    submissionId: `sub-${id}`,
  };
}

function residentEntry(tenantId: string, citizenId: string, id: string, occurredAt: string): DiaryEntry {
  return {
    kind: 'resident',
    id,
    tenantId,
    teamId: TEAM,
    citizenId,
    contextId: 'hverdag',
    entryTypeId: 'observation',
    note: 'AB var i godt humør ved morgenmaden',
    occurredAt,
    recordedAt: occurredAt,
    recordedBy: STAFF_2,
    submissionId: `sub-${id}`,
  };
}

function auditEvent(tenantId: string, id: string, at: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    tenantId,
    at,
    actor: STAFF_1,
    action: 'plan.view',
    teamId: TEAM,
    resourceType: 'plan',
    resourceId: 'c-1',
    outcome: 'allowed',
    ...overrides,
  };
}

describe.each<[string, ContractStoreFactory]>([
  ['embedded on a temp dir', openEmbeddedAsTheApp],
  ['cosmos on the local server', openCosmos],
])('repositories on %s', (_name, factory) => {
  let handle: ContractStore | undefined;
  let repos: Repositories;
  const auditErrors: unknown[] = [];

  beforeAll(async () => {
    handle = await factory();
    repos = createRepositories(handle.store, { onAuditError: (error) => auditErrors.push(error) });
  });

  afterAll(async () => {
    await repos?.audit.flush();
    await handle?.cleanup();
  });

  describe('institutions (tilbud)', () => {
    it('creates, gets and replaces; a stale etag is refused with ConcurrencyError', async () => {
      const tenantId = freshTenant();
      const created = await repos.institutions.create(institution(tenantId));
      expect(created.value).toEqual(institution(tenantId));
      const got = await repos.institutions.get(tenantId, TEAM, { fresh: true });
      expect(got!.value).toEqual(institution(tenantId));
      expect(got!.etag).toBe(created.etag);

      const renamed = institution(tenantId, TEAM, { name: 'Bofællesskab Test Syd', updatedAt: '2026-03-03T09:00:00.000Z' });
      const replaced = await repos.institutions.replace(renamed, created.etag);
      expect(replaced.value).toEqual(renamed);
      expect(replaced.etag).not.toBe(created.etag);
      expect((await repos.institutions.get(tenantId, TEAM, { fresh: true }))!.value.name).toBe('Bofællesskab Test Syd');

      await expect(repos.institutions.replace(institution(tenantId, TEAM, { name: 'Forældet' }), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await repos.institutions.get(tenantId, TEAM, { fresh: true }))!.value.name).toBe('Bofællesskab Test Syd');
      await expect(repos.institutions.create(institution(tenantId))).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('returns undefined for a team that is no tilbud', async () => {
      expect(await repos.institutions.get(freshTenant(), TEAM)).toBeUndefined();
      expect(await repos.institutions.get(freshTenant(), TEAM, { fresh: true })).toBeUndefined();
    });

    it('serves a cached copy until asked for a fresh one', async () => {
      const tenantId = freshTenant();
      // Two processes on one store: `other` writes, `repos` has the tilbud cached.
      const other = createRepositories(handle!.store);
      const v1 = await repos.institutions.create(institution(tenantId));
      const v2 = await other.institutions.replace(institution(tenantId, TEAM, { name: 'Version 2' }), v1.etag);

      const cached = await repos.institutions.get(tenantId, TEAM);
      expect(cached!.value.name).toBe('Bofællesskab Test Nord');
      expect(cached!.etag).toBe(v1.etag);

      const fresh = await repos.institutions.get(tenantId, TEAM, { fresh: true });
      expect(fresh!.value.name).toBe('Version 2');
      expect(fresh!.etag).toBe(v2.etag);
      // The fresh read refreshed the cache.
      expect((await repos.institutions.get(tenantId, TEAM))!.etag).toBe(v2.etag);

      // A write refused for a stale etag drops the cached copy, so the next read is current.
      const v3 = await other.institutions.replace(institution(tenantId, TEAM, { name: 'Version 3' }), v2.etag);
      await expect(repos.institutions.replace(institution(tenantId, TEAM, { name: 'Forældet' }), v2.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      const afterConflict = await repos.institutions.get(tenantId, TEAM);
      expect(afterConflict!.value.name).toBe('Version 3');
      expect(afterConflict!.etag).toBe(v3.etag);
    });

    it('reads through on every get when the cache is off', async () => {
      const tenantId = freshTenant();
      const uncached = createRepositories(handle!.store, { institutionCacheMs: 0 });
      const v1 = await uncached.institutions.create(institution(tenantId));
      await repos.institutions.replace(institution(tenantId, TEAM, { name: 'Version 2' }), v1.etag);
      expect((await uncached.institutions.get(tenantId, TEAM))!.value.name).toBe('Version 2');
    });

    it('keeps tilbud of two tenants with the same team id apart', async () => {
      const tenantA = freshTenant('tenantA');
      const tenantB = freshTenant('tenantB');
      await repos.institutions.create(institution(tenantA, TEAM, { name: 'Tilbud A' }));
      expect(await repos.institutions.get(tenantB, TEAM)).toBeUndefined();
      expect(await repos.institutions.get(tenantB, TEAM, { fresh: true })).toBeUndefined();
      await repos.institutions.create(institution(tenantB, TEAM, { name: 'Tilbud B' }));
      expect((await repos.institutions.get(tenantA, TEAM))!.value.name).toBe('Tilbud A');
      expect((await repos.institutions.get(tenantB, TEAM))!.value.name).toBe('Tilbud B');
      const all = await repos.institutions.listAll();
      expect(all.filter((i) => i.tenantId === tenantA || i.tenantId === tenantB).map((i) => i.name).sort()).toEqual(['Tilbud A', 'Tilbud B']);
    });
  });

  describe('plans', () => {
    it('creates, gets, finds by alias and lists sorted by alias', async () => {
      const tenantId = freshTenant();
      for (const [citizenId, alias] of [['c-2', 'CD'], ['c-1', 'AB'], ['c-3', 'EF']] as const) {
        const created = await repos.plans.create(plan(tenantId, citizenId, alias));
        expect(created.value).toEqual(plan(tenantId, citizenId, alias));
      }
      expect((await repos.plans.get(tenantId, TEAM, 'c-1'))!.value).toEqual(plan(tenantId, 'c-1', 'AB'));
      expect(await repos.plans.get(tenantId, TEAM, 'c-9')).toBeUndefined();

      const found = await repos.plans.findByAlias(tenantId, TEAM, 'cd');
      expect(found!.value).toEqual(plan(tenantId, 'c-2', 'CD'));
      expect(found!.etag).toBe((await repos.plans.get(tenantId, TEAM, 'c-2'))!.etag);
      expect(await repos.plans.findByAlias(tenantId, TEAM, 'zz')).toBeUndefined();

      const listed = await repos.plans.list(tenantId, TEAM);
      expect(listed.map((v) => v.value.alias)).toEqual(['AB', 'CD', 'EF']);
      expect(listed.map((v) => v.value.id)).toEqual(['c-1', 'c-2', 'c-3']);
      await expect(repos.plans.create(plan(tenantId, 'c-1', 'GH'))).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('replaces with the current etag and refuses a stale one', async () => {
      const tenantId = freshTenant();
      const v1 = await repos.plans.create(plan(tenantId, 'c-1', 'AB'));
      const withGoal = plan(tenantId, 'c-1', 'AB', {
        recentSubmissions: ['sub-1'],
        updatedAt: '2026-03-04T10:00:00.000Z',
        updatedBy: STAFF_2,
      });
      const v2 = await repos.plans.replace(withGoal, v1.etag);
      expect(v2.value).toEqual(withGoal);
      expect(v2.etag).not.toBe(v1.etag);
      await expect(repos.plans.replace(plan(tenantId, 'c-1', 'AB', { recentSubmissions: ['sub-2'] }), v1.etag)).rejects.toBeInstanceOf(ConcurrencyError);
      const got = await repos.plans.get(tenantId, TEAM, 'c-1');
      expect(got!.value).toEqual(withGoal);
      expect(got!.etag).toBe(v2.etag);
    });

    it('serves a recently seen version only when maxAgeMs allows it', async () => {
      const tenantId = freshTenant();
      const other = createRepositories(handle!.store);
      const v1 = await repos.plans.create(plan(tenantId, 'c-1', 'AB'));
      const v2 = await other.plans.replace(plan(tenantId, 'c-1', 'AB', { recentSubmissions: ['sub-1'] }), v1.etag);
      expect((await repos.plans.get(tenantId, TEAM, 'c-1', { maxAgeMs: 60_000 }))!.etag).toBe(v1.etag);
      expect((await repos.plans.get(tenantId, TEAM, 'c-1'))!.etag).toBe(v2.etag);
    });

    it('never shows a plan of tenant A to tenant B, with the same team id and citizen id', async () => {
      const tenantA = freshTenant('tenantA');
      const tenantB = freshTenant('tenantB');
      const a = await repos.plans.create(plan(tenantA, 'c-1', 'AB'));
      // Tenant A's plan is now in the recent-plan cache: a cached read for B must not find it.
      expect((await repos.plans.get(tenantA, TEAM, 'c-1', { maxAgeMs: 60_000 }))!.value.tenantId).toBe(tenantA);
      expect(await repos.plans.get(tenantB, TEAM, 'c-1', { maxAgeMs: 60_000 })).toBeUndefined();
      expect(await repos.plans.get(tenantB, TEAM, 'c-1')).toBeUndefined();
      expect(await repos.plans.findByAlias(tenantB, TEAM, 'ab')).toBeUndefined();
      expect(await repos.plans.list(tenantB, TEAM)).toEqual([]);

      // Tenant B gets its own plan with the same citizen id (and then the same alias too).
      const b = await repos.plans.create(plan(tenantB, 'c-1', 'XY'));
      expect((await repos.plans.get(tenantA, TEAM, 'c-1'))!.value.alias).toBe('AB');
      expect((await repos.plans.get(tenantB, TEAM, 'c-1'))!.value.alias).toBe('XY');
      expect((await repos.plans.get(tenantB, TEAM, 'c-1', { maxAgeMs: 60_000 }))!.value.tenantId).toBe(tenantB);
      expect((await repos.plans.get(tenantA, TEAM, 'c-1', { maxAgeMs: 60_000 }))!.value.alias).toBe('AB');
      expect(await repos.plans.findByAlias(tenantA, TEAM, 'xy')).toBeUndefined();
      expect(await repos.plans.findByAlias(tenantB, TEAM, 'ab')).toBeUndefined();
      await expect(repos.plans.replace(plan(tenantB, 'c-1', 'XY', { recentSubmissions: ['sub-x'] }), a.etag)).rejects.toBeInstanceOf(ConcurrencyError);

      await repos.plans.replace(plan(tenantB, 'c-1', 'AB'), b.etag);
      expect((await repos.plans.findByAlias(tenantA, TEAM, 'ab'))!.value.tenantId).toBe(tenantA);
      expect((await repos.plans.findByAlias(tenantB, TEAM, 'ab'))!.value.tenantId).toBe(tenantB);
      expect((await repos.plans.list(tenantA, TEAM)).map((v) => v.value.tenantId)).toEqual([tenantA]);
      expect((await repos.plans.list(tenantB, TEAM)).map((v) => v.value.tenantId)).toEqual([tenantB]);
    });
  });

  describe('citizen index', () => {
    it('lists the citizens the plans hold, kept current on every plan write', async () => {
      const tenantId = freshTenant();
      const v1 = await repos.plans.create(plan(tenantId, 'c-2', 'CD'));
      await repos.plans.create(plan(tenantId, 'c-1', 'AB', { contactPersons: [STAFF_2] }));
      expect((await repos.citizens.list(tenantId, TEAM)).map((c) => [c.id, c.alias, c.hasPurpose])).toEqual([
        ['c-1', 'AB', false],
        ['c-2', 'CD', false],
      ]);
      const withPurpose = plan(tenantId, 'c-2', 'CD', { purpose: { id: 'p1', text: 'Egen bolig', receivedOn: '2026-03-01', recordedAt: CREATED, recordedBy: STAFF_1, revisions: [] } });
      await repos.plans.replace(withPurpose, v1.etag, v1.value);
      const listed = await repos.citizens.list(tenantId, TEAM);
      expect(listed.find((c) => c.id === 'c-2')).toMatchObject({ hasPurpose: true, contactPersons: [STAFF_1] });
      expect(listed.find((c) => c.id === 'c-1')).toMatchObject({ contactPersons: [STAFF_2] });
      // Another tenant with the same team id sees none of them.
      expect(await repos.citizens.list(freshTenant('tenantB'), TEAM)).toEqual([]);
    });

    it('holds every citizen when twenty are created at once', async () => {
      const tenantId = freshTenant();
      await Promise.all(Array.from({ length: 20 }, (_, i) => repos.plans.create(plan(tenantId, `c-${i}`, `Stue ${String(i).padStart(2, '0')}`))));
      expect((await repos.citizens.list(tenantId, TEAM)).map((c) => c.id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c-${i}`).sort());
    });

    it('is built once from the plans when it is missing (data from before it), and told so', async () => {
      const tenantId = freshTenant();
      const rebuilt: number[] = [];
      const plain = createRepositories(handle!.store, { onCitizenIndexRebuilt: (n) => rebuilt.push(n) });
      for (const [id, alias] of [['c-1', 'AB'], ['c-2', 'CD']] as const) {
        await handle!.store.create({ ...plan(tenantId, id, alias), id: `plan:${id}`, citizenId: id, pk: partitionKeys.institution(tenantId, TEAM), type: 'plan' });
      }
      expect((await plain.citizens.list(tenantId, TEAM)).map((c) => c.alias)).toEqual(['AB', 'CD']);
      expect((await plain.citizens.list(tenantId, TEAM)).map((c) => c.alias)).toEqual(['AB', 'CD']);
      expect(rebuilt).toEqual([2]);
    });
  });

  describe('plan archive', () => {
    it('appends archived goals and evaluations per citizen and year; appending the same again changes nothing', async () => {
      const tenantId = freshTenant();
      const p = plan(tenantId, 'c-1', 'AB');
      const goal = { id: 'g-old', themeId: 'th1', purposeLinked: false, text: 'AB laver selv mad', ownerId: STAFF_1, revisionDate: '2026-06-01', state: 'achieved' as const, interventions: [], externalActors: [], createdAt: CREATED, createdBy: STAFF_1, updatedAt: CREATED, history: [] };
      const items = { goals: [goal], evaluations: [], goalHistory: [], purposeRevisions: [] };
      await repos.archive.append(p, items, '2027-04-01T08:00:00.000Z');
      await repos.archive.append(p, items, '2027-04-01T08:00:00.000Z');
      await Promise.all([repos.archive.append(p, { ...items, goals: [{ ...goal, id: 'g-a' }] }, '2027-05-01T08:00:00.000Z'), repos.archive.append(p, { ...items, goals: [{ ...goal, id: 'g-b' }] }, '2027-05-01T08:00:00.000Z')]);
      await repos.archive.append(p, { ...items, goals: [{ ...goal, id: 'g-next-year' }] }, '2028-01-02T08:00:00.000Z');
      const archives = await repos.archive.list(tenantId, TEAM, 'c-1');
      expect(archives.map((a) => [a.year, a.goals.map((g) => g.id).sort()])).toEqual([
        ['2027', ['g-a', 'g-b', 'g-old']],
        ['2028', ['g-next-year']],
      ]);
      expect(await repos.archive.list(tenantId, TEAM, 'c-2')).toEqual([]);
    });
  });

  describe('diary', () => {
    it('adds idempotently: the same entry id twice is one entry, and the first content is kept', async () => {
      const tenantId = freshTenant();
      const first = subGoalEntry(tenantId, 'c-1', 'e-1', '2026-03-02T07:30:00.000Z', 'g-1', 'Første levering');
      const added = await repos.diary.add(first);
      expect(added).toEqual({ entry: first, created: true });
      const repeated = await repos.diary.add({ ...first, note: 'Gentaget levering' });
      expect(repeated).toEqual({ entry: first, created: false });
      expect(await repos.diary.list({ tenantId, teamId: TEAM, citizenId: 'c-1' })).toEqual([first]);
    });

    it('stores one entry when the same submission arrives twice at once', async () => {
      const tenantId = freshTenant();
      const entry = subGoalEntry(tenantId, 'c-1', 'e-1', '2026-03-02T07:30:00.000Z', 'g-1');
      const results = await Promise.all([repos.diary.add(entry), repos.diary.add(entry)]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(await repos.diary.list({ tenantId, teamId: TEAM, citizenId: 'c-1' })).toHaveLength(1);
    });

    it('lists by goal and by since/until, oldest first', async () => {
      const tenantId = freshTenant();
      const e1 = subGoalEntry(tenantId, 'c-1', 'e-1', '2026-03-03T08:00:00.000Z', 'g-1');
      const e2 = subGoalEntry(tenantId, 'c-1', 'e-2', '2026-03-01T08:00:00.000Z', 'g-1');
      const e3 = subGoalEntry(tenantId, 'c-1', 'e-3', '2026-03-02T08:00:00.000Z', 'g-2');
      const r1 = residentEntry(tenantId, 'c-1', 'r-1', '2026-03-02T12:00:00.000Z');
      const otherCitizen = subGoalEntry(tenantId, 'c-2', 'e-4', '2026-03-02T09:00:00.000Z', 'g-1');
      for (const entry of [e1, e2, e3, r1, otherCitizen]) expect((await repos.diary.add(entry)).created).toBe(true);

      const base = { tenantId, teamId: TEAM, citizenId: 'c-1' };
      expect(await repos.diary.list(base)).toEqual([e2, e3, r1, e1]);
      expect(await repos.diary.list({ ...base, goalId: 'g-1' })).toEqual([e2, e1]);
      expect(await repos.diary.list({ ...base, goalId: 'g-2' })).toEqual([e3]);
      expect(await repos.diary.list({ ...base, since: '2026-03-02T08:00:00.000Z' })).toEqual([e3, r1, e1]);
      expect(await repos.diary.list({ ...base, until: '2026-03-02T08:00:00.000Z' })).toEqual([e2, e3]);
      expect(await repos.diary.list({ ...base, since: '2026-03-02T00:00:00.000Z', until: '2026-03-02T23:59:59.999Z' })).toEqual([e3, r1]);
      expect(await repos.diary.list({ ...base, goalId: 'g-1', since: '2026-03-02T00:00:00.000Z' })).toEqual([e1]);
      expect(await repos.diary.list({ ...base, citizenId: 'c-2' })).toEqual([otherCitizen]);
      expect(await repos.diary.list({ ...base, tenantId: freshTenant('tenantB') })).toEqual([]);
    });
  });

  describe('users: memberships and conversation references', () => {
    it('puts, lists and removes memberships', async () => {
      const tenantId = freshTenant();
      const membership = (teamId: string, teamName: string): Membership => ({ tenantId, aadObjectId: STAFF_1, teamId, teamName, updatedAt: CREATED });
      await repos.users.putMembership(membership('19:team-a@thread.tacv2', 'Team A'));
      await repos.users.putMembership(membership('19:team-b@thread.tacv2', 'Team B'));
      // The same team again overwrites.
      await repos.users.putMembership(membership('19:team-a@thread.tacv2', 'Team A (omdøbt)'));
      const listed = (await repos.users.listMemberships(tenantId, STAFF_1)).sort((x, y) => x.teamId.localeCompare(y.teamId));
      expect(listed).toEqual([membership('19:team-a@thread.tacv2', 'Team A (omdøbt)'), membership('19:team-b@thread.tacv2', 'Team B')]);
      expect(await repos.users.listMemberships(tenantId, STAFF_2)).toEqual([]);
      expect(await repos.users.listMemberships(freshTenant('tenantB'), STAFF_1)).toEqual([]);

      await repos.users.removeMembership(tenantId, STAFF_1, '19:team-a@thread.tacv2');
      expect(await repos.users.listMemberships(tenantId, STAFF_1)).toEqual([membership('19:team-b@thread.tacv2', 'Team B')]);
      await expect(repos.users.removeMembership(tenantId, STAFF_1, '19:team-a@thread.tacv2')).resolves.toBeUndefined();
    });

    it('keeps one conversation reference per conversation, the newest', async () => {
      const tenantId = freshTenant();
      const ref = (updatedAt: string, locale: string): ConversationRef => ({
        tenantId,
        aadObjectId: STAFF_1,
        teamsUserId: '29:staff-1',
        conversationId: 'a:1Xq9FakeConversationId',
        conversationType: 'personal',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        botId: '28:00000000-0000-4000-8000-0000000000b0',
        channelId: 'msteams',
        locale,
        updatedAt,
      });
      await repos.users.putConversationRef(ref(CREATED, 'da-DK'));
      await repos.users.putConversationRef(ref('2026-03-05T10:00:00.000Z', 'en-US'));
      expect(await repos.users.listConversationRefs(tenantId, STAFF_1)).toEqual([ref('2026-03-05T10:00:00.000Z', 'en-US')]);
      expect(await repos.users.listConversationRefs(freshTenant('tenantB'), STAFF_1)).toEqual([]);
    });

    it('stores the reference of a conversation whose id is too long for a document id, or holds a /', async () => {
      const tenantId = freshTenant();
      const ref = (conversationId: string): ConversationRef => ({
        tenantId,
        aadObjectId: STAFF_1,
        conversationId,
        conversationType: 'personal',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        channelId: 'msteams',
        updatedAt: CREATED,
      });
      await repos.users.putConversationRef(ref(`a:${'x'.repeat(400)}`));
      await repos.users.putConversationRef(ref('a:x/y'));
      const ids = (await repos.users.listConversationRefs(tenantId, STAFF_1)).map((r) => r.conversationId).sort();
      expect(ids).toEqual(['a:x/y', `a:${'x'.repeat(400)}`]);
    });
  });

  describe('drafts', () => {
    it('puts, overwrites, gets and deletes', async () => {
      const tenantId = freshTenant();
      const draft = (step: number): Draft => ({
        tenantId,
        aadObjectId: STAFF_1,
        key: 'wizard:c-1',
        data: { step, mode: 'new', fields: { goalText: 'AB tager selv bussen til dagtilbuddet', themeId: 'th1' }, seen: ['text'] },
        updatedAt: CREATED,
      });
      expect(await repos.drafts.get(tenantId, STAFF_1, 'wizard:c-1')).toBeUndefined();
      await repos.drafts.put(draft(1));
      expect((await repos.drafts.get(tenantId, STAFF_1, 'wizard:c-1'))!.value).toEqual(draft(1));
      await repos.drafts.put(draft(2));
      expect((await repos.drafts.get(tenantId, STAFF_1, 'wizard:c-1'))!.value).toEqual(draft(2));
      expect(await repos.drafts.get(tenantId, STAFF_2, 'wizard:c-1')).toBeUndefined();
      expect(await repos.drafts.get(freshTenant('tenantB'), STAFF_1, 'wizard:c-1')).toBeUndefined();
      await repos.drafts.delete(tenantId, STAFF_1, 'wizard:c-1');
      expect(await repos.drafts.get(tenantId, STAFF_1, 'wizard:c-1')).toBeUndefined();
      await expect(repos.drafts.delete(tenantId, STAFF_1, 'wizard:c-1')).resolves.toBeUndefined();
    });

    it('keeps a draft whose key is too long for a document id, or holds a / (two long ids in it), apart from others', async () => {
      const tenantId = freshTenant();
      const long = `goal|19:${'a'.repeat(120)}@thread.tacv2|${'c'.repeat(150)}|goal|new|`;
      const slashed = 'goal|team/x|c-1|goal|new|';
      for (const key of [long, slashed, `${long}x`]) {
        const draft: Draft = { tenantId, aadObjectId: STAFF_1, key, data: { step: key.length }, updatedAt: CREATED };
        expect(await repos.drafts.get(tenantId, STAFF_1, key)).toBeUndefined();
        await repos.drafts.put(draft);
        expect((await repos.drafts.get(tenantId, STAFF_1, key))!.value).toEqual(draft);
      }
      expect((await repos.drafts.get(tenantId, STAFF_1, long))!.value.data).toEqual({ step: long.length });
      await repos.drafts.delete(tenantId, STAFF_1, long);
      expect(await repos.drafts.get(tenantId, STAFF_1, long)).toBeUndefined();
      expect(await repos.drafts.get(tenantId, STAFF_1, `${long}x`)).toBeDefined();
    });
  });

  describe('audit', () => {
    it('records, flushes and lists in time order; a duplicate event id is stored once', async () => {
      const tenantId = freshTenant();
      const e1 = auditEvent(tenantId, 'ev-1', '2026-03-02T08:00:00.000Z');
      const e2 = auditEvent(tenantId, 'ev-2', '2026-03-01T08:00:00.000Z', { action: 'diary.log', outcome: 'denied', reason: 'notMember' });
      const e3 = auditEvent(tenantId, 'ev-3', '2026-03-03T08:00:00.000Z');
      const april = auditEvent(tenantId, 'ev-4', '2026-04-01T08:00:00.000Z');
      for (const event of [e1, e2, e3, e1, april]) await repos.audit.record(event);
      await repos.audit.flush();
      expect(await repos.audit.list(tenantId, '2026-03', TEAM)).toEqual([e2, e1, e3]);
      expect(await repos.audit.list(tenantId, '2026-04', TEAM)).toEqual([april]);

      // The same event again in a later batch is skipped, not duplicated and not an error.
      await repos.audit.record({ ...e1, action: 'changed' });
      await repos.audit.flush();
      expect(await repos.audit.list(tenantId, '2026-03', TEAM)).toEqual([e2, e1, e3]);
      expect(await repos.audit.list(freshTenant('tenantB'), '2026-03', TEAM)).toEqual([]);
      expect(auditErrors).toEqual([]);
    });

    it("keeps each tilbud's events in a partition of its own, and events without a tilbud in the tenant's", async () => {
      const tenantId = freshTenant();
      const other = '19:other-team@thread.tacv2';
      const mine = auditEvent(tenantId, 'ev-a', '2026-05-02T08:00:00.000Z');
      const theirs = auditEvent(tenantId, 'ev-b', '2026-05-02T09:00:00.000Z', { teamId: other });
      const { teamId: _none, ...noTeam } = auditEvent(tenantId, 'ev-c', '2026-05-02T10:00:00.000Z');
      for (const event of [mine, theirs, noTeam]) await repos.audit.record(event);
      expect(await repos.audit.list(tenantId, '2026-05', TEAM)).toEqual([mine]);
      expect(await repos.audit.list(tenantId, '2026-05', other)).toEqual([theirs]);
      expect(await repos.audit.list(tenantId, '2026-05')).toEqual([noTeam]);
      const pks = new Set([TEAM, other, undefined].map((team) => partitionKeys.audit(tenantId, team, '2026-05')));
      expect(pks.size).toBe(3);
    });

    it('stores a batch of more than 100 events', async () => {
      const tenantId = freshTenant();
      const events = Array.from({ length: 130 }, (_, i) => auditEvent(tenantId, `ev-${i}`, new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString()));
      for (const event of events) await repos.audit.record(event);
      // list() flushes first.
      expect(await repos.audit.list(tenantId, '2026-03', TEAM)).toEqual(events);
      expect(auditErrors).toEqual([]);
    });
  });
});
