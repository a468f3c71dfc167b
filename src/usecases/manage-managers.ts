/**
 * The tilbud's ledere (`@Refleks ledere @navn …` in the team's channel; `@Refleks ledere`
 * shows them). They get the escalation of a deadline a week overdue and the weekly digest
 * (Monday 08:00), which is planned here when the first managers are set and dropped when the
 * list is cleared. Rules in domain/managers.ts.
 */
import { changeManagers, managersOf, type ManagersChange } from '../domain/managers.js';
import { plannedDigest } from '../domain/digest.js';
import type { Institution } from '../domain/model.js';
import { AlreadyExistsError, ConcurrencyError } from '../store/ports.js';
import { ContentionError } from '../store/retry.js';
import type { Versioned } from '../store/repositories.js';
import { audit, requireMember } from './access.js';
import type { Call } from './context.js';

export interface ManagersView {
  institutionName: string;
  managers: Array<{ aadObjectId: string; name: string }>;
}

function viewOf(institution: Institution): ManagersView {
  const names = new Map(institution.members.map((m) => [m.aadObjectId, m.name]));
  return { institutionName: institution.name, managers: managersOf(institution).map((id) => ({ aadObjectId: id, name: names.get(id) ?? '' })) };
}

export async function showManagers(call: Call, teamId: string): Promise<ManagersView> {
  const institution = await requireMember(call, teamId, { action: 'managers.show', resourceType: 'institution', resourceId: teamId });
  return viewOf(institution.value);
}

export type SetManagersResult = { ok: true; view: ManagersView; changed: boolean } | (Extract<ManagersChange, { ok: false }> & { view: ManagersView });

const ATTEMPTS = 5;

/** Replaces the managers with `wanted` (AAD object ids of team members); an empty list clears them. */
export async function setManagers(call: Call, teamId: string, wanted: string[]): Promise<SetManagersResult> {
  const { deps, now, actor } = call;
  let institution: Versioned<Institution> = await requireMember(call, teamId, { action: 'managers.set', resourceType: 'institution', resourceId: teamId });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const change = changeManagers(institution.value, actor.aadObjectId, wanted);
    if (!change.ok) {
      await audit(call, { action: 'managers.set', teamId, resourceType: 'institution', resourceId: teamId, outcome: 'denied', reason: change.reason });
      return { ...change, view: viewOf(institution.value) };
    }
    const stored = institution.value.settings.managers ?? [];
    const changed = stored.length !== change.managers.length || stored.some((id, i) => id !== change.managers[i]);
    try {
      if (changed) {
        institution = await deps.repos.institutions.replace(
          { ...institution.value, settings: { ...institution.value.settings, managers: change.managers }, updatedAt: now.toISOString() },
          institution.etag,
        );
      }
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const fresh = await deps.repos.institutions.get(actor.tenantId, teamId, { fresh: true });
      if (!fresh) throw error;
      institution = fresh;
      continue;
    }
    await planDigest(call, teamId, change.managers.length > 0);
    deps.logger.info({ tenantId: actor.tenantId, teamId, managers: change.managers.length, changed }, 'managers set');
    return { ok: true, view: viewOf(institution.value), changed };
  }
  throw new ContentionError(ATTEMPTS, 0);
}

/** The weekly digest: planned for the next Monday while the tilbud has managers, gone when it has none. */
async function planDigest(call: Call, teamId: string, wanted: boolean): Promise<void> {
  const { deps, now, actor } = call;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await deps.repos.reminders.getDigest(actor.tenantId, teamId);
    try {
      if (wanted && !found) await deps.repos.reminders.putDigest(plannedDigest(actor.tenantId, teamId, now));
      if (!wanted && found) await deps.repos.reminders.removeDigest(found.value, found.etag);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError || error instanceof AlreadyExistsError)) throw error;
    }
  }
}
