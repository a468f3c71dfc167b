/**
 * What only the Cosmos adapter has: the loopback-only local-test mode, and failing fast with
 * StoreUnavailableError when the account cannot be reached.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createCosmosDocumentStore, isLoopbackEndpoint } from '../../src/store/cosmos/cosmos-document-store.js';
import { StoreUnavailableError } from '../../src/store/ports.js';
import { EMULATOR_KEY, startCosmosServer } from '../support/cosmos-server.js';

describe('cosmos adapter: local-test mode', () => {
  it('is only for 127.0.0.1, localhost and ::1', () => {
    for (const endpoint of ['https://127.0.0.1:8081/', 'https://localhost:8081', 'https://LOCALHOST:8081/', 'https://[::1]:8081/', 'http://127.0.0.1:3000']) {
      expect(isLoopbackEndpoint(endpoint), endpoint).toBe(true);
    }
    for (const endpoint of [
      'https://refleks.documents.azure.com:443/',
      'https://127.0.0.1.nip.io:8081/',
      'https://localhost.evil.example/',
      'https://evil.example/?host=127.0.0.1',
      'https://127.0.0.1@evil.example/',
      'https://10.0.0.4:8081/',
      'https://0.0.0.0:8081/',
      'not a url',
      '',
    ]) {
      expect(isLoopbackEndpoint(endpoint), endpoint).toBe(false);
    }
  });
});

describe('cosmos adapter: an unreachable account', () => {
  const hanging: Socket[] = [];
  let silent: Server | undefined;

  afterAll(async () => {
    for (const socket of hanging) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  });

  const freePort = async (): Promise<number> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  };

  it('fails with StoreUnavailableError at once when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await createCosmosDocumentStore({ endpoint: `https://127.0.0.1:${port}/`, key: EMULATOR_KEY, database: 'd', container: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails with StoreUnavailableError after the request timeout when the endpoint never answers', async () => {
    silent = createServer((socket) => hanging.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const error = await createCosmosDocumentStore({
      endpoint: `https://127.0.0.1:${port}/`,
      key: EMULATOR_KEY,
      database: 'd',
      container: 'c',
      requestTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('maps failures of a connected store to StoreUnavailableError once the server is gone', async () => {
    const server = await startCosmosServer();
    const store = await createCosmosDocumentStore({ endpoint: server.endpoint, key: server.key, database: 'gone', container: 'c', requestTimeoutMs: 1_000 });
    try {
      await store.ping();
      await store.create({ id: 'a', pk: 't|x|team|y', type: 'thing' });
      await server.close();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.read('t|x|team|y', 'a')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.query({ pk: 't|x|team|y', type: 'thing' })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
      await server.close();
    }
  });
});
