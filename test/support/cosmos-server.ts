/**
 * The local Cosmos DB for tests: @vercel/cosmosdb-server started in-process over HTTPS
 * (self-signed certificate) on a random port on 127.0.0.1. It accepts any key; the well-known
 * emulator key is used. `close()` destroys the keep-alive sockets, so the test process can exit.
 */
import type { AddressInfo, Socket } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';

/** The public, well-known key of the Cosmos DB emulator (not a secret). */
export const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmos {
  endpoint: string;
  key: string;
  close(): Promise<void>;
}

export async function startCosmosServer(): Promise<LocalCosmos> {
  // `keepAlive` is read by the package (it answers `connection: keep-alive`), not by node:https.
  const server = createHttpsServer({ keepAlive: true } as Parameters<typeof createHttpsServer>[0]);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    key: EMULATOR_KEY,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })),
  };
}
