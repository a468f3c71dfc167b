/** Loading a plan for an actor: membership of the owning team first, then the plan. */
import type { Institution, Plan } from '../domain/model.js';
import { ConcurrencyError } from '../store/ports.js';
import type { Versioned } from '../store/repositories.js';
import { hasApplied, touchPlan, type Outcome } from '../domain/plan.js';
import { retainPlan } from '../domain/plan-retention.js';
import { requireMember } from './access.js';
import type { Call } from './context.js';
import { InputError, NotFoundError } from './errors.js';

export interface LoadedPlan {
  institution: Versioned<Institution>;
  plan: Versioned<Plan>;
}

/**
 * Loads a plan after the access check (both run at once; the plan is only returned when
 * access is granted). `maxAgeMs` lets a read-only validation use a copy seen that recently.
 */
export async function loadPlan(call: Call, teamId: string, citizenId: string, action: string, options: { maxAgeMs?: number } = {}): Promise<LoadedPlan> {
  const [institution, plan] = await Promise.all([
    requireMember(call, teamId, { action, resourceType: 'citizen', resourceId: citizenId }),
    call.deps.repos.plans.get(call.actor.tenantId, teamId, citizenId, options),
  ]);
  if (!plan) throw new NotFoundError('citizen');
  return { institution, plan };
}

const MAX_ATTEMPTS = 5;

/**
 * Applies a pure change to the plan with optimistic concurrency: on an etag conflict the
 * plan is reloaded and the change re-applied to the newest version (never last-writer-wins).
 * `change` may throw a StaleError when re-applying is impossible. A submission that was
 * already applied is a no-op.
 */
export async function updatePlan(
  call: Call,
  loaded: LoadedPlan,
  submissionId: string,
  change: (plan: Plan) => Outcome<Plan>,
): Promise<{ plan: Versioned<Plan>; applied: boolean }> {
  let current = loaded.plan;
  for (let attempt = 1; ; attempt++) {
    if (hasApplied(current.value, submissionId)) return { plan: current, applied: false };
    const outcome = change(current.value);
    if (!outcome.ok) throw new InputError(outcome.errors);
    // What the plan no longer needs moves to the archive first (a copy in both beats one in neither).
    const { plan: next, archived } = retainPlan(touchPlan(outcome.value, call.actor.aadObjectId, call.now, submissionId), call.now);
    try {
      await call.deps.repos.archive.append(next, archived, call.now.toISOString());
      const saved = await call.deps.repos.plans.replace(next, current.etag, current.value);
      return { plan: saved, applied: true };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      const reloaded = await call.deps.repos.plans.get(current.value.tenantId, current.value.teamId, current.value.id);
      if (!reloaded) throw new NotFoundError('citizen');
      current = reloaded;
    }
  }
}
