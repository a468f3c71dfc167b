/** Logging a delmålsdagbog or beboerdagbog entry. Idempotent on the card's submission id. */
import { createResidentEntry, createSubGoalEntry } from '../domain/diary.js';
import type { DiaryEntry, Plan } from '../domain/model.js';
import { deriveId, type Call } from './context.js';
import { InputError } from './errors.js';
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

export interface LoggedEntry {
  entry: DiaryEntry;
  created: boolean;
  plan: Plan;
}

export async function logDiaryEntry(call: Call, command: DiaryCommand): Promise<LoggedEntry> {
  const { actor, now, deps } = call;
  const { institution, plan } = await loadPlan(call, command.teamId, command.citizenId, 'diary.log');
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
  const { entry, created } = await deps.repos.diary.add(outcome.value);
  return { entry, created, plan: plan.value };
}
