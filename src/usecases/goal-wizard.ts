/**
 * The SMORTE goal wizard as a use case: start (or resume) a draft, move between steps
 * keeping every input, and save the goal. Drafts live in the user's own partition, so they
 * survive a closed chat and nobody else can read them. A CPR number is never stored, not
 * even in a draft: the field is blanked and the user told why.
 */
import { findCprFields } from '../domain/cpr.js';
import {
  checkDraft,
  EMPTY_DRAFT,
  STEP_FIELDS,
  STEP_LETTERS,
  WIZARD_STEPS,
  draftToGoalInput,
  firstBlockingStep,
  stepIndex,
  validateStep,
  type GoalDraftFields,
  type WizardStep,
} from '../domain/goal-wizard.js';
import { editGoal, goalAsInput, transitionGoal } from '../domain/goal-lifecycle.js';
import type { Institution, Plan } from '../domain/model.js';
import { addGoal, findGoal, hasApplied } from '../domain/plan.js';
import { MESSAGES, type FieldErrors } from '../domain/text.js';
import type { Versioned } from '../store/repositories.js';
import { deriveId, newId, type Call } from './context.js';
import { RefusedError, StaleError } from './errors.js';
import { loadPlan, updatePlan } from './plan-access.js';

export type WizardMode = 'new' | 'revise' | 'edit';

export interface WizardState {
  key: string;
  teamId: string;
  citizenId: string;
  sub: boolean;
  mode: WizardMode;
  targetGoalId: string;
  baseUpdatedAt: string;
  step: WizardStep;
  fields: GoalDraftFields;
  submissionId: string;
  /** The goal text the user has already seen SMORTE advice for (Næste then goes on). */
  advisedText?: string;
}

export interface WizardView {
  state: WizardState;
  plan: Plan;
  institution: Institution;
  errors: FieldErrors;
  resumed: boolean;
  /** The step was kept once to show SMORTE advice on the goal text. */
  advised?: boolean;
  /** An old card of a draft that was saved before. */
  alreadySaved?: boolean;
  saved?: { plan: Versioned<Plan>; goalId: string };
}

export function wizardKey(teamId: string, citizenId: string, sub: boolean, mode: WizardMode, targetGoalId: string): string {
  return `goal|${teamId}|${citizenId}|${sub ? 'sub' : 'goal'}|${mode}|${targetGoalId}`;
}

function toFields(input: Partial<ReturnType<typeof goalAsInput>>): Partial<GoalDraftFields> {
  return {
    parentId: input.parentId ?? '',
    themeId: input.themeId ?? '',
    purposeLinked: input.purposeLinked === false ? 'no' : 'yes',
    goalText: input.text ?? '',
    indicator: input.indicator ?? '',
    kind: input.kind ?? 'progression',
    participationMode: input.participationMode ?? 'citizen',
    participation: input.participation ?? '',
    interventions: (input.interventions ?? []).join(', '),
    externalActors: (input.externalActors ?? []).join(','),
    externalOther: '',
    ownerId: input.ownerId ?? '',
    endDate: input.endDate ?? '',
    revisionDate: input.revisionDate ?? '',
  };
}

async function saveDraft(call: Call, state: WizardState): Promise<void> {
  await call.deps.repos.drafts.put({
    tenantId: call.actor.tenantId,
    aadObjectId: call.actor.aadObjectId,
    key: state.key,
    data: state as unknown as Record<string, unknown>,
    updatedAt: call.now.toISOString(),
  });
}

async function loadDraft(call: Call, key: string): Promise<WizardState | undefined> {
  const found = await call.deps.repos.drafts.get(call.actor.tenantId, call.actor.aadObjectId, key);
  return found ? (found.value.data as unknown as WizardState) : undefined;
}

export interface StartWizardInput {
  teamId: string;
  citizenId: string;
  sub: boolean;
  mode: WizardMode;
  targetGoalId?: string;
  /** Throw away an unfinished draft and start over. */
  restart?: boolean;
}

export async function startWizard(call: Call, input: StartWizardInput): Promise<WizardView> {
  const { plan, institution } = await loadPlan(call, input.teamId, input.citizenId, input.mode === 'edit' ? 'goal.edit' : 'goal.wizard');
  const targetGoalId = input.targetGoalId ?? '';
  const target = targetGoalId ? findGoal(plan.value, targetGoalId) : undefined;
  if (input.mode !== 'new' && !target) throw new RefusedError({ da: 'Målet findes ikke i planen.', en: 'The goal is not in the plan.' });
  if (input.mode === 'edit' && target?.state !== 'active') throw new RefusedError({ da: 'Kun aktive mål kan rettes. Et afsluttet mål kan revideres til et nyt mål.', en: 'Only active goals can be edited.' });
  const sub = target ? !!target.parentId : input.sub;
  const key = wizardKey(input.teamId, input.citizenId, sub, input.mode, targetGoalId);
  const existing = input.restart ? undefined : await loadDraft(call, key);
  if (existing) return { state: existing, plan: plan.value, institution: institution.value, errors: {}, resumed: true };
  const fields: GoalDraftFields = { ...EMPTY_DRAFT, ownerId: call.actor.aadObjectId, ...(target ? toFields(goalAsInput(target)) : {}) };
  if (input.mode === 'revise') {
    // A revision is a new goal: new dates are chosen for it.
    fields.revisionDate = '';
    fields.endDate = '';
  }
  const state: WizardState = {
    key,
    teamId: input.teamId,
    citizenId: input.citizenId,
    sub,
    mode: input.mode,
    targetGoalId,
    baseUpdatedAt: target?.updatedAt ?? '',
    step: 'relevance',
    fields,
    submissionId: newId(),
  };
  await saveDraft(call, state);
  return { state, plan: plan.value, institution: institution.value, errors: {}, resumed: false };
}

export type WizardMove = 'next' | 'back' | 'save';

export interface AdvanceInput {
  key: string;
  /** The step the card showed: its inputs are taken from `inputs`. */
  step: WizardStep;
  submissionId: string;
  inputs: Partial<Record<keyof GoalDraftFields, string>>;
  move: WizardMove;
}

export async function advanceWizard(call: Call, input: AdvanceInput): Promise<WizardView> {
  const found = await loadDraft(call, input.key);
  // A card from an earlier draft (saved or restarted since) must not act on the newer one.
  const state = found && found.submissionId === input.submissionId ? found : undefined;
  if (!state) {
    // Saved already (a double click on Gem) or discarded: show the plan if it was saved.
    const [, teamId = '', citizenId = ''] = input.key.split('|');
    const loaded = await loadPlan(call, teamId, citizenId, 'goal.wizard');
    if (hasApplied(loaded.plan.value, input.submissionId)) {
      const goalId = deriveId(citizenId, 'goal', input.submissionId);
      return {
        state: { key: input.key, teamId, citizenId, sub: false, mode: 'new', targetGoalId: '', baseUpdatedAt: '', step: 'time', fields: EMPTY_DRAFT, submissionId: input.submissionId },
        plan: loaded.plan.value,
        institution: loaded.institution.value,
        errors: {},
        resumed: false,
        saved: { plan: loaded.plan, goalId },
        alreadySaved: true,
      };
    }
    if (found) {
      // An old card while a newer draft exists: show that draft where it stands, untouched.
      return { state: found, plan: loaded.plan.value, institution: loaded.institution.value, errors: {}, resumed: true };
    }
    throw new RefusedError({ da: 'Kladden findes ikke længere. Start forfra med "nyt mål <alias>".', en: 'The draft no longer exists. Start again with "new goal <alias>".' });
  }
  const loaded = await loadPlan(call, state.teamId, state.citizenId, 'goal.wizard');
  const plan = loaded.plan.value;
  const members = loaded.institution.value.members.map((m) => m.aadObjectId);

  // Take the inputs of the step the card showed; a CPR number is blanked, never stored.
  const errors: FieldErrors = {};
  const fields: GoalDraftFields = { ...state.fields };
  for (const name of STEP_FIELDS[input.step]) {
    const value = input.inputs[name];
    if (value !== undefined) fields[name] = value;
  }
  for (const name of findCprFields(fields as unknown as Record<string, string>)) {
    errors[name] = MESSAGES.cpr;
    fields[name as keyof GoalDraftFields] = '';
  }
  const next: WizardState = { ...state, fields, step: input.step };
  const view = (s: WizardState, e: FieldErrors): WizardView => ({ state: s, plan, institution: loaded.institution.value, errors: e, resumed: false });

  if (Object.keys(errors).length > 0) {
    await saveDraft(call, next);
    return view(next, errors);
  }
  if (input.move === 'back') {
    next.step = WIZARD_STEPS[Math.max(0, stepIndex(input.step) - 1)]!;
    await saveDraft(call, next);
    return view(next, {});
  }
  if (input.move === 'next') {
    const stepErrors = validateStep(input.step, plan, fields, state.sub, members, call.now);
    if (Object.keys(stepErrors).length > 0) {
      await saveDraft(call, next);
      return view(next, stepErrors);
    }
    // The goal text is checked when the user leaves it: with advice, the step is shown once
    // more with the advice beside the text; Næste again (or a changed text) goes on.
    if (input.step === 'text' && state.advisedText !== fields.goalText) {
      const advice = checkDraft(plan, fields, call.now).filter((f) => STEP_LETTERS.text.includes(f.letter) && f.severity === 'warning');
      if (advice.length > 0) {
        next.advisedText = fields.goalText;
        await saveDraft(call, next);
        return { ...view(next, {}), advised: true };
      }
    }
    next.step = WIZARD_STEPS[Math.min(WIZARD_STEPS.length - 1, stepIndex(input.step) + 1)]!;
    await saveDraft(call, next);
    return view(next, {});
  }
  // save
  const blocking = firstBlockingStep(plan, fields, state.sub, members, call.now);
  if (blocking) {
    next.step = blocking.step;
    await saveDraft(call, next);
    return view(next, blocking.errors);
  }
  const goalInput = draftToGoalInput(plan, fields, state.sub, call.now);
  const goalId = state.mode === 'edit' ? state.targetGoalId : deriveId(state.citizenId, 'goal', state.submissionId);
  const saved = await updatePlan(call, loaded, state.submissionId, (current) => {
    if (state.mode === 'edit') {
      const goal = findGoal(current, state.targetGoalId);
      if (!goal || goal.updatedAt !== state.baseUpdatedAt) {
        throw new StaleError({
          da: 'Målet er ændret af en anden, siden du begyndte at rette det. Her er planen, som den er nu – ret igen, hvis det stadig er nødvendigt.',
          en: 'Someone else changed the goal since you started editing. Here is the plan as it is now – edit again if still needed.',
        });
      }
      const { parentId: _p, revisionOf: _r, ...edit } = goalInput;
      return editGoal(current, goal.id, edit, call.actor.aadObjectId, call.now);
    }
    let base = current;
    if (state.mode === 'revise') {
      const old = findGoal(current, state.targetGoalId);
      if (!old) throw new StaleError({ da: 'Målet findes ikke længere i planen.', en: 'The goal is no longer in the plan.' });
      if (old.state === 'active') {
        if (old.updatedAt !== state.baseUpdatedAt) {
          throw new StaleError({ da: 'Målet er ændret af en anden, siden du begyndte at revidere det.', en: 'Someone else changed the goal since you started revising it.' });
        }
        // The old goal's active sub-goals carry on under the new version; then it is revideret.
        base = { ...current, goals: current.goals.map((g) => (g.parentId === old.id && g.state === 'active' ? { ...g, parentId: goalId } : g)) };
        const moved = transitionGoal(base, old.id, 'revised', call.actor.aadObjectId, call.now);
        if (!moved.ok) return moved;
        base = moved.value;
      }
    }
    return addGoal(base, { ...goalInput, id: goalId, ...(state.mode === 'revise' ? { revisionOf: state.targetGoalId } : {}) }, call.actor.aadObjectId, call.now, members);
  });
  await call.deps.repos.drafts.delete(call.actor.tenantId, call.actor.aadObjectId, state.key);
  return { ...view(next, {}), plan: saved.plan.value, saved: { plan: saved.plan, goalId } };
}

/** Throws away a draft (the user chose to start over). */
export async function discardWizard(call: Call, key: string): Promise<void> {
  await call.deps.repos.drafts.delete(call.actor.tenantId, call.actor.aadObjectId, key);
}
