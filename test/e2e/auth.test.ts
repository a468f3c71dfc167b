/**
 * With an app id, botbuilder checks the JWT against the Bot Framework OpenID metadata.
 * When that metadata cannot be fetched (offline, hanging), the bot answers within 5 s
 * with a 503 whose body carries no internal details.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../support/stores.js';
import { startHarness, USERS, type Harness } from '../support/e2e.js';

const APP = {
  MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '99999999-2222-4333-8444-555555555555',
  AUTH_METADATA_TIMEOUT_MS: '1500',
};

function fakeJwt(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })}.${b64({ iss: 'https://api.botframework.com', aud: APP.MicrosoftAppId, exp, nbf: exp - 7200, serviceurl: 'http://127.0.0.1:1' })}.c2lnbmF0dXJl`;
}

function activity(h: Harness) {
  return {
    type: 'message',
    id: 'auth-1',
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    text: 'hjælp',
    from: { id: USERS.anna.id, aadObjectId: USERS.anna.aadObjectId },
    recipient: { id: `28:${APP.MicrosoftAppId}` },
    conversation: { id: 'a:auth', conversationType: 'personal', tenantId: USERS.anna.tenantId },
  };
}

describe('authentication when the OpenID metadata is unreachable', () => {
  let hanging: Server;
  let hangingUrl: string;
  const stores: OpenedStore[] = [];
  const harnesses: Harness[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers, like a black-holed network.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/.well-known/openidconfiguration`;
  });

  afterAll(async () => {
    for (const h of harnesses) await h.close();
    for (const s of stores) await s.cleanup();
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  async function harnessWith(metadataUrl: string): Promise<Harness> {
    const opened = await openStore('embedded');
    stores.push(opened);
    const h = await startHarness({ store: opened.store, env: APP, openIdMetadataUrl: metadataUrl });
    harnesses.push(h);
    return h;
  }

  it.each([
    ['hangs', () => hangingUrl],
    ['refuses connections', () => 'http://127.0.0.1:1/.well-known/openidconfiguration'],
  ])('answers 503 within 5 s when the metadata endpoint %s', async (_label, url) => {
    const h = await harnessWith(url());
    const started = Date.now();
    const res = await h.post(activity(h), { authorization: `Bearer ${fakeJwt()}` });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(elapsed).toBeLessThan(5000);
    expect(JSON.parse(res.text)).toEqual({ error: 'ServiceUnavailable', message: 'Tjenesten er midlertidigt utilgængelig. Prøv igen.' });
    expect(res.text).not.toMatch(/openid|stack|Error:|node_modules|ECONN/i);
    expect(h.connector.sent).toHaveLength(0);
  });

  it('answers 401 to a request without a token', async () => {
    const h = await harnessWith(hangingUrl);
    const res = await h.post(activity(h));
    expect(res.status).toBe(401);
    expect(h.connector.sent).toHaveLength(0);
  });
});
