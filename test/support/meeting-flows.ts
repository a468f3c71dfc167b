/**
 * Driving a refleksionsmøde in the team channel as Teams does: @mention messages, Action.Execute
 * invokes on the posted card (replyToId = its message id), and a whole meeting run to its end.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { baseActivity, cardOf, findAction, invokeCardOf, textOf, type CardJson, type Harness, type InvokeResult, type TestUser } from './e2e.js';
import type { RecordedActivity } from './stub-connector.js';

/** A channel message with @mentions, as Teams sends it (the bot's own mention first); the cards (or texts) posted back. */
export async function inChannel(h: Harness, from: TestUser, text: string, mentions: TestUser[] = []): Promise<Array<{ card: CardJson; id: string }>> {
  const sent = await sendInChannel(h, from, text, mentions);
  return sent.map((s) => (s.body['attachments'] ? { card: cardOf(s), id: s.sentId ?? '' } : { card: { text: s.body['text'] } as CardJson, id: s.sentId ?? '' }));
}

/** A channel message with @mentions; the activities the bot sent back, as they are. */
export async function sendInChannel(h: Harness, from: TestUser, text: string, mentions: TestUser[] = []): Promise<RecordedActivity[]> {
  const before = h.connector.sent.length;
  const entities = [
    { type: 'mention', text: '<at>Refleks</at>', mentioned: { id: '28:refleks-bot', name: 'Refleks' } },
    ...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
  ];
  const body = `<at>Refleks</at> ${text} ${mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`.trim();
  const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, from, true), type: 'message', id: randomUUID(), text: body, entities, recipient: { id: '28:refleks-bot', name: 'Refleks' } });
  expect(res.status).toBe(200);
  return h.connector.sent.slice(before);
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

/** A citizen with this alias, created in the personal chat (the user is its contact person). */
export async function newCitizen(h: Harness, by: TestUser, alias: string): Promise<void> {
  const form = cardOf((await h.message(by, 'ny borger')).replies[0]);
  const data = { ...findAction(form, VERBS.citizenSave).data, alias, targetGroup: 'adult', representative: 'none', contactPersons: by.aadObjectId };
  invokeCardOf(await h.invoke(by, VERBS.citizenSave, data));
}

export const meetingRef = (card: CardJson): { teamId: string; meetingId: string } => {
  const d = findAction(card, VERBS.meetingView).data;
  return { teamId: String(d['teamId']), meetingId: String(d['meetingId']) };
};

export interface MeetingScript {
  leader: TestUser;
  participants: TestUser[];
  /** `borger <alias>`, `indsats` or `organisation`. */
  subject: string;
  /** Notes per dialog step (index 0–3), each by whom. */
  notes: Array<Array<{ by: TestUser; text: string }>>;
  agreement: { shortTermGoal: string; longTermGoal: string; longTermMonths: string; progressData: string };
  /** Up to three actions (the form's rows). */
  actions: Array<{ what: string; who: TestUser[]; followUp: TestUser; when: string }>;
}

const next = (card: CardJson) => findAction(card, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data;

/** Runs a meeting from its start to finished, as the people in it click (the harness clock moves a minute per note): the finished card. */
export async function runMeeting(h: Harness, script: MeetingScript): Promise<{ card: CardJson; meetingId: string }> {
  const [posted] = await inChannel(h, script.leader, `refleksionsmøde ${script.subject}`, script.participants);
  const id = posted!.id;
  let card = invokeCardOf(await act(h, script.leader, id, VERBS.meetingMove, next(posted!.card)));
  for (let step = 0; step < 4; step++) {
    expect(textOf(card)).toContain(`trin ${step + 1} af 4`);
    for (const note of script.notes[step] ?? []) {
      // A minute between notes, as people write them (notes of one instant are ordered by their random ids).
      h.now.value = new Date(h.now.value.getTime() + 60_000);
      card = invokeCardOf(await act(h, note.by, id, VERBS.meetingNote, { ...findAction(card, VERBS.meetingNote).data, noteText: note.text }));
    }
    if (step < 3) card = invokeCardOf(await act(h, script.leader, id, VERBS.meetingMove, next(card)));
  }
  const form: Record<string, string> = { ...script.agreement };
  script.actions.forEach((a, i) => {
    form[`action${i}What`] = a.what;
    form[`action${i}Who`] = a.who.map((u) => u.aadObjectId).join(',');
    form[`action${i}FollowUp`] = a.followUp.aadObjectId;
    form[`action${i}When`] = a.when;
  });
  const saved = invokeCardOf(await act(h, script.leader, id, VERBS.meetingAgreement, { ...findAction(card, VERBS.meetingAgreement).data, ...form }));
  expect(textOf(saved)).toContain('Aftalepapiret er gemt.');
  card = invokeCardOf(await act(h, script.leader, id, VERBS.meetingMove, next(saved)));
  const finished = invokeCardOf(await act(h, script.leader, id, VERBS.meetingFinish, findAction(card, VERBS.meetingFinish).data));
  expect(textOf(finished)).toContain('Mødet blev afsluttet');
  return { card: finished, meetingId: meetingRef(posted!.card).meetingId };
}
