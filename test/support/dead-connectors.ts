/**
 * Bot Connectors that fail the way a real one can: a loopback port nobody listens on (the
 * connection is refused at once), and a server that takes every request and never answers
 * (it counts them, so a test sees how many sends the bot attempted).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback URL whose port was free a moment ago and is closed now. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface SilentConnector {
  url: string;
  /** Every request received ("POST /v3/conversations/…/activities"), never answered. */
  requests: string[];
  close(): Promise<void>;
}

export async function startSilentConnector(): Promise<SilentConnector> {
  const requests: string[] = [];
  const held: IncomingMessage[] = [];
  const server: Server = createServer((req) => {
    requests.push(`${req.method} ${req.url}`);
    held.push(req);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
