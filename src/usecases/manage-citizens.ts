/** Citizens: create (`ny borger`), list mine (`borgere`), find by alias, record the formål. */
import type { CitizenIndexEntry, Institution, Plan, RepresentativeRole, TargetGroup } from '../domain/model.js';
import { createPlan, recordPurpose, validatePurpose } from '../domain/plan.js';
import { matchAliasKey, matchAliases, toAliasKey } from '../domain/text.js';
import { AlreadyExistsError } from '../store/ports.js';
import type { Versioned } from '../store/repositories.js';
import { audit, listMyInstitutions, requireMember } from './access.js';
import { deriveId, type Call } from './context.js';
import { InputError, PurposeConflictError } from './errors.js';
import { loadPlan, updatePlan } from './plan-access.js';

export interface CreateCitizenInput {
  teamId: string;
  alias: string;
  targetGroup: TargetGroup;
  representative?: RepresentativeRole;
  /** Kontaktpersoner among the team's members; empty = the creator. */
  contactPersons?: string[];
  submissionId: string;
}

export async function createCitizen(call: Call, input: CreateCitizenInput): Promise<{ plan: Versioned<Plan>; created: boolean }> {
  const { actor, now, deps } = call;
  const institution = await requireMember(call, input.teamId, { action: 'citizen.create', resourceType: 'citizen' });
  const id = deriveId(actor.tenantId, input.teamId, 'citizen', input.submissionId);
  const existingSame = await deps.repos.plans.get(actor.tenantId, input.teamId, id);
  if (existingSame) {
    // A repeated delivery: the plan is there; make sure the lists show it (the first attempt may have stopped short).
    await deps.repos.plans.ensureIndexed(existingSame.value);
    return { plan: existingSame, created: false };
  }
  const outcome = createPlan(
    {
      id,
      tenantId: actor.tenantId,
      teamId: input.teamId,
      alias: input.alias,
      targetGroup: input.targetGroup,
      ...(input.representative ? { representative: input.representative } : {}),
      contactPersons: contactPersonsFor(input.contactPersons ?? [], institution.value.members.map((m) => m.aadObjectId), actor.aadObjectId),
      actorId: actor.aadObjectId,
    },
    now,
    institution.value,
  );
  if (!outcome.ok) throw new InputError(outcome.errors);
  const clash = await deps.repos.plans.findByAlias(actor.tenantId, input.teamId, outcome.value.aliasKey);
  if (clash) {
    throw new InputError({
      alias: {
        da: `Der findes allerede en borger med aliaset "${clash.value.alias}" i dette tilbud. Vælg et andet alias.`,
        en: `A citizen with the alias "${clash.value.alias}" already exists in this tilbud. Choose another alias.`,
      },
    });
  }
  try {
    const plan = await deps.repos.plans.create(outcome.value);
    return { plan, created: true };
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const plan = await deps.repos.plans.get(actor.tenantId, input.teamId, id);
    if (!plan) throw error;
    return { plan, created: false };
  }
}

/** Only team members can be kontaktpersoner; with none chosen, the creator is it. */
function contactPersonsFor(chosen: string[], members: string[], creator: string): string[] {
  const valid = chosen.filter((id) => members.includes(id));
  return valid.length > 0 ? valid : [creator];
}

export interface CitizenListItem {
  institution: Institution;
  citizen: CitizenIndexEntry;
  /** The actor's own citizen: kontaktperson, or owner of one of its active goals. */
  mine: boolean;
  /** Mine only because the actor owns a goal. */
  ownerOnly: boolean;
  /** Among the citizens the actor opened last. */
  recent: boolean;
}

function listItem(institution: Institution, citizen: CitizenIndexEntry, actorId: string): CitizenListItem {
  const contact = citizen.contactPersons.includes(actorId);
  const owner = citizen.goalOwners.includes(actorId);
  return { institution, citizen, mine: contact || owner, ownerOnly: owner && !contact, recent: false };
}

/** Mine first, then by alias (Danish order). */
function byMineThenAlias(a: CitizenListItem, b: CitizenListItem): number {
  return Number(b.mine) - Number(a.mine) || a.citizen.alias.localeCompare(b.citizen.alias, 'da');
}

/** Every citizen in the actor's tilbud, from each tilbud's citizen index (one small document each), never the plans. */
async function allMyCitizens(call: Call, action: string): Promise<{ institutions: Institution[]; citizens: CitizenListItem[] }> {
  const { actor, deps } = call;
  const institutions = await listMyInstitutions(call);
  const lists = await Promise.all(institutions.map((institution) => deps.repos.citizens.list(actor.tenantId, institution.teamId)));
  const citizens: CitizenListItem[] = [];
  for (const [i, institution] of institutions.entries()) {
    for (const citizen of lists[i] ?? []) citizens.push(listItem(institution, citizen, actor.aadObjectId));
    if (action) await audit(call, { action, teamId: institution.teamId, resourceType: 'citizen', outcome: 'allowed' });
  }
  return { institutions, citizens };
}

export interface CitizenList {
  institutions: Institution[];
  /** The citizens to show, in order (those that match the search, when there is one). */
  citizens: CitizenListItem[];
  /** All the actor's citizens, before the search. */
  total: number;
}

/**
 * The actor's citizens for a list: their own first (kontaktperson or goal owner), then by alias;
 * with `recentFirst`, the citizens they opened last come before that, newest first. With a
 * `query`, only those whose alias starts with it or has a word that does (an exact alias first).
 * Reads each tilbud's citizen index and, for `recentFirst`, the actor's recent list: a few small
 * documents however many citizens and however much history there is.
 */
export async function listMyCitizens(call: Call, options: { query?: string; recentFirst?: boolean } = {}): Promise<CitizenList> {
  const { actor, deps } = call;
  const [{ institutions, citizens }, recent] = await Promise.all([
    allMyCitizens(call, 'citizen.list'),
    options.recentFirst ? deps.repos.users.recentCitizens(actor.tenantId, actor.aadObjectId) : Promise.resolve([]),
  ]);
  const rank = new Map(recent.map((r, i) => [`${r.teamId}|${r.citizenId}`, i]));
  for (const item of citizens) item.recent = rank.has(`${item.institution.teamId}|${item.citizen.id}`);
  const recentRank = (item: CitizenListItem) => rank.get(`${item.institution.teamId}|${item.citizen.id}`) ?? Number.POSITIVE_INFINITY;
  citizens.sort((a, b) => recentRank(a) - recentRank(b) || byMineThenAlias(a, b));
  const query = toAliasKey(options.query ?? '');
  if (!query) return { institutions, citizens, total: citizens.length };
  const matches = citizens.filter((item) => matchAliasKey(query, item.citizen.aliasKey) !== undefined);
  // The exact alias first; otherwise the list's order.
  matches.sort((a, b) => Number(b.citizen.aliasKey === query) - Number(a.citizen.aliasKey === query));
  return { institutions, citizens: matches, total: citizens.length };
}

/**
 * Remembers that the actor opened this citizen (the diary's picker starts with the latest
 * ones). Never fails the turn: a store error is logged and the card is shown all the same.
 */
export async function rememberOpenedCitizen(call: Call, teamId: string, citizenId: string): Promise<void> {
  const { actor, deps, now } = call;
  try {
    await deps.repos.users.rememberCitizen(actor.tenantId, actor.aadObjectId, { teamId, citizenId }, now.toISOString());
  } catch (error) {
    deps.logger.warn({ err: error }, 'recent citizens not stored');
  }
}

/**
 * Finds citizens by alias among the actor's tilbud (an alias is unique within one tilbud): an
 * exact alias wins; otherwise every alias that starts with the typed text, or has a word that
 * does ("AB" finds "Demo AB"), case-insensitively. Reads each tilbud's citizen index (one small
 * document), never the plans.
 */
export async function findCitizensByAlias(call: Call, alias: string): Promise<CitizenListItem[]> {
  const { citizens } = await allMyCitizens(call, '');
  const byKey = citizens.map((item) => ({ aliasKey: item.citizen.aliasKey, item }));
  const found = matchAliases(alias, byKey).map((m) => m.item);
  found.sort(byMineThenAlias);
  return found;
}

export interface RecordPurposeInput {
  teamId: string;
  citizenId: string;
  text: string;
  receivedOn: string;
  /** The purpose id the card was drawn from ('' when none was recorded). */
  basePurposeId: string;
  submissionId: string;
}

/**
 * Records the formål. It commutes with every change to the goals; only a formål someone else
 * recorded after the card was drawn is a conflict (PurposeConflictError with the plan as it is
 * now, so the answer can show their formål beside the user's kept text).
 */
export async function recordCitizenPurpose(call: Call, input: RecordPurposeInput): Promise<Versioned<Plan>> {
  // The input first: a conflict answer echoes it back, so it must be clean (no CPR number).
  const errors = validatePurpose(input, call.now);
  if (Object.keys(errors).length > 0) throw new InputError(errors);
  const loaded = await loadPlan(call, input.teamId, input.citizenId, 'purpose.record');
  const newPurposeId = deriveId(input.citizenId, 'purpose', input.submissionId);
  const { plan } = await updatePlan(call, loaded, input.submissionId, (current) => {
    const currentId = current.purpose?.id ?? '';
    if (currentId !== input.basePurposeId && currentId !== newPurposeId) throw new PurposeConflictError(current);
    return recordPurpose(current, { id: newPurposeId, text: input.text, receivedOn: input.receivedOn }, call.actor.aadObjectId, call.now);
  });
  return plan;
}
