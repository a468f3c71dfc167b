/**
 * Reads that do not grow with history, over HTTP on both stores: the plan card, the diary's
 * citizen and target pickers, `borgere`, and opening and saving an evaluation read the same
 * number of documents for a young plan and for the same plan after months of daily entries
 * and more citizens. The store is wrapped in a counter (the real store underneath).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { CountingStore, type ReadCounts } from '../support/counting-store.js';
import { cardOf, findAction, invokeCardOf, startHarness, textOf, USERS, type CardJson, type Harness } from '../support/e2e.js';
import { addGoal, createCitizen, type CitizenIds } from '../support/flows.js';
import { factOf } from '../support/goal-flows.js';
import { openStore, type OpenedStore, type StoreKind } from '../support/stores.js';
import { partitionKeys } from '../../src/store/ports.js';

const ANNA = USERS.anna;
const DAY = 86_400_000;

interface Reads {
  planCard: ReadCounts;
  citizens: ReadCounts;
  diaryCitizens: ReadCounts;
  diaryTargets: ReadCounts;
  evaluationOpen: ReadCounts;
  evaluationSave: ReadCounts;
  diarySave: ReadCounts;
}

for (const kind of ['embedded', 'cosmos'] as const satisfies readonly StoreKind[]) {
  describe(`reads that do not grow with history (${kind} store)`, () => {
    let opened: OpenedStore;
    let counting: CountingStore;
    let h: Harness;
    let ids: CitizenIds;
    let goalId: string;
    let subGoals: string[];

    beforeAll(async () => {
      opened = await openStore(kind);
      counting = new CountingStore(opened.store);
      h = await startHarness({ store: counting, now: new Date('2026-01-05T09:00:00Z'), env: { LOG_LEVEL: 'warn' } });
      await h.setupTeam(ANNA);
      ids = await createCitizen(h, ANNA, 'AB');
      await addGoal(h, ANNA, ids, { themeId: 'th1', goalText: 'AB laver selv aftensmad to gange om ugen', ownerId: ANNA.aadObjectId, revisionDate: '2026-12-01', endDate: '2027-06-30' });
      for (const text of ['AB skriver selv indkøbsliste hver søndag', 'AB handler selv ind én gang om ugen', 'AB skræller selv kartofler til aftensmaden']) {
        await addGoal(h, ANNA, ids, { sub: true, goalText: text, ownerId: ANNA.aadObjectId, revisionDate: '2026-12-01', endDate: '2027-06-30' });
      }
      const plan = (await h.app.repos.plans.get(ANNA.tenantId, ids.teamId, ids.citizenId))!.value;
      goalId = plan.goals.find((g) => !g.parentId)!.id;
      subGoals = plan.goals.filter((g) => g.parentId).map((g) => g.id);
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      await opened?.cleanup();
    });

    async function logEntry(subGoalId: string, score: string): Promise<CardJson> {
      return invokeCardOf(
        await h.invoke(ANNA, VERBS.diarySave, { ...ids, target: 'subGoal', goalId: subGoalId, submissionId: `sub-${h.now.value.getTime()}-${subGoalId}`, score, note: 'Klarede det med lidt guidning.', intervention: '', externalActors: '' }),
      );
    }

    /** Runs the action once to warm the caches, then counts a second run. */
    async function reads(action: () => Promise<unknown>): Promise<ReadCounts> {
      await action();
      counting.take();
      await action();
      return counting.take();
    }

    async function measure(evaluate: string): Promise<Reads> {
      const planCard = await reads(() => h.invoke(ANNA, VERBS.planShow, { ...ids }));
      const citizens = await reads(() => h.message(ANNA, 'borgere'));
      const diaryCitizens = await reads(() => h.message(ANNA, 'dagbog'));
      const diaryTargets = await reads(() => h.invoke(ANNA, VERBS.diaryPickCitizen, { ...ids }));
      const evaluationOpen = await reads(() => h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
      // A minute later (a test's clock stands still; a person's does not).
      h.now.value = new Date(h.now.value.getTime() + 60_000);
      counting.take();
      const form = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId: evaluate }));
      counting.take();
      const saved = invokeCardOf(
        await h.invoke(ANNA, VERBS.evalSave, { ...findAction(form, VERBS.evalSave).data, assessment: 'partlyAchieved', whatWorked: '', decision: 'continue', newRevisionDate: '2027-05-01', gas: '' }),
      );
      const evaluationSave = counting.take();
      expect(textOf(saved)).toContain('Evalueringen er skrevet ind i planen.');
      counting.take();
      await logEntry(subGoals[0]!, '2');
      const diarySave = counting.take();
      return { planCard, citizens, diaryCitizens, diaryTargets, evaluationOpen, evaluationSave, diarySave };
    }

    it('reads as much for a plan with months of daily entries and more citizens as for a young one', async () => {
      for (const sub of subGoals) await logEntry(sub, '3');
      const young = await measure(subGoals[1]!);

      // Four months of daily entries on every delmål, a beboerdagbog note a week, and 12 more citizens.
      for (let day = 1; day <= 120; day++) {
        h.now.value = new Date(Date.parse('2026-01-05T09:00:00Z') + day * DAY);
        for (const [i, sub] of subGoals.entries()) await logEntry(sub, String(Math.max(0, 3 - Math.floor((day + i * 10) / 40))));
        if (day % 7 === 0) {
          const targets = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickCitizen, { ...ids }));
          const form = invokeCardOf(await h.invoke(ANNA, VERBS.diaryPickTarget, findAction(targets, VERBS.diaryPickTarget, (a) => a.data['target'] === 'resident').data));
          await h.invoke(ANNA, VERBS.diarySave, { ...findAction(form, VERBS.diarySave).data, contextType: 'sundhed/medicin', note: 'Tog selv sin medicin.' });
        }
      }
      for (let i = 0; i < 12; i++) await createCitizen(h, ANNA, `Stue ${i + 1}`);
      const entries = await h.app.repos.diary.list({ tenantId: ANNA.tenantId, ...ids });
      expect(entries.length).toBeGreaterThan(350);

      const old = await measure(subGoals[2]!);
      for (const key of Object.keys(young) as Array<keyof Reads>) {
        expect(old[key].documents, `${key}: documents read`).toBeLessThanOrEqual(young[key].documents);
        expect(old[key].calls, `${key}: round trips`).toBeLessThanOrEqual(young[key].calls);
      }
      // And few in absolute terms: the tilbud, the plan and the summary.
      expect(old.planCard.documents).toBeLessThanOrEqual(3);
      expect(old.evaluationOpen.documents).toBeLessThanOrEqual(3);
      expect(old.diaryCitizens.documents).toBeLessThanOrEqual(3);

      // The figures are those of all the entries: the goal's evidence counts every entry of its delmål.
      const evaluation = invokeCardOf(await h.invoke(ANNA, VERBS.evalOpen, { ...ids, goalId }));
      const all = await h.app.repos.diary.list({ tenantId: ANNA.tenantId, ...ids });
      const onGoal = all.filter((e) => e.kind === 'subGoal').length;
      expect(textOf(evaluation)).toContain(`Dagbogsnotater\n${onGoal}`);
      const citizens = cardOf((await h.message(ANNA, 'borgere')).replies[0]);
      expect(textOf(citizens)).toContain('Stue 12');
      const plan = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ids }));
      expect(factOf(plan, 'Beboerdagbog')).toMatch(/^17 notater · seneste /);
    }, 300_000);

    it('builds the summary and the citizen index once from the stored data when they are missing (data from before them)', async () => {
      const before = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ids }));
      const pk = partitionKeys.institution(ANNA.tenantId, ids.teamId);
      await opened.store.delete(pk, `summary:${ids.citizenId}`);
      await opened.store.delete(pk, 'citizens');
      const after = invokeCardOf(await h.invoke(ANNA, VERBS.planShow, { ...ids }));
      // The same figures (the rebuilt summary counts the same entries).
      expect(JSON.stringify(after.body)).toEqual(JSON.stringify(before.body));
      expect(await opened.store.read(pk, `summary:${ids.citizenId}`)).toBeDefined();
      const list = cardOf((await h.message(ANNA, 'borgere')).replies[0]);
      expect(textOf(list)).toContain('Stue 12');
      expect(await opened.store.read(pk, 'citizens')).toBeDefined();
      // Once built, the next card reads no history again.
      counting.take();
      await h.invoke(ANNA, VERBS.planShow, { ...ids });
      expect(counting.take().documents).toBeLessThanOrEqual(3);
    }, 120_000);
  });
}
