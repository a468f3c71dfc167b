/**
 * Store ports. The adapters (the embedded SQLite store, Azure Cosmos DB) implement one small,
 * document-level port, `DocumentStore`; the typed repositories in `repositories.ts`
 * sit on top of it and are shared by both adapters, so both behave alike by
 * construction and one contract suite covers them.
 *
 * Every document lives in a partition `pk` that starts with the tenant id (see
 * `partitionKeys`), so no call through the port can reach another tenant's data.
 */

export interface StoredDocument {
  id: string;
  pk: string;
  type: string;
  [field: string]: unknown;
}

export interface VersionedDocument<T extends StoredDocument = StoredDocument> {
  doc: T;
  /** Opaque version token: the Cosmos _etag, or the emulated one in the embedded store. */
  etag: string;
}

export type Scalar = string | number | boolean;

export interface Condition {
  /** A top-level field name: letters and digits only. */
  field: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: Scalar;
}

export interface PartitionQuery {
  pk: string;
  type: string;
  where?: Condition[];
  orderBy?: { field: string; direction: 'asc' | 'desc' };
  /** At most this many results (applied after ordering). */
  limit?: number;
}

/** A named cross-partition scan (due reminders, quality figures): a type and conditions. */
export interface CrossPartitionScan {
  type: string;
  where?: Condition[];
  pkPrefix?: string;
  /** Sorted by this field (the due scan: by dueAt, through its cross-partition index). */
  orderBy?: { field: string; direction: 'asc' | 'desc' };
  /** At most this many results (applied after ordering): a bounded page. */
  limit?: number;
}

export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
}
/** The document changed since it was read (etag mismatch), or vanished. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
}
/**
 * A stored document that cannot be read as its type (it fails its schema). Carries where it is
 * and why (field paths and codes only, never a value), so it can be logged and named.
 */
export class CorruptDocumentError extends Error {
  override readonly name = 'CorruptDocumentError';
  constructor(
    readonly type: string,
    readonly pk: string,
    readonly id: string,
    readonly reason: string,
  ) {
    super(`stored ${type} ${id} cannot be read: ${reason}`);
  }
}

export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** A stored document that could not be read and was set aside (the embedded store's quarantine). */
export interface QuarantinedDocument {
  pk: string;
  id: string;
  type: string;
  /** Why it cannot be read: field paths and rules, never a value. */
  reason: string;
  /** Its number in the quarantine, for the recovery commands. */
  n: number;
}

/**
 * The store holds documents of a critical type (a tilbud, a plan) that cannot be read, so it
 * refuses to serve: running without them would show a tilbud or a plan as missing. The message
 * says, in Danish and English, which documents and how to recover.
 */
export class StoreIntegrityError extends Error {
  override readonly name = 'StoreIntegrityError';
  constructor(
    message: string,
    readonly documents: QuarantinedDocument[],
  ) {
    super(message);
  }
}

export interface DocumentStore {
  /** Which adapter: shown on /readyz and in logs. */
  readonly kind: 'embedded' | 'cosmos';
  read(pk: string, id: string): Promise<VersionedDocument | undefined>;
  /** Creates; throws AlreadyExistsError when (pk, id) exists. */
  create(doc: StoredDocument): Promise<VersionedDocument>;
  /** Replaces only if the stored etag equals `ifMatch`; otherwise ConcurrencyError. */
  replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument>;
  /**
   * Creates several documents that nobody else writes (audit events). Each is created on its
   * own, not atomically; existing ones are skipped. The embedded store writes them in one go.
   */
  createMany(docs: StoredDocument[]): Promise<void>;
  /** Creates or overwrites without a version check: only for single-writer data (conversation references). */
  upsert(doc: StoredDocument): Promise<VersionedDocument>;
  /** Deletes; with `ifMatch`, only that version. Missing documents are ignored. */
  delete(pk: string, id: string, ifMatch?: string): Promise<void>;
  /** A query inside one partition. Pages through continuation tokens internally. */
  query(query: PartitionQuery): Promise<VersionedDocument[]>;
  /** A cross-partition scan; callers are few and named (reminders, quality figures). */
  scan(scan: CrossPartitionScan): Promise<VersionedDocument[]>;
  /** Resolves when the store answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Partition keys. The tenant id always comes first. */
export const partitionKeys = {
  institution: (tenantId: string, teamId: string): string => `t|${tenantId}|team|${teamId}`,
  user: (tenantId: string, aadObjectId: string): string => `t|${tenantId}|user|${aadObjectId}`,
  /**
   * The audit trail: one partition per tilbud and month (events that name no tilbud: one per
   * tenant and month), so audit writes spread as the number of tilbud grows.
   */
  audit: (tenantId: string, teamId: string | undefined, month: string): string => `t|${tenantId}|audit|${teamId ? `team|${teamId}` : 'tenant'}|${month}`,
} as const;
