/**
 * Delmålsdagbog and beboerdagbog entries: validation and construction (pure).
 * Both diaries need a note; the sub-goal diary needs a støttebehov score (or "ikke
 * vurderet"), the resident diary a kontekst and a type from the tilbud's lists.
 */
import type { InstitutionSettings, Plan, ResidentDiaryEntry, SubGoalDiaryEntry } from './model.js';
import { findGoal, isoNow, type Outcome } from './plan.js';
import { checkText, collectErrors, MESSAGES, TEXT_LIMITS } from './text.js';

/** The score as it comes from a card: a scale value as text, or "na" for "ikke vurderet". */
export const NOT_ASSESSED = 'na';

export interface DiaryCommon {
  id: string;
  tenantId: string;
  teamId: string;
  citizenId: string;
  note: string;
  actorId: string;
  submissionId: string;
}

export interface SubGoalDiaryInput extends DiaryCommon {
  goalId: string;
  score: string;
  intervention?: string;
  externalActors?: string;
}

export interface ResidentDiaryInput extends DiaryCommon {
  contextId: string;
  entryTypeId: string;
}

function parseScore(raw: string, settings: InstitutionSettings): number | null | undefined {
  if (raw === NOT_ASSESSED) return null;
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return settings.supportScale.some((s) => s.value === value) ? value : undefined;
}

export function createSubGoalEntry(
  plan: Plan,
  settings: InstitutionSettings,
  input: SubGoalDiaryInput,
  now: Date,
): Outcome<SubGoalDiaryEntry> {
  const goal = findGoal(plan, input.goalId);
  const score = parseScore(input.score, settings);
  const errors = collectErrors({
    goalId:
      !goal || goal.state !== 'active'
        ? { da: 'Delmålet findes ikke længere eller er ikke aktivt.', en: 'The sub-goal no longer exists or is not active.' }
        : undefined,
    score:
      input.score === ''
        ? { da: 'Vælg en vurdering af støttebehovet (eller "Ikke vurderet").', en: 'Pick a support-need score (or "Not assessed").' }
        : score === undefined
          ? MESSAGES.invalidChoice
          : undefined,
    note: checkText(input.note, { required: true, max: TEXT_LIMITS.note }),
    intervention: checkText(input.intervention, { required: false, max: TEXT_LIMITS.short }),
    externalActors: checkText(input.externalActors, { required: false, max: TEXT_LIMITS.short }),
  });
  if (Object.keys(errors).length > 0 || score === undefined || !goal) return { ok: false, errors };
  const at = isoNow(now);
  return {
    ok: true,
    value: {
      kind: 'subGoal',
      id: input.id,
      tenantId: input.tenantId,
      teamId: input.teamId,
      citizenId: input.citizenId,
      goalId: goal.id,
      score,
      note: input.note.trim(),
      ...(input.intervention?.trim() ? { intervention: input.intervention.trim() } : {}),
      ...(input.externalActors?.trim() ? { externalActors: input.externalActors.trim() } : {}),
      occurredAt: at,
      recordedAt: at,
      recordedBy: input.actorId,
      submissionId: input.submissionId,
    },
  };
}

export function createResidentEntry(
  settings: InstitutionSettings,
  input: ResidentDiaryInput,
  now: Date,
): Outcome<ResidentDiaryEntry> {
  const context = settings.residentContexts.find((c) => c.id === input.contextId);
  const errors = collectErrors({
    contextId: context ? undefined : { da: 'Vælg en kontekst.', en: 'Pick a context.' },
    entryTypeId:
      context && !context.types.some((t) => t.id === input.entryTypeId)
        ? { da: 'Vælg en type, der hører til konteksten.', en: 'Pick a type that belongs to the context.' }
        : undefined,
    note: checkText(input.note, { required: true, max: TEXT_LIMITS.note }),
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const at = isoNow(now);
  return {
    ok: true,
    value: {
      kind: 'resident',
      id: input.id,
      tenantId: input.tenantId,
      teamId: input.teamId,
      citizenId: input.citizenId,
      contextId: input.contextId,
      entryTypeId: input.entryTypeId,
      note: input.note.trim(),
      occurredAt: at,
      recordedAt: at,
      recordedBy: input.actorId,
      submissionId: input.submissionId,
    },
  };
}
