/**
 * One running app per describe block: a fresh store of the given kind and the real server,
 * started before the block's tests and closed (store removed) after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { DocumentStore } from '../../src/store/ports.js';
import { startHarness, type Harness, type HarnessOptions } from './e2e.js';
import { openStore, type OpenedStore, type StoreKind } from './stores.js';

export interface StartedApp {
  h: Harness;
  opened: OpenedStore;
}

export interface UseAppOptions extends Omit<HarnessOptions, 'store'> {
  /** Wraps the opened store before the app gets it (instrumentation: counting, recording). */
  wrapStore?: (store: DocumentStore) => DocumentStore;
}

/** Registers the hooks; `started` receives the app once it runs (assign it, set up data). */
export function useApp(kind: StoreKind, started: (app: StartedApp) => void | Promise<void>, options: UseAppOptions = {}): void {
  let opened: OpenedStore | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    const { wrapStore, ...harnessOptions } = options;
    h = await startHarness({ ...harnessOptions, store: wrapStore ? wrapStore(opened.store) : opened.store });
    await started({ h, opened });
  });
  afterAll(async () => {
    await h?.close();
    await opened?.cleanup();
  });
}
