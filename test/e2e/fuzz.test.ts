/**
 * The attacker, kept in the suite: property-based fuzzing (fast-check, a fixed seed) of every
 * card verb's payload (Action.Execute and Action.Submit) and of activity shapes, over real HTTP
 * on both stores. Payload strings hold CPR numbers in every format the guard knows, real and
 * malformed ids, long strings, lone surrogates, values of the wrong type and nested objects.
 * Every request must be answered below 500 and within a bound; afterwards nothing stored (every
 * document written, every document there, the embedded store's files) and no log line holds
 * one of the CPR numbers, and nothing was logged as an error.
 *
 * A failure prints fast-check's seed and path; FUZZ_SEED=<seed> reruns those inputs, and
 * FUZZ_SHRINK=1 shrinks the counterexample (slower). FUZZ_RUNS scales the number of cases.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_VERBS, VERBS } from '../../src/cards/verbs.js';
import { OPENS_NEW_CARD } from '../../src/cards/views.js';
import { useApp } from '../support/lifecycle.js';
import type { OpenedStore, StoreKind } from '../support/stores.js';
import { deliveredReminderCard, setUpCitizenWithGoals, type PlanIds } from '../support/flows.js';
import { cprExcerpt, cprFinder, RecordingStore, storedTexts, whereFound } from '../support/cpr-scan.js';
import { closedPortUrl, startSilentConnector, type SilentConnector } from '../support/dead-connectors.js';
import { baseActivity, cardOf, findAction, invokeCardOf, TEAM_ID, USERS, type Harness, type TestUser } from '../support/e2e.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_123);
const SCALE = Number(process.env['FUZZ_RUNS'] ?? 1);
const SHRINK = process.env['FUZZ_SHRINK'] === '1';
/** Runs per store: card payloads, activity shapes. */
const PAYLOAD_RUNS = Math.round(700 * SCALE);
const ACTIVITY_RUNS = Math.round(600 * SCALE);
/** No request may take longer than this (the connector budget in this suite is 500 ms). */
const REQUEST_BOUND_MS = 5000;

// ---------------------------------------------------------------- CPR numbers, in every format

const CPR_DIGITS = ['0101901234', '2902004321', '1503871111'];

function formatsOf(digits: string): string[] {
  const [dd, mm, yy, serial] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 6), digits.slice(6)];
  const date = `${dd}${mm}${yy}`;
  const fullWidth = (s: string) => s.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
  const arabic = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(0x660 + Number(c)));
  return [
    `${date}-${serial}`,
    `${date}${serial}`,
    `${date} ${serial}`,
    `${dd}.${mm}.${yy}-${serial}`,
    `${dd}/${mm}/${yy} ${serial}`,
    `${date}/${serial}`,
    `${date}.${serial}`,
    `${date}\n${serial}`,
    `${date}\u200b-${serial}`,
    [...`${date}${serial}`].join('\u200b'),
    fullWidth(`${date}-${serial}`),
    arabic(`${date}${serial}`),
    `${date}\u00ad${serial}`,
    `${date}\u2013${serial}`,
  ];
}

const FINDERS = CPR_DIGITS.map(cprFinder);
const holdsCpr = (text: string): boolean => FINDERS.some((find) => find(text));
const EXCERPTS = CPR_DIGITS.map(cprExcerpt);
const cprAt = (text: string): string | undefined => EXCERPTS.map((find) => find(text)).find((e) => e !== undefined);

const cprText = fc.constantFrom(...CPR_DIGITS.flatMap(formatsOf));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings an attacker sends: random text in any script, CPR numbers, lone surrogates, ids the store cannot hold, long strings. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 4, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), cprText, fc.string({ maxLength: 8 })).map(([a, b, c]) => `${a}${b}${c}`) },
  { weight: 2, arbitrary: cprText },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 })).map(([a, b, c]) => `${a}${b}${c}`) },
  { weight: 2, arbitrary: fc.constantFrom('a/b', 'a\\b', 'a?b', 'a#b', 'a|b', '', ' ', '..', '%2F', 'plan:x', 'goal|x|y|goal|new|', 'x'.repeat(256), 'x'.repeat(25_000), '\u0000', '<at>Refleks</at>') },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 300 }).map((n) => 'ü'.repeat(n)) },
);

/** Any value: those strings, the given real ids, numbers, booleans, null, arrays and nested objects. */
function nastyValue(ids: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: nastyString },
    { weight: 4, arbitrary: ids },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)) },
    { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
  );
}

// ---------------------------------------------------------------- the requests

interface Posted {
  status: number;
  ms: number;
}

/** POSTs an activity with a hard bound: a request that takes longer fails the property ("hang"). */
async function postBounded(h: Harness, body: unknown): Promise<Posted> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(`${h.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
  } catch (error) {
    throw new Error(`no answer within ${REQUEST_BOUND_MS} ms (${(error as Error).name})`);
  }
  const text = await res.text();
  if (text) JSON.parse(text);
  return { status: res.status, ms: performance.now() - started };
}

function expectAnswered(posted: Posted): void {
  if (posted.status >= 500) throw new Error(`answered ${posted.status}`);
  if (posted.ms >= REQUEST_BOUND_MS) throw new Error(`took ${Math.round(posted.ms)} ms`);
}

function options<T>(runs: number): fc.Parameters<T> {
  return { seed: SEED, numRuns: runs, endOnFailure: !SHRINK };
}

const STAFF: readonly TestUser[] = [USERS.anna, USERS.anna, USERS.anna, USERS.bo, USERS.carl, USERS.eve, USERS.emma];

describe.each<StoreKind>(['embedded', 'cosmos'])('fuzzing the bot on the %s store', (kind) => {
  let h: Harness;
  let opened: OpenedStore;
  let recorder: RecordingStore;
  let ids: PlanIds;
  let silent: SilentConnector;
  let closedPort: string;
  const base: Record<string, Record<string, unknown>> = {};
  const cases = { payloads: 0, activities: 0, ms: 0, statuses: new Map<number, number>() };
  const count = (posted: Posted): void => void cases.statuses.set(posted.status, (cases.statuses.get(posted.status) ?? 0) + 1);

  useApp(
    kind,
    async (app) => {
      ({ h, opened } = app);
      ids = await setUpCitizenWithGoals(h, USERS.anna);
      const ref = { teamId: ids.teamId, citizenId: ids.citizenId };
      const diaryForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { ...ref, target: 'subGoal', goalId: ids.subGoalId }));
      const residentForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.diaryPickTarget, { ...ref, target: 'resident', goalId: '' }));
      const purposeForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.purposeEdit, ref));
      const evalForm = invokeCardOf(await h.invoke(USERS.anna, VERBS.evalOpen, { ...ref, goalId: ids.goalId }));
      const wizard = invokeCardOf(await h.invoke(USERS.anna, VERBS.goalNew, { ...ref, kind: 'goal' }));
      const citizenForm = cardOf((await h.message(USERS.anna, 'ny borger')).replies[0]);
      const wizardData = findAction(wizard, VERBS.goalWizardNext).data;
      const reminder = await deliveredReminderCard(h, 'CD');
      // A læringscirkel with a trial at Planlæg: the payload its plan form carries.
      const point = invokeCardOf(await h.invoke(USERS.anna, VERBS.cycleCreate, { teamId: ids.teamId, pointId: randomUUID(), title: 'Morgenmad', aim: 'AB vælger selv', measure: 'Dage' }));
      const trial = invokeCardOf(await h.invoke(USERS.anna, VERBS.cycleTrial, findAction(point, VERBS.cycleTrial).data));
      Object.assign(base, {
        cycle: {
          ...findAction(trial, VERBS.cycleIdea).data,
          ...findAction(trial, VERBS.cycleSave, (a) => a.data['advance'] === '0').data,
          nextTrialId: randomUUID(),
          ideaText: 'En idé',
          hypothesis: 'Hvis vi bruger piktogrammer, så vil AB vælge selv',
          decision: 'adopt',
          reason: 'Det virker',
          to: 'severalCitizens',
          direction: 'next',
        },
        [VERBS.citizenSave]: { ...findAction(citizenForm, VERBS.citizenSave).data, alias: 'EF', targetGroup: 'adult', representative: 'none' },
        [VERBS.purposeSave]: { ...findAction(purposeForm, VERBS.purposeSave).data, purposeText: 'Formål', receivedOn: '2026-11-01' },
        [VERBS.diarySave]: { ...findAction(diaryForm, VERBS.diarySave).data, score: '2', note: 'Et notat' },
        resident: { ...findAction(residentForm, VERBS.diarySave).data, contextType: 'hverdag/samtale', note: 'Et notat' },
        [VERBS.evalSave]: { ...findAction(evalForm, VERBS.evalSave).data, assessment: 'partlyAchieved', whatWorked: 'Noget', decision: 'continue', newRevisionDate: '2027-06-01', gas: '' },
        wizard: { ...wizardData, themeId: 'th1', purposeLinked: 'yes', goalText: 'CD laver selv mad', ownerId: USERS.anna.aadObjectId },
        ref: { ...ref, goalId: ids.goalId, target: 'subGoal', kind: 'goal' },
        reminder: { ...findAction(reminder, VERBS.reminderSnooze).data },
      });
    },
    { wrapStore: (store) => (recorder = new RecordingStore(store)), env: { CONNECTOR_BUDGET_MS: '500', LOG_LEVEL: 'info' } },
  );
  beforeAll(async () => {
    silent = await startSilentConnector();
    closedPort = await closedPortUrl();
  });
  afterAll(async () => {
    await silent?.close();
    const statuses = [...cases.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
    console.info(`fuzz (${kind}): ${cases.payloads} payload cases, ${cases.activities} activity cases in ${(cases.ms / 1000).toFixed(1)} s (${statuses}), ${recorder.written.length} documents written, seed ${SEED}`);
  });

  /** The real ids of the setup, and ids like them. */
  function idArb(): fc.Arbitrary<string> {
    return fc.constantFrom(ids.teamId, ids.citizenId, ids.goalId, ids.subGoalId, USERS.anna.aadObjectId, randomUUID(), 'th1', String(base['wizard']?.['draft'] ?? ''), '2026-11-23T09:30:00.000Z', TEAM_ID, String(base['reminder']?.['deadlineId'] ?? ''), String(base['reminder']?.['reminderId'] ?? ''), '2026-11-23');
  }

  it(`answers ${PAYLOAD_RUNS} fuzzed card payloads (every verb, Action.Execute and Action.Submit) below 500 and in time`, { timeout: 180_000 }, async () => {
    const started = performance.now();
    const verbs = new Map<string, number>();
    const value = nastyValue(idArb());
    const fields = [...new Set(Object.values(base).flatMap((b) => Object.keys(b)).concat(['parentId', 'indicator', 'participation', 'interventions', 'externalOther', 'endDate', 'revisionDate', 'kind', 'participationMode', 'externalActors', 'key', 'draft', 'step', OPENS_NEW_CARD, 'verb']))];
    // Mostly a verb with the payload its card carries, sometimes with another verb's.
    const PAIRS: Array<[string, string]> = [
      [VERBS.diarySave, VERBS.diarySave],
      [VERBS.diarySave, 'resident'],
      [VERBS.purposeSave, VERBS.purposeSave],
      [VERBS.evalSave, VERBS.evalSave],
      [VERBS.citizenSave, VERBS.citizenSave],
      [VERBS.goalWizardNext, 'wizard'],
      [VERBS.goalWizardBack, 'wizard'],
      [VERBS.goalWizardSave, 'wizard'],
      [VERBS.goalWizardRestart, 'wizard'],
      [VERBS.reminderDone, 'reminder'],
      [VERBS.reminderSnooze, 'reminder'],
      ...[VERBS.planShow, VERBS.purposeEdit, VERBS.goalNew, VERBS.diaryPickCitizen, VERBS.diaryPickTarget, VERBS.evalStart, VERBS.evalOpen, VERBS.goalEdit, VERBS.helpShow, VERBS.citizenList, VERBS.citizenNew, VERBS.diaryStart].map((v): [string, string] => [v, 'ref']),
    ];
    // Every other verb with a payload like its card's (the læringscirkel's), or the ids of the setup.
    for (const v of ALL_VERBS) if (!PAIRS.some(([verb]) => verb === v)) PAIRS.push([v, v.startsWith('cycle.') ? 'cycle' : 'ref']);
    const pair = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...PAIRS) },
      { weight: 1, arbitrary: fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ALL_VERBS) }, { weight: 1, arbitrary: nastyString }), fc.constantFrom(...Object.keys(base))) },
    );
    const payload = pair.chain(([verb, baseKey]) => {
      const own = Object.keys(base[baseKey] ?? {});
      const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...fields) });
      return fc.record({
        verb: fc.constant(verb),
        base: fc.constant(baseKey),
        edits: fc.array(fc.tuple(field, value), { maxLength: 3 }),
        drop: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray(own, { minLength: 1, maxLength: 1 }) }),
        extra: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(nastyString, value, { minKeys: 1, maxKeys: 2 }) }),
        submit: fc.boolean(),
        // A new submission id, so that a valid save writes (a repeated one is a no-op).
        fresh: fc.boolean(),
        user: fc.constantFrom(...STAFF),
        replyToId: fc.option(fc.constantFrom('card-1', 'card-2'), { nil: undefined }),
      });
    });
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const data: Record<string, unknown> = { ...base[p.base], ...p.extra };
        if (p.fresh && 'submissionId' in data) data['submissionId'] = randomUUID();
        if (p.fresh && 'submissionId' in data) data['submissionId'] = randomUUID();
        for (const [field, v] of p.edits) data[field] = v;
        for (const field of p.drop) delete data[field];
        const activity = p.submit
          ? { ...baseActivity({ connectorUrl: h.connector.url }, p.user, false), type: 'message', id: randomUUID(), value: { ...data, verb: p.verb }, ...(p.replyToId ? { replyToId: p.replyToId } : {}) }
          : { ...baseActivity({ connectorUrl: h.connector.url }, p.user, false), type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), value: { action: { type: 'Action.Execute', verb: p.verb, data } } };
        const posted = await postBounded(h, activity);
        expectAnswered(posted);
        count(posted);
        if (!p.submit && posted.status !== 200 && posted.status !== 400) throw new Error(`an invoke answered ${posted.status}`);
        cases.payloads++;
        verbs.set(p.verb, (verbs.get(p.verb) ?? 0) + 1);
      }),
      options(PAYLOAD_RUNS),
    );
    // Every verb a card can carry was fuzzed (the reminder card's too).
    expect(ALL_VERBS.filter((v) => !verbs.has(v))).toEqual([]);
    cases.ms += performance.now() - started;
  });

  it(`answers ${ACTIVITY_RUNS} fuzzed activities (types, texts, locales, ids, team data, values, service URLs) below 500 and in time`, { timeout: 180_000 }, async () => {
    const started = performance.now();
    const id = idArb();
    const value = nastyValue(id);
    const commands = fc.constantFrom('hjælp', 'help', 'borgere', 'plan CD', 'plan cd', 'dagbog', 'dagbog CD', 'nyt mål CD', 'nyt delmål CD', 'evaluér CD', 'formål CD', 'ny borger', '<at>Refleks</at> opsæt', '<at>Refleks</at> hjælp', 'blah');
    const text = fc.oneof({ weight: 4, arbitrary: commands }, { weight: 2, arbitrary: fc.tuple(commands, cprText).map(([c, n]) => `${c} ${n}`) }, { weight: 4, arbitrary: nastyString }, { weight: 1, arbitrary: value });
    const activity = fc.record({
      type: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('message', 'message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'endOfConversation') }, { weight: 1, arbitrary: value }),
      channel: fc.boolean(),
      user: fc.constantFrom(...STAFF),
      text,
      locale: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('da-DK', 'en-US', 'da', undefined) }, { weight: 1, arbitrary: value }),
      name: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('adaptiveCard/action', 'task/fetch', 'config/fetch', 'signin/verifyState', undefined) }, { weight: 1, arbitrary: value }),
      value: fc.oneof(
        { weight: 2, arbitrary: fc.record({ action: fc.record({ type: fc.constantFrom('Action.Execute', 'Action.Submit', undefined), verb: fc.oneof(fc.constantFrom(...ALL_VERBS), nastyString), data: value }) }) },
        { weight: 1, arbitrary: fc.record({ verb: fc.constantFrom(...ALL_VERBS), teamId: id, citizenId: id }) },
        { weight: 2, arbitrary: value },
      ),
      serviceUrl: fc.oneof({ weight: 30, arbitrary: fc.constant('stub') }, { weight: 2, arbitrary: fc.constant('closed') }, { weight: 1, arbitrary: fc.constant('silent') }, { weight: 3, arbitrary: value }),
      from: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ id: value, aadObjectId: value, name: value }) }, { weight: 1, arbitrary: value }),
      conversation: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ id: value, tenantId: value, conversationType: value }) }, { weight: 1, arbitrary: value }),
      team: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.record({ id: fc.oneof(id, value), name: fc.oneof(nastyString, value) }) }, { weight: 1, arbitrary: value }),
      membersAdded: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant([{ id: '28:refleks-bot' }]) }, { weight: 1, arbitrary: value }),
      replyToId: fc.option(fc.oneof(fc.constant('card-1'), value), { nil: undefined, freq: 4 }),
      deliveryMode: fc.constantFrom(undefined, undefined, undefined, 'normal', 'expectReplies', 'notification'),
      extra: fc.dictionary(nastyString, value, { maxKeys: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(activity, async (a) => {
        const serviceUrl = a.serviceUrl === 'stub' ? h.connector.url : a.serviceUrl === 'closed' ? closedPort : a.serviceUrl === 'silent' ? silent.url : a.serviceUrl;
        const body: Record<string, unknown> = { ...a.extra, ...baseActivity({ connectorUrl: h.connector.url }, a.user, a.channel), id: randomUUID(), type: a.type, text: a.text, locale: a.locale, value: a.value, serviceUrl };
        if (a.type === 'invoke' || a.name !== undefined) body['name'] = a.name;
        if (a.from !== undefined) body['from'] = a.from;
        if (a.conversation !== undefined) body['conversation'] = a.conversation;
        if (a.team !== undefined) body['channelData'] = { tenant: { id: a.user.tenantId }, team: a.team };
        if (a.membersAdded !== undefined) body['membersAdded'] = a.membersAdded;
        if (a.replyToId !== undefined) body['replyToId'] = a.replyToId;
        if (a.deliveryMode !== undefined) body['deliveryMode'] = a.deliveryMode;
        const posted = await postBounded(h, body);
        expectAnswered(posted);
        count(posted);
        cases.activities++;
      }),
      options(ACTIVITY_RUNS),
    );
    cases.ms += performance.now() - started;
  });

  it('has stored and logged none of the CPR numbers, and logged no error', async () => {
    await h.app.repos.audit.flush();
    const texts = await storedTexts(opened, recorder);
    expect(texts.length).toBeGreaterThan(100);
    expect(whereFound(holdsCpr, texts, cprAt)).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(1000);
    expect(h.logs.filter(holdsCpr).map(cprAt)).toEqual([]);
    expect(h.logs.filter((line) => /"level":(50|60)/.test(line)).map((line) => line.slice(0, 600))).toEqual([]);
  });
});
