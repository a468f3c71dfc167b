/**
 * Store factories for the contract suites. Unlike test/support/stores.ts these close the
 * store on cleanup and can reopen it on the same data.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '../../src/store/ports.js';
import { createCosmosDocumentStore } from '../../src/store/cosmos/cosmos-document-store.js';
import { createEmbeddedDocumentStore, type EmbeddedStoreOptions } from '../../src/store/embedded/embedded-document-store.js';
import { checkStoredDocument, CRITICAL_DOCUMENT_TYPES } from '../../src/store/repositories.js';
import { startCosmosServer } from '../support/cosmos-server.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { afterAll, beforeAll } from 'vitest';
import { createRepositories, type Repositories } from '../../src/store/repositories.js';
import type { ContractStore, ContractStoreFactory } from './document-store.contract.js';

type EmbeddedExtras = Omit<EmbeddedStoreOptions, 'dataDir' | 'inMemory'>;

/**
 * Embedded (SQLite) on a fresh temp dir; `reopen` closes it and opens the same dir again.
 * The port's contract runs without a schema check (its documents are not the app's), like Cosmos.
 */
export async function openEmbeddedOnDisk(extras: EmbeddedExtras = {}): Promise<ContractStore> {
  const dataDir = await makeTempDir('refleks-contract-');
  let store: DocumentStore = await createEmbeddedDocumentStore({ ...extras, dataDir });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await createEmbeddedDocumentStore({ ...extras, dataDir });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await removeTempDir(dataDir);
    },
  };
}

/** Embedded on a temp dir, configured as main.ts does it: every document checked against its schema. */
export function openEmbeddedAsTheApp(): Promise<ContractStore> {
  return openEmbeddedOnDisk({ validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES });
}

/** Embedded in memory: nothing outlives close, so no `reopen`. */
export async function openEmbeddedInMemory(): Promise<ContractStore> {
  const store = await createEmbeddedDocumentStore({ inMemory: true });
  return { store, cleanup: () => store.close() };
}

/**
 * Cosmos on its own local server (loopback, random port) with a fresh database name;
 * `reopen` connects a new client to the same database.
 */
export async function openCosmos(): Promise<ContractStore> {
  const server = await startCosmosServer();
  const options = { endpoint: server.endpoint, key: server.key, database: `refleks-contract-${randomUUID()}`, container: 'refleks', pageSize: 10 };
  let store: DocumentStore;
  try {
    store = await createCosmosDocumentStore(options);
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await createCosmosDocumentStore(options);
      return store;
    },
    cleanup: async () => {
      await store.close();
      await server.close();
    },
  };
}

/** The two stores the app runs on, opened as the app opens them. */
export const APP_STORES: Array<[string, ContractStoreFactory]> = [
  ['embedded', openEmbeddedAsTheApp],
  ['cosmos', openCosmos],
];

/** In a describe: opens the store before its tests and closes it after; the repositories over it (no tilbud cache). */
export function useRepositories(open: ContractStoreFactory): () => Repositories {
  let opened: ContractStore | undefined;
  let repos: Repositories | undefined;
  beforeAll(async () => {
    opened = await open();
    repos = createRepositories(opened.store, { institutionCacheMs: 0 });
  });
  afterAll(async () => {
    await opened?.cleanup();
  });
  return () => {
    if (!repos) throw new Error('the store is not open yet');
    return repos;
  };
}
