/**
 * Typed repositories over a DocumentStore. Every stored document is parsed with its
 * zod schema on the way out, and the tenant id is part of every partition key.
 */
import type { z } from 'zod';
import {
  AuditEventSchema,
  ConversationRefSchema,
  DiaryEntrySchema,
  DraftSchema,
  InstitutionSchema,
  MembershipSchema,
  PlanSchema,
  type AuditEvent,
  type ConversationRef,
  type DiaryEntry,
  type Draft,
  type Institution,
  type Membership,
  type Plan,
} from '../domain/model.js';
import {
  AlreadyExistsError,
  partitionKeys,
  type Condition,
  type DocumentStore,
  type StoredDocument,
  type VersionedDocument,
} from './ports.js';

export interface Versioned<T> {
  value: T;
  etag: string;
}

const DOC_FIELDS = new Set(['id', 'pk', 'type', '_rid', '_self', '_etag', '_attachments', '_ts', '_id']);

function stripStorageFields(doc: StoredDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!DOC_FIELDS.has(key)) out[key] = value;
  }
  return out;
}

function parseAs<S extends z.ZodType>(schema: S, versioned: VersionedDocument, id?: string): Versioned<z.infer<S>> {
  const body = stripStorageFields(versioned.doc);
  if (id !== undefined) body['id'] = id;
  return { value: schema.parse(body), etag: versioned.etag };
}

function toDoc(pk: string, type: string, id: string, value: object): StoredDocument {
  return { ...(value as Record<string, unknown>), id, pk, type };
}

export class InstitutionRepository {
  constructor(private readonly store: DocumentStore) {}

  async get(tenantId: string, teamId: string): Promise<Versioned<Institution> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `institution`);
    return found ? parseAs(InstitutionSchema, found, found.doc['institutionId'] as string) : undefined;
  }

  async create(institution: Institution): Promise<Versioned<Institution>> {
    const saved = await this.store.create(this.toDoc(institution));
    return parseAs(InstitutionSchema, saved, institution.id);
  }

  async replace(institution: Institution, etag: string): Promise<Versioned<Institution>> {
    const saved = await this.store.replace(this.toDoc(institution), etag);
    return parseAs(InstitutionSchema, saved, institution.id);
  }

  /** All tilbud (cross-partition; used by the reminder scan and the demo seed only). */
  async listAll(): Promise<Institution[]> {
    const found = await this.store.scan({ type: 'institution' });
    return found.map((v) => parseAs(InstitutionSchema, v, v.doc['institutionId'] as string).value);
  }

  private toDoc(institution: Institution): StoredDocument {
    const { id, ...rest } = institution;
    return toDoc(partitionKeys.institution(institution.tenantId, institution.teamId), 'institution', 'institution', {
      ...rest,
      institutionId: id,
    });
  }
}

export class PlanRepository {
  constructor(private readonly store: DocumentStore) {}

  async get(tenantId: string, teamId: string, citizenId: string): Promise<Versioned<Plan> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `plan:${citizenId}`);
    return found ? parseAs(PlanSchema, found, citizenId) : undefined;
  }

  async findByAlias(tenantId: string, teamId: string, aliasKey: string): Promise<Versioned<Plan> | undefined> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'plan',
      where: [{ field: 'aliasKey', op: '=', value: aliasKey }],
    });
    const first = found[0];
    return first ? parseAs(PlanSchema, first, first.doc['citizenId'] as string) : undefined;
  }

  async list(tenantId: string, teamId: string): Promise<Versioned<Plan>[]> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'plan',
      orderBy: { field: 'aliasKey', direction: 'asc' },
    });
    return found.map((v) => parseAs(PlanSchema, v, v.doc['citizenId'] as string));
  }

  async create(plan: Plan): Promise<Versioned<Plan>> {
    const saved = await this.store.create(this.toDoc(plan));
    return parseAs(PlanSchema, saved, plan.id);
  }

  async replace(plan: Plan, etag: string): Promise<Versioned<Plan>> {
    const saved = await this.store.replace(this.toDoc(plan), etag);
    return parseAs(PlanSchema, saved, plan.id);
  }

  private toDoc(plan: Plan): StoredDocument {
    const { id, ...rest } = plan;
    return toDoc(partitionKeys.institution(plan.tenantId, plan.teamId), 'plan', `plan:${id}`, {
      ...rest,
      citizenId: id,
    });
  }
}

export interface DiaryQuery {
  tenantId: string;
  teamId: string;
  citizenId: string;
  goalId?: string;
  /** ISO date-time: only entries that occurred at or after this. */
  since?: string;
  until?: string;
}

export class DiaryRepository {
  constructor(private readonly store: DocumentStore) {}

  /**
   * Adds an entry. Idempotent on the entry id (derived from the submission id): a
   * repeated delivery returns the stored entry with `created: false`.
   */
  async add(entry: DiaryEntry): Promise<{ entry: DiaryEntry; created: boolean }> {
    const pk = partitionKeys.institution(entry.tenantId, entry.teamId);
    const { id, ...rest } = entry;
    try {
      const saved = await this.store.create(toDoc(pk, 'diary', `diary:${id}`, { ...rest, entryId: id }));
      return { entry: parseAs(DiaryEntrySchema, saved, id).value, created: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const existing = await this.store.read(pk, `diary:${id}`);
      if (!existing) throw error;
      return { entry: parseAs(DiaryEntrySchema, existing, id).value, created: false };
    }
  }

  /** Entries for one citizen, oldest first. */
  async list(query: DiaryQuery): Promise<DiaryEntry[]> {
    const where: Condition[] = [{ field: 'citizenId', op: '=', value: query.citizenId }];
    if (query.goalId) where.push({ field: 'goalId', op: '=', value: query.goalId });
    if (query.since) where.push({ field: 'occurredAt', op: '>=', value: query.since });
    if (query.until) where.push({ field: 'occurredAt', op: '<=', value: query.until });
    const found = await this.store.query({
      pk: partitionKeys.institution(query.tenantId, query.teamId),
      type: 'diary',
      where,
      orderBy: { field: 'occurredAt', direction: 'asc' },
    });
    return found.map((v) => parseAs(DiaryEntrySchema, v, v.doc['entryId'] as string).value);
  }
}

export class UserRepository {
  constructor(private readonly store: DocumentStore) {}

  /** Stores where the bot can reach this user/conversation later. Last write wins: it is the newest address. */
  async putConversationRef(ref: ConversationRef): Promise<void> {
    const owner = ref.aadObjectId ?? ref.teamsUserId ?? 'unknown';
    await this.store.upsert(
      toDoc(partitionKeys.user(ref.tenantId, owner), 'conversationRef', `conv:${ref.conversationId}`, ref),
    );
  }

  async listConversationRefs(tenantId: string, aadObjectId: string): Promise<ConversationRef[]> {
    const found = await this.store.query({ pk: partitionKeys.user(tenantId, aadObjectId), type: 'conversationRef' });
    return found.map((v) => parseAs(ConversationRefSchema, v).value);
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
    return found.map((v) => parseAs(MembershipSchema, v).value);
  }
}

export class DraftRepository {
  constructor(private readonly store: DocumentStore) {}

  async get(tenantId: string, aadObjectId: string, key: string): Promise<Versioned<Draft> | undefined> {
    const found = await this.store.read(partitionKeys.user(tenantId, aadObjectId), `draft:${key}`);
    return found ? parseAs(DraftSchema, found) : undefined;
  }

  async put(draft: Draft): Promise<void> {
    await this.store.upsert(toDoc(partitionKeys.user(draft.tenantId, draft.aadObjectId), 'draft', `draft:${draft.key}`, draft));
  }

  async delete(tenantId: string, aadObjectId: string, key: string): Promise<void> {
    await this.store.delete(partitionKeys.user(tenantId, aadObjectId), `draft:${key}`);
  }
}

export class AuditRepository {
  constructor(private readonly store: DocumentStore) {}

  async record(event: AuditEvent): Promise<void> {
    const month = event.at.slice(0, 7);
    try {
      const { id, ...rest } = event;
      await this.store.create(toDoc(partitionKeys.audit(event.tenantId, month), 'audit', `audit:${id}`, { ...rest, eventId: id }));
    } catch (error) {
      // The same event id twice is the same event (a retried activity): keep the first.
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }

  async list(tenantId: string, month: string): Promise<AuditEvent[]> {
    const found = await this.store.query({
      pk: partitionKeys.audit(tenantId, month),
      type: 'audit',
      orderBy: { field: 'at', direction: 'asc' },
    });
    return found.map((v) => parseAs(AuditEventSchema, v, v.doc['eventId'] as string).value);
  }
}

/** All repositories over one store: what use cases receive. */
export interface Repositories {
  store: DocumentStore;
  institutions: InstitutionRepository;
  plans: PlanRepository;
  diary: DiaryRepository;
  users: UserRepository;
  drafts: DraftRepository;
  audit: AuditRepository;
}

export function createRepositories(store: DocumentStore): Repositories {
  return {
    store,
    institutions: new InstitutionRepository(store),
    plans: new PlanRepository(store),
    diary: new DiaryRepository(store),
    users: new UserRepository(store),
    drafts: new DraftRepository(store),
    audit: new AuditRepository(store),
  };
}
