/**
 * The SMORTE goal wizard as a use case: start (or resume) a draft, move between steps
 * keeping every input, and save the goal. Drafts live in the user's own partition, so they
 * survive a closed chat and nobody else can read them. A CPR number is never stored, not
 * even in a draft: the number is taken out of the field and the user told why.
 */
import { containsCpr, idContainsCpr, removeCpr } from '../domain/cpr.js';
import {
  changedGoalFields,
  checkDraft,
  draftFieldsFor,
  EMPTY_DRAFT,
  ID_FIELDS,
  firstStepFor,
  goalToDraftFields,
  rebaseDraft,
  STEP_LETTERS,
  WIZARD_STEPS,
  draftToGoalInput,
  firstBlockingStep,
  stepIndex,
  takeStepInputs,
  validateStep,
  type GoalDraftFields,
  type WizardStep,
} from '../domain/goal-wizard.js';
import { changesSince, editGoal, findGoalConflict, transitionGoal, type GoalConflict, type GoalEdit } from '../domain/goal-lifecycle.js';
import type { Goal, Institution, Plan } from '../domain/model.js';
import { addGoal, findGoal, hasApplied } from '../domain/plan.js';
import { MESSAGES, type FieldErrors } from '../domain/text.js';
import type { Versioned } from '../store/repositories.js';
import { deriveId, newId, type Call } from './context.js';
import { ContentionError, GoalConflictError, RefusedError } from './errors.js';
import { loadPlan, updatePlan } from './plan-access.js';

export type WizardMode = 'new' | 'revise' | 'edit';

export interface WizardState {
  key: string;
  teamId: string;
  citizenId: string;
  sub: boolean;
  mode: WizardMode;
  targetGoalId: string;
  /** The target goal's updatedAt the draft is based on (edit and revise). */
  baseUpdatedAt: string;
  /** The target goal's fields the draft started from: what the user changed is measured against them. */
  baseFields?: GoalDraftFields;
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
  /**
   * Saving met a real conflict (someone changed the same field, or ended the goal). The draft
   * kept the user's values and was rebased on the goal as it is now, so saving again applies
   * the user's version deliberately. `current` holds the stored values of the conflicting fields.
   */
  conflict?: { conflict: GoalConflict; current: Partial<GoalDraftFields>; discarded: boolean };
  /** Saving gave up under contention (many writers at once): nothing saved, the input kept. */
  busy?: boolean;
}

export function wizardKey(teamId: string, citizenId: string, sub: boolean, mode: WizardMode, targetGoalId: string): string {
  return `goal|${teamId}|${citizenId}|${sub ? 'sub' : 'goal'}|${mode}|${targetGoalId}`;
}

/** The fields a draft of an existing goal starts from. A revision is a new goal: new dates are chosen for it. */
function baseFieldsFor(mode: WizardMode, goal: Goal): GoalDraftFields {
  const fields = goalToDraftFields(goal);
  return mode === 'revise' ? { ...fields, revisionDate: '', endDate: '' } : fields;
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
  const baseFields = target && input.mode !== 'new' ? baseFieldsFor(input.mode, target) : undefined;
  const fields: GoalDraftFields = baseFields ? { ...baseFields } : { ...EMPTY_DRAFT, ownerId: call.actor.aadObjectId };
  const state: WizardState = {
    key,
    teamId: input.teamId,
    citizenId: input.citizenId,
    sub,
    mode: input.mode,
    targetGoalId,
    baseUpdatedAt: target?.updatedAt ?? '',
    ...(baseFields ? { baseFields } : {}),
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
  /** The step the card showed: its inputs are taken from `inputs` (card data: anything may be in it). */
  step: WizardStep;
  submissionId: string;
  inputs: Readonly<Record<string, unknown>>;
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

  // Take the inputs of the step the card showed, each cut to its limit (what does not fit, or is
  // not text, is a field error); a CPR number is taken out, never stored.
  const taken = takeStepInputs(input.step, state.fields, input.inputs);
  const errors: FieldErrors = taken.errors;
  const fields: GoalDraftFields = taken.fields;
  for (const name of Object.keys(fields) as Array<keyof GoalDraftFields>) {
    // An id (the owner's Entra id) is read as an id: its random hex may hold a date and four digits.
    if (!(ID_FIELDS.has(name) ? idContainsCpr(fields[name]) : containsCpr(fields[name]))) continue;
    errors[name] = MESSAGES.cpr;
    fields[name] = removeCpr(fields[name]);
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
  if (state.mode === 'new' && state.sub && fields.parentId) {
    // The goal it was to belong to ended after the user picked it: say so, keep the answers.
    const parentGone = findGoalConflict(plan, fields.parentId, '', [], { requireActive: true });
    if (parentGone?.kind === 'ended') return answerConflict(call, next, new GoalConflictError(parentGone, plan), loaded.institution.value);
  }
  const blocking = firstBlockingStep(plan, fields, state.sub, members, call.now);
  if (blocking) {
    next.step = blocking.step;
    await saveDraft(call, next);
    return view(next, blocking.errors);
  }
  const goalId = state.mode === 'edit' ? state.targetGoalId : deriveId(state.citizenId, 'goal', state.submissionId);
  let saved: { plan: Versioned<Plan> };
  try {
    saved = await updatePlan(call, loaded, state.submissionId, (current) => applyDraft(call, state, fields, current, goalId, members));
  } catch (error) {
    if (error instanceof ContentionError) return { ...view(next, {}), busy: true };
    if (error instanceof GoalConflictError) return answerConflict(call, next, error, loaded.institution.value);
    throw error;
  }
  await call.deps.repos.drafts.delete(call.actor.tenantId, call.actor.aadObjectId, state.key);
  return { ...view(next, {}), plan: saved.plan.value, saved: { plan: saved.plan, goalId } };
}

/**
 * The draft applied to a version of the plan (it runs again on every newer version). Another
 * person's change commutes unless it touched a field this draft changes, or ended the goal:
 * then a GoalConflictError. An edit writes only the fields the user changed, onto the goal as
 * it is now; a revision is built the same way from the goal as it is now.
 */
function applyDraft(call: Call, state: WizardState, fields: GoalDraftFields, current: Plan, goalId: string, members: string[]) {
  const { actor, now } = call;
  if (state.mode === 'new') {
    if (state.sub) {
      const parentGone = findGoalConflict(current, fields.parentId, '', [], { requireActive: true });
      if (parentGone) throw new GoalConflictError(parentGone, current);
    }
    return addGoal(current, { ...draftToGoalInput(current, fields, state.sub, now), id: goalId }, actor.aadObjectId, now, members);
  }
  const target = findGoal(current, state.targetGoalId);
  if (!target) throw new GoalConflictError({ kind: 'missing', goalId: state.targetGoalId }, current);
  const base = state.baseFields ?? baseFieldsFor(state.mode, target);
  const currentFields = baseFieldsFor(state.mode, target);
  // What the user changed; of that, what differs from the goal as it is now can conflict
  // (two people making the very same change do not).
  const touched = changedGoalFields(base, fields);
  const differs = new Set(changedGoalFields(currentFields, fields));
  const contested = touched.filter((f) => differs.has(f));
  const conflict = findGoalConflict(current, target.id, state.baseUpdatedAt, state.mode === 'revise' ? [...contested, 'state'] : contested, { requireActive: state.mode === 'edit' });
  if (conflict) throw new GoalConflictError(conflict, current);
  // The user's changes on top of the goal as it is now; together they must still make a goal.
  const merged = rebaseDraft(base, fields, currentFields);
  const blocking = firstBlockingStep(current, merged, state.sub, members, now);
  if (blocking) {
    // Someone else's change of another field does not fit with the user's (e.g. a new end date before their revisionsdato).
    const changes = changesSince(target, state.baseUpdatedAt);
    const conflictFields = [...new Set(changes.flatMap((c) => c.fields))];
    throw new GoalConflictError({ kind: 'fields', goalId: target.id, fields: conflictFields, changes }, current, { errors: blocking.errors, step: blocking.step });
  }
  const goalInput = draftToGoalInput(current, merged, state.sub, now);
  if (state.mode === 'edit') {
    const edit: GoalEdit = { smorteCodes: goalInput.smorteCodes ?? [] };
    const values = goalInput as unknown as Record<string, unknown>;
    for (const field of touched) if (field in values) (edit as Record<string, unknown>)[field] = values[field];
    return editGoal(current, target.id, edit, actor.aadObjectId, now);
  }
  // revise: the old goal's active sub-goals carry on under the new version; then it is revideret.
  let plan = current;
  if (target.state === 'active') {
    plan = { ...current, goals: current.goals.map((g) => (g.parentId === target.id && g.state === 'active' ? { ...g, parentId: goalId } : g)) };
    const moved = transitionGoal(plan, target.id, 'revised', actor.aadObjectId, now);
    if (!moved.ok) return moved;
    plan = moved.value;
  }
  return addGoal(plan, { ...goalInput, id: goalId, revisionOf: target.id }, actor.aadObjectId, now, members);
}

/**
 * A real conflict: the draft keeps the user's values, is rebased on the goal as it is now
 * (a new submission id, so a repeated delivery of the old click cannot apply it unseen), and
 * the wizard opens on the step of the first conflicting field. An edit of a goal that was
 * ended meanwhile cannot be saved at all: that draft is discarded (the card shows what it held).
 */
async function answerConflict(call: Call, next: WizardState, error: GoalConflictError, institution: Institution): Promise<WizardView> {
  const { conflict, plan } = error;
  const target = next.targetGoalId ? findGoal(plan, next.targetGoalId) : undefined;
  const base = next.baseFields ?? (target ? baseFieldsFor(next.mode, target) : next.fields);
  const fresh = target && next.mode !== 'new' ? baseFieldsFor(next.mode, target) : undefined;
  const fields = fresh ? rebaseDraft(base, next.fields, fresh) : { ...next.fields };
  let step = next.step;
  const current: Partial<GoalDraftFields> = {};
  if (conflict.kind === 'fields' && target && fresh) {
    step = error.step ?? firstStepFor(conflict.fields) ?? next.step;
    // What is stored now (for a revision too: the old goal's dates, not the blank ones of the new version).
    const stored = goalToDraftFields(target);
    for (const name of draftFieldsFor(conflict.fields)) current[name] = stored[name];
  } else if (next.mode === 'new') {
    // The goal a new sub-goal was to belong to has ended: pick another.
    fields.parentId = '';
    step = 'relevance';
  }
  const discarded = next.mode === 'edit' && conflict.kind !== 'fields';
  const rebased: WizardState = {
    ...next,
    fields,
    step,
    submissionId: newId(),
    ...(target ? { baseUpdatedAt: target.updatedAt } : {}),
    ...(fresh ? { baseFields: fresh } : {}),
  };
  delete rebased.advisedText;
  if (discarded) await call.deps.repos.drafts.delete(call.actor.tenantId, call.actor.aadObjectId, next.key);
  else await saveDraft(call, rebased);
  return { state: discarded ? next : rebased, plan, institution, errors: error.errors, resumed: false, conflict: { conflict, current, discarded } };
}

/** Throws away a draft (the user chose to start over). */
export async function discardWizard(call: Call, key: string): Promise<void> {
  await call.deps.repos.drafts.delete(call.actor.tenantId, call.actor.aadObjectId, key);
}
