/** Citizens: create (`ny borger`), list mine (`borgere`), find by alias, record the formål. */
import type { CitizenIndexEntry, Institution, Plan, RepresentativeRole, TargetGroup } from '../domain/model.js';
import { createPlan, recordPurpose, validatePurpose } from '../domain/plan.js';
import { matchAliases } from '../domain/text.js';
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
  mine: boolean;
}

/**
 * Citizens in the actor's tilbud, the ones the actor is kontaktperson for first. Reads each
 * tilbud's citizen index (one small document), never the plans.
 */
export async function listMyCitizens(call: Call): Promise<{ institutions: Institution[]; citizens: CitizenListItem[] }> {
  const { actor, deps } = call;
  const institutions = await listMyInstitutions(call);
  const lists = await Promise.all(institutions.map((institution) => deps.repos.citizens.list(actor.tenantId, institution.teamId)));
  const citizens: CitizenListItem[] = [];
  for (const [i, institution] of institutions.entries()) {
    for (const citizen of lists[i] ?? []) citizens.push({ institution, citizen, mine: citizen.contactPersons.includes(actor.aadObjectId) });
    await audit(call, { action: 'citizen.list', teamId: institution.teamId, resourceType: 'citizen', outcome: 'allowed' });
  }
  citizens.sort((a, b) => Number(b.mine) - Number(a.mine) || a.citizen.alias.localeCompare(b.citizen.alias, 'da'));
  return { institutions, citizens };
}

/**
 * Finds citizens by alias among the actor's tilbud (an alias is unique within one tilbud): an
 * exact alias wins; otherwise every alias that starts with the typed text, or has a word that
 * does ("AB" finds "Demo AB"), case-insensitively. Reads each tilbud's citizen index (one small
 * document), never the plans.
 */
export async function findCitizensByAlias(call: Call, alias: string): Promise<CitizenListItem[]> {
  const { actor, deps } = call;
  const institutions = await listMyInstitutions(call);
  const lists = await Promise.all(institutions.map((institution) => deps.repos.citizens.list(actor.tenantId, institution.teamId)));
  const all: CitizenListItem[] = [];
  for (const [i, institution] of institutions.entries()) {
    for (const citizen of lists[i] ?? []) all.push({ institution, citizen, mine: citizen.contactPersons.includes(actor.aadObjectId) });
  }
  const byKey = all.map((item) => ({ aliasKey: item.citizen.aliasKey, item }));
  const found = matchAliases(alias, byKey).map((m) => m.item);
  found.sort((a, b) => Number(b.mine) - Number(a.mine) || a.citizen.alias.localeCompare(b.citizen.alias, 'da'));
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
