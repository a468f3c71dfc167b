/** Logging a delmålsdagbog or beboerdagbog entry. Idempotent on the card's submission id. */
import { createResidentEntry, createSubGoalEntry } from '../domain/diary.js';
import type { DiaryEntry, Institution, Plan } from '../domain/model.js';
import { deriveId, type Call } from './context.js';
import { InputError } from './errors.js';
import { countEntry } from './diary-summary.js';
import { loadPlan } from './plan-access.js';

interface DiaryTarget {
  teamId: string;
  citizenId: string;
  note: string;
  submissionId: string;
}

export interface SubGoalDiaryCommand extends DiaryTarget {
  kind: 'subGoal';
  goalId: string;
  score: string;
  intervention?: string;
  externalActors?: string;
}

export interface ResidentDiaryCommand extends DiaryTarget {
  kind: 'resident';
  contextId: string;
  entryTypeId: string;
}

export type DiaryCommand = SubGoalDiaryCommand | ResidentDiaryCommand;

const PLAN_VALIDATION_AGE_MS = 5_000;

export interface LoggedEntry {
  entry: DiaryEntry;
  created: boolean;
  plan: Plan;
  institution: Institution;
}

export async function logDiaryEntry(call: Call, command: DiaryCommand): Promise<LoggedEntry> {
  const { actor, now, deps } = call;
  // The plan is only read to check that the sub-goal exists and is active; a copy this
  // process saw in the last few seconds will do (the entry is a separate document).
  const { institution, plan } = await loadPlan(call, command.teamId, command.citizenId, 'diary.log', { maxAgeMs: PLAN_VALIDATION_AGE_MS });
  const id = deriveId(actor.tenantId, command.teamId, 'diary', command.submissionId);
  const common = {
    id,
    tenantId: actor.tenantId,
    teamId: command.teamId,
    citizenId: command.citizenId,
    note: command.note,
    actorId: actor.aadObjectId,
    submissionId: command.submissionId,
  };
  const outcome =
    command.kind === 'subGoal'
      ? createSubGoalEntry(
          plan.value,
          institution.value.settings,
          {
            ...common,
            goalId: command.goalId,
            score: command.score,
            ...(command.intervention !== undefined ? { intervention: command.intervention } : {}),
            ...(command.externalActors !== undefined ? { externalActors: command.externalActors } : {}),
          },
          now,
        )
      : createResidentEntry(institution.value.settings, { ...common, contextId: command.contextId, entryTypeId: command.entryTypeId }, now);
  if (!outcome.ok) throw new InputError(outcome.errors);
  // The entry and its count in the summary are written at once. Counting is idempotent on the
  // entry id, so a repeated delivery (Teams retry, double click) adds neither twice, and a retry
  // after a failed turn completes whichever of the two is missing.
  // The count starts from the summary this process saw last, without reading it (its etag
  // guards the write; a newer one written elsewhere makes it read and count again).
  const seen = deps.repos.summaries.lastSeen(actor.tenantId, command.teamId, command.citizenId);
  const [{ entry, created }] = await Promise.all([deps.repos.diary.add(outcome.value), countEntry(call, plan.value, outcome.value, seen ? { summary: seen } : undefined)]);
  return { entry, created, plan: plan.value, institution: institution.value };
}
