/**
 * Azure Cosmos DB (NoSQL API) adapter. One container, partition key path /pk.
 *
 * - Every partition query says `c.pk = @pk` (besides the partitionKey option): the local test
 *   server ignores the option, and the WHERE clause is what keeps tenants apart there.
 * - Values only ever travel as parameters; field names are checked (letters and digits) and
 *   written as `c["field"]`, which also works for names that are SQL keywords (`value`, `order`).
 * - Etags through IfMatch; 409 → AlreadyExistsError, 412 and 404-on-replace → ConcurrencyError,
 *   network failures and timeouts → StoreUnavailableError.
 * - Nothing that the local test server lacks is used: no TTL, change feed, DISTINCT, GROUP BY,
 *   LIKE, OFFSET/LIMIT, batches, hierarchical keys or stored procedures. Used and supported by
 *   both: single-field ORDER BY, TOP, STARTSWITH, IS_STRING/IS_NUMBER/IS_BOOL, continuation tokens.
 * - The local-test mode (self-signed TLS accepted, no endpoint discovery) is only ever used for
 *   a loopback endpoint.
 */
import { Agent } from 'node:https';
import {
  CosmosClient,
  PartitionKeyDefinitionVersion,
  type Container,
  type CosmosClientOptions,
  type ItemDefinition,
  type SqlParameter,
} from '@azure/cosmos';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Logger } from '../../logger.js';
import {
  AlreadyExistsError,
  ConcurrencyError,
  StoreUnavailableError,
  type Condition,
  type CrossPartitionScan,
  type DocumentStore,
  type PartitionQuery,
  type StoredDocument,
  type VersionedDocument,
} from '../ports.js';
import { assertCondition, assertDocument, assertField, assertKey, assertLimit, InvalidQueryError } from '../document-rules.js';

/** Cosmos DB's own fields, never returned to callers. */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set(['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Writes in flight at once in createMany. */
const CREATE_MANY_PARALLEL = 8;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Node/undici network error codes that mean "cannot reach the account". */
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EPIPE|EPROTO|UND_ERR_\w+|ERR_TLS_\w+|CERT_\w+|\w+_CERT|\w+_CERT_IN_CHAIN|UNABLE_TO_\w+|REQUEST_SEND_ERROR|TimeoutError)$/;
const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'AbortError', 'CredentialUnavailableError', 'AuthenticationError']);

export interface CosmosOptions {
  /** https://<account>.documents.azure.com:443/ — or a loopback address for the local test server. */
  endpoint: string;
  /** Account key. Without it the bot authenticates with Entra ID (managed identity in Azure). */
  key?: string;
  database: string;
  container: string;
  /** An explicit credential; wins over `managedIdentityClientId`. */
  credential?: TokenCredential;
  /** Client id of a user-assigned managed identity. */
  managedIdentityClientId?: string;
  logger?: Logger;
  /** Items per page (maxItemCount) when paging through query results. */
  pageSize?: number;
  /** Per-request timeout, so a dead endpoint fails in seconds. */
  requestTimeoutMs?: number;
}

/** True only for 127.0.0.1, localhost and ::1: the only hosts where local-test TLS is accepted. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; cause?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && NETWORK_CODES.test(e.code)) return true;
  if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
  const status = statusOf(error);
  if (status === 503 || status === 408) return true;
  return e.cause !== undefined && e.cause !== error && isUnavailable(e.cause);
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null;
  return String(e?.code ?? e?.name ?? 'error');
}

/** Maps unreachable-account failures to StoreUnavailableError; everything else passes through. */
function mapUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof AlreadyExistsError || error instanceof ConcurrencyError) return error;
  if (isUnavailable(error)) return new StoreUnavailableError(`Cosmos DB unavailable (${describe(error)})`, { cause: error });
  return error;
}

function toVersioned(resource: ItemDefinition): VersionedDocument {
  const etag = resource['_etag'];
  if (typeof etag !== 'string') throw new Error('Cosmos DB returned a document without _etag');
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (!SYSTEM_FIELDS.has(key)) doc[key] = value;
  return { doc: doc as StoredDocument, etag };
}

/** `c["field"]`: field names are checked first, so this is never more than letters and digits. */
function path(field: string): string {
  assertField(field);
  return `c["${field}"]`;
}

const TYPE_CHECK: Record<'string' | 'number' | 'boolean', string> = { string: 'IS_STRING', number: 'IS_NUMBER', boolean: 'IS_BOOL' };

/**
 * WHERE clauses for the conditions, values as parameters. `!=` carries an explicit type check:
 * Cosmos DB skips a document whose field has another type (or none), the local server would not.
 */
function conditionClauses(where: Condition[] | undefined, parameters: SqlParameter[]): string[] {
  return (where ?? []).map((condition, i) => {
    assertCondition(condition);
    const name = `@v${i}`;
    parameters.push({ name, value: condition.value });
    const field = path(condition.field);
    const comparison = `${field} ${condition.op} ${name}`;
    if (condition.op !== '!=') return comparison;
    const check = TYPE_CHECK[typeof condition.value as 'string' | 'number' | 'boolean'];
    return `(${check}(${field}) AND ${comparison})`;
  });
}

export class CosmosDocumentStore implements DocumentStore {
  readonly kind = 'cosmos' as const;

  constructor(
    private readonly client: CosmosClient,
    private readonly container: Container,
    private readonly databaseId: string,
    private readonly options: { pageSize: number; logger?: Logger; agent?: Agent },
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapUnavailable(error);
    }
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    assertKey(pk, id);
    return this.call(async () => {
      try {
        const response = await this.container.item(id, pk).read<ItemDefinition>();
        if (response.statusCode === 404 || !response.resource) return undefined;
        return toVersioned(response.resource);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async create(doc: StoredDocument): Promise<VersionedDocument> {
    assertDocument(doc);
    return this.call(async () => {
      try {
        const { resource } = await this.container.items.create<ItemDefinition>(doc, { disableAutomaticIdGeneration: true });
        return toVersioned(resource!);
      } catch (error) {
        if (statusOf(error) === 409) throw new AlreadyExistsError(`document exists: ${doc.id}`);
        throw error;
      }
    });
  }

  /**
   * One create per document, a few at a time (no batch: the local server has no atomic batch
   * either, and a burst of 100 parallel writes would only meet throttling); existing ones are skipped.
   */
  async createMany(docs: StoredDocument[]): Promise<void> {
    docs.forEach(assertDocument);
    let failure: { error: unknown } | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < docs.length && !failure) {
        const doc = docs[next++]!;
        try {
          await this.create(doc);
        } catch (error) {
          if (!(error instanceof AlreadyExistsError)) failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_MANY_PARALLEL, docs.length) }, worker));
    if (failure) throw failure.error;
  }

  async replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    assertDocument(doc);
    if (typeof ifMatch !== 'string' || ifMatch === '') throw new TypeError('replace needs the etag the document was read with');
    return this.call(async () => {
      try {
        const { resource } = await this.container.item(doc.id, doc.pk).replace<ItemDefinition>(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return toVersioned(resource!);
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 404) throw new ConcurrencyError(`document changed: ${doc.id}`);
        throw error;
      }
    });
  }

  async upsert(doc: StoredDocument): Promise<VersionedDocument> {
    assertDocument(doc);
    return this.call(async () => {
      const { resource } = await this.container.items.upsert<ItemDefinition>(doc, { disableAutomaticIdGeneration: true });
      return toVersioned(resource!);
    });
  }

  async delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    assertKey(pk, id);
    await this.call(async () => {
      try {
        await this.container.item(id, pk).delete(ifMatch === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: ifMatch } });
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return;
        if (status === 412) throw new ConcurrencyError(`document changed: ${id}`);
        throw error;
      }
    });
  }

  /** Runs a query to the end, page by page (continuation tokens), stopping at `limit`. */
  private async collect(query: string, parameters: SqlParameter[], limit: number | undefined, partitionKey?: string): Promise<VersionedDocument[]> {
    return this.call(async () => {
      const iterator = this.container.items.query<ItemDefinition>(
        { query, parameters },
        { maxItemCount: this.options.pageSize, ...(partitionKey !== undefined ? { partitionKey } : {}) },
      );
      const out: VersionedDocument[] = [];
      while (iterator.hasMoreResults()) {
        const page = await iterator.fetchNext();
        for (const resource of page.resources ?? []) {
          out.push(toVersioned(resource));
          if (limit !== undefined && out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  async query(q: PartitionQuery): Promise<VersionedDocument[]> {
    if (typeof q.pk !== 'string' || q.pk === '') throw new TypeError('query needs a partition key');
    if (typeof q.type !== 'string') throw new TypeError('query needs a type');
    if (q.limit !== undefined) assertLimit(q.limit);
    const parameters: SqlParameter[] = [
      { name: '@pk', value: q.pk },
      { name: '@type', value: q.type },
    ];
    // c.pk = @pk is in every partition query: it, not the partitionKey option, is the isolation guarantee.
    const where = ['c.pk = @pk', 'c.type = @type', ...conditionClauses(q.where, parameters)];
    let order = '';
    if (q.orderBy) {
      if (q.orderBy.direction !== 'asc' && q.orderBy.direction !== 'desc') throw new InvalidQueryError('orderBy.direction must be asc or desc');
      order = ` ORDER BY ${path(q.orderBy.field)} ${q.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`;
    }
    if (q.limit === 0) return [];
    // TOP takes a checked integer; the local server and Cosmos DB both page through a TOP query.
    const top = q.limit !== undefined ? `TOP ${q.limit} ` : '';
    const rows = await this.collect(`SELECT ${top}* FROM c WHERE ${where.join(' AND ')}${order}`, parameters, q.limit, q.pk);
    return this.onlyPartition(rows, (pk) => pk === q.pk);
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    if (typeof scan.type !== 'string') throw new TypeError('scan needs a type');
    const parameters: SqlParameter[] = [{ name: '@type', value: scan.type }];
    const where = ['c.type = @type'];
    const prefix = scan.pkPrefix;
    if (prefix) {
      parameters.push({ name: '@pkPrefix', value: prefix });
      where.push('STARTSWITH(c.pk, @pkPrefix)');
    }
    where.push(...conditionClauses(scan.where, parameters));
    if (scan.limit !== undefined) assertLimit(scan.limit);
    let order = '';
    if (scan.orderBy) {
      if (scan.orderBy.direction !== 'asc' && scan.orderBy.direction !== 'desc') throw new InvalidQueryError('orderBy.direction must be asc or desc');
      order = ` ORDER BY ${path(scan.orderBy.field)} ${scan.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`;
    }
    if (scan.limit === 0) return [];
    const top = scan.limit !== undefined ? `TOP ${scan.limit} ` : '';
    // A named cross-partition scan: no partitionKey option.
    const rows = await this.collect(`SELECT ${top}* FROM c WHERE ${where.join(' AND ')}${order}`, parameters, scan.limit);
    return prefix ? this.onlyPartition(rows, (pk) => pk.startsWith(prefix)) : rows;
  }

  /** Defence in depth: a document from another partition is never handed out, whatever the server did. */
  private onlyPartition(rows: VersionedDocument[], allowed: (pk: string) => boolean): VersionedDocument[] {
    const kept = rows.filter((r) => typeof r.doc.pk === 'string' && allowed(r.doc.pk));
    if (kept.length !== rows.length) this.options.logger?.error({ store: 'cosmos', dropped: rows.length - kept.length }, 'cosmos query returned documents outside its partition');
    return kept;
  }

  async ping(): Promise<void> {
    await this.call(async () => {
      await this.client.database(this.databaseId).read();
    });
  }

  async close(): Promise<void> {
    this.client.dispose();
    this.options.agent?.destroy();
  }
}

function credentialFor(options: CosmosOptions): TokenCredential {
  if (options.credential) return options.credential;
  if (options.managedIdentityClientId) return new ManagedIdentityCredential({ clientId: options.managedIdentityClientId });
  return new DefaultAzureCredential();
}

/** Connects, creating the database and the container (partition key /pk) when missing. */
export async function createCosmosDocumentStore(options: CosmosOptions): Promise<CosmosDocumentStore> {
  const local = isLoopbackEndpoint(options.endpoint);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new TypeError('pageSize must be a positive integer');
  // Local-test mode, only ever for loopback: the local server's certificate is self-signed.
  const agent = local && options.endpoint.startsWith('https:') ? new Agent({ rejectUnauthorized: false, keepAlive: true }) : undefined;
  const clientOptions: CosmosClientOptions = {
    endpoint: options.endpoint,
    ...(options.key ? { key: options.key } : { aadCredentials: credentialFor(options) }),
    userAgentSuffix: 'refleks',
    connectionPolicy: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Throttling (429) retries: a few, and never more than 10 s in all.
      retryOptions: { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 10 },
      ...(local ? { enableEndpointDiscovery: false, enableBackgroundEndpointRefreshing: false } : {}),
    },
    ...(agent ? { agent } : {}),
  };
  const client = new CosmosClient(clientOptions);
  try {
    const { database } = await client.databases.createIfNotExists({ id: options.database });
    const { container } = await database.containers.createIfNotExists({
      id: options.container,
      partitionKey: { paths: ['/pk'], version: PartitionKeyDefinitionVersion.V2 },
    });
    options.logger?.info({ store: 'cosmos', database: options.database, container: options.container, local }, 'cosmos store ready');
    return new CosmosDocumentStore(client, container, options.database, { pageSize, agent, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    client.dispose();
    agent?.destroy();
    throw mapUnavailable(error);
  }
}
