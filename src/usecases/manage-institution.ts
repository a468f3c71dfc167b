/** Registering a Teams team as a tilbud (`@Refleks opsæt`, or installing the app in a team). */
import { cprFree } from '../domain/cpr.js';
import { createDefaultSettings } from '../domain/defaults.js';
import type { Institution, Member } from '../domain/model.js';
import { AlreadyExistsError } from '../store/ports.js';
import type { Versioned } from '../store/repositories.js';
import { audit, saveRoster } from './access.js';
import type { Call } from './context.js';

export interface RegisterInput {
  teamId: string;
  teamName: string;
  members: Member[];
  demo?: boolean;
}

/** Creates the tilbud if it is new and stores its roster. Safe to repeat. */
export async function registerInstitution(
  call: Call,
  input: RegisterInput,
): Promise<{ institution: Versioned<Institution>; created: boolean }> {
  const { actor, now, deps } = call;
  const at = now.toISOString();
  // A team's name is free text from Teams: a CPR number in it is never stored (nor the name logged).
  const teamName = cprFree(input.teamName) || input.teamId;
  let created = false;
  let current = await deps.repos.institutions.get(actor.tenantId, input.teamId, { fresh: true });
  if (!current) {
    try {
      current = await deps.repos.institutions.create({
        tenantId: actor.tenantId,
        teamId: input.teamId,
        name: teamName,
        demo: input.demo ?? false,
        members: [],
        settings: createDefaultSettings(),
        createdAt: at,
        createdBy: actor.aadObjectId,
        updatedAt: at,
      });
      created = true;
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      current = await deps.repos.institutions.get(actor.tenantId, input.teamId, { fresh: true });
      if (!current) throw error;
    }
  }
  // A renamed team renames its tilbud; the demo tilbud keeps its name, which says it is a demo.
  if (input.teamName && current.value.name !== teamName && !current.value.demo) {
    current = { ...current, value: { ...current.value, name: teamName } };
  }
  const institution = await saveRoster(call, current, input.members);
  await audit(call, {
    action: created ? 'institution.create' : 'institution.refresh',
    teamId: input.teamId,
    resourceType: 'institution',
    resourceId: input.teamId,
    outcome: 'allowed',
  });
  return { institution, created };
}

/** Keeps the cached roster current when Teams reports members added or removed. */
export async function updateRoster(call: Call, teamId: string, members: Member[]): Promise<void> {
  const current = await call.deps.repos.institutions.get(call.actor.tenantId, teamId);
  if (!current) return;
  await saveRoster(call, current, members);
}
