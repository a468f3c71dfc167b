/**
 * One running app per describe block: a fresh store of the given kind and the real server,
 * started before the block's tests and closed (store removed) after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './e2e.js';
import { openStore, type OpenedStore, type StoreKind } from './stores.js';

export interface StartedApp {
  h: Harness;
  opened: OpenedStore;
}

/** Registers the hooks; `started` receives the app once it runs (assign it, set up data). */
export function useApp(kind: StoreKind, started: (app: StartedApp) => void | Promise<void>, options: Omit<HarnessOptions, 'store'> = {}): void {
  let opened: OpenedStore | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    opened = await openStore(kind);
    h = await startHarness({ ...options, store: opened.store });
    await started({ h, opened });
  });
  afterAll(async () => {
    await h?.close();
    await opened?.cleanup();
  });
}
