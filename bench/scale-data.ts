/**
 * A tilbud as it looks after years of use, written straight into a store: 200 citizens with a
 * formål, two goals and five delmål each, one delmålsdagbog entry per citizen per day, an
 * evaluation of every delmål every four months, and an audit event per entry. Plans, archives
 * and diary summaries are made by the same domain functions the use cases call, so the bot
 * finds exactly what it would have written itself.
 */
import { randomUUID } from 'node:crypto';
import { createDefaultSettings } from '../src/domain/defaults.js';
import { emptySummary, entryRequests, evidenceRequests, planCardRequests, staleStats, statsFromEntries, withRebuiltStats } from '../src/domain/diary-summary.js';
import { applyEvaluation, computeEvidence, periodStart } from '../src/domain/evaluation.js';
import type { AuditEvent, Plan, SubGoalDiaryEntry } from '../src/domain/model.js';
import { addGoal, createPlan, recordPurpose, todayInZone, type Outcome } from '../src/domain/plan.js';
import { retainPlan } from '../src/domain/plan-retention.js';
import type { DocumentStore } from '../src/store/ports.js';
import { createRepositories } from '../src/store/repositories.js';
import { TEAM_ID, USERS } from '../test/support/e2e.js';

/** The benchmark's clock and size: the tilbud of the issue. */
export const SCALE_NOW = new Date('2026-11-30T10:00:00Z');
export const CITIZENS = 200;

export interface ScaleSpec {
  citizens: number;
  /** Days of history (one entry per citizen per day). */
  days: number;
  now: Date;
}

export interface BuiltTilbud {
  citizens: Array<{ citizenId: string; goalIds: string[]; subGoalIds: string[] }>;
  entries: number;
  documents: number;
}

const DAY = 86_400_000;
const STAFF = 20;
const NOTES = [
  'Smurte selv madpakke med lidt guidning ved køleskabet.',
  'Kom selv op, da vækkeuret ringede, og spiste morgenmad i fællesrummet.',
  'Skrev indkøbsliste sammen med kontaktpersonen og huskede selv mælk.',
  'Var urolig efter telefonopkald; fandt selv ro ved at gå en tur.',
  'Handlede ind i Netto med støtte ved kassen; betalte selv.',
];

function must<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`scale data: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

/** A small deterministic random source: the same tilbud every run. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

export async function buildTilbud(store: DocumentStore, spec: ScaleSpec): Promise<BuiltTilbud> {
  const repos = createRepositories(store);
  const tenantId = USERS.anna.tenantId;
  const teamId = TEAM_ID;
  const start = new Date(spec.now.getTime() - spec.days * DAY);
  const at = start.toISOString();
  const staff = [USERS.anna, USERS.bo, ...Array.from({ length: STAFF - 2 }, (_, i) => ({ id: `29:staff-${i}`, aadObjectId: `aad-staff-${i}`, name: `Medarbejder ${i + 3}` }))];
  await repos.institutions.create({
    tenantId,
    teamId,
    name: 'Bostedet Solsikken',
    demo: false,
    members: staff.map((m) => ({ aadObjectId: m.aadObjectId, teamsUserId: m.id, name: m.name, role: 'member' as const })),
    membersRefreshedAt: spec.now.toISOString(),
    settings: createDefaultSettings(),
    createdAt: at,
    createdBy: USERS.anna.aadObjectId,
    updatedAt: at,
  });
  for (const m of staff) await repos.users.putMembership({ tenantId, aadObjectId: m.aadObjectId, teamId, teamName: 'Bostedet Solsikken', updatedAt: at });

  const rnd = random(2026);
  const built: BuiltTilbud = { citizens: [], entries: 0, documents: 0 };
  for (let c = 0; c < spec.citizens; c++) {
    const citizenId = `cit-${String(c).padStart(4, '0')}`;
    const owner = staff[c % staff.length]!.aadObjectId;
    let plan: Plan = must(createPlan({ id: citizenId, tenantId, teamId, alias: `B${String(c).padStart(3, '0')}`, targetGroup: c % 7 === 0 ? 'child' : 'adult', contactPersons: [owner], actorId: owner }, start));
    plan = must(recordPurpose(plan, { id: `p-${citizenId}`, text: 'Borgeren skal blive mere selvhjulpen i hverdagen og kunne bo i egen bolig med bostøtte.', receivedOn: todayInZone(start) }, owner, start));
    const revision = todayInZone(new Date(start.getTime() + 120 * DAY));
    const end = todayInZone(new Date(start.getTime() + 365 * DAY));
    const goalIds = [`g1-${citizenId}`, `g2-${citizenId}`];
    const subGoalIds = [1, 2, 3, 4, 5].map((i) => `s${i}-${citizenId}`);
    for (const [i, id] of goalIds.entries()) {
      plan = must(addGoal(plan, { id, themeId: `th${i + 1}`, text: i === 0 ? 'Laver selv aftensmad to gange om ugen' : 'Ringer selv til sin familie én gang om ugen', ownerId: owner, revisionDate: revision, endDate: end, indicator: 'Støttebehov 0–4' }, owner, start));
    }
    for (const [i, id] of subGoalIds.entries()) {
      plan = must(addGoal(plan, { id, parentId: goalIds[i < 3 ? 0 : 1]!, themeId: 'th1', text: `Delmål ${i + 1}: gør selv en del af opgaven med guidning`, ownerId: owner, revisionDate: revision, endDate: end }, owner, start));
    }
    const entries: SubGoalDiaryEntry[] = [];
    const audit: AuditEvent[] = [];
    for (let d = 0; d < spec.days; d++) {
      const when = new Date(start.getTime() + d * DAY + (7 + Math.floor(rnd() * 12)) * 3_600_000);
      const goalId = subGoalIds[d % subGoalIds.length]!;
      const trend = 3 - (2 * d) / Math.max(1, spec.days);
      const score = rnd() < 0.08 ? null : Math.max(0, Math.min(4, Math.round(trend + (rnd() - 0.5) * 1.5)));
      const iso = when.toISOString();
      const entryId = randomUUID();
      entries.push({ kind: 'subGoal', id: entryId, tenantId, teamId, citizenId, goalId, score, note: NOTES[d % NOTES.length]!, occurredAt: iso, recordedAt: iso, recordedBy: owner, submissionId: randomUUID() });
      audit.push({ id: randomUUID(), tenantId, at: iso, actor: owner, action: 'diary.log', teamId, resourceType: 'citizen', resourceId: citizenId, outcome: 'allowed' });
      // Every four months each delmål is evaluated (fortsæt, new revisionsdato), as staff do.
      if (d > 0 && d % 120 === 0) {
        const now = new Date(when.getTime() + 3_600_000);
        for (const id of subGoalIds) {
          const goal = plan.goals.find((g) => g.id === id)!;
          const evidence = computeEvidence(plan, id, entries, periodStart(goal, plan.evaluations), now);
          const next = must(applyEvaluation(plan, { id: `ev-${id}-${d}`, goalId: id, assessment: 'partlyAchieved', whatWorked: 'Guidning og faste rutiner virkede.', decision: 'continue', newRevisionDate: todayInZone(new Date(now.getTime() + 120 * DAY)), gas: String(Math.floor(rnd() * 3) - 1) }, evidence, owner, now));
          const { plan: kept, archived } = retainPlan(next, now);
          await repos.archive.append(kept, archived, now.toISOString());
          plan = kept;
        }
      }
    }
    // The summary the bot keeps, made from scratch from the entries.
    const requests = [...planCardRequests(plan), ...subGoalIds.flatMap((id) => entryRequests(plan, id)), ...goalIds.flatMap((id) => evidenceRequests(plan, id))];
    const needs = staleStats(undefined, plan, requests);
    const summary = withRebuiltStats(
      emptySummary(plan, spec.now.toISOString()),
      plan,
      needs.map((need) => {
        const mine = entries.filter((e) => e.goalId === need.goalId && e.occurredAt >= need.from);
        return { need, stats: statsFromEntries(need.from, mine), entryIds: mine.map((e) => e.id) };
      }),
    );
    await repos.plans.create(plan);
    await repos.summaries.create(summary);
    for (let i = 0; i < entries.length; i += 2000) await repos.diary.addMany(entries.slice(i, i + 2000));
    // Audit events as the bot stores them: in batches (one document per tilbud and month per batch).
    for (const event of audit) await repos.audit.record(event);
    await repos.audit.flush();
    built.citizens.push({ citizenId, goalIds, subGoalIds });
    built.entries += entries.length;
    built.documents += entries.length + Math.ceil(audit.length / 100) + 2;
  }
  return built;
}
