/**
 * A refleksionsmøde run from the team channel, over HTTP on both stores, with channel activities
 * as Teams sends them (@mention text and entities, channelData with team and channel, invokes
 * with the card's message id in replyToId): start, tick, notes (a CPR number refused, notes
 * hidden until the step closes), the steps at the mødeleder's hand, the aftalepapir (errors next
 * to the fields, input kept), finish, and "siden sidst" in the next meeting. Every change also
 * updates the posted card for everyone (a PUT of the shared view). Twenty people acting on one
 * card at once all get their answer and lose nothing. A non-member sees no citizen data.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { baseActivity, findAction, inputOf, invokeCardOf, textOf, user, USERS, type CardJson, type Harness } from '../support/e2e.js';
import { act, inChannel, meetingRef as ref, newCitizen, sharedCard } from '../support/meeting-flows.js';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';

const KINDS: StoreKind[] = ['embedded', 'cosmos'];
const CROWD = Array.from({ length: 18 }, (_, i) => user(`crowd${i + 1}`, `Kollega ${i + 1}`));
const TEAM = [USERS.anna, USERS.bo, ...CROWD];

describe.each(KINDS)('a refleksionsmøde in the channel on the %s store', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
  });
  beforeAll(async () => {
    await h.setupTeam(USERS.anna, TEAM);
    await newCitizen(h, USERS.anna, 'Mødeborger AB');
  });

  it('runs a whole meeting: preparation, the four steps with notes, the aftalepapir, finish, and siden sidst next time', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde borger Mødeborger AB', [USERS.bo]);
    const start = posted!.card;
    const text = textOf(start);
    expect(text).toContain('Refleksionsmøde');
    expect(text).toContain('Borger: Mødeborger AB');
    expect(text).toMatch(/Mødeleder\s+Anna Medarbejder/);
    expect(text).toContain('Anna Medarbejder, Bo Kollega');
    expect(text).toContain('Der er reserveret lokale.');
    // The data basis of a meeting about a citizen: the plan (this one has no formål yet).
    expect(text).toContain('Datagrundlag');
    expect(text).toContain('Formålet fra handleplanen mangler.');
    const id = posted!.id;
    const m = ref(start);

    // Bo ticks "lokale": his card and everyone's show who ticked it.
    const roomTick = findAction(start, VERBS.meetingTick, (a) => a.data['itemId'] === 'room');
    const ticked = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingTick, roomTick.data));
    expect(textOf(ticked)).toContain('✓ Bo Kollega');
    expect(textOf(sharedCard(h, id, start))).toContain('✓ Bo Kollega');
    // Bo cannot move the meeting on: only the mødeleder.
    const startDialog = findAction(start, VERBS.meetingMove, (a) => a.data['direction'] === 'next');
    expect(textOf(invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingMove, startDialog.data)))).toContain('Kun mødelederen styrer mødets trin.');
    let card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, startDialog.data));
    expect(textOf(card)).toContain('Dialog, trin 1 af 4: Siden sidst');
    expect(textOf(card)).toContain('Hvad blev der aftalt sidst?');
    expect(textOf(card)).toContain('Intet sidste møde om dette emne.');
    // The same old "Start" click again (a double click): the meeting does not move twice.
    expect(textOf(invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, startDialog.data)))).toContain('Mødet er allerede gået videre.');

    // Notes: a CPR number is refused beside the field, the rest of the note kept.
    const addNote = (c: CardJson) => findAction(c, VERBS.meetingNote);
    const refused = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingNote, { ...addNote(card).data, noteText: 'Ringede 010190-1234 om aftalen' }));
    expect(textOf(refused)).toContain('CPR-nummer');
    expect(String(inputOf(refused, 'noteText')['value'])).not.toMatch(/010190/);
    card = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingNote, { ...addNote(card).data, noteText: 'Aftalen om madplan blev holdt tre uger ud af fire' }));
    expect(textOf(card)).toContain('Bo Kollega: Aftalen om madplan blev holdt tre uger ud af fire');

    // Udforsk, with notes hidden until the step closes: Bo sees his own, Anna and the channel see how many wait.
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(card, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
    expect(textOf(card)).toContain('Dialog, trin 2 af 4: Udforsk');
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingHide, findAction(card, VERBS.meetingHide).data));
    const bosView = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingNote, { ...addNote(card).data, noteText: 'Flest gode aftener i weekenden' }));
    expect(textOf(bosView)).toContain('Bo Kollega: Flest gode aftener i weekenden');
    const putsBefore = h.connector.sent.filter((x) => x.method === 'PUT').length;
    const annasView = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingView, m));
    // A view (Opdatér, the card's own refresh) changes nothing, so no one else's card is updated.
    expect(h.connector.sent.filter((x) => x.method === 'PUT').length).toBe(putsBefore);
    expect(textOf(annasView)).not.toContain('Flest gode aftener');
    expect(textOf(annasView)).toContain('1 note er skjult, til trinnet lukkes.');
    expect(textOf(sharedCard(h, id, start))).not.toContain('Flest gode aftener');
    // Closed: everyone sees it.
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(annasView, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
    expect(textOf(card)).toContain('Dialog, trin 3 af 4: Fortolk');
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(card, VERBS.meetingMove, (a) => a.data['direction'] === 'back').data));
    expect(textOf(card)).toContain('Bo Kollega: Flest gode aftener i weekenden');
    for (const step of ['Fortolk', 'Forbered handling']) {
      card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(card, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
      expect(textOf(card)).toContain(step);
    }

    // The aftalepapir: an action without who and date comes back with the errors beside its fields and the text kept.
    const save = findAction(card, VERBS.meetingAgreement);
    const filled = { ...save.data, shortTermGoal: 'AB deltager i aftensmaden tre aftener om ugen', longTermGoal: 'AB laver selv aftensmad to gange om ugen', longTermMonths: '6', progressData: 'Støttebehovet i delmålsdagbogen', action0What: 'Madplan med AB hver søndag' };
    const bad = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingAgreement, filled));
    expect(textOf(bad)).toContain('Vælg, hvem der gør det.');
    expect(textOf(bad)).toContain('Skriv en gyldig dato.');
    expect(inputOf(bad, 'action0What')['value']).toBe('Madplan med AB hver søndag');
    expect(inputOf(bad, 'shortTermGoal')['value']).toBe('AB deltager i aftensmaden tre aftener om ugen');
    const good = invokeCardOf(await act(h, USERS.bo, id, VERBS.meetingAgreement, { ...filled, action0Who: USERS.bo.aadObjectId, action0FollowUp: USERS.anna.aadObjectId, action0When: '2026-12-07' }));
    expect(textOf(good)).toContain('Aftalepapiret er gemt.');
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(good, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
    const finished = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingFinish, findAction(card, VERBS.meetingFinish).data));
    expect(textOf(finished)).toContain('Mødet blev afsluttet');
    expect(textOf(finished)).toContain('Tiltag 1: Madplan med AB hver søndag · Bo Kollega · Hvem følger op? Anna Medarbejder');
    expect(textOf(sharedCard(h, id, start))).toContain('Mødet blev afsluttet');

    // The next meeting on the same citizen opens with the action under siden sidst.
    const [next] = await inChannel(h, USERS.anna, 'refleksionsmøde borger Mødeborger AB');
    const dialog = invokeCardOf(await act(h, USERS.anna, next!.id, VERBS.meetingMove, findAction(next!.card, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
    expect(textOf(dialog)).toContain('Aftaler fra sidste møde');
    expect(textOf(dialog)).toMatch(/Madplan med AB hver søndag · Bo Kollega · \d+\. dec\. 2026 · åben/);
  });

  it('lists the open actions with @Refleks aftaler; only the owner or the follow-up marks one done, and the list says so', async () => {
    const [list] = await inChannel(h, USERS.anna, 'aftaler');
    expect(textOf(list!.card)).toContain('Åbne aftaler fra møderne');
    expect(textOf(list!.card)).toMatch(/Madplan med AB hver søndag\nBorger: Mødeborger AB · Bo Kollega · Hvem følger op\? Anna Medarbejder · 7\. dec\. 2026/);
    const done = findAction(list!.card, VERBS.meetingActionDone);
    expect(textOf(invokeCardOf(await act(h, CROWD[0]!, list!.id, VERBS.meetingActionDone, done.data)))).toContain('Kun den, der har tiltaget');
    const after = invokeCardOf(await act(h, USERS.bo, list!.id, VERBS.meetingActionDone, done.data));
    expect(textOf(after)).toContain('Tiltaget er markeret som gjort.');
    expect(textOf(after)).not.toContain('Madplan med AB hver søndag');
    expect(textOf(sharedCard(h, list!.id, list!.card))).not.toContain('Madplan med AB hver søndag');
    // A second click on the old card: nothing changes, no error.
    expect(textOf(invokeCardOf(await act(h, USERS.bo, list!.id, VERBS.meetingActionDone, done.data)))).toContain('Tiltaget er markeret som gjort.');
    const outsider = await inChannel(h, USERS.carl, 'aftaler');
    expect(JSON.stringify(outsider.map((c) => c.card))).not.toContain('Mødeborger');
  });

  it('exports the newest finished meeting as Markdown in the channel: notes by name, the aftalepapir, no CPR number', async () => {
    const before = h.connector.sent.length;
    await inChannel(h, USERS.bo, 'eksportér');
    const posted = h.connector.sent.slice(before).map((x) => x.body);
    // The Markdown, and (this setup has no PUBLIC_BASE_URL) a sentence instead of a link to the .docx.
    expect(posted).toHaveLength(2);
    expect(String(posted[1]!['text'])).toContain('Word-filen (.docx) kan ikke hentes i denne opsætning');
    expect(posted[0]!['textFormat']).toBe('markdown');
    const md = String(posted[0]!['text']);
    expect(md).toContain('**Refleksionsmøde: Borger Mødeborger AB**');
    expect(md).toContain('Mødeleder: Anna Medarbejder');
    expect(md).toContain('**Siden sidst**');
    expect(md).toContain('- Bo Kollega: Aftalen om madplan blev holdt tre uger ud af fire');
    expect(md).toContain('**Udforsk**');
    expect(md).toContain('**Aftalepapir**');
    expect(md).toMatch(/- Tiltag 1: Madplan med AB hver søndag; Hvem gør det\? Bo Kollega; Hvem følger op\? Anna Medarbejder; Hvornår\? 7\. dec\. 2026/);
    expect(md).not.toMatch(/\d{6}-?\d{4}/);
    // Not in 1:1, and not for someone outside the team.
    expect(JSON.stringify((await inChannel(h, USERS.carl, 'eksportér')).map((c) => c.card))).not.toContain('Madplan');
  });

  it('lets the mødeleder choose the participants and hand over the lead in the card; a stranger is refused beside the field', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde organisation');
    const save = findAction(posted!.card, VERBS.meetingParticipants);
    expect(textOf(invokeCardOf(await act(h, USERS.bo, posted!.id, VERBS.meetingParticipants, { ...save.data, participantIds: USERS.bo.aadObjectId, leaderId: USERS.bo.aadObjectId })))).toContain('Kun mødelederen styrer mødets trin.');
    const refused = invokeCardOf(await act(h, USERS.anna, posted!.id, VERBS.meetingParticipants, { ...save.data, participantIds: `${USERS.bo.aadObjectId},aad-stranger`, leaderId: USERS.bo.aadObjectId }));
    expect(textOf(refused)).toContain('Vælg deltagerne blandt teamets medlemmer.');
    expect(inputOf(refused, 'participantIds')['value']).toBe(`${USERS.bo.aadObjectId},aad-stranger`);
    const handed = invokeCardOf(await act(h, USERS.anna, posted!.id, VERBS.meetingParticipants, { ...save.data, participantIds: `${USERS.bo.aadObjectId},${CROWD[0]!.aadObjectId}`, leaderId: USERS.bo.aadObjectId }));
    expect(textOf(handed)).toContain('Deltagerne er gemt.');
    expect(textOf(handed)).toMatch(/Mødeleder\s+Bo Kollega/);
    expect(textOf(handed)).toContain('Bo Kollega, Kollega 1');
    const start = findAction(handed, VERBS.meetingMove, (a) => a.data['direction'] === 'next');
    expect(textOf(invokeCardOf(await act(h, USERS.anna, posted!.id, VERBS.meetingMove, start.data)))).toContain('Kun mødelederen styrer mødets trin.');
    expect(textOf(invokeCardOf(await act(h, USERS.bo, posted!.id, VERBS.meetingMove, start.data)))).toContain('Dialog, trin 1 af 4');
  });

  it('works with Action.Submit too: the posted card is replaced by the shared view', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde indsats');
    expect(textOf(posted!.card)).toContain('Indsats');
    // The figures across the tilbud's citizens, taken at the start (one citizen, no formål, no goals).
    expect(textOf(posted!.card)).toContain('Borgere: 1 (formål mangler for 1)');
    expect(textOf(posted!.card)).toContain('Aktive mål: 0, delmål: 0; revision nået: 0');
    const tick = findAction(posted!.card, VERBS.meetingTick, (a) => a.data['itemId'] === 'props');
    const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, USERS.bo, true), type: 'message', id: randomUUID(), replyToId: posted!.id, value: tick.submitData });
    expect(res.status).toBe(200);
    expect(textOf(sharedCard(h, posted!.id, posted!.card))).toContain('✓ Bo Kollega');
  });

  it('keeps all of twenty people’s ticks and notes made on one card at the same moment, and answers each with a success card', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde organisation');
    const id = posted!.id;
    const ticks = await Promise.all(
      TEAM.map((u, i) => {
        const items = actionsOfTick(posted!.card);
        return act(h, u, id, VERBS.meetingTick, items[i % items.length]!);
      }),
    );
    for (const r of ticks) expect(textOf(invokeCardOf(r))).toContain('Forberedelse');
    const view = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingView, ref(posted!.card)));
    expect((textOf(view).match(/☑/g) ?? []).length).toBe(Math.min(TEAM.length, actionsOfTick(posted!.card).length));

    const dialog = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, findAction(view, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data));
    const notes = await Promise.all(TEAM.map((u, i) => act(h, u, id, VERBS.meetingNote, { ...findAction(dialog, VERBS.meetingNote).data, noteId: `crowd-note-${i}`, noteText: `Iagttagelse nummer ${i + 1}` })));
    for (const [i, r] of notes.entries()) expect(textOf(invokeCardOf(r))).toContain(`Iagttagelse nummer ${i + 1}`);
    const all = textOf(invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingView, ref(posted!.card))));
    for (let i = 1; i <= TEAM.length; i++) expect(all).toContain(`Iagttagelse nummer ${i}`);
  });

  it('shows a non-member no citizen data, and a malformed action gets a 400', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde borger Mødeborger AB');
    const outsider = invokeCardOf(await act(h, USERS.carl, posted!.id, VERBS.meetingView, ref(posted!.card)));
    expect(textOf(outsider)).not.toContain('Mødeborger');
    expect(textOf(outsider)).not.toContain('Refleksionsmøde');
    const startedByOutsider = await inChannel(h, USERS.carl, 'refleksionsmøde borger Mødeborger AB');
    expect(JSON.stringify(startedByOutsider.map((c) => c.card))).not.toContain('Mødeborger AB');
    expect((await act(h, USERS.anna, posted!.id, VERBS.meetingTick, { teamId: 'x' })).status).toBe(400);
  });
});

function actionsOfTick(card: CardJson): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj['type'] === 'Action.Execute' && obj['verb'] === VERBS.meetingTick) found.push(obj['data'] as Record<string, unknown>);
    for (const [key, value] of Object.entries(obj)) if (key !== 'fallback' && typeof value === 'object') walk(value);
  };
  walk(card);
  return found;
}
