/**
 * A læringscirkel run from the team channel, over HTTP on both stores, with channel activities
 * as Teams sends them: `@Refleks læringscirkel <titel>` posts the form of an udviklingspunkt,
 * which becomes its card; ideas are added (a CPR number refused beside the field), one is tried:
 * the plan (a hypothesis written as a question refused beside the field with the input kept, a
 * plan longer than the tilbud's limit warned of), Afprøv, Reflektér, Justér with "justér" and the
 * next cycle started from it; `@Refleks fremdrift` shows it running and the finished one in the
 * log, `@Refleks katalog` lists the finished cycle. Every change updates the posted card for
 * everyone (a PUT of the shared view). Twenty people adding ideas on one card at once all get
 * their answer and every idea is kept. A non-member sees nothing; a malformed action gets a 400.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { baseActivity, cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, textOf, user, USERS, type CardJson, type Harness, type TestUser } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import { act, inChannel } from '../support/meeting-flows.js';
import { CountingStore } from '../support/counting-store.js';
import type { StoreKind } from '../support/stores.js';

const KINDS: StoreKind[] = ['embedded', 'cosmos'];
const CROWD = Array.from({ length: 18 }, (_, i) => user(`cyc${i + 1}`, `Kollega ${i + 1}`));
const TEAM = [USERS.anna, USERS.bo, ...CROWD];

const HYPOTHESIS = 'Hvis vi bruger piktogrammer ved morgenmaden, så vil AB selv vælge sit pålæg mindst fire dage om ugen';

function sharedCard(h: Harness, messageId: string): CardJson | undefined {
  const updates = h.connector.sent.filter((s) => s.method === 'PUT' && s.activityId === messageId);
  return updates.length > 0 ? cardOf(updates.at(-1)) : undefined;
}

const saveOf = (card: CardJson, advance: '0' | '1') => findAction(card, VERBS.cycleSave, (a) => a.data['advance'] === advance).data;

/** Creates an udviklingspunkt from the channel; its posted card and its id. */
async function newPoint(h: Harness, by: TestUser, title: string): Promise<{ id: string; card: CardJson }> {
  const [posted] = await inChannel(h, by, `læringscirkel ${title}`);
  const create = findAction(posted!.card, VERBS.cycleCreate);
  const card = invokeCardOf(await act(h, by, posted!.id, VERBS.cycleCreate, { ...create.data, title, aim: `Mål for ${title}`, measure: 'Vi tæller dagene' }));
  return { id: posted!.id, card };
}

const PLAN = { hypothesis: HYPOTHESIS, what: 'Piktogrammer', who: USERS.anna.aadObjectId, where: 'Køkkenet', startDate: '2026-11-24', endDate: '2026-11-30', data: 'Dage', collection: 'Tælling' };

/** Takes a new trial of the card's udviklingspunkt to Justér; its card there. */
async function trialToAct(h: Harness, by: TestUser, id: string, card: CardJson): Promise<CardJson> {
  let c = invokeCardOf(await act(h, by, id, VERBS.cycleTrial, findAction(card, VERBS.cycleTrial, (a) => a.title === 'Ny prøvehandling').data));
  c = invokeCardOf(await act(h, by, id, VERBS.cycleSave, { ...saveOf(c, '1'), ...PLAN }));
  c = invokeCardOf(await act(h, by, id, VERBS.cycleSave, { ...saveOf(c, '1'), happened: 'Det gik', surprises: '', data: '5 dage' }));
  c = invokeCardOf(await act(h, by, id, VERBS.cycleSave, { ...saveOf(c, '1'), comparison: 'Fem mod fire', held: 'yes' }));
  expect(textOf(c)).toContain('Prøvehandlingen er nu ved "Justér".');
  return c;
}

describe.each(KINDS)('a læringscirkel in the channel on the %s store', (kind) => {
  let h: Harness;
  useApp(kind, async (started) => {
    h = started.h;
  });
  beforeAll(async () => {
    await h.setupTeam(USERS.anna, TEAM);
  });

  it('runs a whole cycle: udviklingspunkt, idea, plan (errors, warning), Afprøv, Reflektér, Justér and the next cycle; the board and the katalog show it', async () => {
    // The form, the title given after the command; a missing answer is named beside its field, the rest kept.
    const [posted] = await inChannel(h, USERS.anna, 'læringscirkel Morgenmad med piktogrammer');
    expect(textOf(posted!.card)).toContain('Nyt udviklingspunkt');
    expect(inputOf(posted!.card, 'title')['value']).toBe('Morgenmad med piktogrammer');
    const id = posted!.id;
    const create = findAction(posted!.card, VERBS.cycleCreate);
    const missing = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleCreate, { ...create.data, title: 'Morgenmad med piktogrammer', aim: 'AB vælger selv', measure: '' }));
    expect(fieldErrorOf(missing, 'measure')).toBeTruthy();
    expect(inputOf(missing, 'aim')['value']).toBe('AB vælger selv');
    let card = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleCreate, { ...create.data, title: 'Morgenmad med piktogrammer', aim: 'AB vælger selv sit pålæg', measure: 'Vi tæller de dage, AB selv vælger' }));
    expect(textOf(card)).toContain('Udviklingspunktet er oprettet.');
    expect(textOf(card)).toContain('1. Hvad skal vi opnå? AB vælger selv sit pålæg');
    expect(textOf(card)).toContain('2. Hvordan ved vi, at et tiltag er en forbedring? Vi tæller de dage, AB selv vælger');
    // Everyone else's copy of the posted card is the udviklingspunkt now.
    expect(textOf(sharedCard(h, id)!)).toContain('Morgenmad med piktogrammer');

    // Ideas: a CPR number is refused beside the field, the rest of the text kept.
    const refused = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleIdea, { ...findAction(card, VERBS.cycleIdea).data, ideaText: 'Spørg 010190-1234 om det' }));
    expect(fieldErrorOf(refused, 'ideaText')).toContain('CPR-nummer');
    expect(String(inputOf(refused, 'ideaText')['value'])).not.toMatch(/010190/);
    card = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleIdea, { ...findAction(card, VERBS.cycleIdea).data, ideaText: 'Piktogrammer ved morgenmaden' }));
    expect(textOf(card)).toContain('Idéen er tilføjet forandringskataloget.');
    expect(textOf(card)).toContain('• Piktogrammer ved morgenmaden');
    expect(textOf(card)).toContain('tilføjet af Bo Kollega');
    expect(textOf(sharedCard(h, id)!)).toContain('Piktogrammer ved morgenmaden');

    // Anna tries the idea: the plan starts with its text.
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleTrial, findAction(card, VERBS.cycleTrial, (a) => a.title === 'Afprøv').data));
    expect(textOf(card)).toContain('Prøvehandlingen er startet.');
    expect(inputOf(card, 'what')['value']).toBe('Piktogrammer ved morgenmaden');
    expect(textOf(card)).toContain('afprøves');

    // The hypothesis written as a question: refused beside the field, everything typed kept.
    const plan = { what: 'Piktogrammer ved morgenmaden', who: USERS.bo.aadObjectId, where: 'Køkkenet i bo-enheden', startDate: '2026-11-24', endDate: '2026-12-20', data: 'Antal dage AB selv vælger', collection: 'Bo tæller hver morgen i dagbogen' };
    let result = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleSave, { ...saveOf(card, '1'), ...plan, hypothesis: 'Kan piktogrammer hjælpe AB?' }));
    expect(fieldErrorOf(result, 'hypothesis')).toContain('spørgsmål');
    expect(inputOf(result, 'hypothesis')['value']).toBe('Kan piktogrammer hjælpe AB?');
    expect(inputOf(result, 'where')['value']).toBe('Køkkenet i bo-enheden');
    // Fixed, but 27 days: saved, with the warning beside the end date.
    result = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleSave, { ...saveOf(result, '0'), ...plan, hypothesis: HYPOTHESIS }));
    expect(textOf(result)).toContain('Gemt.');
    expect(textOf(result)).toContain('Prøvehandlingen varer 27 dage. En læringscirkel skal være kort – hos jer højst 14 dage.');
    // Shorter, and on to Afprøv.
    result = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleSave, { ...saveOf(result, '1'), ...plan, hypothesis: HYPOTHESIS, endDate: '2026-11-30' }));
    expect(textOf(result)).toContain('Prøvehandlingen er nu ved "Afprøv".');
    expect(textOf(result)).not.toContain('hos jer højst 14 dage');
    expect(textOf(result)).toContain(`Hypotese: hvad forventer I, der sker? ${HYPOTHESIS}`);

    // Afprøv → Reflektér → Justér.
    result = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...saveOf(result, '1'), happened: 'AB pegede på piktogrammerne fem morgener', surprises: 'AB ville også vælge drikke', data: '5 af 7 dage' }));
    expect(textOf(result)).toContain('Prøvehandlingen er nu ved "Reflektér".');
    result = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...saveOf(result, '1'), comparison: 'Fem dage mod forventet fire: flere end ventet, men kun ved morgenmaden', held: 'partly' }));
    expect(textOf(result)).toContain('Prøvehandlingen er nu ved "Justér".');
    // No decision chosen: named beside the field.
    const decide = findAction(result, VERBS.cycleDecide).data;
    const undecided = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleDecide, { ...decide, decision: '', reason: 'Det virker', startNext: '1' }));
    expect(fieldErrorOf(undecided, 'decision')).toContain('Vælg: bekræft, justér eller forkast.');
    expect(inputOf(undecided, 'reason')['value']).toBe('Det virker');
    result = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleDecide, { ...decide, decision: 'adapt', reason: 'Udvid til drikkevarer', startNext: '1' }));
    expect(textOf(result)).toContain('Læringscirklen er afsluttet og står i forbedringskataloget. Den næste læringscirkel er startet.');
    // The next cycle: at Planlæg, prefilled from the last one, new dates to be chosen.
    expect(inputOf(result, 'hypothesis')['value']).toBe(HYPOTHESIS);
    expect(inputOf(result, 'startDate')['value']).toBe('');
    expect(textOf(result)).toContain('Tidligere læringscirkler');
    expect(textOf(result)).toMatch(/Justér: Piktogrammer ved morgenmaden/);
    expect(textOf(sharedCard(h, id)!)).toContain('Tidligere læringscirkler');

    // The board: the new cycle running at Planlæg, the aim, the finished one in the log.
    const [board] = await inChannel(h, USERS.bo, 'fremdrift');
    const boardText = textOf(board!.card);
    expect(boardText).toContain('Fremdriftsmøde');
    expect(boardText).toMatch(/Piktogrammer ved morgenmaden\nMorgenmad med piktogrammer · Planlæg · Bo Kollega · ingen datoer endnu/);
    expect(boardText).toContain('AB vælger selv sit pålæg');
    expect(boardText).toMatch(/Log over afsluttede læringscirkler\n.*Justér: Piktogrammer ved morgenmaden – Fem dage mod forventet fire/);

    // The katalog: the finished cycle with its hypothesis, result and decision.
    const [katalog] = await inChannel(h, USERS.bo, 'katalog');
    const katalogText = textOf(katalog!.card);
    expect(katalogText).toContain('Forbedringskatalog');
    expect(katalogText).toContain('Morgenmad med piktogrammer');
    expect(katalogText).toContain(`Hypotese: hvad forventer I, der sker? ${HYPOTHESIS}`);
    expect(katalogText).toContain('Resultat: Hypotesen holdt delvist. Fem dage mod forventet fire');
    expect(katalogText).toContain('Hvorfor? Udvid til drikkevarer');
    expect(katalogText).toMatch(/Justér · Udbredelse: Én borger · Periode: 24\. nov\. 2026 – 30\. nov\. 2026/);
  });

  it('answers a plan saved over someone else’s newer version with theirs, a notice and the input kept; a second click does not move twice', async () => {
    const { id, card } = await newPoint(h, USERS.anna, 'Aftenro');
    const trial = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleTrial, findAction(card, VERBS.cycleTrial).data));
    const base = saveOf(trial, '0');
    const saved = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleSave, { ...base, hypothesis: HYPOTHESIS, what: 'Annas version' }));
    expect(textOf(saved)).toContain('Gemt.');
    const conflict = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...base, what: 'Bos version' }));
    expect(textOf(conflict)).toContain('En anden har gemt dette trin, mens du skrev.');
    expect(inputOf(conflict, 'what')['value']).toBe('Bos version');
    // Saved again from that card (it now carries Anna's version): it applies.
    const again = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...saveOf(conflict, '0'), what: 'Bos version' }));
    expect(textOf(again)).toContain('Gemt.');
    // Planlæg is not filled in: moving on names what is missing beside the fields, the draft stays saved.
    const incomplete = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...saveOf(again, '1'), hypothesis: HYPOTHESIS, what: 'Bos version' }));
    expect(fieldErrorOf(incomplete, 'where')).toBe('Skal udfyldes.');
    expect(inputOf(incomplete, 'what')['value']).toBe('Bos version');
    expect(textOf(incomplete)).toContain('▶ Planlæg → Afprøv → Reflektér → Justér');
    // Moving back from Planlæg is not offered; an old "back" click from a later step does not move it.
    expect(textOf(invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleMove, { teamId: saveOf(again, '0')['teamId'], trialId: saveOf(again, '0')['trialId'], baseStep: 'do', direction: 'back' })))).toContain('Prøvehandlingen er allerede gået videre.');
  });

  it('spreads an adopted tiltag one stage at a time, and starts the next cycle later at that stage', async () => {
    const { id, card } = await newPoint(h, USERS.anna, 'Udbredelse');
    const atAct = await trialToAct(h, USERS.anna, id, card);
    let c = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleDecide, { ...findAction(atAct, VERBS.cycleDecide).data, decision: 'adopt', reason: 'Det virker', startNext: '0' }));
    expect(textOf(c)).toContain('Afsluttet 23. nov. 2026: Bekræft.');
    const spread = findAction(c, VERBS.cycleStage);
    expect(spread.title).toBe('Udbred: Flere borgere');
    c = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleStage, spread.data));
    expect(textOf(c)).toContain('Tiltaget er nu udbredt: Flere borgere.');
    expect(textOf(c)).toMatch(/Udbredelse\nFlere borgere/);
    // The same old click again changes nothing; skipping a stage is refused on the card.
    expect(textOf(invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleStage, spread.data)))).toMatch(/Udbredelse\nFlere borgere/);
    const skip = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleStage, { ...spread.data, to: 'implemented' }));
    expect(textOf(skip)).toContain('Udbred ét trin ad gangen: fra "Flere borgere" til "Fuld skala".');
    expect(findAction(c, VERBS.cycleStage).title).toBe('Udbred: Fuld skala');
    c = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleNext, findAction(c, VERBS.cycleNext).data));
    expect(textOf(c)).toContain('Den næste læringscirkel er startet.');
    expect(textOf(c)).toContain('▶ Planlæg');
    expect(textOf(c)).toMatch(/Udbredelse\nFlere borgere/);
  });

  it('accepts laeringscirkel without a title, and works with Action.Submit: the posted card is replaced by the shared view', async () => {
    const [posted] = await inChannel(h, USERS.bo, 'laeringscirkel');
    expect(inputOf(posted!.card, 'title')['value']).toBe('');
    const create = findAction(posted!.card, VERBS.cycleCreate);
    const res = await h.post({ ...baseActivity({ connectorUrl: h.connector.url }, USERS.bo, true), type: 'message', id: randomUUID(), replyToId: posted!.id, value: { ...create.submitData, title: 'Bedre overlap', aim: 'Ingen glemte beskeder', measure: 'Tæl glemte beskeder' } });
    expect(res.status).toBe(200);
    expect(textOf(sharedCard(h, posted!.id)!)).toContain('Bedre overlap');
  });

  it('keeps all of twenty people’s ideas added on one card at the same moment, and answers each with a success card', async () => {
    const { id, card } = await newPoint(h, USERS.anna, 'Tyve idéer');
    const add = findAction(card, VERBS.cycleIdea).data;
    const results = await Promise.all(TEAM.map((u, i) => act(h, u, id, VERBS.cycleIdea, { ...add, ideaText: `Idé nummer ${i + 1}` })));
    for (const [i, r] of results.entries()) {
      const answer = textOf(invokeCardOf(r));
      expect(answer).toContain('Idéen er tilføjet forandringskataloget.');
      expect(answer).toContain(`Idé nummer ${i + 1}`);
    }
    // The posted card, for everyone: all twenty, refreshing itself for the members (at most 60 named).
    const shared = sharedCard(h, id)!;
    const refresh = shared['refresh'] as { action: { verb: string }; userIds: string[] };
    expect(refresh.action.verb).toBe(VERBS.cycleView);
    expect(refresh.userIds.length).toBeGreaterThan(0);
    expect(refresh.userIds.length).toBeLessThanOrEqual(60);
    const putsBefore = h.connector.sent.filter((x) => x.method === 'PUT').length;
    const all = textOf(invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleView, findAction(card, VERBS.cycleView).data)));
    // A view changes nothing, so no one else's card is updated.
    expect(h.connector.sent.filter((x) => x.method === 'PUT').length).toBe(putsBefore);
    for (let i = 1; i <= TEAM.length; i++) expect(all).toContain(`• Idé nummer ${i}\n`);
    // The board shows the newest ten, and anyone adds one there (a minute later).
    h.now.value = new Date(h.now.value.getTime() + 60_000);
    const [board] = await inChannel(h, USERS.bo, 'fremdrift');
    expect(textOf(board!.card)).toContain('Nye idéer');
    const boardAdd = findAction(board!.card, VERBS.cycleBoardIdea).data;
    const choice = inputOf(board!.card, 'ideaPointId');
    const point = (choice['choices'] as Array<{ title: string; value: string }>).find((c) => c.title === 'Tyve idéer')!;
    const added = invokeCardOf(await act(h, USERS.bo, board!.id, VERBS.cycleBoardIdea, { ...boardAdd, ideaPointId: point.value, ideaText: 'Idé fra tavlen' }));
    expect(textOf(added)).toContain('Idéen er tilføjet forandringskataloget.');
    expect(textOf(added)).toContain('• Idé fra tavlen (Tyve idéer) · Bo Kollega');
    expect(textOf(sharedCard(h, board!.id)!)).toContain('Idé fra tavlen');
  });

  it('answers the commands in the 1:1 chat with where they work, and the help card names them', async () => {
    for (const command of ['læringscirkel Morgenmad', 'fremdrift', 'katalog']) {
      const { replies } = await h.message(USERS.anna, command);
      expect(replies.map((r) => r.body['text'])).toEqual(['Den kommando virker i en kanal i teamet.']);
    }
    const [help] = await inChannel(h, USERS.anna, 'hjælp');
    const text = textOf(help!.card);
    expect(text).toContain('"@Refleks læringscirkel <titel>"');
    expect(text).toContain('"@Refleks fremdrift"');
    expect(text).toContain('"@Refleks katalog"');
  });

  it('shows a non-member no data, and a malformed action gets a 400', async () => {
    const { id, card } = await newPoint(h, USERS.anna, 'Hemmeligt punkt');
    const outsider = invokeCardOf(await act(h, USERS.carl, id, VERBS.cycleView, findAction(card, VERBS.cycleView).data));
    expect(textOf(outsider)).not.toContain('Hemmeligt punkt');
    expect(textOf(outsider)).not.toContain('Læringscirkel');
    const idea = await act(h, USERS.carl, id, VERBS.cycleIdea, { ...findAction(card, VERBS.cycleIdea).data, ideaText: 'Udefra' });
    expect(textOf(invokeCardOf(idea))).not.toContain('Hemmeligt punkt');
    for (const command of ['fremdrift', 'katalog', 'læringscirkel Udefra']) {
      const answer = JSON.stringify((await inChannel(h, USERS.carl, command)).map((c) => c.card));
      expect(answer).not.toContain('Hemmeligt punkt');
      expect(answer).not.toContain('Morgenmad');
      expect(answer).not.toContain('Nyt udviklingspunkt');
    }
    expect((await act(h, USERS.anna, id, VERBS.cycleSave, { teamId: 'x' })).status).toBe(400);
    expect((await act(h, USERS.anna, id, VERBS.cycleStage, { ...findAction(card, VERBS.cycleView).data, trialId: 't', to: 'everywhere' })).status).toBe(400);
  });
});

describe.each(KINDS)('the board and the katalog on the %s store read as much with a long history as with a short one', (kind) => {
  let h: Harness;
  let counting: CountingStore;
  useApp(
    kind,
    async (started) => {
      h = started.h;
    },
    { wrapStore: (store) => (counting = new CountingStore(store)) },
  );
  beforeAll(async () => {
    await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
  });

  async function reads(text: string): Promise<{ calls: number; documents: number }> {
    await inChannel(h, USERS.anna, text);
    counting.take();
    await inChannel(h, USERS.anna, text);
    return counting.take();
  }

  it('finishes forty cycles and still reads the board and the katalog in a bounded number of documents', async () => {
    const { id, card } = await newPoint(h, USERS.anna, 'Historik');
    const finishOne = async (): Promise<void> => {
      h.now.value = new Date(h.now.value.getTime() + 60_000);
      const { teamId, pointId } = findAction(card, VERBS.cycleView).data;
      const fresh = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleView, { teamId, pointId }));
      const atAct = await trialToAct(h, USERS.anna, id, fresh);
      await act(h, USERS.anna, id, VERBS.cycleDecide, { ...findAction(atAct, VERBS.cycleDecide).data, decision: 'abandon', reason: 'Virkede ikke', startNext: '0' });
    };
    for (let i = 0; i < 3; i++) await finishOne();
    const young = { board: await reads('fremdrift'), katalog: await reads('katalog') };
    for (let i = 0; i < 37; i++) await finishOne();
    const old = { board: await reads('fremdrift'), katalog: await reads('katalog') };
    expect(old.board.calls).toBeLessThanOrEqual(young.board.calls);
    expect(old.katalog.calls).toBeLessThanOrEqual(young.katalog.calls + 0);
    // The board reads the newest eleven finished, the katalog a page of ten and one more: never all forty.
    expect(old.board.documents).toBeLessThanOrEqual(young.board.documents + 8);
    expect(old.katalog.documents).toBeLessThanOrEqual(young.katalog.documents + 8);
    expect(old.board.documents).toBeLessThan(30);
    expect(old.katalog.documents).toBeLessThan(30);
    const [katalog] = await inChannel(h, USERS.anna, 'katalog');
    const older = findAction(katalog!.card, VERBS.cycleCatalogue, (a) => a.title === 'Ældre');
    const page2 = invokeCardOf(await act(h, USERS.anna, katalog!.id, VERBS.cycleCatalogue, older.data));
    expect((textOf(page2).match(/Forkast · Udbredelse/g) ?? []).length).toBe(10);
  }, 120_000);
});
