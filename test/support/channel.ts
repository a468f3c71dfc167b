/**
 * Channel activities as Teams sends them to the bot over HTTP (the e2e harness): a message with
 * @mentions (the bot's own first), an Action.Execute on a posted card (replyToId = its message
 * id), and the posted card as everyone else sees it now (its newest update).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { baseActivity, cardOf, type CardJson, type Harness, type InvokeResult, type TestUser } from './e2e.js';

/** A channel message with @mentions, as Teams sends it (the bot's own mention first); the cards posted back. */
export async function inChannel(h: Harness, from: TestUser, text: string, mentions: TestUser[] = []): Promise<Array<{ card: CardJson; id: string }>> {
  const before = h.connector.sent.length;
  const entities = [
    { type: 'mention', text: '<at>Refleks</at>', mentioned: { id: '28:refleks-bot', name: 'Refleks' } },
    ...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
  ];
  const body = `<at>Refleks</at> ${text} ${mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`.trim();
  const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, from, true), type: 'message', id: randomUUID(), text: body, entities, recipient: { id: '28:refleks-bot', name: 'Refleks' } });
  expect(res.status).toBe(200);
  return h.connector.sent.slice(before).flatMap((s) => (s.body['attachments'] ? [{ card: cardOf(s), id: s.sentId ?? '' }] : [{ card: { text: s.body['text'] } as CardJson, id: s.sentId ?? '' }]));
}

/** An Action.Execute on the posted channel card (replyToId = its message id). */
export async function act(h: Harness, from: TestUser, messageId: string, verb: string, data: Record<string, unknown>): Promise<InvokeResult> {
  const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, from, true), type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), replyToId: messageId, value: { action: { type: 'Action.Execute', verb, data } } });
  return { status: res.status, body: JSON.parse(res.text || '{}') as InvokeResult['body'] };
}

/** The posted card as everyone else sees it now: the newest update (PUT) of the message, else the card posted. */
export function sharedCard(h: Harness, messageId: string, posted: CardJson): CardJson {
  const updates = h.connector.sent.filter((s) => s.method === 'PUT' && s.activityId === messageId);
  return updates.length > 0 ? cardOf(updates.at(-1)) : posted;
}

