/**
 * The local Cosmos DB server (@vercel/cosmosdb-server) in a process of its own, for the
 * benchmarks: Azure Cosmos DB is a remote service, so the bot's thread should wait for it, not
 * run it. (Tests start the same server in-process; here that would put the database's own
 * work on the measured thread.) Prints `{"endpoint": …}` once it listens on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startCosmosServer } from '../test/support/cosmos-server.js';

export interface CosmosServerProcess {
  endpoint: string;
  key: string;
  close(): Promise<void>;
}

/** Starts this file as a child process and waits for its endpoint. */
export function spawnCosmosServer(): Promise<CosmosServerProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/cosmos-server-process.ts', '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`local Cosmos server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const { endpoint, key } = JSON.parse(line) as { endpoint: string; key: string };
      child.removeAllListeners('exit');
      resolve({
        endpoint,
        key,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

if (process.argv.includes('--serve')) {
  const server = await startCosmosServer();
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, key: server.key })}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
