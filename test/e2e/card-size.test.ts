/**
 * Every card stays under Teams' ~28 KB, whatever the data, over HTTP on both stores: a tilbud of
 * 200 citizens (the diary's citizen picker, `borgere`), a plan of 10 goals × 5 delmål with three
 * years of evaluations (the plan card, the delmål picker, the evaluation picker), a plan of 225
 * delmål, a plan with every text at its longest, and refused input of 20,000 and 100,000
 * characters. The user still reaches every item: search finds a citizen by alias, paging reaches
 * the last one, and the plan card shows how to see the goals it folds away.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { TEXT_LIMITS } from '../../src/domain/text.js';
import type { RecordedActivity } from '../support/stub-connector.js';
import { actionsOf, cardOf, fieldErrorOf, findAction, inputOf, invokeCardOf, TEAM_ID, textOf, USERS, type CardJson, type Harness, type InvokeResult } from '../support/e2e.js';
import { bigAlias, buildBigPlan, createManyCitizens, GOAL_TEXTS } from '../support/big-data.js';
import { createCitizen } from '../support/flows.js';
import { useApp } from '../support/lifecycle.js';
import type { StoreKind } from '../support/stores.js';

const LIMIT = 28 * 1024;
const ANNA = USERS.anna;
const BO = USERS.bo;
const CITIZENS = 200;

/** The largest size seen per card, for the figures printed at the end. */
const largest = new Map<string, number>();

afterAll(() => {
  console.log(['card sizes (serialised attachment, largest seen):', ...[...largest].map(([name, bytes]) => `  ${name}: ${bytes} B (${(bytes / 1024).toFixed(1)} KB)`)].join('\n'));
});

/** The card as it travels: the attachment with its content type, serialised. */
function attachmentBytes(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }), 'utf8');
}

function measured(name: string, card: CardJson): CardJson {
  const bytes = attachmentBytes(card);
  largest.set(name, Math.max(largest.get(name) ?? 0, bytes));
  expect(bytes, `${name}: ${bytes} bytes`).toBeLessThan(LIMIT);
  return card;
}

function sentBytes(activity: RecordedActivity | undefined): number {
  const attachment = (activity?.body['attachments'] as unknown[] | undefined)?.[0];
  return Buffer.byteLength(JSON.stringify(attachment ?? null), 'utf8');
}

function invoked(name: string, result: InvokeResult): CardJson {
  return measured(name, invokeCardOf(result));
}

/** The Action.Submit fallback's data of the button with this title (what a client without Universal Actions sends). */
function submitDataOf(card: CardJson, title: string): Record<string, unknown> {
  const data = actionsOf(card).find((a) => a.title === title)?.submitData;
  if (!data) throw new Error(`no button "${title}"`);
  return data;
}

/** The input kept the user's text, cut to the field's limit (compared without printing 20,000 characters). */
function expectKept(value: unknown, typed: string, max: number): void {
  expect(typeof value).toBe('string');
  expect((value as string).length, 'characters kept').toBe(max);
  expect(value === typed.slice(0, max), 'the first characters the user typed').toBe(true);
}

const isNext = (title: string) => /^Flere\b/.test(title);
const isPrevious = (title: string) => /^Forrige\b/.test(title);

/** Follows the "Flere" button from the first page to the last; every page is measured. */
async function allPages(h: Harness, name: string, first: CardJson): Promise<CardJson[]> {
  const pages = [measured(name, first)];
  for (let i = 0; i < 100; i++) {
    const next = actionsOf(pages.at(-1)!).find((a) => isNext(a.title));
    if (!next) return pages;
    const page = invoked(name, await h.invoke(ANNA, next.verb, next.data));
    // Every later page leads back.
    expect(actionsOf(page).some((a) => isPrevious(a.title)), `${name}: page ${pages.length + 1} has Forrige`).toBe(true);
    pages.push(page);
  }
  throw new Error(`${name}: more than 100 pages`);
}

/** The citizens listed on a citizen card: the bold title of each row, in order. */
function aliasesOn(card: CardJson): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj['type'] === 'TextBlock' && obj['weight'] === 'Bolder' && typeof obj['text'] === 'string' && /^[A-Z]{2} \d{3}$/u.test(obj['text'])) found.push(obj['text']);
    for (const [key, value] of Object.entries(obj)) if (key !== 'fallback') walk(value);
  };
  walk(card);
  return found;
}

async function search(h: Harness, card: CardJson, query: string): Promise<CardJson> {
  expect(inputOf(card, 'query')['type']).toBe('Input.Text');
  const button = actionsOf(card).find((a) => a.title === 'Søg');
  expect(button, 'a Søg button').toBeDefined();
  return invokeCardOf(await h.invoke(ANNA, button!.verb, { ...button!.data, query }));
}

describe.each<StoreKind>(['embedded', 'cosmos'])('cards under 28 KB with big data (%s store)', (kind) => {
  let h: Harness;
  const bigPlans = { plan: { teamId: TEAM_ID, citizenId: 'karl-10x5' }, many: { teamId: TEAM_ID, citizenId: 'kaj-225' }, long: { teamId: TEAM_ID, citizenId: 'lis-long' } };
  /** Anna's citizens: kontaktperson for every 20th (from 7), goal owner for every 20th (from 13). */
  const annasContact = (i: number) => i % 20 === 7;
  const annasGoal = (i: number) => i % 20 === 13;

  useApp(kind, async (app) => {
    h = app.h;
    await h.setupTeam(ANNA, [ANNA, BO]);
    const { repos } = h.app;
    const now = h.now.value;
    await createManyCitizens(repos, { tenantId: ANNA.tenantId, teamId: TEAM_ID, count: CITIZENS, now, contactOf: (i) => (annasContact(i) ? ANNA.aadObjectId : BO.aadObjectId), ownerOf: (i) => (annasGoal(i) ? ANNA.aadObjectId : undefined) });
    const owners = [ANNA.aadObjectId, BO.aadObjectId];
    const specs = [
      { ...bigPlans.plan, alias: 'Karl Stor', goals: 10, subGoalsPerGoal: 5, years: 3 },
      { ...bigPlans.many, alias: 'Kaj Mange', goals: 9, subGoalsPerGoal: 25, years: 1 },
    ];
    for (const spec of specs) {
      const { plan, archived } = buildBigPlan({ ...spec, tenantId: ANNA.tenantId, now, owners });
      await repos.archive.append(plan, archived, now.toISOString());
      await repos.plans.create(plan);
    }
    // Every text at its longest (Danish letters take two bytes each).
    const longText = (max: number) => 'Ærlig øvelse på åen med æbler og ål. '.repeat(Math.ceil(max / 37)).slice(0, max);
    const { plan } = buildBigPlan({ ...bigPlans.long, alias: 'Lis Lang', goals: 10, subGoalsPerGoal: 5, years: 1, tenantId: ANNA.tenantId, now, owners });
    await repos.plans.create({
      ...plan,
      purpose: { ...plan.purpose!, text: longText(TEXT_LIMITS.purpose) },
      goals: plan.goals.map((g) => ({ ...g, text: longText(TEXT_LIMITS.goal) })),
    });
  });

  describe('the diary’s citizen picker with 200 citizens', () => {
    it('starts from the user’s own citizens (kontaktperson or goal owner) and stays under 28 KB', async () => {
      const { replies } = await h.message(ANNA, 'dagbog');
      expect(sentBytes(replies[0])).toBeLessThan(LIMIT);
      const card = measured('dagbog: citizen picker', cardOf(replies[0]));
      const shown = aliasesOn(card);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(CITIZENS);
      const mine = Array.from({ length: CITIZENS }, (_, i) => i).filter((i) => annasContact(i) || annasGoal(i)).map(bigAlias);
      // The first page is Anna's own citizens, both kinds.
      expect(shown.every((a) => mine.includes(a))).toBe(true);
      const indexes = Array.from({ length: CITIZENS }, (_, i) => i);
      expect(shown.some((a) => indexes.filter(annasContact).map(bigAlias).includes(a)), 'one where Anna is kontaktperson').toBe(true);
      expect(shown.some((a) => indexes.filter(annasGoal).map(bigAlias).includes(a)), 'one where Anna owns a goal').toBe(true);
    });

    it('puts a citizen the user just opened first', async () => {
      const list = cardOf((await h.message(ANNA, 'dagbog')).replies[0]);
      const found = await search(h, list, bigAlias(100));
      const open = findAction(found, VERBS.diaryPickCitizen);
      invokeCardOf(await h.invoke(ANNA, open.verb, open.data));
      const again = measured('dagbog: citizen picker', cardOf((await h.message(ANNA, 'dagbog')).replies[0]));
      expect(aliasesOn(again)[0]).toBe(bigAlias(100));
    });

    it('finds a citizen by alias, or by a word of it, with the search box', async () => {
      const list = cardOf((await h.message(ANNA, 'dagbog')).replies[0]);
      const exact = measured('dagbog: search', await search(h, list, bigAlias(150)));
      expect(aliasesOn(exact)).toEqual([bigAlias(150)]);
      const byNumber = measured('dagbog: search', await search(h, list, '151'));
      expect(aliasesOn(byNumber)).toEqual([bigAlias(150)]);
      const none = await search(h, list, 'Ingen Sådan');
      expect(aliasesOn(none)).toEqual([]);
      expect(textOf(none)).toMatch(/Ingen borgere/);
      // The diary for the one found.
      const targets = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickCitizen, findAction(exact, VERBS.diaryPickCitizen).data));
      expect(textOf(targets)).toContain(bigAlias(150));
    });

    it('pages with Flere and Forrige to the very last citizen, every page under 28 KB', async () => {
      const first = cardOf((await h.message(ANNA, 'dagbog')).replies[0]);
      const pages = await allPages(h, 'dagbog: citizen picker', first);
      const seen = pages.flatMap(aliasesOn);
      expect(new Set(seen).size).toBe(CITIZENS);
      expect(seen).toHaveLength(CITIZENS);
      // Forrige goes back to the page before.
      const back = actionsOf(pages[2]!).find((a) => isPrevious(a.title))!;
      expect(aliasesOn(invokeCardOf(await h.invoke(ANNA, back.verb, back.data)))).toEqual(aliasesOn(pages[1]!));
    });

    it('pages and searches as Action.Submit too', async () => {
      const first = cardOf((await h.message(ANNA, 'dagbog')).replies[0]);
      const paged = await h.submit(ANNA, submitDataOf(first, 'Flere'), 'picker-card');
      expect(sentBytes(paged.replies[0])).toBeLessThan(LIMIT);
      expect(aliasesOn(cardOf(paged.replies[0]))).not.toEqual(aliasesOn(first));
      const searched = await h.submit(ANNA, { ...submitDataOf(first, 'Søg'), query: bigAlias(42) }, 'picker-card');
      expect(aliasesOn(cardOf(searched.replies[0]))).toEqual([bigAlias(42)]);
    });
  });

  describe('borgere with 200 citizens', () => {
    it('lists a page under 28 KB, the user’s own first, with a search box', async () => {
      const { replies } = await h.message(ANNA, 'borgere');
      expect(sentBytes(replies[0])).toBeLessThan(LIMIT);
      const card = measured('borgere', cardOf(replies[0]));
      const mine = Array.from({ length: CITIZENS }, (_, i) => i).filter((i) => annasContact(i) || annasGoal(i)).map(bigAlias).sort((a, b) => a.localeCompare(b, 'da'));
      expect(aliasesOn(card)).toEqual(mine.slice(0, aliasesOn(card).length));
      const found = measured('borgere: search', await search(h, card, bigAlias(199)));
      expect(aliasesOn(found)).toEqual([bigAlias(199)]);
      const plan = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, findAction(found, VERBS.planShow).data));
      expect(textOf(plan)).toContain(`Plan: ${bigAlias(199)}`);
    });

    it('pages to the very last citizen, every page under 28 KB', async () => {
      const first = cardOf((await h.message(ANNA, 'borgere')).replies[0]);
      const seen = (await allPages(h, 'borgere', first)).flatMap(aliasesOn);
      expect(new Set(seen).size).toBe(CITIZENS);
    });

    it('keeps the "which citizen?" answer to a short alias under 28 KB, and leads to the search', async () => {
      // A hundred aliases have a word that starts with "1" (101–200).
      const card = measured('plan <alias>: 100 match', cardOf((await h.message(ANNA, 'plan 1')).replies[0]));
      const more = actionsOf(card).find((a) => a.verb === VERBS.citizenList);
      expect(more, 'a way to the search').toBeDefined();
      const list = invokeCardOf(await h.invoke(ANNA, more!.verb, more!.data));
      expect(inputOf(list, 'query')['value']).toBe('1');
      const seen = (await allPages(h, 'borgere: search', list)).flatMap(aliasesOn);
      expect(new Set(seen).size).toBe(100);
    });
  });

  describe('a plan of 10 goals × 5 delmål with three years of evaluations', () => {
    it('shows a plan card under 28 KB that says how to see the goals it folds away, and pages to the last goal', async () => {
      const first = cardOf((await h.message(ANNA, 'plan karl stor')).replies[0]);
      expect(textOf(first)).toMatch(/Mål 1–\d+ af 10/);
      expect(actionsOf(first).some((a) => a.title === 'Flere mål')).toBe(true);
      const pages = await allPages(h, 'plan card 10×5, 3 years', first);
      expect(pages.length).toBeGreaterThan(1);
      const text = pages.map(textOf).join('\n');
      for (let g = 1; g <= 10; g++) for (let s = 1; s <= 5; s++) expect(text).toContain(`(${g}.${s})`);
      for (const goal of GOAL_TEXTS) expect(text).toContain(`Karl Stor ${goal}`);
      expect(textOf(pages.at(-1)!)).toMatch(/Mål \d+–10 af 10/);
      // The latest evaluation of each goal is on its own line.
      expect(text.match(/^Evalueret \d+\. \S+ \d{4}: (delvist opnået|fastholdt) → fortsætter/gmu)?.length).toBe(60);
      // Flere mål as Action.Submit: the next page replaces the card.
      const submitted = await h.submit(ANNA, submitDataOf(first, 'Flere mål'), 'plan-card');
      expect(sentBytes(submitted.replies[0])).toBeLessThan(LIMIT);
      expect(textOf(cardOf(submitted.replies[0]))).toBe(textOf(pages[1]!));
    });

    it('pages the delmål picker to the last delmål, under 28 KB', async () => {
      const first = invoked('delmål picker 10×5', await h.invoke(ANNA, VERBS.diaryPickCitizen, bigPlans.plan));
      const pages = await allPages(h, 'delmål picker 10×5', first);
      expect(pages.length).toBeGreaterThan(1);
      expect(new Set(pages.flatMap((p) => actionsOf(p).filter((a) => a.data['target'] === 'subGoal').map((a) => a.data['goalId']))).size).toBe(50);
      expect(pages.every((p) => actionsOf(p).some((a) => a.data['target'] === 'resident'))).toBe(true);
    });

    it('pages the evaluation picker to the last goal, under 28 KB', async () => {
      const first = invoked('evaluation picker 10×5', await h.invoke(ANNA, VERBS.evalStart, bigPlans.plan));
      const pages = await allPages(h, 'evaluation picker 10×5', first);
      const goals = new Set(pages.flatMap((p) => actionsOf(p).filter((a) => a.verb === VERBS.evalOpen).map((a) => a.data['goalId'])));
      expect(goals.size).toBe(60);
    });
  });

  describe('a plan of 225 delmål', () => {
    it('shows a plan card under 28 KB and pages to the last delmål', async () => {
      const first = invoked('plan card 225 delmål', await h.invoke(ANNA, VERBS.planShow, bigPlans.many));
      expect(textOf(first)).toMatch(/Mål 1–\d+ af 9/);
      const pages = await allPages(h, 'plan card 225 delmål', first);
      const text = pages.map(textOf).join('\n');
      for (let g = 1; g <= 9; g++) for (let s = 1; s <= 25; s++) expect(text).toContain(`(${g}.${s})`);
      for (const goal of GOAL_TEXTS.slice(0, 9)) expect(text).toContain(`Kaj Mange ${goal}`);
      expect(textOf(pages.at(-1)!)).toMatch(/Mål \d+–9 af 9/);
    });

    it('pages the delmål and evaluation pickers, under 28 KB', async () => {
      const delmaal = await allPages(h, 'delmål picker 225', invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickCitizen, bigPlans.many)));
      expect(new Set(delmaal.flatMap((p) => actionsOf(p).filter((a) => a.data['target'] === 'subGoal').map((a) => a.data['goalId']))).size).toBe(225);
      const evaluation = await allPages(h, 'evaluation picker 225', invokeCardOf(await h.invoke(ANNA, VERBS.evalStart, bigPlans.many)));
      expect(new Set(evaluation.flatMap((p) => actionsOf(p).filter((a) => a.verb === VERBS.evalOpen).map((a) => a.data['goalId']))).size).toBe(234);
    });
  });

  describe('a plan with every text at its longest', () => {
    it('folds the long texts on the plan card and the pickers, each under 28 KB', async () => {
      const plan = invoked('plan card, longest texts', await h.invoke(ANNA, VERBS.planShow, bigPlans.long));
      expect(textOf(plan)).toContain('…');
      await allPages(h, 'plan card, longest texts', plan);
      await allPages(h, 'delmål picker, longest texts', invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickCitizen, bigPlans.long)));
      await allPages(h, 'evaluation picker, longest texts', invokeCardOf(await h.invoke(ANNA, VERBS.evalStart, bigPlans.long)));
      // The whole formål is one click away.
      const purpose = invoked('formål form, longest text', await h.invoke(ANNA, VERBS.purposeEdit, bigPlans.long));
      expect(String(inputOf(purpose, 'purposeText')['value'])).toHaveLength(TEXT_LIMITS.purpose);
    });
  });

  describe('refused input', () => {
    let ids: { teamId: string; citizenId: string };
    let subGoalId = '';

    it('cuts a 20,000-character note to its limit with a field error, under 28 KB', async () => {
      ids = bigPlans.plan;
      const targets = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickCitizen, ids));
      const target = findAction(targets, VERBS.diaryPickTarget, (a) => a.data['target'] === 'subGoal');
      subGoalId = String(target.data['goalId']);
      const form = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickTarget, target.data));
      const note = 'Smurte selv madpakke med guidning. '.repeat(600).slice(0, 20_000);
      const card = invoked('refused note, 20,000 characters', await h.invoke(ANNA, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '2', note, intervention: '', externalActors: '' }));
      expect(fieldErrorOf(card, 'note')).toMatch(/højst 4000 tegn/);
      expectKept(inputOf(card, 'note')['value'], note, TEXT_LIMITS.note);
    });

    it('answers a 100 KB note with the same card and a field error, not an HTTP 400', async () => {
      const form = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickTarget, { ...ids, target: 'subGoal', goalId: subGoalId }));
      const note = 'Æblet på åen blev øvet. '.repeat(5000).slice(0, 100_000);
      // Over 100 KB as it travels (the server takes bodies up to 256 KB).
      expect(Buffer.byteLength(note, 'utf8')).toBeGreaterThan(100 * 1024);
      const result = await h.invoke(ANNA, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score: '2', note, intervention: '', externalActors: '' });
      expect(result.status).toBe(200);
      const card = invoked('refused note, 100,000 characters', result);
      expect(fieldErrorOf(card, 'note')).toMatch(/højst 4000 tegn/);
      expectKept(inputOf(card, 'note')['value'], note, TEXT_LIMITS.note);
      expect(await h.app.repos.diary.list({ tenantId: ANNA.tenantId, ...ids })).toHaveLength(0);
    });

    it('caps a 20,000-character goal text in the wizard with a field error, the text kept up to the limit', async () => {
      const small = await createCitizen(h, ANNA, 'Vera Vid');
      const first = invokeCardOf(await h.invoke(ANNA, VERBS.goalNew, { ...small, kind: 'goal' }));
      const step2 = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardNext, { ...findAction(first, VERBS.goalWizardNext).data, themeId: 'th1', purposeLinked: 'yes' }));
      const text = 'Vera laver selv aftensmad to gange om ugen. '.repeat(500).slice(0, 20_000);
      const card = invoked('wizard, 20,000-character goal text', await h.invoke(ANNA, VERBS.goalWizardNext, { ...findAction(step2, VERBS.goalWizardNext).data, goalText: text }));
      expect(fieldErrorOf(card, 'goalText')).toMatch(/højst 1000 tegn/);
      expectKept(inputOf(card, 'goalText')['value'], text, TEXT_LIMITS.goal);
      // Still on the step, and the draft holds no more than the limit.
      expect(textOf(card)).toContain('Trin 2 af 6');
      const back = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardBack, { ...findAction(card, VERBS.goalWizardBack).data }));
      const again = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardNext, { ...findAction(back, VERBS.goalWizardNext).data }));
      expectKept(inputOf(again, 'goalText')['value'], text, TEXT_LIMITS.goal);
    });

    it('answers a goal text that is not text with a field error, not a failure', async () => {
      const small = await createCitizen(h, ANNA, 'Vera Tal');
      const first = invokeCardOf(await h.invoke(ANNA, VERBS.goalNew, { ...small, kind: 'goal' }));
      const step2 = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardNext, { ...findAction(first, VERBS.goalWizardNext).data, themeId: 'th1', purposeLinked: 'yes' }));
      const card = invokeCardOf(await h.invoke(ANNA, VERBS.goalWizardNext, { ...findAction(step2, VERBS.goalWizardNext).data, goalText: 12345 }));
      expect(textOf(card)).toContain('Trin 2 af 6');
      expect(fieldErrorOf(card, 'goalText')).toMatch(/tekst/i);
    });
  });
});
