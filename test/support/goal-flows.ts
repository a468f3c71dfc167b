/**
 * Helpers for the SMORTE goal wizard and evaluation e2e tests: reading what the user sees
 * on a card (step number, advice under a field, facts, the meta line under a goal) and
 * clicking through the wizard one button at a time, the way a user does.
 */
import { VERBS } from '../../src/cards/verbs.js';
import { findAction, invokeCardOf, shown, type CardJson, type Harness, type TestUser } from './e2e.js';
import type { CitizenIds } from './flows.js';

/** The "Trin N af 6" step number from the wizard card's subtitle (undefined when not a wizard card). */
export function wizardStepOf(card: CardJson): number | undefined {
  const body = (card['body'] as Array<Record<string, unknown>> | undefined) ?? [];
  for (const block of body) {
    const match = typeof block['text'] === 'string' ? /Trin (\d+) af 6/.exec(block['text']) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The card's title (the first bold heading). */
export function titleOf(card: CardJson): string {
  const body = (card['body'] as Array<Record<string, unknown>> | undefined) ?? [];
  return String(body.find((b) => b['style'] === 'heading')?.['text'] ?? '');
}

/** The notice shown at the top of a card (the styled container), or ''. */
export function noticeOf(card: CardJson): string {
  const body = (card['body'] as Array<Record<string, unknown>> | undefined) ?? [];
  // The notice box; advice boxes are 'emphasis'.
  const box = body.find((b) => b['type'] === 'Container' && typeof b['style'] === 'string' && b['style'] !== 'emphasis' && Array.isArray(b['items']) && (b['items'] as unknown[]).length === 1);
  const first = (box?.['items'] as Array<Record<string, unknown>> | undefined)?.[0];
  return first && first['type'] === 'TextBlock' ? String(first['text']) : '';
}

/** The advice lines (in an emphasis box) shown in the same group as the input `id`. */
export function adviceOf(card: CardJson, id: string): string[] {
  let result: string[] | undefined;
  const walk = (node: unknown): void => {
    if (result) return;
    if (Array.isArray(node)) {
      const hasInput = node.some((x) => {
        const o = x as Record<string, unknown>;
        return o && o['id'] === id && typeof o['type'] === 'string' && (o['type'] as string).startsWith('Input.');
      });
      if (hasInput) {
        // Advice sits in an emphasis container beside the input, in normal-size text.
        result = node
          .map((x) => x as Record<string, unknown>)
          .filter((o) => o && o['type'] === 'Container' && o['style'] === 'emphasis')
          .flatMap((o) => (o['items'] as Array<Record<string, unknown>>).filter((i) => i['type'] === 'TextBlock' && i['size'] === undefined && i['color'] === undefined))
          .map((o) => String(o['text']));
        return;
      }
      node.forEach(walk);
      return;
    }
    if (node && typeof node === 'object') Object.entries(node as object).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  walk(card);
  if (!result) throw new Error(`no input ${id} on the card`);
  return result;
}

/** The value of the fact with this title (first FactSet that has it). */
export function factOf(card: CardJson, title: string): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (found !== undefined) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj['type'] === 'FactSet' && Array.isArray(obj['facts'])) {
      const fact = (obj['facts'] as Array<{ title: string; value: string }>).find((f) => f.title === title);
      if (fact) {
        found = shown(fact.value);
        return;
      }
    }
    Object.values(obj).forEach(walk);
  };
  walk(card);
  return found;
}

/** The TextBlock shown right after the TextBlock whose text is exactly `text` (a goal's meta line on the plan card). */
export function lineAfter(card: CardJson, text: string): string | undefined {
  return linesAfter(card, text, 1)[0];
}

/** The goal's latest evaluation line on the plan card: the TextBlock after its meta line. */
export function evaluationLineOf(card: CardJson, text: string): string | undefined {
  return linesAfter(card, text, 2)[1];
}

/** Up to `count` TextBlocks shown right after the TextBlock whose text is exactly `text`. */
function linesAfter(card: CardJson, text: string, count: number): string[] {
  let result: string[] | undefined;
  const walk = (node: unknown): void => {
    if (result !== undefined) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const obj = item as Record<string, unknown>;
        if (result === undefined && obj && obj['type'] === 'TextBlock' && obj['text'] === text) {
          result = [];
          for (let j = i + 1; j <= i + count; j++) {
            const next = node[j] as Record<string, unknown> | undefined;
            if (!next || next['type'] !== 'TextBlock') break;
            result.push(String(next['text']));
          }
        }
      });
    }
    if (node && typeof node === 'object') Object.entries(node as object).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  walk(card);
  return result ?? [];
}

/** The item titles of a menu card (e.g. the evaluation list), in order. */
export function itemTitlesOf(card: CardJson): string[] {
  const body = (card['body'] as Array<Record<string, unknown>> | undefined) ?? [];
  const titles: string[] = [];
  for (const block of body) {
    if (block['type'] !== 'Container' || block['separator'] !== true) continue;
    const columnSet = (block['items'] as Array<Record<string, unknown>>)[0];
    const column = (columnSet?.['columns'] as Array<Record<string, unknown>> | undefined)?.[0];
    const first = (column?.['items'] as Array<Record<string, unknown>> | undefined)?.[0];
    if (first && typeof first['text'] === 'string') titles.push(first['text']);
  }
  return titles;
}

type Inputs = Record<string, string>;

export async function wizardNext(h: Harness, user: TestUser, card: CardJson, inputs: Inputs = {}): Promise<CardJson> {
  return invokeCardOf(await h.invoke(user, VERBS.goalWizardNext, { ...findAction(card, VERBS.goalWizardNext).data, ...inputs }));
}

export async function wizardBack(h: Harness, user: TestUser, card: CardJson, inputs: Inputs = {}): Promise<CardJson> {
  return invokeCardOf(await h.invoke(user, VERBS.goalWizardBack, { ...findAction(card, VERBS.goalWizardBack).data, ...inputs }));
}

export async function wizardSave(h: Harness, user: TestUser, card: CardJson, inputs: Inputs = {}): Promise<CardJson> {
  return invokeCardOf(await h.invoke(user, VERBS.goalWizardSave, { ...findAction(card, VERBS.goalWizardSave).data, ...inputs }));
}

/** Opens the wizard with a chat command and returns its first card. */
export async function wizardByCommand(h: Harness, user: TestUser, text: string): Promise<CardJson> {
  const { replies } = await h.message(user, text);
  const attachments = replies[0]?.body['attachments'] as Array<{ content: CardJson }> | undefined;
  const card = attachments?.[0]?.content;
  if (!card) throw new Error(`no card for "${text}": ${JSON.stringify(replies[0]?.body).slice(0, 300)}`);
  return card;
}

/** Clicks "Næste" through steps 1-5 with good answers and returns the step 6 card (a sub-goal with `parentId`). */
export async function walkToTimeStep(h: Harness, user: TestUser, first: CardJson, answers: { themeId?: string; parentId?: string; goalText: string }): Promise<CardJson> {
  let card = await wizardNext(h, user, first, answers.parentId ? { parentId: answers.parentId, purposeLinked: 'yes' } : { themeId: answers.themeId ?? 'th1', purposeLinked: 'yes' });
  card = await wizardNext(h, user, card, { goalText: answers.goalText });
  if (wizardStepOf(card) === 2) card = await wizardNext(h, user, card, { goalText: answers.goalText }); // past the SMORTE advice
  card = await wizardNext(h, user, card, { indicator: 'Antal gange om ugen', kind: 'progression' });
  card = await wizardNext(h, user, card, { participationMode: 'citizen', participation: 'Aftalt med borgeren.' });
  card = await wizardNext(h, user, card, { interventions: 'Guidning', externalActors: '', externalOther: '' });
  if (wizardStepOf(card) !== 6) throw new Error(`expected step 6, got step ${wizardStepOf(card)}`);
  return card;
}

/** Logs one delmålsdagbog entry through the cards (score "na" = ikke vurderet). */
export async function logScore(h: Harness, user: TestUser, ids: CitizenIds, goalId: string, score: string, note: string): Promise<CardJson> {
  const form = invokeCardOf(await h.invoke(user, VERBS.diaryPickTarget, { ...ids, target: 'subGoal', goalId }));
  return invokeCardOf(await h.invoke(user, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, score, note }));
}

/** GAS T-score as the brief defines it: 50 + 10·Σx / √((1-ρ)n + ρn²), ρ = 0.3, equal weights; one decimal. */
export function expectedGasT(scores: readonly number[], rho = 0.3): number {
  const n = scores.length;
  const t = 50 + (10 * scores.reduce((a, b) => a + b, 0)) / Math.sqrt((1 - rho) * n + rho * n * n);
  return Math.round(t * 10) / 10;
}

/** The values of every input on the card, as Teams would send them back untouched. */
export function inputsOf(card: CardJson): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj['type'] === 'string' && (obj['type'] as string).startsWith('Input.') && typeof obj['id'] === 'string') {
      values[obj['id'] as string] = typeof obj['value'] === 'string' ? (obj['value'] as string) : '';
    }
    for (const [key, value] of Object.entries(obj)) if (key !== 'fallback') walk(value);
  };
  walk(card);
  return values;
}

/**
 * Walks a wizard from the card it shows to step 6 the way a user does: on each step the inputs
 * as shown, with `changes` typed over them (Næste once more past SMORTE advice). Returns the step 6 card.
 */
export async function walkWizardTo6(h: Harness, user: TestUser, card: CardJson, changes: Record<string, string> = {}): Promise<CardJson> {
  let c = card;
  for (let i = 0; i < 12 && wizardStepOf(c) !== 6; i++) {
    const inputs = { ...inputsOf(c) };
    for (const key of Object.keys(inputs)) if (changes[key] !== undefined) inputs[key] = changes[key]!;
    c = await wizardNext(h, user, c, inputs);
  }
  if (wizardStepOf(c) !== 6) throw new Error(`wizard did not reach step 6: ${JSON.stringify(c).slice(0, 300)}`);
  return c;
}

/** The step 6 inputs as shown, with `changes` typed over them (for "Gem målet"). */
export function timeInputs(card: CardJson, changes: Record<string, string> = {}): Record<string, string> {
  const inputs = inputsOf(card);
  for (const key of Object.keys(inputs)) if (changes[key] !== undefined) inputs[key] = changes[key]!;
  return inputs;
}
