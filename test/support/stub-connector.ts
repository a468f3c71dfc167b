/**
 * A stub Bot Connector on loopback. It records what the bot sends (new activities, replies,
 * updates) and answers the roster calls TeamsInfo makes, from rosters the test sets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  activityId?: string;
  /** The activity the bot sent. */
  body: Record<string, unknown>;
  /** When it arrived (ms, wall clock). */
  at?: number;
  /** The id the stub answered a POST with (what a later update of that message names). */
  sentId?: string;
}

export interface StubMember {
  id: string;
  aadObjectId: string;
  name: string;
}

/** An answer the stub gives instead of accepting an activity (429, 500, 403, a slow answer). */
export interface StubFault {
  status: number;
  /** Retry-After header, seconds. */
  retryAfterSeconds?: number;
  /** The error code in the body (403: BotDisabledByAdmin, ConversationBlockedByUser …). */
  code?: string;
  /** Wait this long before answering (a slow connector). */
  delayMs?: number;
  /** Only for activities to this conversation (default: any). */
  conversationId?: string;
}

/** A 1:1 conversation the bot asked for (POST /v3/conversations). */
export interface CreatedConversation {
  id: string;
  body: Record<string, unknown>;
}

export interface StubConnector {
  url: string;
  sent: RecordedActivity[];
  /** Every POST of an activity, accepted or not (to count attempts). */
  attempts: RecordedActivity[];
  /** Faults given, in order, to the next matching activity POSTs (each used once). */
  faults: StubFault[];
  /** Conversations the bot created. */
  created: CreatedConversation[];
  /**
   * Activity POSTs whose client went away (connection closed, e.g. the sending process was
   * killed) before the stub answered: the requests that were in flight when their sender died.
   */
  aborted: RecordedActivity[];
  /** Every accepted activity POST waits this long before it is answered (a slow connector; default 0). */
  delayMs: number;
  /** From now on, activity POSTs are received (recorded in `attempts`) but not answered until `release()`. */
  hold(): void;
  /** Answers the held activity POSTs (those whose client is still there) and stops holding. */
  release(): void;
  /** How many activity POSTs are received and not yet answered (delayed or held) with their client still connected. */
  open(): number;
  /** Rosters per team id (the roster calls' conversation id is the team id). */
  rosters: Map<string, StubMember[]>;
  teamNames: Map<string, string>;
  /** Waits until at least `count` activities were recorded (bounded). */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedActivity[]>;
  clear(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startStubConnector(): Promise<StubConnector> {
  const sent: RecordedActivity[] = [];
  const attempts: RecordedActivity[] = [];
  const faults: StubFault[] = [];
  const created: CreatedConversation[] = [];
  const rosters = new Map<string, StubMember[]>();
  const teamNames = new Map<string, string>();
  const aborted: RecordedActivity[] = [];
  let counter = 0;
  const waiters: Array<() => void> = [];
  const control = { delayMs: 0, holding: false, released: [] as Array<() => void>, open: new Set<ServerResponse>() };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const body = await readBody(req);
      // /v3/conversations/{id}/activities[/{activityId}]
      if (parts[0] === 'v3' && parts[1] === 'conversations' && parts[3] === 'activities' && (req.method === 'POST' || req.method === 'PUT')) {
        const record: RecordedActivity = {
          method: req.method,
          conversationId: parts[2] ?? '',
          ...(parts[4] ? { activityId: parts[4] } : {}),
          body: JSON.parse(body || '{}') as Record<string, unknown>,
          at: Date.now(),
        };
        attempts.push(record);
        control.open.add(res);
        res.once('close', () => {
          control.open.delete(res);
          if (!res.writableFinished) aborted.push(record);
        });
        if (req.method === 'POST') {
          const index = faults.findIndex((f) => f.conversationId === undefined || f.conversationId === record.conversationId);
          if (index >= 0) {
            const [fault] = faults.splice(index, 1);
            if (fault!.delayMs) await new Promise((resolve) => setTimeout(resolve, fault!.delayMs));
            if (fault!.status >= 200 && fault!.status < 300) {
              sent.push(record);
              for (const wake of waiters.splice(0)) wake();
              return json(res, fault!.status, { id: `sent-${++counter}` });
            }
            if (res.destroyed) return;
            res.writeHead(fault!.status, { 'content-type': 'application/json', ...(fault!.retryAfterSeconds !== undefined ? { 'retry-after': String(fault!.retryAfterSeconds) } : {}) });
            res.end(JSON.stringify({ error: { code: fault!.code ?? `Status${fault!.status}`, message: 'stub fault' } }));
            return;
          }
        }
        if (req.method === 'POST' && control.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, control.delayMs));
        if (req.method === 'POST' && control.holding) await new Promise<void>((resolve) => control.released.push(resolve));
        if (res.destroyed) return;
        if (req.method === 'POST') record.sentId = `sent-${++counter}`;
        sent.push(record);
        for (const wake of waiters.splice(0)) wake();
        return json(res, 200, { id: req.method === 'PUT' ? parts[4] : record.sentId });
      }
      // /v3/conversations/{teamId}/pagedmembers
      if (parts[0] === 'v3' && parts[1] === 'conversations' && parts[3] === 'pagedmembers' && req.method === 'GET') {
        const members = rosters.get(parts[2] ?? '') ?? [];
        return json(res, 200, { members: members.map((m) => ({ ...m, userPrincipalName: `${m.aadObjectId}@example.org` })) });
      }
      // /v3/conversations/{id}/members/{userId}
      if (parts[0] === 'v3' && parts[1] === 'conversations' && parts[3] === 'members' && parts[4] && req.method === 'GET') {
        const member = [...rosters.values()].flat().find((m) => m.id === parts[4] || m.aadObjectId === parts[4]);
        return member ? json(res, 200, member) : json(res, 404, { error: { code: 'MemberNotFound' } });
      }
      // /v3/teams/{teamId}
      if (parts[0] === 'v3' && parts[1] === 'teams' && parts[2] && req.method === 'GET') {
        return json(res, 200, { id: parts[2], name: teamNames.get(parts[2]) ?? 'Team', aadGroupId: 'group' });
      }
      if (parts[0] === 'v3' && parts[1] === 'conversations' && parts.length === 2 && req.method === 'POST') {
        const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
        const member = (parsed['members'] as Array<{ id?: string; aadObjectId?: string }> | undefined)?.[0];
        // Teams answers with the same 1:1 conversation for the same user.
        const id = `a:created-${member?.aadObjectId ?? member?.id ?? ++counter}`;
        created.push({ id, body: parsed });
        return json(res, 201, { id });
      }
      json(res, 404, { error: 'not found' });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  // Idle keep-alive sockets stay open a minute (Node's default is 5 s): a client that reuses a
  // socket the server is just closing gets ECONNRESET, a race of loopback tests, not of the bot.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    attempts,
    faults,
    created,
    aborted,
    get delayMs() {
      return control.delayMs;
    },
    set delayMs(value: number) {
      control.delayMs = value;
    },
    hold() {
      control.holding = true;
    },
    release() {
      control.holding = false;
      for (const wake of control.released.splice(0)) wake();
    },
    open: () => [...control.open].filter((res) => !res.destroyed).length,
    rosters,
    teamNames,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`stub connector: expected ${count} activities, got ${sent.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return sent;
    },
    clear() {
      sent.length = 0;
      attempts.length = 0;
      faults.length = 0;
      created.length = 0;
      aborted.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
