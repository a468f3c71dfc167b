/**
 * "Registrér status" on the plan card: the status til myndighed and statusmøde dates. Only
 * members of the tilbud that owns the citizen (loadPlan); the write goes through the plan
 * repository, so the reminder entries follow the new due dates (the old statusReport
 * reminders stop, new ones are planned). A repeated delivery of the same submission is a
 * no-op; a registration someone else made after the card was drawn is a conflict, unless it
 * holds the same dates.
 */
import type { Plan } from '../domain/model.js';
import { holdsStatus, recordStatus, validateStatus, type StatusInput } from '../domain/plan.js';
import type { Versioned } from '../store/repositories.js';
import type { Call } from './context.js';
import { InputError, StatusConflictError } from './errors.js';
import { loadPlan, updatePlan } from './plan-access.js';

export interface RecordStatusInput extends StatusInput {
  teamId: string;
  citizenId: string;
  /** The registration the card was drawn from: its recordedAt ('' when none). */
  baseStatus: string;
  submissionId: string;
}

/** The registration a plan holds now, as a card carries it. */
export function statusBase(plan: Plan): string {
  return plan.statusReport?.recordedAt ?? '';
}

export async function recordCitizenStatus(call: Call, input: RecordStatusInput): Promise<{ plan: Versioned<Plan>; applied: boolean }> {
  const loaded = await loadPlan(call, input.teamId, input.citizenId, 'status.record');
  const errors = validateStatus(loaded.plan.value, input, call.now);
  if (Object.keys(errors).length > 0) throw new InputError(errors);
  return updatePlan(call, loaded, input.submissionId, (current) => {
    if (statusBase(current) !== input.baseStatus && !holdsStatus(current, input)) throw new StatusConflictError(current);
    return recordStatus(current, input, call.actor.aadObjectId, call.now);
  });
}
