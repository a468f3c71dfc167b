/**
 * Reminder documents (see domain/reminder-outbox.ts) and the engine's shared documents.
 *
 * - `reminder` entries live in the tilbud's partition next to the plan they come from, id
 *   `reminder:<deadline>|<recipient>`. `syncPlan` keeps them current on every plan write; the
 *   due scan reads the cross-partition index on `dueAt` (`dueAt <= now`, earliest first, one
 *   bounded page), so it reads what is due, not every plan.
 * - The engine's lease and the shared throttle (429) live in one system partition; a
 *   recipient's reachability in the user's own partition.
 */
import { z } from 'zod';
import type { Plan } from '../domain/model.js';
import { IsoDateTimeSchema } from '../domain/model.js';
import { planDeadlines, resolveReminderSettings, settingsForRecipient, type Deadline, type ReminderDefaults, type ReminderSettings } from '../domain/deadlines.js';
import { desiredEntries, planEntry, ReminderEntrySchema, reminderEntryId, type ReminderEntry } from '../domain/reminder-outbox.js';
import { DIGEST_ID, DigestEntrySchema, type DigestEntry } from '../domain/digest.js';
import { parseAs, type Versioned } from './documents.js';
import { AlreadyExistsError, ConcurrencyError, CorruptDocumentError, partitionKeys, type DocumentStore, type StoredDocument, type VersionedDocument } from './ports.js';

export type { Versioned } from './documents.js';

function entryDoc(entry: ReminderEntry): StoredDocument {
  return { ...entry, id: reminderEntryId(entry.deadlineId, entry.recipientId), pk: partitionKeys.institution(entry.tenantId, entry.teamId), type: 'reminder' };
}

/** How the settings of a tilbud are found (its own over the bot's defaults). */
/** What a sync keeps current: the entries carrying this `planId` (a plan's id or a team task's source id). */
export interface SyncSource {
  tenantId: string;
  teamId: string;
  planId: string;
}

export type ReminderSettingsSource = (tenantId: string, teamId: string) => Promise<ReminderSettings>;

export interface ReminderRepositoryOptions {
  clock?: () => Date;
  /** Told when keeping a plan's reminders current failed (the plan itself is saved). */
  onSyncError?: (error: unknown, plan: Pick<Plan, 'tenantId' | 'teamId' | 'id'>) => void;
  onCorrupt?: (error: CorruptDocumentError) => void;
}

export class ReminderRepository {
  private readonly clock: () => Date;

  constructor(
    private readonly store: DocumentStore,
    private readonly settingsOf: ReminderSettingsSource,
    private readonly options: ReminderRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  settings(tenantId: string, teamId: string): Promise<ReminderSettings> {
    return this.settingsOf(tenantId, teamId);
  }

  async get(tenantId: string, teamId: string, id: string): Promise<Versioned<ReminderEntry> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), id);
    return found ? parseAs(ReminderEntrySchema, found) : undefined;
  }

  /** The plan's entries (one partition query on the (pk, planId) index). */
  async listForPlan(tenantId: string, teamId: string, planId: string): Promise<Array<Versioned<ReminderEntry>>> {
    const found = await this.store.query({ pk: partitionKeys.institution(tenantId, teamId), type: 'reminder', where: [{ field: 'planId', op: '=', value: planId }] });
    return this.parseAll(found);
  }

  /**
   * A recipient's entries in one tilbud whose deadline falls on or before `untilDate`
   * (yyyy-MM-dd), earliest first: one partition query on the (pk, recipientId, deadlineDate)
   * index. Only open deadlines have entries (a done one's are removed), so this reads the
   * person's open deadlines, not their history.
   */
  async listForRecipient(tenantId: string, teamId: string, recipientId: string, untilDate: string): Promise<Array<Versioned<ReminderEntry>>> {
    const found = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'reminder',
      where: [
        { field: 'recipientId', op: '=', value: recipientId },
        { field: 'deadlineDate', op: '<=', value: untilDate },
      ],
      orderBy: { field: 'deadlineDate', direction: 'asc' },
    });
    return this.parseAll(found);
  }

  /** The entries due at `now`, earliest first, at most `limit` (the due scan). */
  async due(now: Date, limit: number): Promise<Array<Versioned<ReminderEntry>>> {
    const found = await this.store.scan({ type: 'reminder', where: [{ field: 'dueAt', op: '<=', value: now.toISOString() }], orderBy: { field: 'dueAt', direction: 'asc' }, limit });
    return this.parseAll(found);
  }

  /** Every reminder entry of a tilbud (one per open deadline and owner, and each deadline's escalation): the weekly digest's read. */
  async listForInstitution(tenantId: string, teamId: string): Promise<Array<Versioned<ReminderEntry>>> {
    return this.parseAll(await this.store.query({ pk: partitionKeys.institution(tenantId, teamId), type: 'reminder' }));
  }

  // -------------------------------------------------------------- the weekly digest's entry

  async getDigest(tenantId: string, teamId: string): Promise<Versioned<DigestEntry> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), DIGEST_ID);
    return found ? parseAs(DigestEntrySchema, found) : undefined;
  }

  /** Creates (no etag) or replaces only the version read. */
  async putDigest(entry: DigestEntry, etag?: string): Promise<Versioned<DigestEntry>> {
    const doc: StoredDocument = { ...entry, id: DIGEST_ID, pk: partitionKeys.institution(entry.tenantId, entry.teamId), type: 'managerDigest' };
    const saved = etag === undefined ? await this.store.create(doc) : await this.store.replace(doc, etag);
    return { value: entry, etag: saved.etag };
  }

  async removeDigest(entry: DigestEntry, etag: string): Promise<void> {
    await this.store.delete(partitionKeys.institution(entry.tenantId, entry.teamId), DIGEST_ID, etag);
  }

  /** The digests due at `now`, earliest first (the engine's scan; one per tilbud with managers). */
  async dueDigests(now: Date, limit: number): Promise<Array<Versioned<DigestEntry>>> {
    const found = await this.store.scan({ type: 'managerDigest', where: [{ field: 'dueAt', op: '<=', value: now.toISOString() }], orderBy: { field: 'dueAt', direction: 'asc' }, limit });
    return this.parseAll(found, DigestEntrySchema);
  }

  /** Replaces only the version read (ConcurrencyError otherwise). */
  async replace(entry: ReminderEntry, etag: string): Promise<Versioned<ReminderEntry>> {
    const saved = await this.store.replace(entryDoc(entry), etag);
    return { value: entry, etag: saved.etag };
  }

  async create(entry: ReminderEntry): Promise<Versioned<ReminderEntry>> {
    const saved = await this.store.create(entryDoc(entry));
    return { value: entry, etag: saved.etag };
  }

  async remove(entry: ReminderEntry, etag: string): Promise<void> {
    await this.store.delete(partitionKeys.institution(entry.tenantId, entry.teamId), reminderEntryId(entry.deadlineId, entry.recipientId), etag);
  }

  /** Per source (plan or team task): a sync that has not started yet (later writes share it) and the chain it waits on. */
  private readonly syncs = new Map<string, { tail: Promise<void>; queued: Promise<void> | undefined }>();

  /**
   * Keeps the plan's entries current: one per open deadline and recipient, re-planned when a
   * date changed, removed when the deadline is done or the person no longer its owner. Writes
   * only what changed (a plan write that touches no deadline writes nothing here).
   *
   * It works from the newest version of the plan (`loadLatest`), never from the version a
   * writer held: a writer that saved an older version and syncs late would otherwise remove the
   * entries of a goal a newer version added. Syncs of one plan in this process run one at a time,
   * and every write that lands while one is waiting shares that next run (it reads the newest
   * plan when it starts), so 20 people saving one plan at once cause two syncs, not twenty. A
   * conflict with the engine or another instance is resolved by planning again, a few times.
   */
  syncPlan(plan: Plan, loadLatest?: () => Promise<Plan | undefined>): Promise<void> {
    return this.syncSource({ tenantId: plan.tenantId, teamId: plan.teamId, planId: plan.id }, async () => planDeadlines((loadLatest ? await loadLatest() : undefined) ?? plan), plan);
  }

  /**
   * The same for any source of deadlines (a plan, a meeting's aftalepapir, a prøvehandling):
   * `loadDeadlines` reads the source's newest version and lists its open deadlines ([] when it
   * is gone or has none: its entries are removed). `source.planId` is what its entries carry.
   */
  syncSource(source: SyncSource, loadDeadlines: () => Promise<readonly Deadline[]>, reportAs?: Pick<Plan, 'tenantId' | 'teamId' | 'id'>): Promise<void> {
    const key = `${source.tenantId}|${source.teamId}|${source.planId}`;
    let slot = this.syncs.get(key);
    if (!slot) {
      slot = { tail: Promise.resolve(), queued: undefined };
      this.syncs.set(key, slot);
    }
    if (slot.queued) return slot.queued;
    const mine = slot;
    const run = mine.tail.then(async () => {
      mine.queued = undefined;
      await this.syncNewest(source, loadDeadlines, reportAs ?? { tenantId: source.tenantId, teamId: source.teamId, id: source.planId });
    });
    mine.queued = run;
    const tail = run.catch(() => undefined);
    mine.tail = tail;
    void tail.then(() => {
      if (this.syncs.get(key) === mine && mine.tail === tail && !mine.queued) this.syncs.delete(key);
    });
    return run;
  }

  private async syncNewest(source: SyncSource, loadDeadlines: () => Promise<readonly Deadline[]>, reportAs: Pick<Plan, 'tenantId' | 'teamId' | 'id'>): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.syncOnce(source, await loadDeadlines());
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError || error instanceof AlreadyExistsError) || attempt >= 4) throw error;
        }
      }
    } catch (error) {
      if (this.options.onSyncError) this.options.onSyncError(error, reportAs);
      else throw error;
    }
  }

  private async syncOnce(source: SyncSource, deadlines: readonly Deadline[]): Promise<void> {
    const now = this.clock();
    const settings = await this.settingsOf(source.tenantId, source.teamId);
    const wanted = desiredEntries(deadlines);
    const existing = new Map((await this.listForPlan(source.tenantId, source.teamId, source.planId)).map((e) => [reminderEntryId(e.value.deadlineId, e.value.recipientId), e]));
    for (const [id, { deadline, recipientId }] of wanted) {
      const current = existing.get(id);
      const change = planEntry(deadline, recipientId, current?.value, now, settingsForRecipient(settings, recipientId));
      if (change.kind === 'write') {
        if (current) await this.replace(change.entry, current.etag);
        else await this.create(change.entry);
      } else if (change.kind === 'remove' && current) {
        await this.remove(current.value, current.etag);
      }
    }
    for (const [id, entry] of existing) {
      if (!wanted.has(id)) await this.remove(entry.value, entry.etag);
    }
  }

  /** The documents that parse (a corrupt one is reported, not thrown: one bad entry never stops a scan). */
  private parseAll<S extends z.ZodType = typeof ReminderEntrySchema>(found: readonly VersionedDocument[], schema?: S): Array<Versioned<z.infer<S>>> {
    const out: Array<Versioned<z.infer<S>>> = [];
    for (const row of found) {
      try {
        out.push(parseAs((schema ?? ReminderEntrySchema) as S, row));
      } catch (error) {
        if (!(error instanceof CorruptDocumentError)) throw error;
        this.options.onCorrupt?.(error);
      }
    }
    return out;
  }
}

/** The settings source over the tilbud documents: `institution.settings.reminders` over the bot's defaults. */
export function reminderSettingsFrom(
  getInstitution: (tenantId: string, teamId: string) => Promise<{ value: { settings: { reminders?: Parameters<typeof resolveReminderSettings>[1] } } } | undefined>,
  defaults: ReminderDefaults = {},
): ReminderSettingsSource {
  return async (tenantId, teamId) => {
    const found = await getInstitution(tenantId, teamId);
    return resolveReminderSettings(defaults, found?.value.settings.reminders ?? {});
  };
}

// ---------------------------------------------------------------- the engine's shared documents

/** Not a tenant's data: the engine's coordination documents. */
export const ENGINE_PARTITION = 'refleks|reminders';

export const LeaseSchema = z.object({ holder: z.string().min(1), expiresAt: IsoDateTimeSchema });
export type Lease = z.infer<typeof LeaseSchema>;

export const ThrottleSchema = z.object({ until: IsoDateTimeSchema, updatedAt: IsoDateTimeSchema });

export const ReachSchema = z.object({ tenantId: z.string().min(1), aadObjectId: z.string().min(1), unreachableSince: IsoDateTimeSchema, reason: z.string().max(100) });
export type Reach = z.infer<typeof ReachSchema>;

export const TenantEndpointSchema = z.object({ tenantId: z.string().min(1), serviceUrl: z.string().min(1), botId: z.string().optional(), channelId: z.string().default('msteams'), updatedAt: IsoDateTimeSchema });
export type TenantEndpoint = z.infer<typeof TenantEndpointSchema>;

function endpointPartition(tenantId: string): string {
  return `t|${tenantId}|endpoint`;
}

export class ReminderControlRepository {
  constructor(private readonly store: DocumentStore) {}

  /**
   * Takes or renews the scan lease for `holder` until `until` when it is free, expired or already
   * theirs: a conditional write on the version read, so of two instances at the same moment one wins.
   */
  async acquireLease(holder: string, now: Date, until: Date): Promise<boolean> {
    const doc: StoredDocument = { id: 'lease', pk: ENGINE_PARTITION, type: 'reminderLease', holder, expiresAt: until.toISOString() };
    const found = await this.store.read(ENGINE_PARTITION, 'lease');
    try {
      if (!found) {
        await this.store.create(doc);
        return true;
      }
      const lease = parseAs(LeaseSchema, found).value;
      if (lease.holder !== holder && Date.parse(lease.expiresAt) > now.getTime()) return false;
      await this.store.replace(doc, found.etag);
      return true;
    } catch (error) {
      if (error instanceof ConcurrencyError || error instanceof AlreadyExistsError) return false;
      if (error instanceof CorruptDocumentError && found) {
        await this.store.replace(doc, found.etag).catch(() => undefined);
        return false;
      }
      throw error;
    }
  }

  /** Gives the lease up (only if still ours). */
  async releaseLease(holder: string): Promise<void> {
    const found = await this.store.read(ENGINE_PARTITION, 'lease');
    if (!found || found.doc['holder'] !== holder) return;
    await this.store.replace({ ...found.doc, expiresAt: new Date(0).toISOString() }, found.etag).catch((error: unknown) => {
      if (!(error instanceof ConcurrencyError)) throw error;
    });
  }

  /** Until when the connector asked every instance to wait (a 429's Retry-After), if that is still ahead. */
  async throttledUntil(now: Date): Promise<Date | undefined> {
    const found = await this.store.read(ENGINE_PARTITION, 'throttle');
    if (!found) return undefined;
    const parsed = ThrottleSchema.safeParse(found.doc);
    if (!parsed.success) return undefined;
    const until = new Date(parsed.data.until);
    return until.getTime() > now.getTime() ? until : undefined;
  }

  /** Shares a throttle; an earlier one never shortens a later one already stored. */
  async throttle(until: Date, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const found = await this.store.read(ENGINE_PARTITION, 'throttle');
      const doc: StoredDocument = { id: 'throttle', pk: ENGINE_PARTITION, type: 'reminderThrottle', until: until.toISOString(), updatedAt: now.toISOString() };
      try {
        if (!found) await this.store.create(doc);
        else {
          const stored = ThrottleSchema.safeParse(found.doc);
          if (stored.success && Date.parse(stored.data.until) >= until.getTime()) return;
          await this.store.replace(doc, found.etag);
        }
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError || error instanceof AlreadyExistsError)) throw error;
      }
    }
  }

  async reach(tenantId: string, aadObjectId: string): Promise<Reach | undefined> {
    const found = await this.store.read(partitionKeys.user(tenantId, aadObjectId), 'reach');
    if (!found) return undefined;
    const parsed = ReachSchema.safeParse(found.doc);
    return parsed.success ? parsed.data : undefined;
  }

  /** The recipient cannot be reached (403): no reminders go to them until they write to the bot again. */
  async markUnreachable(tenantId: string, aadObjectId: string, reason: string, now: Date): Promise<void> {
    const reach: Reach = { tenantId, aadObjectId, unreachableSince: now.toISOString(), reason: reason.slice(0, 100) };
    await this.store.upsert({ ...reach, id: 'reach', pk: partitionKeys.user(tenantId, aadObjectId), type: 'reach' });
  }

  /** They wrote to the bot: reachable again. One point read when nothing is marked. */
  async markReachable(tenantId: string, aadObjectId: string): Promise<boolean> {
    const pk = partitionKeys.user(tenantId, aadObjectId);
    const found = await this.store.read(pk, 'reach');
    if (!found) return false;
    await this.store.delete(pk, 'reach');
    return true;
  }

  /**
   * The tenant's newest Bot Connector address (from the newest incoming activity of anyone in
   * it): how a person known only from a team roster is reached, and how a stale service URL in
   * a person's own reference is replaced by the current one.
   */
  async putEndpoint(endpoint: TenantEndpoint): Promise<void> {
    await this.store.upsert({ ...endpoint, id: 'endpoint', pk: endpointPartition(endpoint.tenantId), type: 'tenantEndpoint' });
  }

  async endpoint(tenantId: string): Promise<TenantEndpoint | undefined> {
    const found = await this.store.read(endpointPartition(tenantId), 'endpoint');
    if (!found) return undefined;
    const parsed = TenantEndpointSchema.safeParse(found.doc);
    return parsed.success ? parsed.data : undefined;
  }

  /** The recipients marked unreachable in a tenant (for the manager's digest). */
  async listUnreachable(tenantId: string): Promise<Reach[]> {
    const found = await this.store.scan({ type: 'reach', pkPrefix: `t|${tenantId}|user|` });
    return found.flatMap((row) => {
      const parsed = ReachSchema.safeParse(row.doc);
      return parsed.success ? [parsed.data] : [];
    });
  }
}
