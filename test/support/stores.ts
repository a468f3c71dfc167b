/** Opens a fresh store of either kind for a test: embedded (SQLite) on a temp dir, or Cosmos on the local server. */
import type { DocumentStore, StoredDocument } from '../../src/store/ports.js';
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

export interface RivalWriter {
  /** While true, someone else saves every plan just before the app does. */
  active: boolean;
  /** How many times the rival saved (each made one of the app's attempts fail). */
  writes: number;
}

/**
 * Another writer on the same store, for forcing contention: while `rival.active`, just before
 * each replace of a plan it saves that same plan itself (a real write through the real
 * adapter, content unchanged), so the version the app holds is always one behind and the
 * app's replace fails with the adapter's own ConcurrencyError. Everything else passes through.
 */
export function withRivalWriter(store: DocumentStore): { store: DocumentStore; rival: RivalWriter } {
  const rival: RivalWriter = { active: false, writes: 0 };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === 'replace') {
        return async (doc: StoredDocument, ifMatch: string) => {
          if (rival.active && doc.type === 'plan') {
            const current = await target.read(doc.pk, doc.id);
            if (current) {
              await target.replace(current.doc, current.etag);
              rival.writes++;
            }
          }
          return target.replace(doc, ifMatch);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, rival };
}
