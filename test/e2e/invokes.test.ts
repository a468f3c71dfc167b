/**
 * Invokes Refleks does not handle (task modules, configuration, sign-in, messaging extensions,
 * one with no name) get a 4xx with an error body in the Universal Actions shape, never a 5xx
 * or an empty 501. On both stores.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';
import { baseActivity, USERS, type Harness } from '../support/e2e.js';

const UNSUPPORTED = [
  'task/fetch',
  'task/submit',
  'config/fetch',
  'config/submit',
  'signin/verifyState',
  'signin/tokenExchange',
  'composeExtension/query',
  'composeExtension/submitAction',
  'fileConsent/invoke',
  'actionableMessage/executeAction',
  'tab/fetch',
  'application/search',
  'healthCheck',
  'adaptiveCard/something',
  '',
];

describe.each<StoreKind>(['embedded', 'cosmos'])('unsupported invokes on the %s store', (kind) => {
  let h: Harness;

  useApp(kind, async (app) => {
    h = app.h;
  });

  async function invoke(name: string | undefined, value: unknown = { data: { x: 1 } }): Promise<{ status: number; body: Record<string, unknown> }> {
    const activity = { ...baseActivity({ connectorUrl: h.connector.url }, USERS.anna, false), type: 'invoke', id: randomUUID(), value, ...(name === undefined ? {} : { name }) };
    const { status, text } = await h.post(activity);
    return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  it.each([...UNSUPPORTED.map((n) => [JSON.stringify(n), n] as const), ['no name', undefined] as const])('answers %s with a 400 and an error body', async (_label, name) => {
    const { status, body } = await invoke(name);
    expect(status).toBe(400);
    expect(body).toEqual({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NotSupported', message: expect.stringMatching(/^Refleks understøtter ikke/) } });
  });

  it('answers an unsupported invoke with no value, or a value of the wrong type, the same way', async () => {
    for (const value of [undefined, null, 'x', 42, [1, 2]]) {
      const { status, body } = await invoke('task/fetch', value);
      expect(status).toBe(400);
      expect(body['type']).toBe('application/vnd.microsoft.error');
    }
  });

  it('sends nothing to the connector and logs no error for them', async () => {
    expect(h.connector.sent).toHaveLength(0);
    expect(h.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
