/**
 * Typed repositories over a DocumentStore. Every stored document is parsed with its
 * zod schema on the way out, and the tenant id is part of every partition key.
 */
import { MeetingNoteSchema, MeetingSchema, MeetingTickSchema } from '../domain/reflection-meeting.js';
import { MeetingRepository } from './meeting-repository.js';
import { CycleRepository, StoredIdeaSchema, StoredPointSchema } from './cycle-repository.js';
import { TrialSchema } from '../domain/learning-cycle.js';
import { parseAs, reasonOf, stripStorageFields, type Versioned } from './documents.js';
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  AuditBatchSchema,
  CitizenIndexSchema,
  ConversationRefSchema,
  DiaryEntrySchema,
  DiarySummarySchema,
  DraftSchema,
  InstitutionSchema,
  MembershipSchema,
  PlanArchiveSchema,
  PlanSchema,
  RecentCitizensSchema,
  type AuditBatch,
  type AuditEvent,
  type CitizenIndex,
  type CitizenIndexEntry,
  type ConversationRef,
  type DiaryEntry,
  type DiarySummary,
  type Draft,
  type Institution,
  type Membership,
  type Plan,
  type PlanArchive,
  type RecentCitizens,
} from '../domain/model.js';
import { isEmptyArchive, mergeIntoArchive, type ArchivedItems } from '../domain/plan-retention.js';
import { retryOnConflict, type RetryPolicy } from './retry.js';
import { isValidDocumentId } from './document-rules.js';
import { ReminderEntrySchema } from '../domain/reminder-outbox.js';
import { meetingDeadlines, teamTaskSourceId, trialStepDeadlines, type ReminderDefaults } from '../domain/deadlines.js';
import { ReminderControlRepository, ReminderRepository, reminderSettingsFrom } from './reminder-repository.js';
import {
  AlreadyExistsError,
  ConcurrencyError,
  CorruptDocumentError,
  partitionKeys,
  type Condition,
  type DocumentStore,
  type StoredDocument,
  type VersionedDocument,
} from './ports.js';

export type { Versioned } from './documents.js';

/** Told about every stored document a list skipped or a derived document rebuilt because it could not be read. */
export type CorruptDocumentReporter = (error: CorruptDocumentError) => void;

/**
 * Parses the rows of a list; a row that cannot be read is reported and left out, so one bad
 * document never takes the whole list (and every card built on it) down with it.
 */
function parseEach<S extends z.ZodType>(schema: S, rows: readonly VersionedDocument[], report: CorruptDocumentReporter, idField?: string): Array<Versioned<z.infer<S>>> {
  const out: Array<Versioned<z.infer<S>>> = [];
  for (const row of rows) {
    try {
      out.push(parseAs(schema, row, idField ? (row.doc[idField] as string) : undefined));
    } catch (error) {
      if (!(error instanceof CorruptDocumentError)) throw error;
      report(error);
    }
  }
  return out;
}

const ignoreCorrupt: CorruptDocumentReporter = () => undefined;

/**
 * A point read that sets a document aside when it cannot be read: it is reported and treated as
 * missing; with `remove` (a derived document, rebuilt from what it is made of) it is also deleted
 * at the version read, so the rebuilt one can take its place.
 */
async function readOrSetAside<S extends z.ZodType>(
  store: DocumentStore,
  report: CorruptDocumentReporter,
  schema: S,
  pk: string,
  id: string,
  options: { remove: boolean },
): Promise<Versioned<z.infer<S>> | undefined> {
  const found = await store.read(pk, id);
  if (!found) return undefined;
  try {
    return parseAs(schema, found);
  } catch (error) {
    if (!(error instanceof CorruptDocumentError)) throw error;
    report(error);
    if (options.remove) {
      await store.delete(pk, id, found.etag).catch((e: unknown) => {
        if (!(e instanceof ConcurrencyError)) throw e;
      });
    }
    return undefined;
  }
}

/**
 * The id of a document named by a key that is not ours to shape (a wizard draft's key, a Teams
 * conversation id): `<prefix>:<key>`, or, when that cannot be a document id (over 255
 * characters, a / or a ?), `<prefix>~<SHA-256 of the key>`. Existing ids stay as they were.
 */
function keyedId(prefix: string, key: string): string {
  const plain = `${prefix}:${key}`;
  return isValidDocumentId(plain) ? plain : `${prefix}~${createHash('sha256').update(key).digest('base64url')}`;
}

function toDoc(pk: string, type: string, id: string, value: object): StoredDocument {
  return { ...(value as Record<string, unknown>), id, pk, type };
}

/**
 * How each stored document type becomes its domain value: the schema, and the field that holds
 * the domain id where the document id carries a prefix. The embedded store uses this at start
 * and on every write (`checkStoredDocument`) to find documents that cannot be read.
 */
const DOCUMENT_TYPES: Record<string, { schema: z.ZodType; idField?: string }> = {
  institution: { schema: InstitutionSchema },
  plan: { schema: PlanSchema, idField: 'citizenId' },
  diary: { schema: DiaryEntrySchema, idField: 'entryId' },
  conversationRef: { schema: ConversationRefSchema },
  membership: { schema: MembershipSchema },
  draft: { schema: DraftSchema },
  audit: { schema: AuditBatchSchema },
  diarySummary: { schema: DiarySummarySchema },
  citizenIndex: { schema: CitizenIndexSchema },
  planArchive: { schema: PlanArchiveSchema },
  recentCitizens: { schema: RecentCitizensSchema },
  reminder: { schema: ReminderEntrySchema },
  meeting: { schema: MeetingSchema, idField: 'meetingRef' },
  meetingTick: { schema: MeetingTickSchema },
  meetingNote: { schema: MeetingNoteSchema, idField: 'noteId' },
  cyclePoint: { schema: StoredPointSchema, idField: 'pointRef' },
  cycleIdea: { schema: StoredIdeaSchema, idField: 'ideaRef' },
  cycleTrial: { schema: TrialSchema, idField: 'trialRef' },
};

/** Types without which the bot must not run: a tilbud or a plan that cannot be read is never skipped. */
export const CRITICAL_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['institution', 'plan']);

/**
 * Checks a stored document against the schema of its type. Returns undefined when it can be
 * read, else a short reason (field paths and zod codes only: never a value, so no content
 * reaches a log). Types this module does not know pass.
 */
export function checkStoredDocument(doc: StoredDocument): string | undefined {
  const entry = DOCUMENT_TYPES[doc.type];
  if (!entry) return undefined;
  const body = stripStorageFields(doc);
  if (entry.idField !== undefined) body['id'] = doc[entry.idField];
  const result = entry.schema.safeParse(body);
  return result.success ? undefined : reasonOf(result.error);
}

/**
 * Tilbud documents change rarely (roster refreshes, settings) and are read on every access
 * check, so they are cached in memory for a short time. A write through this process
 * refreshes the cache at once; another instance's write is seen within `cacheMs`.
 */
export class InstitutionRepository {
  private readonly cache = new Map<string, { value: Versioned<Institution>; at: number }>();

  constructor(
    private readonly store: DocumentStore,
    private readonly cacheMs = 30_000,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  async get(tenantId: string, teamId: string, options: { fresh?: boolean } = {}): Promise<Versioned<Institution> | undefined> {
    const pk = partitionKeys.institution(tenantId, teamId);
    const cached = this.cache.get(pk);
    if (!options.fresh && cached && Date.now() - cached.at < this.cacheMs) return cached.value;
    const found = await this.store.read(pk, `institution`);
    if (!found) {
      this.cache.delete(pk);
      return undefined;
    }
    if (cached && cached.value.etag === found.etag) return this.remember(cached.value);
    return this.remember(parseAs(InstitutionSchema, found));
  }

  async create(institution: Institution): Promise<Versioned<Institution>> {
    const saved = await this.store.create(this.toDoc(institution));
    // What was written is what comes back (the adapters return the JSON round trip of it).
    return this.remember({ value: institution, etag: saved.etag });
  }

  async replace(institution: Institution, etag: string): Promise<Versioned<Institution>> {
    try {
      const saved = await this.store.replace(this.toDoc(institution), etag);
      return this.remember({ value: institution, etag: saved.etag });
    } catch (error) {
      this.cache.delete(partitionKeys.institution(institution.tenantId, institution.teamId));
      throw error;
    }
  }

  /** Drops every cached tilbud (the next read goes to the store). */
  forget(): void {
    this.cache.clear();
  }

  private remember(value: Versioned<Institution>): Versioned<Institution> {
    if (this.cacheMs > 0) this.cache.set(partitionKeys.institution(value.value.tenantId, value.value.teamId), { value, at: Date.now() });
    return value;
  }

  /** All tilbud (a named cross-partition scan; the demo seed uses it to see an empty store). */
  async listAll(): Promise<Institution[]> {
    const found = await this.store.scan({ type: 'institution' });
    return parseEach(InstitutionSchema, found, this.report).map((v) => v.value);
  }

  private toDoc(institution: Institution): StoredDocument {
    return toDoc(partitionKeys.institution(institution.tenantId, institution.teamId), 'institution', 'institution', institution);
  }
}

const PLAN_CACHE_SIZE = 2000;

/** The citizen index entry a plan gives: what the lists show. */
export function citizenEntryOf(plan: Plan): CitizenIndexEntry {
  return {
    id: plan.id,
    alias: plan.alias,
    aliasKey: plan.aliasKey,
    targetGroup: plan.targetGroup,
    contactPersons: plan.contactPersons,
    goalOwners: [...new Set(plan.goals.filter((g) => g.state === 'active').map((g) => g.ownerId))].sort(),
    hasPurpose: plan.purpose !== undefined,
    demo: plan.demo,
  };
}

function sameEntry(a: CitizenIndexEntry, b: CitizenIndexEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The tilbud's citizen index: one small document per tilbud with what `borgere` and `dagbog`
 * show, so listing citizens reads one document instead of every plan. The plan repository
 * keeps it current on every plan write; when it is missing (data from before it existed) it is
 * rebuilt once from the plans.
 */
export class CitizenIndexRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly onRebuild: (count: number) => void = () => undefined,
    private readonly retry: Partial<RetryPolicy> = {},
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  async list(tenantId: string, teamId: string): Promise<CitizenIndexEntry[]> {
    const found = await this.readIndex(tenantId, teamId);
    if (found) return found.value.citizens;
    return (await this.rebuild(tenantId, teamId)).citizens;
  }

  /**
   * The index document; one that cannot be read is reported and removed (it is derived from the
   * plans, which stay), so the next read builds it again.
   */
  private readIndex(tenantId: string, teamId: string): Promise<Versioned<CitizenIndex> | undefined> {
    return readOrSetAside(this.store, this.report, CitizenIndexSchema, partitionKeys.institution(tenantId, teamId), 'citizens', { remove: true });
  }

  /** Adds or updates a citizen's entry (read, change, write with the etag; retried on a conflict). */
  async put(tenantId: string, teamId: string, entry: CitizenIndexEntry, at: string): Promise<void> {
    const pk = partitionKeys.institution(tenantId, teamId);
    await retryOnConflict<Versioned<CitizenIndex>, StoredDocument, void>(
      {
        load: async () => {
          const found = await this.readIndex(tenantId, teamId);
          if (found) return found;
          // Built from the plans, which already hold this citizen's plan.
          await this.rebuild(tenantId, teamId);
          const built = await this.readIndex(tenantId, teamId);
          if (!built) throw new ConcurrencyError('citizen index vanished');
          return built;
        },
        change: (found) => {
          const index = found.value;
          const current = index.citizens.find((c) => c.id === entry.id);
          if (current && sameEntry(current, entry)) return { done: undefined };
          const citizens = [...index.citizens.filter((c) => c.id !== entry.id), entry].sort((a, b) => a.aliasKey.localeCompare(b.aliasKey));
          return { save: toDoc(pk, 'citizenIndex', 'citizens', { ...index, citizens, updatedAt: at }) };
        },
        save: async (next, found) => {
          await this.store.replace(next, found.etag);
        },
      },
      this.retry,
    );
  }

  /** Builds the index from the tilbud's plans (a migration: it reads every plan once). */
  async rebuild(tenantId: string, teamId: string): Promise<CitizenIndex> {
    const pk = partitionKeys.institution(tenantId, teamId);
    const plans = await this.store.query({ pk, type: 'plan', orderBy: { field: 'aliasKey', direction: 'asc' } });
    const citizens = parseEach(PlanSchema, plans, this.report, 'citizenId').map((p) => citizenEntryOf(p.value));
    const index: CitizenIndex = { tenantId, teamId, citizens, updatedAt: new Date().toISOString() };
    try {
      await this.store.create(toDoc(pk, 'citizenIndex', 'citizens', index));
      this.onRebuild(citizens.length);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // Someone built it at the same moment: theirs is as good.
      const found = await this.readIndex(tenantId, teamId);
      if (found) return found.value;
    }
    return index;
  }
}

export class PlanRepository {
  /** The newest version of each plan this process has seen, for reads that accept a few seconds' age. */
  private readonly recent = new Map<string, { value: Versioned<Plan>; at: number }>();

  constructor(
    private readonly store: DocumentStore,
    private readonly index: CitizenIndexRepository,
    private readonly cacheMs = Number.POSITIVE_INFINITY,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
    /** Upkeep of what is derived from a plan besides the citizen index (its reminders); handles its own errors. */
    private readonly afterWrite: (plan: Plan) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Reads a plan. With `maxAgeMs` a version this process saw that recently may be returned
   * instead (diary logging validates against it); every write goes through `replace` with
   * the etag, so a stale copy can never overwrite anything.
   */
  async get(tenantId: string, teamId: string, citizenId: string, options: { maxAgeMs?: number } = {}): Promise<Versioned<Plan> | undefined> {
    const key = `${partitionKeys.institution(tenantId, teamId)}|${citizenId}`;
    const seen = this.recent.get(key);
    const maxAgeMs = Math.min(options.maxAgeMs ?? 0, this.cacheMs);
    if (maxAgeMs > 0 && seen && Date.now() - seen.at < maxAgeMs) return seen.value;
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `plan:${citizenId}`);
    if (!found) {
      this.recent.delete(key);
      return undefined;
    }
    // The same version as the one in memory (same etag, same content): no need to check it again.
    if (seen && seen.value.etag === found.etag) return this.remember(seen.value);
    return this.remember(parseAs(PlanSchema, found, citizenId));
  }

  private remember(value: Versioned<Plan>): Versioned<Plan> {
    const key = `${partitionKeys.institution(value.value.tenantId, value.value.teamId)}|${value.value.id}`;
    this.recent.delete(key);
    this.recent.set(key, { value, at: Date.now() });
    if (this.recent.size > PLAN_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    return value;
  }

  async findByAlias(tenantId: string, teamId: string, aliasKey: string): Promise<Versioned<Plan> | undefined> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'plan',
      where: [{ field: 'aliasKey', op: '=', value: aliasKey }],
      limit: 1,
    });
    const first = found[0];
    return first ? parseAs(PlanSchema, first, first.doc['citizenId'] as string) : undefined;
  }

  /** Every plan of the tilbud: reads them all, so only for maintenance and tests (the lists use the citizen index). */
  async list(tenantId: string, teamId: string): Promise<Versioned<Plan>[]> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'plan',
      orderBy: { field: 'aliasKey', direction: 'asc' },
    });
    return parseEach(PlanSchema, found, this.report, 'citizenId');
  }

  async create(plan: Plan): Promise<Versioned<Plan>> {
    const saved = await this.store.create(this.toDoc(plan));
    await this.index.put(plan.tenantId, plan.teamId, citizenEntryOf(plan), plan.updatedAt);
    await this.afterWrite(plan);
    return this.remember({ value: plan, etag: saved.etag });
  }

  /** Makes sure the citizen index lists this plan as it is (after a create that was cut short). */
  async ensureIndexed(plan: Plan): Promise<void> {
    await this.index.put(plan.tenantId, plan.teamId, citizenEntryOf(plan), plan.updatedAt);
    await this.afterWrite(plan);
  }

  /** Replaces with the etag; `previous` (the version the change was made to) spares the index write when nothing it shows changed. */
  async replace(plan: Plan, etag: string, previous?: Plan): Promise<Versioned<Plan>> {
    const saved = await this.store.replace(this.toDoc(plan), etag);
    if (!previous || !sameEntry(citizenEntryOf(previous), citizenEntryOf(plan))) {
      await this.index.put(plan.tenantId, plan.teamId, citizenEntryOf(plan), plan.updatedAt);
    }
    await this.afterWrite(plan);
    return this.remember({ value: plan, etag: saved.etag });
  }

  private toDoc(plan: Plan): StoredDocument {
    const { id, ...rest } = plan;
    return toDoc(partitionKeys.institution(plan.tenantId, plan.teamId), 'plan', `plan:${id}`, {
      ...rest,
      citizenId: id,
    });
  }
}

/**
 * The older parts of plans (see domain/plan-retention.ts), one document per citizen and year.
 * Written before the plan that drops them, so a crash in between leaves a copy in both, never in neither.
 */
export class PlanArchiveRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly retry: Partial<RetryPolicy> = {},
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  async append(plan: Pick<Plan, 'tenantId' | 'teamId' | 'id'>, items: ArchivedItems, at: string): Promise<void> {
    if (isEmptyArchive(items)) return;
    const pk = partitionKeys.institution(plan.tenantId, plan.teamId);
    const year = at.slice(0, 4);
    const id = `archive:${plan.id}:${year}`;
    await retryOnConflict<VersionedDocument | undefined, StoredDocument, void>(
      {
        load: () => this.store.read(pk, id),
        change: (found) => {
          const archive: PlanArchive = found
            ? parseAs(PlanArchiveSchema, found).value
            : { tenantId: plan.tenantId, teamId: plan.teamId, citizenId: plan.id, year, goals: [], evaluations: [], goalHistory: [], purposeRevisions: [], updatedAt: at };
          return { save: toDoc(pk, 'planArchive', id, mergeIntoArchive(archive, items, at)) };
        },
        save: async (next, found) => {
          if (found) {
            await this.store.replace(next, found.etag);
            return;
          }
          try {
            await this.store.create(next);
          } catch (error) {
            // Created by someone else meanwhile: merge into theirs.
            if (error instanceof AlreadyExistsError) throw new ConcurrencyError('archive created meanwhile');
            throw error;
          }
        },
      },
      this.retry,
    );
  }

  /** The citizen's archive documents, oldest year first. */
  async list(tenantId: string, teamId: string, citizenId: string): Promise<PlanArchive[]> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'planArchive',
      where: [{ field: 'citizenId', op: '=', value: citizenId }],
      orderBy: { field: 'year', direction: 'asc' },
    });
    return parseEach(PlanArchiveSchema, found, this.report).map((v) => v.value);
  }
}

const SUMMARY_CACHE_SIZE = 2000;

/**
 * The diary summary of each citizen (see domain/diary-summary.ts). The newest version this
 * process wrote or read is kept, so counting an entry can write without reading first: the
 * write carries that version's etag, and if another instance wrote since, it is refused and
 * the count is made again on a fresh read.
 */
export class DiarySummaryRepository {
  private readonly recent = new Map<string, Versioned<DiarySummary>>();

  constructor(
    private readonly store: DocumentStore,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  /** The newest version this process has seen, if any (may be stale: only for etag-guarded writes). */
  lastSeen(tenantId: string, teamId: string, citizenId: string): Versioned<DiarySummary> | undefined {
    return this.recent.get(`${partitionKeys.institution(tenantId, teamId)}|${citizenId}`);
  }

  private remember(value: Versioned<DiarySummary>): Versioned<DiarySummary> {
    const key = `${partitionKeys.institution(value.value.tenantId, value.value.teamId)}|${value.value.citizenId}`;
    this.recent.delete(key);
    this.recent.set(key, value);
    if (this.recent.size > SUMMARY_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    return value;
  }

  /** The summary; one that cannot be read is reported and removed (it is built again from the entries, which stay). */
  async get(tenantId: string, teamId: string, citizenId: string): Promise<Versioned<DiarySummary> | undefined> {
    const found = await readOrSetAside(this.store, this.report, DiarySummarySchema, partitionKeys.institution(tenantId, teamId), `summary:${citizenId}`, { remove: true });
    return found ? this.remember(found) : undefined;
  }

  async create(summary: DiarySummary): Promise<Versioned<DiarySummary>> {
    const saved = await this.store.create(this.toDoc(summary));
    return this.remember({ value: summary, etag: saved.etag });
  }

  async replace(summary: DiarySummary, etag: string): Promise<Versioned<DiarySummary>> {
    const saved = await this.store.replace(this.toDoc(summary), etag);
    return this.remember({ value: summary, etag: saved.etag });
  }

  private toDoc(summary: DiarySummary): StoredDocument {
    return toDoc(partitionKeys.institution(summary.tenantId, summary.teamId), 'diarySummary', `summary:${summary.citizenId}`, summary);
  }
}

export interface DiaryQuery {
  tenantId: string;
  teamId: string;
  citizenId: string;
  goalId?: string;
  kind?: DiaryEntry['kind'];
  /** ISO date-time: only entries that occurred at or after this. */
  since?: string;
  until?: string;
  /** Newest first instead of oldest first. */
  newestFirst?: boolean;
  /** At most this many entries. */
  limit?: number;
}

export class DiaryRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  /**
   * Adds an entry. Idempotent on the entry id (derived from the submission id): a
   * repeated delivery returns the stored entry with `created: false`.
   */
  async add(entry: DiaryEntry): Promise<{ entry: DiaryEntry; created: boolean }> {
    const pk = partitionKeys.institution(entry.tenantId, entry.teamId);
    const { id, ...rest } = entry;
    try {
      await this.store.create(toDoc(pk, 'diary', `diary:${id}`, { ...rest, entryId: id }));
      return { entry, created: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const existing = await this.store.read(pk, `diary:${id}`);
      if (!existing) throw error;
      return { entry: parseAs(DiaryEntrySchema, existing, id).value, created: false };
    }
  }

  /** Stores many entries at once (bulk loads: imports, benchmarks); existing ids are skipped. */
  async addMany(entries: readonly DiaryEntry[]): Promise<void> {
    await this.store.createMany(
      entries.map(({ id, ...rest }) => toDoc(partitionKeys.institution(rest.tenantId, rest.teamId), 'diary', `diary:${id}`, { ...rest, entryId: id })),
    );
  }

  /** Entries for one citizen, oldest first (or newest first), through the (citizen, goal, time) index. */
  async list(query: DiaryQuery): Promise<DiaryEntry[]> {
    const where: Condition[] = [{ field: 'citizenId', op: '=', value: query.citizenId }];
    if (query.goalId) where.push({ field: 'goalId', op: '=', value: query.goalId });
    if (query.kind) where.push({ field: 'kind', op: '=', value: query.kind });
    if (query.since) where.push({ field: 'occurredAt', op: '>=', value: query.since });
    if (query.until) where.push({ field: 'occurredAt', op: '<=', value: query.until });
    const found = await this.store.query({
      pk: partitionKeys.institution(query.tenantId, query.teamId),
      type: 'diary',
      where,
      orderBy: { field: 'occurredAt', direction: query.newestFirst ? 'desc' : 'asc' },
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return parseEach(DiaryEntrySchema, found, this.report, 'entryId').map((v) => v.value);
  }
}

export class UserRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  /** Stores where the bot can reach this user/conversation later. Last write wins: it is the newest address. */
  async putConversationRef(ref: ConversationRef): Promise<void> {
    const owner = ref.aadObjectId ?? ref.teamsUserId ?? 'unknown';
    await this.store.upsert(
      toDoc(partitionKeys.user(ref.tenantId, owner), 'conversationRef', keyedId('conv', ref.conversationId), ref),
    );
  }

  async listConversationRefs(tenantId: string, aadObjectId: string): Promise<ConversationRef[]> {
    const found = await this.store.query({ pk: partitionKeys.user(tenantId, aadObjectId), type: 'conversationRef' });
    return parseEach(ConversationRefSchema, found, this.report).map((v) => v.value);
  }

  async putMembership(membership: Membership): Promise<void> {
    await this.store.upsert(
      toDoc(
        partitionKeys.user(membership.tenantId, membership.aadObjectId),
        'membership',
        `membership:${membership.teamId}`,
        membership,
      ),
    );
  }

  async removeMembership(tenantId: string, aadObjectId: string, teamId: string): Promise<void> {
    await this.store.delete(partitionKeys.user(tenantId, aadObjectId), `membership:${teamId}`);
  }

  async listMemberships(tenantId: string, aadObjectId: string): Promise<Membership[]> {
    const found = await this.store.query({ pk: partitionKeys.user(tenantId, aadObjectId), type: 'membership' });
    return parseEach(MembershipSchema, found, this.report).map((v) => v.value);
  }

  /** The citizens the user opened last, newest first (one small document; one that cannot be read counts as none). */
  async recentCitizens(tenantId: string, aadObjectId: string): Promise<RecentCitizens['citizens']> {
    const found = await readOrSetAside(this.store, this.report, RecentCitizensSchema, partitionKeys.user(tenantId, aadObjectId), RECENT_CITIZENS_ID, { remove: false });
    return found?.value.citizens ?? [];
  }

  /**
   * Puts a citizen first in the user's recent list (at most RECENT_CITIZENS kept). Only the user
   * writes it, so the newest write is the right one (no etag); nothing is written when the
   * citizen is first already.
   */
  async rememberCitizen(tenantId: string, aadObjectId: string, citizen: { teamId: string; citizenId: string }, at: string): Promise<void> {
    const current = await this.recentCitizens(tenantId, aadObjectId);
    const first = current[0];
    if (first && first.teamId === citizen.teamId && first.citizenId === citizen.citizenId) return;
    const citizens = [{ ...citizen, at }, ...current.filter((c) => c.teamId !== citizen.teamId || c.citizenId !== citizen.citizenId)].slice(0, RECENT_CITIZENS);
    await this.store.upsert(toDoc(partitionKeys.user(tenantId, aadObjectId), 'recentCitizens', RECENT_CITIZENS_ID, { tenantId, aadObjectId, citizens, updatedAt: at } satisfies RecentCitizens));
  }
}

const RECENT_CITIZENS_ID = 'recentCitizens';
/** How many recently opened citizens a user's list keeps. */
export const RECENT_CITIZENS = 8;

export class DraftRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  /** A draft; one that cannot be read is reported and treated as none (the wizard starts afresh). */
  async get(tenantId: string, aadObjectId: string, key: string): Promise<Versioned<Draft> | undefined> {
    return readOrSetAside(this.store, this.report, DraftSchema, partitionKeys.user(tenantId, aadObjectId), keyedId('draft', key), { remove: false });
  }

  async put(draft: Draft): Promise<void> {
    await this.store.upsert(toDoc(partitionKeys.user(draft.tenantId, draft.aadObjectId), 'draft', keyedId('draft', draft.key), draft));
  }

  async delete(tenantId: string, aadObjectId: string, key: string): Promise<void> {
    await this.store.delete(partitionKeys.user(tenantId, aadObjectId), keyedId('draft', key));
  }
}

/**
 * The audit trail (who, what, when, allowed or denied; never content). Writes are queued
 * and stored behind the turn so auditing adds no latency; `flush()` waits for them, and
 * the app flushes on shutdown. A failed write is reported to `onError` (the logger).
 */
export class AuditRepository {
  private buffer: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly delayMs = 50,
    private readonly report: CorruptDocumentReporter = ignoreCorrupt,
  ) {}

  /** Queues an event; it is stored within `delayMs`, together with its neighbours. */
  async record(event: AuditEvent): Promise<void> {
    this.buffer.push(event);
    if (this.buffer.length >= 100) this.startWrite();
    else this.timer ??= setTimeout(() => this.startWrite(), this.delayMs).unref();
  }

  private startWrite(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return;
    // One document per partition and batch: a busy tilbud writes one audit document every
    // `delayMs`, not one per event (rows in the embedded store, requests and RUs on Cosmos DB).
    const byPartition = new Map<string, AuditEvent[]>();
    for (const event of batch) {
      const pk = partitionKeys.audit(event.tenantId, event.teamId, event.at.slice(0, 7));
      const list = byPartition.get(pk) ?? [];
      list.push(event);
      byPartition.set(pk, list);
    }
    const docs = [...byPartition].map(([pk, events]) => {
      const first = events.reduce((min, e) => (e.at < min ? e.at : min), events[0]!.at);
      return toDoc(pk, 'audit', `audit:${randomUUID()}`, { tenantId: events[0]!.tenantId, at: first, events } satisfies AuditBatch);
    });
    this.writing = this.writing.then(() => this.store.createMany(docs)).catch((error: unknown) => this.onError(error));
  }

  /** Resolves when every queued audit event is stored. */
  async flush(): Promise<void> {
    this.startWrite();
    await this.writing;
  }

  /** One tilbud's audit events of a month (or the tenant's events that name no tilbud). */
  async list(tenantId: string, month: string, teamId?: string): Promise<AuditEvent[]> {
    await this.flush();
    const found = await this.store.query({
      pk: partitionKeys.audit(tenantId, teamId, month),
      type: 'audit',
      orderBy: { field: 'at', direction: 'asc' },
    });
    // Events in time order; one that reached the store twice (a retried batch) is listed once.
    const events = new Map<string, AuditEvent>();
    for (const { value } of parseEach(AuditBatchSchema, found, this.report)) for (const event of value.events) if (!events.has(event.id)) events.set(event.id, event);
    return [...events.values()].sort((a, b) => a.at.localeCompare(b.at));
  }
}

/** All repositories over one store: what use cases receive. */
export interface Repositories {
  store: DocumentStore;
  institutions: InstitutionRepository;
  plans: PlanRepository;
  citizens: CitizenIndexRepository;
  summaries: DiarySummaryRepository;
  archive: PlanArchiveRepository;
  diary: DiaryRepository;
  users: UserRepository;
  drafts: DraftRepository;
  audit: AuditRepository;
  /** Reminder entries (kept current on every plan write) and the reminder engine's shared documents. */
  reminders: ReminderRepository;
  reminderControl: ReminderControlRepository;
  meetings: MeetingRepository;
  /** Læringscirkler: udviklingspunkter, their ideas, and prøvehandlinger. */
  cycles: CycleRepository;
}

export interface RepositoryOptions {
  /** How long a tilbud document may be served from memory (ms); 0 turns the cache off. */
  institutionCacheMs?: number;
  /** The longest a plan seen by this process may be served from memory when a use case allows it (ms); 0 turns it off. */
  planCacheMs?: number;
  onAuditError?: (error: unknown) => void;
  /** Told when a tilbud's citizen index was built from its plans (a one-time migration). */
  onCitizenIndexRebuilt?: (count: number) => void;
  /** Told about stored documents that cannot be read (skipped in lists, rebuilt when derived). */
  onCorruptDocument?: CorruptDocumentReporter;
  /** Retries of the small shared documents (citizen index, archive). */
  retry?: Partial<RetryPolicy>;
  /** The time the reminder upkeep plans from (tests fix it). */
  clock?: () => Date;
  /** The bot's reminder defaults (config REMINDER_QUIET_HOURS, REMINDER_WEEKENDS). */
  reminderDefaults?: ReminderDefaults;
  /** Told when a plan's reminders could not be kept current (the plan is saved; the engine re-checks before sending). */
  onReminderSyncError?: (error: unknown, plan: Pick<Plan, 'tenantId' | 'teamId' | 'id'>) => void;
}

export function createRepositories(store: DocumentStore, options: RepositoryOptions = {}): Repositories {
  const report = options.onCorruptDocument ?? ignoreCorrupt;
  const citizens = new CitizenIndexRepository(store, options.onCitizenIndexRebuilt, options.retry, report);
  const institutions = new InstitutionRepository(store, options.institutionCacheMs, report);
  const reminders = new ReminderRepository(store, reminderSettingsFrom((tenantId, teamId) => institutions.get(tenantId, teamId), options.reminderDefaults), {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onReminderSyncError ? { onSyncError: options.onReminderSyncError } : {}),
    onCorrupt: report,
  });
  // The reminder upkeep reads the newest version of the plan it keeps current.
  const plans: PlanRepository = new PlanRepository(store, citizens, options.planCacheMs, report, (plan) =>
    reminders.syncPlan(plan, async () => (await plans.get(plan.tenantId, plan.teamId, plan.id))?.value),
  );
  // A meeting's actions are deadlines too: its reminders follow the newest version of the meeting.
  const meetings: MeetingRepository = new MeetingRepository(store, async (meeting) => {
    // Before it is finished a meeting has no deadlines and never had any: nothing to read or write.
    if (meeting.phase !== 'finished') return;
    await reminders.syncSource({ tenantId: meeting.tenantId, teamId: meeting.teamId, planId: teamTaskSourceId('meeting', meeting.id) }, async () => {
      const latest = await meetings.get(meeting.tenantId, meeting.teamId, meeting.id);
      return meetingDeadlines(latest?.value ?? meeting);
    });
  });
  // A prøvehandling's steps are deadlines for the people its plan names: the same upkeep.
  const cycles: CycleRepository = new CycleRepository(store, report, async (trial) => {
    if (!trial.plan && !trial.finishedAt) return;
    await reminders.syncSource({ tenantId: trial.tenantId, teamId: trial.teamId, planId: teamTaskSourceId('trial', trial.id) }, async () => {
      const latest = await cycles.getTrial(trial.tenantId, trial.teamId, trial.id);
      return trialStepDeadlines(latest?.value ?? trial);
    });
  });
  return {
    store,
    institutions,
    plans,
    citizens,
    summaries: new DiarySummaryRepository(store, report),
    archive: new PlanArchiveRepository(store, options.retry, report),
    diary: new DiaryRepository(store, report),
    users: new UserRepository(store, report),
    drafts: new DraftRepository(store, report),
    audit: new AuditRepository(store, options.onAuditError, 50, report),
    reminders,
    reminderControl: new ReminderControlRepository(store),
    meetings,
    cycles,
  };
}
