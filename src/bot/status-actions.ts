/** Card actions of "Registrér status" on the plan card: open the form, save it. */
import { strings } from '../cards/i18n.js';
import { newSubmissionId, statusFormCard, type Card, type Notice, type StatusForm } from '../cards/views.js';
import { VERBS } from '../cards/verbs.js';
import { DEFAULT_STATUS_INTERVAL_MONTHS } from '../domain/deadlines.js';
import type { Plan } from '../domain/model.js';
import type { FieldErrors } from '../domain/text.js';
import { ContentionError, InputError, StatusConflictError } from '../usecases/errors.js';
import { loadPlan } from '../usecases/plan-access.js';
import { recordCitizenStatus, statusBase } from '../usecases/record-status.js';
import { CitizenRef, id, input, optionalId, parse, planCardFor, withoutCpr, type Handler } from './action-types.js';

const StatusSavePayload = CitizenRef.extend({ submissionId: id, baseStatus: optionalId, lastSentOn: input, intervalMonths: input, lastHeldOn: input, invitedOn: input });

/** The form as the plan holds it now. */
function formOf(plan: Plan): StatusForm {
  return {
    lastSentOn: plan.statusReport?.lastSentOn ?? '',
    intervalMonths: String(plan.statusReport?.intervalMonths ?? DEFAULT_STATUS_INTERVAL_MONTHS),
    lastHeldOn: plan.statusMeeting?.lastHeldOn ?? '',
    invitedOn: plan.statusMeeting?.invitedOn ?? '',
  };
}

const statusEdit: Handler = async (call, data) => {
  const d = parse(CitizenRef, data);
  const { plan } = await loadPlan(call, d.teamId, d.citizenId, 'status.open');
  return statusFormCard(call.actor.locale, { plan: plan.value, form: formOf(plan.value), errors: {}, submissionId: newSubmissionId(), baseStatus: statusBase(plan.value) });
};

const statusSave: Handler = async (call, data) => {
  const d = parse(StatusSavePayload, data);
  const l = call.actor.locale;
  const typed: StatusForm = { lastSentOn: d.lastSentOn.trim(), intervalMonths: d.intervalMonths.trim(), lastHeldOn: d.lastHeldOn.trim(), invitedOn: d.invitedOn.trim() };
  /** The same card again: the user's input kept (without a CPR number), errors next to the fields. */
  const redraw = async (errors: FieldErrors, notice?: Notice, plan?: Plan): Promise<Card> => {
    const current = plan ?? (await loadPlan(call, d.teamId, d.citizenId, 'status.open')).plan.value;
    const form = withoutCpr({ ...typed }, errors);
    return statusFormCard(l, { plan: current, form, errors, submissionId: d.submissionId, baseStatus: plan ? statusBase(plan) : d.baseStatus, ...(notice ? { notice } : {}) });
  };
  try {
    await recordCitizenStatus(call, { teamId: d.teamId, citizenId: d.citizenId, ...typed, baseStatus: d.baseStatus, submissionId: d.submissionId });
    return planCardFor(call, d.teamId, d.citizenId, { text: strings(l).statusSaved, style: 'good' });
  } catch (error) {
    if (error instanceof InputError) return redraw(error.errors);
    // Someone else registered other dates meanwhile: theirs on the card, the user's in the fields,
    // and the card now based on theirs, so that saving again is a deliberate choice.
    if (error instanceof StatusConflictError) return redraw({}, { text: error.notice[l], style: 'warning' }, error.plan);
    if (error instanceof ContentionError) return redraw({}, { text: strings(l).busyRetry, style: 'warning' });
    throw error;
  }
};

export const STATUS_HANDLERS: Record<typeof VERBS.statusEdit | typeof VERBS.statusSave, Handler> = {
  [VERBS.statusEdit]: statusEdit,
  [VERBS.statusSave]: statusSave,
};
