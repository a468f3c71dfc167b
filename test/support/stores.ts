/** Opens a fresh store of either kind for a test: embedded (SQLite) on a temp dir, or Cosmos on the local server. */
import type { DocumentStore } from '../../src/store/ports.js';
import { createEmbeddedDocumentStore } from '../../src/store/embedded/embedded-document-store.js';
import { checkStoredDocument, CRITICAL_DOCUMENT_TYPES } from '../../src/store/repositories.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

export type StoreKind = 'embedded' | 'cosmos';

export interface OpenedStore {
  store: DocumentStore;
  /** The embedded store's data dir (to scan its files), if any. */
  dataDir?: string;
  cleanup(): Promise<void>;
}

let dbCounter = 0;

export async function openStore(kind: StoreKind): Promise<OpenedStore> {
  if (kind === 'embedded') {
    const dataDir = await makeTempDir('refleks-e2e-');
    // Configured as main.ts does: every document the app writes must pass its schema.
    const store = await createEmbeddedDocumentStore({ dataDir, validate: checkStoredDocument, criticalTypes: CRITICAL_DOCUMENT_TYPES });
    return {
      store,
      dataDir,
      cleanup: async () => {
        await store.close();
        await removeTempDir(dataDir);
      },
    };
  }
  const { startCosmosServer } = await import('./cosmos-server.js');
  const { createCosmosDocumentStore } = await import('../../src/store/cosmos/cosmos-document-store.js');
  const server = await startCosmosServer();
  const store = await createCosmosDocumentStore({
    endpoint: server.endpoint,
    key: server.key,
    database: `refleks-test-${process.pid}-${++dbCounter}`,
    container: 'refleks',
  });
  return {
    store,
    cleanup: async () => {
      await server.close();
    },
  };
}
