/**
 * Where the bot sends its replies: an activity without a serviceUrl, or with one that is not
 * http(s), is refused with a 400 (without one, botbuilder would try the public Bot Framework
 * host); a field of the wrong type is a 400, not a 200 and an error in the log. When the
 * serviceUrl cannot be reached (a closed port) or never answers, the turn gives up within its
 * connector budget (CONNECTOR_BUDGET_MS), sends once, and never follows a reply that could not
 * be sent with an apology. On both stores.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';
import { closedPortUrl, startSilentConnector, type SilentConnector } from '../support/dead-connectors.js';
import { baseActivity, TEAM_ID, USERS, type Harness } from '../support/e2e.js';

/** A generous bound for a turn whose connector never answers (the budget is a few seconds). */
const BOUND_MS = 8000;

function errorLines(h: Harness): string[] {
  return h.logs.filter((line) => /"level":(50|60)/.test(line));
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe.each<StoreKind>(['embedded', 'cosmos'])('where replies go, on the %s store', (kind) => {
  let h: Harness;
  let silent: SilentConnector;

  useApp(
    kind,
    async (app) => {
      h = app.h;
      await h.setupTeam(USERS.anna);
    },
    { env: { CONNECTOR_BUDGET_MS: '1500' } },
  );
  beforeAll(async () => {
    silent = await startSilentConnector();
  });
  afterAll(async () => {
    await silent.close();
  });

  function message(serviceUrl: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const activity: Record<string, unknown> = { ...baseActivity({ connectorUrl: 'x' }, USERS.anna, false), type: 'message', id: randomUUID(), text: 'hjælp', ...extra };
    if (serviceUrl === undefined) delete activity['serviceUrl'];
    else activity['serviceUrl'] = serviceUrl;
    return activity;
  }

  it('refuses an activity without a serviceUrl, or with one that is not http(s), with a 400', async () => {
    for (const serviceUrl of [undefined, null, '', 'ftp://127.0.0.1/x', 'file:///etc/passwd', 'javascript:alert(1)', 'ws://127.0.0.1:1/', 'http://', 42, { href: 'http://127.0.0.1' }]) {
      for (const type of ['message', 'invoke', 'conversationUpdate']) {
        const { status, text } = await h.post({ ...message(serviceUrl), type, ...(type === 'invoke' ? { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'help.show', data: {} } } } : {}) });
        expect(status, `${type} ${JSON.stringify(serviceUrl)}`).toBe(400);
        expect(JSON.parse(text)).toEqual({ error: 'BadRequest', message: 'Ugyldig aktivitet.' });
      }
    }
    expect(errorLines(h)).toEqual([]);
  });

  it('refuses fields of the wrong type with a 400 (text, locale, names, members, channel data)', async () => {
    const good = message(h.connector.url);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['text a number', { ...good, text: 42 }],
      ['text an object', { ...good, text: { a: 1 } }],
      ['text an array', { ...good, text: ['hjælp'] }],
      ['locale a number', { ...good, locale: 7 }],
      ['locale an object', { ...good, locale: { da: true } }],
      ['from.name a number', { ...good, from: { id: USERS.anna.id, aadObjectId: USERS.anna.aadObjectId, name: 5 } }],
      ['conversationType an object', { ...good, conversation: { id: 'a:x', conversationType: {}, tenantId: USERS.anna.tenantId } }],
      ['channelData a string', { ...good, channelData: 'x' }],
      ['team name an object', { ...good, channelData: { tenant: { id: USERS.anna.tenantId }, team: { id: TEAM_ID, name: { x: 1 } } } }],
      ['membersAdded a string', { ...good, type: 'conversationUpdate', membersAdded: 'x' }],
      ['membersAdded of numbers', { ...good, type: 'conversationUpdate', membersAdded: [1, 2] }],
      ['replyToId a number', { ...good, replyToId: 5 }],
      ['name a number', { ...good, type: 'invoke', name: 5 }],
      ['value a function-like string is fine, entities not an array', { ...good, entities: 'x' }],
      ['attachments not an array', { ...good, attachments: {} }],
    ];
    const before = h.connector.sent.length;
    for (const [what, activity] of cases) {
      const { status } = await h.post(activity);
      expect(status, what).toBe(400);
    }
    expect(h.connector.sent.length).toBe(before);
    // What Teams and the Playground send passes: a language tag in any case, an empty one, null.
    for (const locale of ['da-DK', 'en-us', 'zh-Hans-CN', 'da', '', null]) {
      expect((await h.post({ ...good, id: randomUUID(), locale })).status, `locale ${JSON.stringify(locale)}`).toBe(200);
    }
    for (const locale of ['da-DK 010190-1234', '0101901234', 'da_DK;drop']) {
      expect((await h.post({ ...good, id: randomUUID(), locale })).status, `locale ${locale}`).toBe(400);
    }
    expect(errorLines(h)).toEqual([]);
  });

  it('gives up on a closed port within the budget, without retries or an apology', async () => {
    const url = await closedPortUrl();
    const { result, ms } = await timed(() => h.post(message(url)));
    expect(result.status).toBeLessThan(500);
    expect(ms).toBeLessThan(BOUND_MS);
    const notSent = h.logs.filter((line) => line.includes('reply not sent'));
    expect(notSent).toHaveLength(1);
    expect(h.logs.filter((line) => line.includes('apology') || line.includes('unhandled turn error'))).toEqual([]);
    expect(errorLines(h)).toEqual([]);
  });

  it('sends once to a connector that never answers, and answers within the budget (message, Action.Submit, opsæt)', async () => {
    silent.requests.length = 0;
    const { result, ms } = await timed(() => h.post(message(silent.url)));
    expect(result.status).toBeLessThan(500);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(silent.requests).toEqual([expect.stringMatching(/^POST \/v3\/conversations\/.+\/activities/)]);

    // Action.Submit: the card update fails, so no new card is sent after it.
    silent.requests.length = 0;
    const submit = message(silent.url, { text: undefined, replyToId: 'card-1', value: { verb: 'help.show' } });
    const s = await timed(() => h.post(submit));
    expect(s.result.status).toBeLessThan(500);
    expect(s.ms).toBeLessThan(BOUND_MS);
    expect(silent.requests).toEqual([expect.stringMatching(/^PUT \/v3\/conversations\/.+\/activities\/card-1/)]);

    // opsæt reads the roster first: once it hangs, nothing more is tried in that turn.
    silent.requests.length = 0;
    const setup = { ...baseActivity({ connectorUrl: silent.url }, USERS.anna, true), type: 'message', id: randomUUID(), text: '<at>Refleks</at> opsæt' };
    const o = await timed(() => h.post(setup));
    expect(o.result.status).toBeLessThan(500);
    expect(o.ms).toBeLessThan(BOUND_MS);
    expect(silent.requests).toHaveLength(1);
    expect(h.logs.filter((line) => line.includes('apology') || line.includes('unhandled turn error'))).toEqual([]);
    expect(errorLines(h)).toEqual([]);
  });
});

describe('the connector budget by default', () => {
  let h: Harness;
  let silent: SilentConnector;

  useApp('embedded', async (app) => {
    h = app.h;
    silent = await startSilentConnector();
  });
  afterAll(async () => {
    await silent.close();
  });

  it('is a few seconds: a turn whose connector never answers is answered well within the bound, after one send', async () => {
    const activity = { ...baseActivity({ connectorUrl: silent.url }, USERS.anna, false), type: 'message', id: randomUUID(), text: 'hjælp' };
    const { result, ms } = await timed(() => h.post(activity));
    expect(result.status).toBeLessThan(500);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(silent.requests).toHaveLength(1);
    console.info(`default connector budget: the turn took ${Math.round(ms)} ms`);
  });
});
