/**
 * A tilbud's ledere (managers): who gets the escalations and the weekly digest, and who may
 * change the list. Pure.
 *
 * - The list is a setting of the tilbud (`settings.managers`), set in the team's channel with
 *   `@Refleks ledere @navn …`. Only members of the team count: someone who left the team stops
 *   getting the managers' cards without anyone editing the list.
 * - Who may change it: a current manager; when the tilbud has none (none set, or all have left
 *   the team), any member of the team (the first setup, or taking over after the managers left).
 */
import type { Institution } from './model.js';

/** At most this many managers per tilbud. */
export const MAX_MANAGERS = 20;

/** The tilbud's managers who are still members of its team, in the order they were set. */
export function managersOf(institution: Pick<Institution, 'members' | 'settings'> | undefined): string[] {
  if (!institution) return [];
  const members = new Set(institution.members.map((m) => m.aadObjectId));
  return [...new Set(institution.settings.managers ?? [])].filter((id) => members.has(id));
}

export type ManagersChange =
  | { ok: true; managers: string[] }
  | { ok: false; reason: 'notAllowed' | 'notMembers' | 'tooMany'; notMembers?: string[] };

/** Checks a new list of managers set by `actorId` (the list replaces the old one; empty clears it). */
export function changeManagers(institution: Pick<Institution, 'members' | 'settings'>, actorId: string, wanted: readonly string[]): ManagersChange {
  const current = managersOf(institution);
  if (current.length > 0 && !current.includes(actorId)) return { ok: false, reason: 'notAllowed' };
  const members = new Set(institution.members.map((m) => m.aadObjectId));
  const unique = [...new Set(wanted)];
  const notMembers = unique.filter((id) => !members.has(id));
  if (notMembers.length > 0) return { ok: false, reason: 'notMembers', notMembers };
  if (unique.length > MAX_MANAGERS) return { ok: false, reason: 'tooMany' };
  return { ok: true, managers: unique };
}
