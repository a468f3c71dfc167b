/**
 * Access: only members of the team that owns a citizen, in the same tenant, can read or
 * write it. Every decision is audit-logged (who, what, when, allowed or denied; no content).
 */
import { cprFree } from '../domain/cpr.js';
import type { Institution, Member } from '../domain/model.js';
import type { Versioned } from '../store/repositories.js';
import { AccessDeniedError } from './errors.js';
import { newId, type Call } from './context.js';

/** The cached roster is refreshed from Teams when a user is missing and it is older than this. */
const ROSTER_REFRESH_MS = 5 * 60 * 1000;

export async function audit(
  call: Call,
  entry: { action: string; teamId?: string; resourceType: string; resourceId?: string; outcome: 'allowed' | 'denied'; reason?: string },
): Promise<void> {
  const { actor, now, deps } = call;
  await deps.repos.audit.record({
    id: newId(),
    tenantId: actor.tenantId,
    at: now.toISOString(),
    actor: actor.aadObjectId,
    ...entry,
  });
  deps.logger.info(
    {
      audit: true,
      tenantId: actor.tenantId,
      actor: actor.aadObjectId,
      action: entry.action,
      teamId: entry.teamId,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      outcome: entry.outcome,
      reason: entry.reason,
    },
    'access',
  );
}

function isMember(institution: Institution, aadObjectId: string): boolean {
  return institution.members.some((m) => m.aadObjectId === aadObjectId);
}

/** Stores a fresh roster on the tilbud and mirrors each member's membership into their own partition. */
export async function saveRoster(
  call: Pick<Call, 'deps' | 'now'>,
  current: Versioned<Institution>,
  members: Member[],
): Promise<Versioned<Institution>> {
  const { deps, now } = call;
  const institution = current.value;
  // Display names come from Teams as they are; a CPR number in one is never stored.
  members = members.map((m) => (m.name === cprFree(m.name) ? m : { ...m, name: cprFree(m.name) }));
  const before = new Set(institution.members.map((m) => m.aadObjectId));
  const after = new Set(members.map((m) => m.aadObjectId));
  let saved: Versioned<Institution>;
  try {
    saved = await deps.repos.institutions.replace(
      { ...institution, members, membersRefreshedAt: now.toISOString(), updatedAt: now.toISOString() },
      current.etag,
    );
  } catch (error) {
    // Someone else refreshed at the same moment: theirs is as fresh as ours.
    const reloaded = await deps.repos.institutions.get(institution.tenantId, institution.teamId, { fresh: true });
    if (!reloaded) throw error;
    saved = reloaded;
  }
  for (const member of members) {
    await deps.repos.users.putMembership({
      tenantId: institution.tenantId,
      aadObjectId: member.aadObjectId,
      teamId: institution.teamId,
      teamName: institution.name,
      updatedAt: now.toISOString(),
    });
  }
  for (const gone of before) {
    if (!after.has(gone)) await deps.repos.users.removeMembership(institution.tenantId, gone, institution.teamId);
  }
  return saved;
}

/**
 * Loads the tilbud and checks that the actor is a member. Refreshes the roster from Teams
 * once when the actor is missing and the cache is older than a few minutes (new staff).
 */
export async function requireMember(
  call: Call,
  teamId: string,
  what: { action: string; resourceType: string; resourceId?: string },
): Promise<Versioned<Institution>> {
  const { actor, now, deps } = call;
  let institution = await deps.repos.institutions.get(actor.tenantId, teamId);
  if (!institution) {
    await audit(call, { ...what, teamId, outcome: 'denied', reason: 'unknown-institution' });
    throw new AccessDeniedError('unknown-institution');
  }
  if (!isMember(institution.value, actor.aadObjectId)) {
    const refreshedAt = institution.value.membersRefreshedAt ? Date.parse(institution.value.membersRefreshedAt) : 0;
    if (now.getTime() - refreshedAt > ROSTER_REFRESH_MS) {
      const members = await deps.roster.getTeamMembers(actor.tenantId, teamId).catch((error: unknown) => {
        deps.logger.warn({ err: error, tenantId: actor.tenantId, teamId }, 'roster refresh failed');
        return undefined;
      });
      if (members) institution = await saveRoster(call, institution, members);
    }
  }
  if (!isMember(institution.value, actor.aadObjectId)) {
    await audit(call, { ...what, teamId, outcome: 'denied', reason: 'not-a-member' });
    throw new AccessDeniedError('not-a-member');
  }
  await audit(call, { ...what, teamId, outcome: 'allowed' });
  return institution;
}

/** The tilbud the actor belongs to (from the memberships mirrored into their partition). */
export async function listMyInstitutions(call: Call): Promise<Institution[]> {
  const { actor, deps } = call;
  const memberships = await deps.repos.users.listMemberships(actor.tenantId, actor.aadObjectId);
  const result: Institution[] = [];
  for (const m of memberships) {
    const found = await deps.repos.institutions.get(actor.tenantId, m.teamId);
    if (found && isMember(found.value, actor.aadObjectId)) result.push(found.value);
  }
  return result.sort((a, b) => a.name.localeCompare(b.name, 'da'));
}
