/** Loading a plan for an actor: membership of the owning team first, then the plan. */
import type { Institution, Plan } from '../domain/model.js';
import type { Versioned } from '../store/repositories.js';
import { hasApplied, touchPlan, type Outcome } from '../domain/plan.js';
import { retainPlan } from '../domain/plan-retention.js';
import { requireMember } from './access.js';
import type { Call } from './context.js';
import { ContentionError, InputError, NotFoundError } from './errors.js';
import { retryOnConflict } from '../store/retry.js';

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

/**
 * Applies a pure change to the plan with optimistic concurrency: on an etag conflict the
 * plan is reloaded and the change re-applied to the newest version (never last-writer-wins),
 * with jittered backoff until it lands or the write budget runs out (ContentionError).
 * `change` may throw (a StaleError or a conflict error) when re-applying is impossible. A
 * submission that was already applied is a no-op, on the first version or any newer one.
 */
export async function updatePlan(
  call: Call,
  loaded: LoadedPlan,
  submissionId: string,
  change: (plan: Plan) => Outcome<Plan>,
): Promise<{ plan: Versioned<Plan>; applied: boolean }> {
  const { tenantId, teamId, id } = loaded.plan.value;
  try {
    const { result, attempts } = await retryOnConflict<Versioned<Plan>, Plan, { plan: Versioned<Plan>; applied: boolean }>(
      {
        initial: loaded.plan,
        load: async () => {
          const reloaded = await call.deps.repos.plans.get(tenantId, teamId, id);
          if (!reloaded) throw new NotFoundError('citizen');
          return reloaded;
        },
        change: (current) => {
          if (hasApplied(current.value, submissionId)) return { done: { plan: current, applied: false } };
          const outcome = change(current.value);
          if (!outcome.ok) throw new InputError(outcome.errors);
          return { save: touchPlan(outcome.value, call.actor.aadObjectId, call.now, submissionId) };
        },
        save: async (next, current) => {
          // What the plan no longer needs moves to the archive first (a copy in both beats one in neither).
          const { plan: kept, archived } = retainPlan(next, call.now);
          await call.deps.repos.archive.append(kept, archived, call.now.toISOString());
          return { plan: await call.deps.repos.plans.replace(kept, current.etag, current.value), applied: true };
        },
      },
      call.deps.writeRetry,
    );
    if (attempts > 1) call.deps.logger.debug({ attempts }, 'plan write re-applied after conflicts');
    return result;
  } catch (error) {
    if (error instanceof ContentionError) call.deps.logger.warn({ attempts: error.attempts, elapsedMs: Math.round(error.elapsedMs) }, 'plan write gave up under contention');
    throw error;
  }
}
