/**
 * End-to-end harness: the real restify server on a random loopback port, the real bot and
 * store, Teams-shaped activities POSTed to /api/messages, and a stub Bot Connector that
 * records what the bot sends back. Logs are captured so tests can scan them.
 */
import { randomUUID } from 'node:crypto';
import { startApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import type { DocumentStore } from '../../src/store/ports.js';
import type { RetryPolicy } from '../../src/store/retry.js';
import { startStubConnector, type RecordedActivity, type StubConnector, type StubMember } from './stub-connector.js';

export interface TestUser {
  id: string;
  aadObjectId: string;
  name: string;
  tenantId: string;
  locale?: string;
}

export const TENANT_A = 'a1b2c3d4-0000-4000-8000-00000000000a';
export const TENANT_B = 'b1b2c3d4-0000-4000-8000-00000000000b';
export const TEAM_ID = '19:refleks-team-a@thread.tacv2';

/** A made-up staff member of tenant A (or another tenant): ids derived from the key. */
export function user(key: string, name: string, tenantId = TENANT_A, locale = 'da-DK'): TestUser {
  return { id: `29:${key}`, aadObjectId: `aad-${key}`, name, tenantId, locale };
}

export const USERS = {
  anna: user('anna', 'Anna Medarbejder'),
  bo: user('bo', 'Bo Kollega'),
  carl: user('carl', 'Carl Udenfor'),
  eve: user('eve', 'Eve Anden Tenant', TENANT_B),
  emma: user('emma', 'Emma English', TENANT_A, 'en-US'),
} as const;

export interface InvokeResult {
  status: number;
  body: { statusCode?: number; type?: string; value?: Record<string, unknown> } & Record<string, unknown>;
}

export interface Harness {
  app: App;
  connector: StubConnector;
  logs: string[];
  url: string;
  now: { value: Date };
  message(from: TestUser, text: string, options?: { channel?: boolean; id?: string }): Promise<{ status: number; replies: RecordedActivity[] }>;
  invoke(from: TestUser, verb: string, data: Record<string, unknown>, options?: { id?: string }): Promise<InvokeResult>;
  rawInvoke(from: TestUser, value: unknown, options?: { id?: string }): Promise<InvokeResult>;
  submit(from: TestUser, value: Record<string, unknown>, replyToId?: string): Promise<{ status: number; replies: RecordedActivity[] }>;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  setupTeam(by: TestUser, members?: TestUser[]): Promise<RecordedActivity[]>;
  close(): Promise<void>;
}

export function personalConversationId(u: TestUser): string {
  return `a:personal-${u.aadObjectId}`;
}

/** The fields every Teams activity from this user carries (personal chat, or the team's channel). */
export function baseActivity(h: { connectorUrl: string }, from: TestUser, channel: boolean): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl: h.connectorUrl,
    timestamp: new Date().toISOString(),
    locale: from.locale ?? 'da-DK',
    from: { id: from.id, aadObjectId: from.aadObjectId, name: from.name },
    recipient: { id: '28:refleks-bot', name: 'Refleks' },
    conversation: channel
      ? { id: `${TEAM_ID};messageid=1`, conversationType: 'channel', tenantId: from.tenantId, isGroup: true }
      : { id: personalConversationId(from), conversationType: 'personal', tenantId: from.tenantId },
    channelData: channel
      ? { tenant: { id: from.tenantId }, team: { id: TEAM_ID, name: 'Bostedet Solsikken' }, channel: { id: TEAM_ID, name: 'General' } }
      : { tenant: { id: from.tenantId } },
  };
}

export interface HarnessOptions {
  store: DocumentStore;
  now?: Date;
  env?: Record<string, string>;
  openIdMetadataUrl?: string;
  /** Keep log lines in memory (tests scan them); benchmarks turn this off. */
  keepLogs?: boolean;
  /** Repository cache settings (benchmarks measure turns with cold caches). */
  repositories?: AppOptions['repositories'];
  /** How plan writes retry under contention (a tiny budget to see it run out). */
  writeRetry?: Partial<RetryPolicy>;
  /** Reminder engine settings (short timeouts and backoff). */
  reminderEngine?: AppOptions['reminderEngine'];
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const connector = await startStubConnector();
  const logs: string[] = [];
  const keepLogs = options.keepLogs ?? true;
  const logger = createLogger({ level: options.env?.['LOG_LEVEL'] ?? 'debug', destination: { write: (line: string) => void (keepLogs ? logs.push(line) : undefined) } });
  const now = { value: options.now ?? new Date('2026-11-23T09:30:00Z') };
  // The reminder engine runs only when a test asks for it (h.app.reminders.runOnce()).
  const config = loadConfig({ PORT: '0', REMINDER_INTERVAL_MS: '0', ...(options.env ?? {}) });
  const app = await startApp({
    config,
    logger,
    store: options.store,
    clock: () => now.value,
    ...(options.repositories ? { repositories: options.repositories } : {}),
    ...(options.openIdMetadataUrl ? { openIdMetadataUrl: options.openIdMetadataUrl } : {}),
    ...(options.writeRetry ? { writeRetry: options.writeRetry } : {}),
    ...(options.reminderEngine ? { reminderEngine: options.reminderEngine } : {}),
  });
  const ctx = { connectorUrl: connector.url };

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  async function sendAndCollect(activity: Record<string, unknown>): Promise<{ status: number; replies: RecordedActivity[] }> {
    const before = connector.sent.length;
    const { status } = await post(activity);
    return { status, replies: connector.sent.slice(before) };
  }

  async function rawInvoke(from: TestUser, value: unknown, opts: { id?: string } = {}): Promise<InvokeResult> {
    const activity = { ...baseActivity(ctx, from, false), type: 'invoke', name: 'adaptiveCard/action', id: opts.id ?? randomUUID(), value };
    const { status, text } = await post(activity);
    return { status, body: text ? (JSON.parse(text) as InvokeResult['body']) : {} };
  }

  const harness: Harness = {
    app,
    connector,
    logs,
    url: app.url,
    now,
    post,
    message: (from, text, opts = {}) =>
      sendAndCollect({ ...baseActivity(ctx, from, opts.channel ?? false), type: 'message', id: opts.id ?? randomUUID(), text }),
    rawInvoke,
    invoke: (from, verb, data, opts = {}) => rawInvoke(from, { action: { type: 'Action.Execute', verb, data } }, opts),
    submit: (from, value, replyToId) =>
      sendAndCollect({ ...baseActivity(ctx, from, false), type: 'message', id: randomUUID(), value, ...(replyToId ? { replyToId } : {}) }),
    async setupTeam(by, members = [USERS.anna, USERS.bo]) {
      connector.rosters.set(TEAM_ID, members.map((m): StubMember => ({ id: m.id, aadObjectId: m.aadObjectId, name: m.name })));
      connector.teamNames.set(TEAM_ID, 'Bostedet Solsikken');
      const { replies } = await harness.message(by, '<at>Refleks</at> opsæt', { channel: true });
      return replies;
    },
    async close() {
      await app.close();
      await connector.close();
    },
  };
  return harness;
}

/** An Action.Execute invoke as Teams sends it (for drivers outside the harness, such as benchmarks). */
export function invokeActivity(connectorUrl: string, from: TestUser, verb: string, data: Record<string, unknown>): Record<string, unknown> {
  return { ...baseActivity({ connectorUrl }, from, false), type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), value: { action: { type: 'Action.Execute', verb, data } } };
}

// ---------------------------------------------------------------- card helpers

export type CardJson = Record<string, unknown>;

export function cardOf(activity: RecordedActivity | undefined): CardJson {
  const attachments = activity?.body['attachments'] as Array<{ contentType: string; content: CardJson }> | undefined;
  const card = attachments?.[0]?.content;
  if (!card) throw new Error(`no card in activity: ${JSON.stringify(activity?.body).slice(0, 300)}`);
  return card;
}

export function invokeCardOf(result: InvokeResult): CardJson {
  if (result.status !== 200 || result.body.type !== 'application/vnd.microsoft.card.adaptive' || !result.body.value) {
    throw new Error(`expected a card, got ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`);
  }
  return result.body.value;
}

interface FoundAction {
  verb: string;
  title: string;
  data: Record<string, unknown>;
  /** The Action.Submit fallback's data (what a client without Universal Actions sends). */
  submitData: Record<string, unknown> | undefined;
}

/** Every Action.Execute in the card (body and actions), in document order. */
export function actionsOf(card: CardJson): FoundAction[] {
  const found: FoundAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj['type'] === 'Action.Execute') {
      const fallback = obj['fallback'] as { data?: Record<string, unknown> } | undefined;
      found.push({ verb: String(obj['verb']), title: String(obj['title']), data: (obj['data'] as Record<string, unknown>) ?? {}, submitData: fallback?.data });
    }
    for (const [key, value] of Object.entries(obj)) if (key !== 'fallback') walk(value);
  };
  walk(card);
  return found;
}

export function findAction(card: CardJson, verb: string, predicate: (a: FoundAction) => boolean = () => true): FoundAction {
  const action = actionsOf(card).find((a) => a.verb === verb && predicate(a));
  if (!action) throw new Error(`no ${verb} action in card; have ${actionsOf(card).map((a) => `${a.verb}:${a.title}`).join(', ')}`);
  return action;
}

/** All text shown on the card (TextBlocks, facts, choice titles), joined by newlines. */
/** A card text as a client shows it: the Markdown escapes (see cards/templates.ts) are not shown. */
export function shown(text: string): string {
  return text.replace(/\\([\\*_`~[\]().+>#-])/g, '$1');
}

export function textOf(card: CardJson): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'label']) if (typeof obj[key] === 'string') out.push(shown(obj[key] as string));
    for (const [key, value] of Object.entries(obj)) if (key !== 'fallback' && typeof value === 'object') walk(value);
  };
  walk(card);
  return out.join('\n');
}

/** The input element with this id. */
export function inputOf(card: CardJson, id: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj['type'] === 'string' && (obj['type'] as string).startsWith('Input.') && obj['id'] === id) {
      found = obj;
      return;
    }
    Object.values(obj).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no input ${id}`);
  return found;
}

/** The error text shown right after an input (the TextBlock with color Attention that follows it). */
export function fieldErrorOf(card: CardJson, id: string): string | undefined {
  let result: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const obj = item as Record<string, unknown>;
        if (obj && obj['id'] === id && typeof obj['type'] === 'string' && (obj['type'] as string).startsWith('Input.')) {
          const next = node[i + 1] as Record<string, unknown> | undefined;
          if (next && next['type'] === 'TextBlock' && next['color'] === 'Attention') result = String(next['text']);
        }
      });
    }
    if (node && typeof node === 'object') Object.values(node as object).forEach(walk);
  };
  walk(card);
  return result;
}
