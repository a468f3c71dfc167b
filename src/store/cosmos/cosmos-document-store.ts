/**
 * Azure Cosmos DB (NoSQL API) adapter. One container, partition key path /pk; every
 * partition query says `c.pk = @pk`; etags through IfMatch. Nothing that the local test
 * server lacks is used: no TTL, change feed, DISTINCT, GROUP BY, LIKE, OFFSET/LIMIT,
 * batches or stored procedures.
 */
import { Agent } from 'node:https';
import { CosmosClient, ErrorResponse, type Container, type CosmosClientOptions, type ItemDefinition, type SqlParameter } from '@azure/cosmos';
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

const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;
const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];
const PAGE_SIZE = 100;
const REQUEST_TIMEOUT_MS = 10_000;

export interface CosmosOptions {
  endpoint: string;
  key?: string;
  database: string;
  container: string;
  credential?: TokenCredential;
  managedIdentityClientId?: string;
  logger?: Logger;
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

function assertField(field: string): void {
  if (!FIELD.test(field)) throw new Error(`invalid field name: ${JSON.stringify(field)}`);
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof ErrorResponse) return error.code as number | undefined;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /ECONN|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ECONNRESET/.test(code);
}

function strip(resource: ItemDefinition): { doc: StoredDocument; etag: string } {
  const etag = String((resource as Record<string, unknown>)['_etag'] ?? '');
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (!SYSTEM_FIELDS.includes(key)) doc[key] = value;
  return { doc: doc as StoredDocument, etag };
}

const OPS: Record<Condition['op'], string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

export class CosmosDocumentStore implements DocumentStore {
  readonly kind = 'cosmos' as const;

  constructor(
    private readonly client: CosmosClient,
    private readonly container: Container,
    private readonly databaseId: string,
  ) {}

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isConnectionFailure(error)) throw new StoreUnavailableError('Cosmos DB is unreachable');
      throw error;
    }
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    return this.guard(async () => {
      const response = await this.container.item(id, pk).read<ItemDefinition>();
      if (response.statusCode === 404 || !response.resource) return undefined;
      return strip(response.resource);
    });
  }

  async create(doc: StoredDocument): Promise<VersionedDocument> {
    return this.guard(async () => {
      try {
        const { resource } = await this.container.items.create(doc);
        return strip(resource!);
      } catch (error) {
        if (statusOf(error) === 409) throw new AlreadyExistsError(`document exists: ${doc.id}`);
        throw error;
      }
    });
  }

  async createMany(docs: StoredDocument[]): Promise<void> {
    await Promise.all(
      docs.map((doc) =>
        this.create(doc).catch((error: unknown) => {
          if (!(error instanceof AlreadyExistsError)) throw error;
        }),
      ),
    );
  }

  async replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    return this.guard(async () => {
      try {
        const { resource } = await this.container.item(doc.id, doc.pk).replace(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return strip(resource!);
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 404) throw new ConcurrencyError(`document changed: ${doc.id}`);
        throw error;
      }
    });
  }

  async upsert(doc: StoredDocument): Promise<VersionedDocument> {
    return this.guard(async () => {
      const { resource } = await this.container.items.upsert(doc);
      return strip(resource!);
    });
  }

  async delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    await this.guard(async () => {
      try {
        await this.container.item(id, pk).delete(ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : {});
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return;
        if (status === 412) throw new ConcurrencyError(`document changed: ${id}`);
        throw error;
      }
    });
  }

  private buildWhere(base: string[], parameters: SqlParameter[], where: Condition[] | undefined): string {
    const clauses = [...base];
    (where ?? []).forEach((condition, i) => {
      assertField(condition.field);
      parameters.push({ name: `@p${i}`, value: condition.value });
      clauses.push(`c.${condition.field} ${OPS[condition.op]} @p${i}`);
    });
    return clauses.join(' AND ');
  }

  private async runQuery(query: string, parameters: SqlParameter[], limit: number | undefined, partitionKey?: string): Promise<VersionedDocument[]> {
    return this.guard(async () => {
      const iterator = this.container.items.query<ItemDefinition>({ query, parameters }, { maxItemCount: PAGE_SIZE, ...(partitionKey ? { partitionKey } : {}) });
      const out: VersionedDocument[] = [];
      while (iterator.hasMoreResults()) {
        const page = await iterator.fetchNext();
        for (const resource of page.resources ?? []) {
          out.push(strip(resource));
          if (limit !== undefined && out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  async query(q: PartitionQuery): Promise<VersionedDocument[]> {
    const parameters: SqlParameter[] = [
      { name: '@pk', value: q.pk },
      { name: '@type', value: q.type },
    ];
    let sql = `SELECT * FROM c WHERE ${this.buildWhere(['c.pk = @pk', 'c.type = @type'], parameters, q.where)}`;
    if (q.orderBy) {
      assertField(q.orderBy.field);
      sql += ` ORDER BY c.${q.orderBy.field} ${q.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`;
    }
    return this.runQuery(sql, parameters, q.limit, q.pk);
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    const parameters: SqlParameter[] = [{ name: '@type', value: scan.type }];
    const rows = await this.runQuery(`SELECT * FROM c WHERE ${this.buildWhere(['c.type = @type'], parameters, scan.where)}`, parameters, undefined);
    // STARTSWITH is left out on purpose: the prefix is applied here, the same on every server.
    return scan.pkPrefix ? rows.filter((r) => r.doc.pk.startsWith(scan.pkPrefix!)) : rows;
  }

  async ping(): Promise<void> {
    await this.guard(async () => {
      await this.client.database(this.databaseId).read();
    });
  }

  async close(): Promise<void> {
    this.client.dispose();
  }
}

/** Connects, creating the database and the container (partition key /pk) when missing. */
export async function createCosmosDocumentStore(options: CosmosOptions): Promise<CosmosDocumentStore> {
  const local = isLoopback(options.endpoint);
  const clientOptions: CosmosClientOptions = {
    endpoint: options.endpoint,
    ...(options.key
      ? { key: options.key }
      : { aadCredentials: options.credential ?? (options.managedIdentityClientId ? new ManagedIdentityCredential({ clientId: options.managedIdentityClientId }) : new DefaultAzureCredential()) }),
    connectionPolicy: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      retryOptions: { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 10 },
      // The local test server has one region and an expired certificate: only ever for loopback.
      ...(local ? { enableEndpointDiscovery: false } : {}),
    },
    ...(local ? { agent: new Agent({ rejectUnauthorized: false, keepAlive: true }) } : {}),
  };
  const client = new CosmosClient(clientOptions);
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const { container } = await database.containers.createIfNotExists({ id: options.container, partitionKey: { paths: ['/pk'] } });
  options.logger?.info({ store: 'cosmos', database: options.database, container: options.container, local }, 'cosmos store ready');
  return new CosmosDocumentStore(client, container, options.database);
}
