/**
 * A stored document that is valid JSON but fails its schema, on Cosmos DB (the embedded store
 * quarantines such documents at start instead; see test/contract/embedded-*): it never takes
 * the rest of the tilbud down with it. The broken plan answers with a clear message naming the
 * document, every other citizen keeps working, and derived documents (the citizen index, a
 * diary summary) are rebuilt from what they were derived from. Each case is logged with the
 * document's id and type, never its content.
 */
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { partitionKeys } from '../../src/store/ports.js';
import { useApp } from '../support/lifecycle.js';
import { cardOf, invokeCardOf, textOf, USERS, type Harness } from '../support/e2e.js';
import { addGoal, createCitizen, firstSubGoalId, type CitizenIds } from '../support/flows.js';
import { logScore } from '../support/goal-flows.js';
import type { OpenedStore } from '../support/stores.js';

const ANNA = USERS.anna;
const GENERIC = 'noget gik galt';

describe('stored documents that fail their schema (cosmos store)', () => {
  let h: Harness;
  let opened: OpenedStore;
  let ab: CitizenIds;
  let cd: CitizenIds;
  let pk: string;

  useApp('cosmos', async (app) => {
    ({ h, opened } = app);
    await h.setupTeam(ANNA);
    ab = await createCitizen(h, ANNA, 'AB');
    cd = await createCitizen(h, ANNA, 'CD');
    pk = partitionKeys.institution(ANNA.tenantId, ab.teamId);
    await addGoal(h, ANNA, cd, { themeId: 'th1', goalText: 'CD laver selv morgenmad hver dag', ownerId: ANNA.aadObjectId, revisionDate: '2027-03-01' });
    await addGoal(h, ANNA, cd, { sub: true, goalText: 'CD tænder selv for kaffemaskinen hver morgen', ownerId: ANNA.aadObjectId, revisionDate: '2027-03-01' });
  });

  const errorLogs = (): string[] => h.logs.filter((line) => line.includes('stored document cannot be read'));

  it('answers a broken plan with a clear message naming it, and keeps every other citizen working', async () => {
    const stored = (await opened.store.read(pk, `plan:${ab.citizenId}`))!;
    // Valid JSON, wrong shape: goals must be a list.
    await opened.store.replace({ ...stored.doc, goals: 'not a list' }, stored.etag);
    h.logs.length = 0;
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ab }));
    expect(textOf(card)).toContain('Borgerens plan kan ikke læses');
    expect(textOf(card)).toContain(`plan:${ab.citizenId}`);
    expect(textOf(card)).not.toContain(GENERIC);
    const byAlias = cardOf((await h.message(ANNA, 'plan AB')).replies[0]);
    expect(textOf(byAlias)).toContain('Borgerens plan kan ikke læses');
    // The log names the document and why, never its content.
    expect(errorLogs().some((line) => line.includes(`plan:${ab.citizenId}`) && line.includes('goals'))).toBe(true);
    // Everyone else is untouched.
    expect(textOf(invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...cd })))).toContain('Plan: CD');
    const list = textOf(cardOf((await h.message(ANNA, 'borgere')).replies[0]));
    expect(list).toContain('CD');
    expect(textOf(cardOf((await h.message(ANNA, 'dagbog')).replies[0]))).toContain('CD');
  });

  it('leaves a broken diary entry out of a rebuilt summary, and logs it', async () => {
    const goalId = await firstSubGoalId(h, ANNA, cd);
    await logScore(h, ANNA, cd, goalId, '3', 'Fik hjælp til filteret.');
    h.now.value = new Date(h.now.value.getTime() + 3_600_000);
    await logScore(h, ANNA, cd, goalId, '1', 'Klarede det selv.');
    const entries = await opened.store.query({ pk, type: 'diary', where: [{ field: 'citizenId', op: '=', value: cd.citizenId }] });
    const first = entries[0]!;
    await opened.store.replace({ ...first.doc, score: 'three' }, first.etag);
    // The summary is derived: remove it and the next card rebuilds it from the entries.
    await opened.store.delete(pk, `summary:${cd.citizenId}`);
    h.logs.length = 0;
    const plan = textOf(invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...cd })));
    expect(plan).toContain('Seneste: 1 Let støttebehov');
    expect(plan).not.toContain(GENERIC);
    expect(errorLogs().some((line) => line.includes(String(first.doc.id)))).toBe(true);
  });

  it('rebuilds a broken citizen index and a broken summary from what they are made of', async () => {
    const index = (await opened.store.read(pk, 'citizens'))!;
    await opened.store.replace({ ...index.doc, citizens: [{ id: 42 }] }, index.etag);
    const summary = (await opened.store.read(pk, `summary:${cd.citizenId}`))!;
    await opened.store.replace({ ...summary.doc, goals: 'none' }, summary.etag);
    h.logs.length = 0;
    expect(textOf(cardOf((await h.message(ANNA, 'borgere')).replies[0]))).toContain('CD');
    expect(textOf(invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...cd })))).toContain('Seneste: 1 Let støttebehov');
    expect(errorLogs().some((line) => line.includes('"citizens"'))).toBe(true);
    expect(errorLogs().some((line) => line.includes(`summary:${cd.citizenId}`))).toBe(true);
    // Stored again in good shape.
    expect(Array.isArray((await opened.store.read(pk, 'citizens'))!.doc['citizens'])).toBe(true);
  });

  it('names a broken tilbud instead of the generic apology', async () => {
    const stored = (await opened.store.read(pk, 'institution'))!;
    await opened.store.replace({ ...stored.doc, members: 'everyone' }, stored.etag);
    // As another instance would read it (this one has the tilbud cached for 30 s).
    h.app.repos.institutions.forget();
    const card = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...cd }));
    expect(textOf(card)).toContain('Tilbuddets oplysninger kan ikke læses');
    expect(textOf(card)).not.toContain(GENERIC);
  });
});
