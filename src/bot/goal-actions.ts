/** Card actions of the SMORTE goal wizard and of evaluation. */
import { z } from 'zod';
import { changedGoalFields, EMPTY_DRAFT, isWizardStep, type GoalDraftFields } from '../domain/goal-wizard.js';
import { NO_GAS_SCORE } from '../domain/evaluation.js';
import { findGoal } from '../domain/plan.js';
import type { Goal, Institution, Plan } from '../domain/model.js';
import type { FieldErrors } from '../domain/text.js';
import { strings } from '../cards/i18n.js';
import {
  alreadySavedNotice,
  draftValuesText,
  evaluationEndedCard,
  evaluationFormCard,
  evaluationPickCard,
  evaluationSavedNotice,
  goalConflictNotice,
  goalWizardCard,
  wizardSavedNotice,
  type ConflictAction,
  type EvaluationForm,
} from '../cards/goal-views.js';
import { messageCard, newSubmissionId, type Card, type Notice } from '../cards/views.js';
import { VERBS, type Verb } from '../cards/verbs.js';
import type { Call } from '../usecases/context.js';
import { ContentionError, GoalConflictError, InputError } from '../usecases/errors.js';
import { listEvaluationCandidates, openEvaluation, saveEvaluation } from '../usecases/evaluate-goal.js';
import { advanceWizard, startWizard, type WizardMode, type WizardMove, type WizardView } from '../usecases/goal-wizard.js';
import { loadPlan } from '../usecases/plan-access.js';
import { BadPayloadError, CitizenRef, GoalRef, id, input, parse, planCardFor, withoutCpr, type Handler } from './action-types.js';
import { isCardId } from './ids.js';
import { pageNumber } from './list-payload.js';

const EvaluationSavePayload = GoalRef.extend({ baseUpdatedAt: id, submissionId: id, assessment: input, whatWorked: input, decision: input, newRevisionDate: input, gas: input });


function wizardCard(call: Call, view: WizardView, notice?: Notice, current?: Partial<GoalDraftFields>): Card {
  const target = view.state.targetGoalId ? findGoal(view.plan, view.state.targetGoalId) : undefined;
  return goalWizardCard(call.actor.locale, {
    plan: view.plan,
    institution: view.institution,
    key: view.state.key,
    sub: view.state.sub,
    mode: view.state.mode,
    step: view.state.step,
    fields: view.state.fields,
    errors: view.errors,
    submissionId: view.state.submissionId,
    resumed: view.resumed,
    advised: view.advised ?? false,
    now: call.now,
    ...(target ? { target } : {}),
    ...(notice ? { notice } : {}),
    ...(current ? { current } : {}),
  });
}

/**
 * The answer to a wizard save that met a real conflict: the wizard again, on the step of the
 * conflicting field, with the user's values and the stored ones beside them; for an edit of a
 * goal that was ended meanwhile (nothing can be saved), the plan card with what the user wrote.
 */
async function wizardConflictCard(call: Call, view: WizardView): Promise<Card> {
  const l = call.actor.locale;
  const { conflict, current, discarded } = view.conflict!;
  const { state } = view;
  if (discarded) {
    const changed = changedGoalFields(state.baseFields ?? EMPTY_DRAFT, state.fields);
    const kept = draftValuesText(l, view.plan, view.institution, state.fields, changed);
    return planCardFor(call, state.teamId, state.citizenId, goalConflictNotice(l, { plan: view.plan, institution: view.institution, conflict, action: 'editEnded', kept }));
  }
  const action: ConflictAction =
    Object.keys(view.errors).length > 0 ? 'wizardMismatch' : state.mode === 'new' ? 'parentEnded' : conflict.kind === 'fields' ? 'wizard' : 'reviseEnded';
  return wizardCard(call, view, goalConflictNotice(l, { plan: view.plan, institution: view.institution, conflict, action }), current);
}

/** Opens the wizard (resuming an unfinished draft for the same citizen and kind). */
export async function openWizard(call: Call, args: { teamId: string; citizenId: string; sub: boolean; mode: WizardMode; targetGoalId?: string; restart?: boolean }): Promise<Card> {
  const view = await startWizard(call, args);
  return wizardCard(call, view);
}

/** `goal|<teamId>|<citizenId>|goal or sub|new, revise or edit|<goalId or nothing>`, each id an id. */
const DraftKey = z
  .string()
  .max(1000)
  .refine((k) => {
    const [kind, teamId, citizenId, sub, mode, target, ...rest] = k.split('|');
    return kind === 'goal' && rest.length === 0 && isCardId(teamId) && isCardId(citizenId) && (sub === 'goal' || sub === 'sub') && ['new', 'revise', 'edit'].includes(mode ?? '') && (target === '' || isCardId(target));
  });

/** A wizard card's data. The draft key travels as `draft`; cards sent before carried it as `key`. */
const WizardData = z
  .object({ draft: DraftKey.optional(), key: DraftKey.optional(), step: z.string().refine(isWizardStep), submissionId: id })
  .refine((d) => d.draft !== undefined || d.key !== undefined)
  .transform(({ draft, key, step, submissionId }) => ({ key: (draft ?? key)!, step, submissionId }));

const ID_INPUTS = ['parentId', 'themeId', 'ownerId'] as const;

function wizardMove(move: WizardMove): Handler {
  return async (call, data) => {
    const d = parse(WizardData, data);
    // The choices that pick a goal, a theme or a person carry ids: anything else is a bad payload.
    for (const name of ID_INPUTS) {
      const value = data[name];
      if (typeof value === 'string' && value !== '' && !isCardId(value)) throw new BadPayloadError(name);
    }
    try {
      // The inputs are the card data itself: the use case takes the step's fields, each cut to its limit.
      const view = await advanceWizard(call, { key: d.key, step: d.step as WizardView['state']['step'], submissionId: d.submissionId, inputs: data, move });
      if (view.saved) {
        const notice = view.alreadySaved ? alreadySavedNotice(call.actor.locale) : wizardSavedNotice(call.actor.locale, view.state.mode, view.state.sub);
        return planCardFor(call, view.state.teamId || view.saved.plan.value.teamId, view.saved.plan.value.id, { text: notice, style: 'good' });
      }
      if (view.busy) return wizardCard(call, view, { text: strings(call.actor.locale).busyRetry, style: 'warning' });
      if (view.conflict) return wizardConflictCard(call, view);
      return wizardCard(call, view);
    } catch (error) {
      if (error instanceof InputError) {
        // A rule only the plan can check (e.g. the owner left the team): back to the time step.
        const view = await startWizard(call, wizardArgsFromKey(d.key));
        return wizardCard(call, { ...view, state: { ...view.state, step: 'time' }, errors: error.errors, resumed: false });
      }
      throw error;
    }
  };
}

function wizardArgsFromKey(key: string): { teamId: string; citizenId: string; sub: boolean; mode: WizardMode; targetGoalId?: string } {
  const [, teamId = '', citizenId = '', kind = 'goal', mode = 'new', targetGoalId = ''] = key.split('|');
  if (!['new', 'revise', 'edit'].includes(mode)) throw new BadPayloadError('key');
  return { teamId, citizenId, sub: kind === 'sub', mode: mode as WizardMode, ...(targetGoalId ? { targetGoalId } : {}) };
}

const wizardRestart: Handler = async (call, data) => {
  const d = parse(WizardData, data);
  return openWizard(call, { ...wizardArgsFromKey(d.key), restart: true });
};

const goalEdit: Handler = async (call, data) => {
  const d = parse(GoalRef, data);
  return openWizard(call, { teamId: d.teamId, citizenId: d.citizenId, sub: false, mode: 'edit', targetGoalId: d.goalId });
};

// ---------------------------------------------------------------- evaluation

export async function openEvaluationList(call: Call, teamId: string, citizenId: string, notice?: string, page = 1): Promise<Card> {
  const c = await listEvaluationCandidates(call, teamId, citizenId);
  return evaluationPickCard(call.actor.locale, { plan: c.plan, due: c.due, later: c.later, page, ...(notice ? { notice } : {}) });
}

const EvalStartPayload = CitizenRef.extend({ page: pageNumber });

const evalStart: Handler = async (call, data) => {
  const d = parse(EvalStartPayload, data);
  return openEvaluationList(call, d.teamId, d.citizenId, undefined, d.page);
};

const emptyEvaluation: EvaluationForm = { assessment: '', whatWorked: '', decision: '', newRevisionDate: '', gas: NO_GAS_SCORE };

const evalOpen: Handler = async (call, data) => {
  const d = parse(GoalRef, data);
  const ctx = await openEvaluation(call, d.teamId, d.citizenId, d.goalId);
  return evaluationFormCard(call.actor.locale, { ...ctx, form: emptyEvaluation, errors: {}, submissionId: newSubmissionId(), now: call.now });
};

/**
 * The evaluation as it can be answered now, the user's input kept: the form of the goal as it is
 * now (`base` says which version the Gem button is based on), or, when the goal is no longer
 * active, a card that says so and shows what the user wrote.
 */
async function currentEvaluationCard(
  call: Call,
  ref: { teamId: string; citizenId: string; goalId: string; submissionId: string },
  form: EvaluationForm,
  notices: { active: (plan: Plan, institution: Institution) => Notice; ended: (plan: Plan, institution: Institution) => Notice },
  base: (goal: Goal) => string,
): Promise<Card> {
  const l = call.actor.locale;
  const { plan, institution } = await loadPlan(call, ref.teamId, ref.citizenId, 'evaluation.open');
  const goal = findGoal(plan.value, ref.goalId);
  if (!goal) return messageCard(l, strings(l).errorNotFound);
  if (goal.state !== 'active') return evaluationEndedCard(l, { plan: plan.value, goal, form, notice: notices.ended(plan.value, institution.value) });
  const ctx = await openEvaluation(call, ref.teamId, ref.citizenId, ref.goalId);
  return evaluationFormCard(l, { ...ctx, form, errors: {}, submissionId: ref.submissionId, now: call.now, notice: notices.active(ctx.plan, ctx.institution), baseUpdatedAt: base(ctx.goal) });
}

const evalSave: Handler = async (call, data) => {
  const d = parse(EvaluationSavePayload, data);
  const l = call.actor.locale;
  const form: EvaluationForm = { assessment: d.assessment, whatWorked: d.whatWorked, decision: d.decision, newRevisionDate: d.newRevisionDate, gas: d.gas };
  const redraw = async (errors: FieldErrors): Promise<Card> => {
    const ctx = await openEvaluation(call, d.teamId, d.citizenId, d.goalId);
    const safe: EvaluationForm = withoutCpr({ ...form }, errors);
    return evaluationFormCard(l, { ...ctx, form: safe, errors, submissionId: d.submissionId, now: call.now, baseUpdatedAt: d.baseUpdatedAt });
  };
  try {
    await saveEvaluation(call, { teamId: d.teamId, citizenId: d.citizenId, goalId: d.goalId, baseUpdatedAt: d.baseUpdatedAt, submissionId: d.submissionId, assessment: d.assessment, whatWorked: d.whatWorked, decision: d.decision, newRevisionDate: d.newRevisionDate, gas: d.gas });
  } catch (error) {
    if (error instanceof InputError) return redraw(error.errors);
    if (error instanceof GoalConflictError) {
      // A real conflict: the goal as it is now, the input kept, and a fresh base so that saving again is deliberate.
      const conflict = error.conflict;
      return currentEvaluationCard(
        call,
        d,
        form,
        {
          active: (plan, institution) => goalConflictNotice(l, { plan, institution, conflict, action: 'evaluate' }),
          ended: (plan, institution) => goalConflictNotice(l, { plan, institution, conflict: conflict.kind === 'fields' ? { ...conflict, kind: 'ended', state: findGoal(plan, d.goalId)?.state ?? 'closed' } : conflict, action: 'evaluateEnded' }),
        },
        (goal) => goal.updatedAt,
      );
    }
    if (error instanceof ContentionError) {
      // Nothing saved and nothing seen: the same base, so a real conflict is still caught next time.
      const busy = (): Notice => ({ text: strings(l).busyRetry, style: 'warning' });
      return currentEvaluationCard(call, d, form, { active: busy, ended: busy }, () => d.baseUpdatedAt);
    }
    throw error;
  }
  if (d.decision === 'revise') {
    return openWizard(call, { teamId: d.teamId, citizenId: d.citizenId, sub: false, mode: 'revise', targetGoalId: d.goalId });
  }
  return planCardFor(call, d.teamId, d.citizenId, { text: evaluationSavedNotice(l), style: 'good' });
};

export const GOAL_HANDLERS = {
  [VERBS.goalWizardNext]: wizardMove('next'),
  [VERBS.goalWizardBack]: wizardMove('back'),
  [VERBS.goalWizardSave]: wizardMove('save'),
  [VERBS.goalWizardRestart]: wizardRestart,
  [VERBS.goalEdit]: goalEdit,
  [VERBS.evalStart]: evalStart,
  [VERBS.evalOpen]: evalOpen,
  [VERBS.evalSave]: evalSave,
} satisfies Partial<Record<Verb, Handler>>;
