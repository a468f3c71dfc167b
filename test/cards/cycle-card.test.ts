/**
 * The læringscirkel's cards (udviklingspunkt form, læringscirkel at every step and finished, the
 * fremdriftsmøde's board, the forbedringskatalog): valid Adaptive Card 1.5, every Action.Execute
 * with its Action.Submit fallback, no field named `key` in an action's data, and under Teams'
 * 28 KB with the most they can be asked to hold (200 members, fifty ideas, every text at its
 * limit); long texts fold; the warning of a plan longer than the tilbud's limit is shown.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { boardCard, catalogueCard, CYCLE_CARD_MAX_BYTES, cycleCard, newPointCard, type CycleCardView } from '../../src/cards/cycle-views.js';
import { cardSizeBytes } from '../../src/cards/render.js';
import { VERBS } from '../../src/cards/verbs.js';
import { catalogueEntry, IDEAS_MAX, progressBoard, type ImprovementPoint, type Trial, type TrialStep } from '../../src/domain/learning-cycle.js';
import { closeAdaptiveCardValidator, validateAdaptiveCard } from '../support/adaptive-card-validator.js';
import { actionsOf, textOf, type CardJson } from '../support/e2e.js';

const now = new Date('2026-11-23T09:30:00Z');
const members = Array.from({ length: 200 }, (_, i) => ({ aadObjectId: `aad-${i}`, name: `Medarbejder Nummer ${i} Med Et Langt Efternavn` }));
const at = now.toISOString();
const long = (c: string, n: number): string => `${c} `.padEnd(n, c);

const point: ImprovementPoint = {
  id: 'p1',
  tenantId: 't',
  teamId: 'team',
  title: long('T', 200),
  aim: long('a', 1000),
  measure: long('m', 1000),
  ideas: Array.from({ length: IDEAS_MAX }, (_, i) => ({ id: `i${i}`, text: `Idé ${i} ${long('x', 190)}`, addedBy: `aad-${i}`, addedAt: new Date(now.getTime() + i).toISOString() })),
  createdAt: at,
  createdBy: 'aad-0',
};

function trialAt(step: TrialStep, finished = false, id = 'tr1'): Trial {
  return {
    id,
    tenantId: 't',
    teamId: 'team',
    improvementPointId: 'p1',
    ideaId: 'i0',
    step,
    plan: { hypothesis: `Hvis vi ${long('h', 990)}, så vil det blive bedre`, what: long('w', 1000), who: members.slice(0, 50).map((m) => m.aadObjectId), where: long('o', 200), startDate: '2026-11-24', endDate: '2026-12-30', data: long('d', 1000), collection: long('c', 1000), savedAt: at },
    run: { happened: long('r', 4000), surprises: long('s', 4000), data: long('q', 4000), savedAt: at },
    reflection: { comparison: long('k', 4000), held: 'partly', savedAt: at },
    ...(finished ? { decision: { decision: 'adapt' as const, reason: long('g', 200), decidedBy: 'aad-0', decidedAt: at }, finishedAt: at } : {}),
    stage: 'oneCitizen',
    createdAt: at,
    createdBy: 'aad-0',
  };
}

function view(trial: Trial | undefined, over: Partial<CycleCardView> = {}): CycleCardView {
  const earlier = Array.from({ length: 10 }, (_, i) => trialAt('act', true, `old-${i}`));
  return {
    point,
    ...(trial ? { trial } : {}),
    trials: [...(trial ? [trial] : []), ...earlier],
    stepVersion: 'v1',
    members,
    maxCycleDays: 14,
    now,
    ideaSubmissionId: 'sub-idea',
    trialSubmissionId: 'sub-trial',
    nextTrialId: 'sub-next',
    ...over,
  };
}

async function expectGoodCard(card: CardJson, hasActions = true): Promise<void> {
  expect(cardSizeBytes(card)).toBeLessThanOrEqual(CYCLE_CARD_MAX_BYTES);
  expect((await validateAdaptiveCard(card)).errors).toEqual([]);
  const actions = actionsOf(card);
  expect(actions.length > 0).toBe(hasActions);
  for (const a of actions) {
    expect(a.submitData?.['verb']).toBe(a.verb);
    expect(Object.keys(a.data)).not.toContain('key');
    expect(Object.keys(a.submitData ?? {})).not.toContain('key');
  }
}

afterAll(async () => {
  await closeAdaptiveCardValidator();
});

describe('the læringscirkel cards', () => {
  it('the form of a new udviklingspunkt asks the three questions and keeps what was typed beside its errors', async () => {
    const card = newPointCard({ teamId: 'team', submissionId: 's', form: { title: 'Morgenmad', aim: 'AB vælger', measure: '' }, errors: { measure: { da: 'Skal udfyldes.', en: 'Required.' } } }, 'da');
    await expectGoodCard(card);
    const text = textOf(card);
    expect(text).toContain('1. Hvad skal vi opnå?');
    expect(text).toContain('2. Hvordan ved vi, at et tiltag er en forbedring?');
    expect(text).toContain('3. Hvilke tiltag kan vi iværksætte? (forandringskatalog)');
    expect(text).toContain('Skal udfyldes.');
    expect(text).toContain('AB vælger');
    expect(textOf(newPointCard({ teamId: 'team', submissionId: 's' }, 'en'))).toContain('What are we trying to accomplish?');
  });

  for (const step of ['plan', 'do', 'study', 'act'] as const) {
    it(`at ${step} is valid, under 28 KB with every text at its limit, and every action also works as Action.Submit`, async () => {
      const card = cycleCard(view(trialAt(step)), 'da');
      await expectGoodCard(card);
      expect(actionsOf(card).some((a) => (step === 'act' ? a.verb === VERBS.cycleDecide : a.verb === VERBS.cycleSave))).toBe(true);
      expect(actionsOf(card).some((a) => a.verb === VERBS.cycleIdea)).toBe(true);
    });
  }

  it('finished, with no trial, and in English it stays valid and under the limit', async () => {
    for (const card of [cycleCard(view(trialAt('act', true)), 'da'), cycleCard(view(undefined), 'en'), cycleCard(view(trialAt('study')), 'en')]) await expectGoodCard(card);
    const finished = textOf(cycleCard(view(trialAt('act', true)), 'da'));
    expect(finished).toContain('Afsluttet 23. nov. 2026: Justér.');
    expect(finished).toContain('Udbred: Flere borgere');
    expect(finished).toContain('Start næste læringscirkel');
  });

  it('shows the figure-12 fields of the plan and the warning of a plan longer than the tilbud’s limit', () => {
    const text = textOf(cycleCard(view(trialAt('plan')), 'da'));
    for (const label of ['Hypotese: hvad forventer I, der sker?', 'Hvad afprøver I?', 'Hvem gør det?', 'Hvor?', 'Hvornår: fra', 'Hvilke data viser, om det virker?', 'Hvordan, hvor og hvornår indsamles de?']) expect(text).toContain(label);
    expect(text).toContain('Prøvehandlingen varer 37 dage. En læringscirkel skal være kort – hos jer højst 14 dage.');
    expect(textOf(cycleCard(view(trialAt('plan'), { maxCycleDays: 40 }), 'da'))).not.toContain('hos jer højst');
  });

  it('folds a long text behind "vis mere", and with little room shows the newest ideas and how many are left out', () => {
    const roomy = cycleCard(view(undefined, { point: { ...point, aim: long('a', 900), ideas: point.ideas.slice(0, 3) } }), 'da');
    expect(JSON.stringify(roomy)).toContain('"title":"vis mere"');
    expect(textOf(roomy)).toMatch(/1\. Hvad skal vi opnå\? a a+…/);
    const crowded = textOf(cycleCard(view(trialAt('study')), 'da'));
    expect(crowded).toContain('Idé 49');
    expect(crowded).toMatch(/… og \d+ flere\./);
  });

  it('the board and the katalog hold their most, valid and under the limit', async () => {
    const running = Array.from({ length: 30 }, (_, i) => ({ ...trialAt('do', false, `run-${i}`), plan: { ...trialAt('do').plan!, endDate: '2026-11-20' } }));
    const finished = Array.from({ length: 11 }, (_, i) => trialAt('act', true, `done-${i}`));
    const points = Array.from({ length: 20 }, (_, i) => ({ ...point, id: `p${i}` }));
    const board = progressBoard({ trials: [...running, ...finished], points }, now);
    const bc = boardCard({ teamId: 'team', board, points, members, ideaSubmissionId: 's' }, 'da');
    await expectGoodCard(bc);
    const text = textOf(bc);
    expect(text).toContain('Prøvehandlinger i gang');
    expect(text).toContain('overskredet');
    expect(text).toContain('Flere står i forbedringskataloget (@Refleks katalog).');
    expect(actionsOf(bc).some((a) => a.verb === VERBS.cycleBoardIdea)).toBe(true);
    await expectGoodCard(boardCard({ teamId: 'team', board: progressBoard({ trials: [], points: [] }, now), points: [], members, ideaSubmissionId: 's' }, 'en'));

    const entries = finished.slice(0, 10).map(catalogueEntry);
    const cc = catalogueCard({ teamId: 'team', entries, titles: { p1: point.title }, nextBefore: at }, 'da');
    await expectGoodCard(cc);
    expect(textOf(cc)).toContain('Forbedringskatalog');
    expect(actionsOf(cc).some((a) => a.verb === VERBS.cycleCatalogue && a.data['before'] === at)).toBe(true);
    await expectGoodCard(catalogueCard({ teamId: 'team', entries: [], titles: {} }, 'en'));
  });
});
