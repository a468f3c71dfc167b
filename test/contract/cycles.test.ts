/**
 * Læringscirkler in the store (src/store/cycle-repository.ts), on both stores: twenty ideas
 * added at the same moment by twenty people are all kept (each its own document), a retried idea
 * is stored once; a trial is changed with its etag (a stale version refused); the board's reads
 * (running trials, new ideas, the newest finished) and the forbedringskatalog's pages are bounded
 * and newest first; another tenant's or tilbud's data is not found.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { addIdea, advanceTrial, createImprovementPoint, decideTrial, saveReflection, saveRun, savePlan, startTrial, type ImprovementPoint, type Trial } from '../../src/domain/learning-cycle.js';
import { ConcurrencyError } from '../../src/store/ports.js';
import type { Repositories } from '../../src/store/repositories.js';
import { APP_STORES, useRepositories } from './contract-stores.js';

const TEAM = '19:cycle-team@thread.tacv2';
const LEAD = 'aad-lead';
const people = Array.from({ length: 20 }, (_, i) => `aad-p${i + 1}`);
const now = new Date('2026-11-23T09:30:00Z');
let counter = 0;

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function newPoint(tenantId: string, id: string, at = now, teamId = TEAM): ImprovementPoint {
  return ok(createImprovementPoint({ id, tenantId, teamId, title: `Punkt ${id}`, aim: 'AB vælger selv', measure: 'Vi tæller dagene' }, LEAD, at));
}

/** A trial taken through all four steps and decided at `at`. */
function finishedTrial(point: ImprovementPoint, id: string, at: Date): Trial {
  const context = { members: [LEAD] };
  let t = startTrial(point, { id, actorId: LEAD }, at);
  t = ok(savePlan(t, { hypothesis: 'Hvis vi bruger piktogrammer, så vil AB vælge selv fire dage om ugen', what: `Forsøg ${id}`, who: [LEAD], where: 'Køkkenet', startDate: '2026-11-24', endDate: '2026-11-30', data: 'Dage', collection: 'Tælling' }, context, at));
  t = ok(advanceTrial(t, context));
  t = ok(saveRun(t, { happened: 'Det gik', surprises: '', data: '5 dage' }, at));
  t = ok(advanceTrial(t, context));
  t = ok(saveReflection(t, { comparison: 'Fem mod fire', held: 'yes' }, at));
  t = ok(advanceTrial(t, context));
  return ok(decideTrial(t, { decision: 'adopt', reason: 'Det virker' }, LEAD, at));
}

describe.each(APP_STORES)('læringscirkler on the %s store', (_name, open) => {
  const reposOf = useRepositories(open);
  let repos: Repositories;
  beforeEach(() => {
    repos = reposOf();
  });

  it('keeps all of twenty ideas added at the same moment by twenty people, and stores a retried idea once', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    const point = newPoint(tenantId, 'p1');
    await repos.cycles.createPoint(point);
    const results = await Promise.all(
      people.map((p, i) => {
        const added = ok(addIdea(point, { id: `idea-${i}`, text: `Idé fra ${p}` }, p, new Date(now.getTime() + i)));
        return repos.cycles.addIdea(tenantId, TEAM, point.id, added.ideas.at(-1)!);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    const stored = await repos.cycles.getPoint(tenantId, TEAM, 'p1');
    expect(stored?.value.ideas).toHaveLength(20);
    expect(new Set(stored?.value.ideas.map((i) => i.addedBy)).size).toBe(20);
    expect(stored?.value.ideas[0]).toMatchObject({ id: 'idea-0', text: 'Idé fra aad-p1', addedBy: 'aad-p1' });
    // The same idea again (a Teams retry): stored once.
    expect(await repos.cycles.addIdea(tenantId, TEAM, point.id, stored!.value.ideas[0]!)).toBe(false);
    expect((await repos.cycles.getPoint(tenantId, TEAM, 'p1'))?.value.ideas).toHaveLength(20);
    // The board's new ideas: newest first, bounded; one taken by a trial drops out.
    expect((await repos.cycles.newIdeas(tenantId, TEAM, 3)).map((i) => i.id)).toEqual(['idea-19', 'idea-18', 'idea-17']);
    await repos.cycles.markIdeaTaken(tenantId, TEAM, point.id, stored!.value.ideas[19]!);
    expect((await repos.cycles.newIdeas(tenantId, TEAM, 3)).map((i) => i.id)).toEqual(['idea-18', 'idea-17', 'idea-16']);
    expect((await repos.cycles.getPoint(tenantId, TEAM, 'p1'))?.value.ideas).toHaveLength(20);
  });

  it('changes a trial with its etag and refuses a stale version', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    const point = newPoint(tenantId, 'p2');
    await repos.cycles.createPoint(point);
    const created = await repos.cycles.createTrial(startTrial(point, { id: 'tr1', actorId: LEAD }, now));
    const plan = { hypothesis: '', what: 'A', who: [], where: '', startDate: '', endDate: '', data: '', collection: '' };
    await repos.cycles.replaceTrial(ok(savePlan(created.value, plan, { members: [] }, now)), created.etag);
    await expect(repos.cycles.replaceTrial(ok(savePlan(created.value, { ...plan, what: 'B' }, { members: [] }, now)), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await repos.cycles.getTrial(tenantId, TEAM, 'tr1'))?.value.plan?.what).toBe('A');
    await expect(repos.cycles.createTrial(created.value)).rejects.toThrow();
  });

  it('reads the running trials, the newest finished (a bounded page, then the next) and a point’s trials; not another tilbud’s or tenant’s', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    const point = newPoint(tenantId, 'p3');
    await repos.cycles.createPoint(point);
    for (let i = 0; i < 7; i++) await repos.cycles.createTrial(finishedTrial(point, `done-${i}`, new Date(now.getTime() + i * 60_000)));
    await repos.cycles.createTrial(startTrial(point, { id: 'run-1', actorId: LEAD }, now));
    await repos.cycles.createTrial(startTrial(point, { id: 'run-2', actorId: LEAD }, new Date(now.getTime() + 1)));
    // Elsewhere: another tilbud, another tenant.
    const other = newPoint(tenantId, 'p-other', now, '19:other@thread.tacv2');
    await repos.cycles.createPoint(other);
    await repos.cycles.createTrial(startTrial(other, { id: 'run-other', actorId: LEAD }, now));
    await repos.cycles.createPoint(newPoint(`${tenantId}-x`, 'p3'));

    expect((await repos.cycles.running(tenantId, TEAM)).map((t) => t.id)).toEqual(['run-1', 'run-2']);
    const first = await repos.cycles.finished(tenantId, TEAM, 3);
    expect(first.map((t) => t.id)).toEqual(['done-6', 'done-5', 'done-4']);
    const second = await repos.cycles.finished(tenantId, TEAM, 3, first.at(-1)!.finishedAt);
    expect(second.map((t) => t.id)).toEqual(['done-3', 'done-2', 'done-1']);
    expect((await repos.cycles.trialsOf(tenantId, TEAM, 'p3', 4)).length).toBe(4);
    expect((await repos.cycles.listPoints(tenantId, TEAM)).map((p) => p.id)).toEqual(['p3']);
    expect(await repos.cycles.getTrial(tenantId, TEAM, 'run-other')).toBeUndefined();
    expect(await repos.cycles.getPoint(`${tenantId}-y`, TEAM, 'p3')).toBeUndefined();
  });
});
