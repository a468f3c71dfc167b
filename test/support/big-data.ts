/**
 * Big tilbud and plans for the card-size tests and the plan-card benchmark, made by the same
 * domain functions the use cases call (goals through addGoal, evaluations through
 * applyEvaluation, and retention as every plan write applies it), so the bot finds what it
 * would have written itself after years of use.
 */
import { createDefaultSettings } from '../../src/domain/defaults.js';
import { applyEvaluation, computeEvidence, periodStart } from '../../src/domain/evaluation.js';
import type { Institution, Plan } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose, todayInZone, type Outcome } from '../../src/domain/plan.js';
import { retainPlan, type ArchivedItems } from '../../src/domain/plan-retention.js';
import type { Repositories } from '../../src/store/repositories.js';

const DAY = 86_400_000;

function must<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`big data: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

/** The goals' texts (after the alias), goal 1 first. */
export const GOAL_TEXTS = [
  'laver selv aftensmad to gange om ugen med guidning ved komfuret',
  'tager selv bussen til værkstedet hver mandag og onsdag',
  'ringer selv til sin søster én gang om ugen',
  'rydder selv op på sit værelse hver fredag formiddag',
  'handler selv ind i Netto med en indkøbsliste hver torsdag',
  'tager selv sin morgenmedicin ved morgenmaden hver dag',
  'deltager i husmødet hver anden tirsdag og siger sin mening',
  'går en tur på 20 minutter tre gange om ugen',
  'vasker selv sit tøj hver søndag med en billedguide',
  'betaler selv sine regninger den første i måneden med støtte',
];
const SUB_TEXTS = [
  'skriver selv indkøbslisten om søndagen',
  'finder selv opskriften frem i billedbogen',
  'tænder selv for komfuret og sætter vand over',
  'skræller selv kartoflerne til aftensmaden',
  'dækker selv bord til fire personer',
];

export interface BigPlanSpec {
  tenantId: string;
  teamId: string;
  citizenId: string;
  alias: string;
  goals: number;
  subGoalsPerGoal: number;
  /** Years of evaluations: every goal and delmål is evaluated (fortsæt) once a quarter. */
  years: number;
  now: Date;
  /** Goal owners (team members), used in turn. */
  owners: readonly string[];
  /** Apply retention after each evaluation, as every plan write does (default); off: a plan from before retention, every evaluation in it. */
  retain?: boolean;
}

/**
 * A plan of `goals` goals with `subGoalsPerGoal` delmål each, created `years` years before
 * `now`, every goal and delmål evaluated every quarter since (fortsæt, a new revisionsdato, a
 * GAS score). Retention runs after each evaluation as on every plan write: the plan keeps each
 * goal's latest three evaluations and the rest is in `archived`.
 */
export function buildBigPlan(spec: BigPlanSpec): { plan: Plan; archived: ArchivedItems } {
  const start = new Date(spec.now.getTime() - spec.years * 365 * DAY);
  const owner = (i: number) => spec.owners[i % spec.owners.length]!;
  let plan = must(createPlan({ id: spec.citizenId, tenantId: spec.tenantId, teamId: spec.teamId, alias: spec.alias, targetGroup: 'adult', contactPersons: [owner(0)], actorId: owner(0) }, start));
  plan = must(recordPurpose(plan, { id: `p-${spec.citizenId}`, text: `${spec.alias} skal blive mere selvhjulpen i hverdagen, så ${spec.alias} kan flytte i egen bolig med bostøtte.`, receivedOn: todayInZone(start) }, owner(0), start));
  const quarter = 91 * DAY;
  const firstRevision = todayInZone(new Date(start.getTime() + quarter));
  const end = todayInZone(new Date(spec.now.getTime() + 365 * DAY));
  const ids: string[] = [];
  for (let g = 0; g < spec.goals; g++) {
    const goalId = `g${g + 1}`;
    plan = must(
      addGoal(
        plan,
        { id: goalId, themeId: `th${(g % 8) + 1}`, text: `${spec.alias} ${GOAL_TEXTS[g % GOAL_TEXTS.length]!}`, ownerId: owner(g), revisionDate: firstRevision, endDate: end, indicator: 'Antal gange om ugen', smorteCodes: g % 3 === 0 ? ['M.noMeasure'] : [] },
        owner(g),
        start,
      ),
    );
    ids.push(goalId);
    for (let s = 0; s < spec.subGoalsPerGoal; s++) {
      const subId = `g${g + 1}s${s + 1}`;
      plan = must(addGoal(plan, { id: subId, parentId: goalId, themeId: `th${(g % 8) + 1}`, text: `${spec.alias} ${SUB_TEXTS[s % SUB_TEXTS.length]!} (${g + 1}.${s + 1})`, ownerId: owner(g + s + 1), revisionDate: firstRevision, endDate: end, smorteCodes: [] }, owner(g), start));
      ids.push(subId);
    }
  }
  const archived: ArchivedItems = { goals: [], evaluations: [], goalHistory: [], purposeRevisions: [] };
  const quarters = Math.floor((spec.now.getTime() - start.getTime()) / quarter);
  for (let q = 1; q <= quarters; q++) {
    const when = new Date(start.getTime() + q * quarter - DAY);
    const next = todayInZone(new Date(when.getTime() + quarter));
    for (const [i, goalId] of ids.entries()) {
      const goal = plan.goals.find((x) => x.id === goalId)!;
      const at = new Date(when.getTime() + i * 60_000);
      const evidence = computeEvidence(plan, goalId, [], periodStart(goal, plan.evaluations), at);
      plan = must(
        applyEvaluation(plan, { id: `ev-${goalId}-${q}`, goalId, assessment: q % 2 ? 'partlyAchieved' : 'maintained', whatWorked: 'Faste rutiner og guidning virkede.', decision: 'continue', newRevisionDate: next, gas: String((q + i) % 3 - 1) }, evidence, owner(i), at),
      );
      if (spec.retain === false) continue;
      const kept = retainPlan(plan, at);
      plan = kept.plan;
      archived.goals.push(...kept.archived.goals);
      archived.evaluations.push(...kept.archived.evaluations);
      archived.goalHistory.push(...kept.archived.goalHistory);
      archived.purposeRevisions.push(...kept.archived.purposeRevisions);
    }
  }
  return { plan, archived };
}

/** A tilbud with these members, as `opsæt` registers it (for card tests that do not go through Teams). */
export function bigInstitution(tenantId: string, teamId: string, members: ReadonlyArray<{ aadObjectId: string; name: string }>, now: Date): Institution {
  return {
    tenantId,
    teamId,
    name: 'Bostedet Solsikken',
    demo: false,
    members: members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name, role: 'member' as const })),
    membersRefreshedAt: now.toISOString(),
    settings: createDefaultSettings(),
    createdAt: now.toISOString(),
    createdBy: members[0]!.aadObjectId,
    updatedAt: now.toISOString(),
  };
}

/** Two letters and a number: "KL 017", unique per index. */
export function bigAlias(i: number): string {
  const letters = 'ABDEFGHJKLMNOPRSTUV';
  return `${letters[i % letters.length]}${letters[Math.floor(i / letters.length) % letters.length]} ${String(i + 1).padStart(3, '0')}`;
}

/**
 * `count` citizens in the tilbud, written through the plan repository (which keeps the
 * citizen index current). `contactOf(i)` is each one's kontaktperson; `ownerOf(i)`, when it
 * gives someone, owns the citizen's one active goal.
 */
export async function createManyCitizens(
  repos: Repositories,
  spec: { tenantId: string; teamId: string; count: number; now: Date; contactOf: (i: number) => string; ownerOf?: (i: number) => string | undefined },
): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (let i = 0; i < spec.count; i++) {
    const contact = spec.contactOf(i);
    let plan = must(createPlan({ id: `big-${String(i).padStart(4, '0')}`, tenantId: spec.tenantId, teamId: spec.teamId, alias: bigAlias(i), targetGroup: i % 5 === 0 ? 'child' : 'adult', contactPersons: [contact], actorId: contact }, spec.now));
    const owner = spec.ownerOf?.(i);
    if (owner) {
      plan = must(addGoal(plan, { id: `big-goal-${i}`, themeId: 'th1', text: `${plan.alias} laver selv morgenmad hver dag`, ownerId: owner, revisionDate: todayInZone(new Date(spec.now.getTime() + 90 * DAY)) }, contact, spec.now));
    }
    await repos.plans.create(plan);
    plans.push(plan);
  }
  return plans;
}
