/** Card actions of the SMORTE goal wizard and of evaluation. */
import { z } from 'zod';
import { isWizardStep, type GoalDraftFields } from '../domain/goal-wizard.js';
import { NO_GAS_SCORE } from '../domain/evaluation.js';
import { findGoal } from '../domain/plan.js';
import type { FieldErrors } from '../domain/text.js';
import { alreadySavedNotice, evaluationFormCard, evaluationPickCard, evaluationSavedNotice, goalWizardCard, wizardSavedNotice, type EvaluationForm } from '../cards/goal-views.js';
import { newSubmissionId, type Card } from '../cards/views.js';
import { VERBS, type Verb } from '../cards/verbs.js';
import type { Call } from '../usecases/context.js';
import { InputError, StaleError } from '../usecases/errors.js';
import { listEvaluationCandidates, openEvaluation, saveEvaluation } from '../usecases/evaluate-goal.js';
import { advanceWizard, discardWizard, startWizard, type WizardMode, type WizardMove, type WizardView } from '../usecases/goal-wizard.js';
import { BadPayloadError, CitizenRef, GoalRef, id, input, parse, planCardFor, withoutCpr, type Handler } from './action-types.js';

const EvaluationSavePayload = GoalRef.extend({ baseUpdatedAt: id, submissionId: id, assessment: input, whatWorked: input, decision: input, newRevisionDate: input, gas: input });


function wizardCard(call: Call, view: WizardView): Card {
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
  });
}

/** Opens the wizard (resuming an unfinished draft for the same citizen and kind). */
export async function openWizard(call: Call, args: { teamId: string; citizenId: string; sub: boolean; mode: WizardMode; targetGoalId?: string; restart?: boolean }): Promise<Card> {
  const view = await startWizard(call, args);
  return wizardCard(call, view);
}

const WizardData = z.object({
  key: z.string().min(1).max(1000).refine((k) => k.startsWith('goal|') && k.split('|').length === 6),
  step: z.string().refine(isWizardStep),
  submissionId: id,
});

const INPUT_NAMES: ReadonlyArray<keyof GoalDraftFields> = [
  'parentId',
  'themeId',
  'purposeLinked',
  'goalText',
  'indicator',
  'kind',
  'participationMode',
  'participation',
  'interventions',
  'externalActors',
  'externalOther',
  'ownerId',
  'endDate',
  'revisionDate',
];

function wizardMove(move: WizardMove): Handler {
  return async (call, data) => {
    const d = parse(WizardData, data);
    const inputs: Partial<Record<keyof GoalDraftFields, string>> = {};
    for (const name of INPUT_NAMES) {
      const value = data[name];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' || value.length > 20_000) throw new BadPayloadError(name);
      inputs[name] = value;
    }
    try {
      const view = await advanceWizard(call, { key: d.key, step: d.step as WizardView['state']['step'], submissionId: d.submissionId, inputs, move });
      if (view.saved) {
        const notice = view.alreadySaved ? alreadySavedNotice(call.actor.locale) : wizardSavedNotice(call.actor.locale, view.state.mode, view.state.sub);
        return planCardFor(call, view.state.teamId || view.saved.plan.value.teamId, view.saved.plan.value.id, { text: notice, style: 'good' });
      }
      return wizardCard(call, view);
    } catch (error) {
      if (error instanceof InputError) {
        // A rule only the plan can check (e.g. the owner left the team): back to the time step.
        const view = await startWizard(call, wizardArgsFromKey(d.key));
        return wizardCard(call, { ...view, state: { ...view.state, step: 'time' }, errors: error.errors, resumed: false });
      }
      if (error instanceof StaleError) {
        const [, teamId = '', citizenId = ''] = d.key.split('|');
        await discardWizard(call, d.key);
        return planCardFor(call, teamId, citizenId, { text: error.notice[call.actor.locale], style: 'warning' });
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

export async function openEvaluationList(call: Call, teamId: string, citizenId: string, notice?: string): Promise<Card> {
  const c = await listEvaluationCandidates(call, teamId, citizenId);
  return evaluationPickCard(call.actor.locale, { plan: c.plan, due: c.due, later: c.later, ...(notice ? { notice } : {}) });
}

const evalStart: Handler = async (call, data) => {
  const d = parse(CitizenRef, data);
  return openEvaluationList(call, d.teamId, d.citizenId);
};

const emptyEvaluation: EvaluationForm = { assessment: '', whatWorked: '', decision: '', newRevisionDate: '', gas: NO_GAS_SCORE };

const evalOpen: Handler = async (call, data) => {
  const d = parse(GoalRef, data);
  const ctx = await openEvaluation(call, d.teamId, d.citizenId, d.goalId);
  return evaluationFormCard(call.actor.locale, { ...ctx, form: emptyEvaluation, errors: {}, submissionId: newSubmissionId(), now: call.now });
};

const evalSave: Handler = async (call, data) => {
  const d = parse(EvaluationSavePayload, data);
  const form: EvaluationForm = { assessment: d.assessment, whatWorked: d.whatWorked, decision: d.decision, newRevisionDate: d.newRevisionDate, gas: d.gas };
  const redraw = async (errors: FieldErrors): Promise<Card> => {
    const ctx = await openEvaluation(call, d.teamId, d.citizenId, d.goalId);
    const safe: EvaluationForm = { ...form, ...withoutCpr({ whatWorked: form.whatWorked }, errors) };
    return evaluationFormCard(call.actor.locale, { ...ctx, form: safe, errors, submissionId: d.submissionId, now: call.now });
  };
  try {
    await saveEvaluation(call, { teamId: d.teamId, citizenId: d.citizenId, goalId: d.goalId, baseUpdatedAt: d.baseUpdatedAt, submissionId: d.submissionId, assessment: d.assessment, whatWorked: d.whatWorked, decision: d.decision, newRevisionDate: d.newRevisionDate, gas: d.gas });
  } catch (error) {
    if (error instanceof InputError) return redraw(error.errors);
    if (error instanceof StaleError) return planCardFor(call, d.teamId, d.citizenId, { text: error.notice[call.actor.locale], style: 'warning' });
    throw error;
  }
  if (d.decision === 'revise') {
    return openWizard(call, { teamId: d.teamId, citizenId: d.citizenId, sub: false, mode: 'revise', targetGoalId: d.goalId });
  }
  return planCardFor(call, d.teamId, d.citizenId, { text: evaluationSavedNotice(call.actor.locale), style: 'good' });
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
