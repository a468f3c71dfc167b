/**
 * Card actions: verb → handler. Each handler parses its data with zod (ids are required:
 * a malformed payload is a 400), calls one use case and returns the card to show.
 * Field errors come back on the same card with the user's text kept.
 */
import { z } from 'zod';
import type { RepresentativeRole, TargetGroup } from '../domain/model.js';
import { findGoal, todayInZone, topLevelGoals } from '../domain/plan.js';
import { MESSAGES, type FieldErrors } from '../domain/text.js';
import { strings, type Locale } from '../cards/i18n.js';
import {
  citizenFormCard,
  citizensCard,
  diaryPickCitizenCard,
  diaryPickTargetCard,
  diarySavedCard,
  helpCard,
  messageCard,
  newSubmissionId,
  purposeConflictNotice,
  purposeFormCard,
  residentDiaryFormCard,
  subGoalDiaryFormCard,
  type Card,
  type Notice,
} from '../cards/views.js';
import { VERBS, type Verb } from '../cards/verbs.js';
import type { Call } from '../usecases/context.js';
import { CorruptDocumentError } from '../store/ports.js';
import { AccessDeniedError, ContentionError, InputError, NotFoundError, PurposeConflictError, RefusedError, StaleError } from '../usecases/errors.js';
import { createCitizen, listMyCitizens, recordCitizenPurpose, rememberOpenedCitizen } from '../usecases/manage-citizens.js';
import { logDiaryEntry } from '../usecases/log-diary-entry.js';
import { loadPlan } from '../usecases/plan-access.js';
import { listMyInstitutions } from '../usecases/access.js';
import { BadPayloadError, CitizenRef, id, idList, input, optionalId, parse, planCardFor, withoutCpr, type Handler } from './action-types.js';
import { isCardId } from './ids.js';
import { ListPayload, pageNumber } from './list-payload.js';
import { GOAL_HANDLERS, openWizard } from './goal-actions.js';
import { REMINDER_HANDLERS } from './reminder-actions.js';
import { STATUS_HANDLERS } from './status-actions.js';
import { MEETING_HANDLERS } from './meeting-actions.js';
import { CYCLE_HANDLERS } from './cycle-actions.js';

// Payload schemas are built once (zod compiles them on first use).
/** A beboerdagbog's "kontekst/type" choice: two ids joined by a slash, or nothing. */
const contextChoice = input.refine((v) => v === '' || (v.split('/').length <= 2 && v.split('/').every((part) => part === '' || isCardId(part))), { message: 'not a context choice' });
const CitizenSavePayload = z.object({ submissionId: id, defaultTeamId: optionalId, alias: input, targetGroup: input, teamId: optionalId, representative: input, contactPersons: idList });
const PurposeSavePayload = CitizenRef.extend({ submissionId: id, basePurposeId: optionalId, purposeText: input, receivedOn: input });
const GoalNewPayload = CitizenRef.extend({ kind: z.enum(['goal', 'sub']) });
const CitizenPagePayload = CitizenRef.extend({ page: pageNumber });
const DiaryTargetPayload = CitizenRef.extend({ target: z.enum(['subGoal', 'resident']), goalId: optionalId });
const DiarySavePayload = CitizenRef.extend({
      target: z.enum(['subGoal', 'resident']),
      goalId: optionalId,
      submissionId: id,
      score: input,
      note: input,
      intervention: input,
      externalActors: input,
      contextType: contextChoice,
    });

function locale(call: Call): Locale {
  return call.actor.locale;
}


// ------------------------------------------------------------ citizens

/** "borgere": the user's citizens a page at a time, their own first; the search box narrows them by alias. */
const citizenList: Handler = async (call, data) => {
  const d = parse(ListPayload, data);
  const { institutions, citizens, total } = await listMyCitizens(call, { query: d.query });
  return citizensCard(locale(call), citizens, institutions, undefined, { page: d.page, query: d.query, total });
};

export async function openCitizenForm(call: Call): Promise<Card> {
  const institutions = await listMyInstitutions(call);
  if (institutions.length === 0) return messageCard(locale(call), strings(locale(call)).noInstitution, { style: 'warning', actions: [] });
  return citizenFormCard(locale(call), {
    institutions,
    form: { alias: '', targetGroup: 'adult', teamId: institutions[0]?.teamId ?? '', representative: 'none', contactPersons: call.actor.aadObjectId },
    errors: {},
    submissionId: newSubmissionId(),
  });
}

const citizenSave: Handler = async (call, data) => {
  const d = parse(CitizenSavePayload, data);
  const institutions = await listMyInstitutions(call);
  const form = { alias: d.alias, targetGroup: d.targetGroup, teamId: d.teamId || d.defaultTeamId, representative: d.representative, contactPersons: d.contactPersons };
  const redraw = (errors: FieldErrors): Card =>
    citizenFormCard(locale(call), { institutions, form: withoutCpr(form, errors), errors, submissionId: d.submissionId });
  const errors: FieldErrors = {};
  if (!['adult', 'child'].includes(d.targetGroup)) errors['targetGroup'] = MESSAGES.invalidChoice;
  if (!institutions.some((i) => i.teamId === form.teamId)) errors['teamId'] = MESSAGES.invalidChoice;
  if (Object.keys(errors).length > 0) return redraw(errors);
  const representative = ['guardian', 'relative', 'custodyHolder'].includes(d.representative) ? (d.representative as RepresentativeRole) : undefined;
  try {
    const { plan } = await createCitizen(call, {
      teamId: form.teamId,
      alias: d.alias,
      targetGroup: d.targetGroup as TargetGroup,
      ...(representative ? { representative } : {}),
      contactPersons: d.contactPersons.split(',').map((x) => x.trim()).filter(Boolean),
      submissionId: d.submissionId,
    });
    return planCardFor(call, plan.value.teamId, plan.value.id, { text: strings(locale(call)).citizenCreated, style: 'good' });
  } catch (error) {
    if (error instanceof InputError) return redraw(error.errors);
    throw error;
  }
};

const planShow: Handler = async (call, data) => {
  const d = parse(CitizenPagePayload, data);
  const [card] = await Promise.all([planCardFor(call, d.teamId, d.citizenId, undefined, d.page), rememberOpenedCitizen(call, d.teamId, d.citizenId)]);
  return card;
};

// ------------------------------------------------------------ formål

/** The formål form filled with the current formål (a fresh card). */
async function currentPurposeCard(call: Call, teamId: string, citizenId: string): Promise<Card> {
  const { plan } = await loadPlan(call, teamId, citizenId, 'purpose.open');
  return purposeFormCard(locale(call), {
    plan: plan.value,
    form: { text: plan.value.purpose?.text ?? '', receivedOn: plan.value.purpose?.receivedOn ?? todayInZone(call.now) },
    errors: {},
    submissionId: newSubmissionId(),
    now: call.now,
  });
}

const purposeEdit: Handler = async (call, data) => {
  const d = parse(CitizenRef, data);
  return currentPurposeCard(call, d.teamId, d.citizenId);
};

const purposeSave: Handler = async (call, data) => {
  const d = parse(PurposeSavePayload, data);
  const form = { text: d.purposeText, receivedOn: d.receivedOn };
  const redraw = async (errors: FieldErrors, notice?: Notice, basePurposeId = d.basePurposeId): Promise<Card> => {
    const current = (await loadPlan(call, d.teamId, d.citizenId, 'purpose.open')).plan.value;
    const safe = withoutCpr({ purposeText: form.text, receivedOn: form.receivedOn }, errors);
    return purposeFormCard(locale(call), {
      plan: current,
      form: { text: safe.purposeText, receivedOn: safe.receivedOn },
      errors,
      submissionId: d.submissionId,
      now: call.now,
      basePurposeId,
      ...(notice ? { notice } : {}),
    });
  };
  try {
    await recordCitizenPurpose(call, { teamId: d.teamId, citizenId: d.citizenId, text: d.purposeText, receivedOn: d.receivedOn, basePurposeId: d.basePurposeId, submissionId: d.submissionId });
    return planCardFor(call, d.teamId, d.citizenId, { text: strings(locale(call)).purposeSaved, style: 'good' });
  } catch (error) {
    if (error instanceof InputError) {
      const mapped: FieldErrors = {};
      for (const [k, v] of Object.entries(error.errors)) mapped[k === 'text' ? 'purposeText' : k] = v;
      return redraw(mapped);
    }
    if (error instanceof PurposeConflictError) {
      // Someone recorded another formål meanwhile: theirs in the notice, the user's text kept, and
      // the card now based on theirs, so that saving again is a deliberate choice.
      const { institution } = await loadPlan(call, d.teamId, d.citizenId, 'purpose.open');
      return redraw({}, purposeConflictNotice(locale(call), error.plan, institution.value), error.plan.purpose?.id ?? '');
    }
    if (error instanceof ContentionError) return redraw({}, { text: strings(locale(call)).busyRetry, style: 'warning' });
    throw error;
  }
};

// ------------------------------------------------------------ goals

/** "Nyt mål" / "Nyt delmål" open the SMORTE wizard (resuming an unfinished draft). */
export async function openGoalForm(call: Call, teamId: string, citizenId: string, sub: boolean): Promise<Card> {
  if (sub) {
    const { plan } = await loadPlan(call, teamId, citizenId, 'subgoal.open');
    if (topLevelGoals(plan.value).filter((g) => g.state === 'active').length === 0) {
      const s = strings(locale(call));
      return messageCard(locale(call), s.noGoalsForSub, {
        style: 'accent',
        actions: [
          { title: s.btnNewGoal, verb: VERBS.goalNew, data: { teamId, citizenId, kind: 'goal' } },
          { title: s.btnShowPlan, verb: VERBS.planShow, data: { teamId, citizenId } },
        ],
      });
    }
  }
  return openWizard(call, { teamId, citizenId, sub, mode: 'new' });
}

const goalNew: Handler = async (call, data) => {
  const d = parse(GoalNewPayload, data);
  return openGoalForm(call, d.teamId, d.citizenId, d.kind === 'sub');
};

// ------------------------------------------------------------ diary

/** The diary's citizen picker: the citizens the user opened last and their own first, a page at a time, with a search box. */
export async function startDiary(call: Call, view: { page?: number; query?: string } = {}): Promise<Card> {
  const { institutions, citizens, total } = await listMyCitizens(call, { recentFirst: true, ...(view.query ? { query: view.query } : {}) });
  return diaryPickCitizenCard(locale(call), citizens, institutions, { ...view, total });
}

/** The citizen's delmål to write about (a page of them); the citizen becomes the first of the user's recent ones. */
export async function openDiaryTargets(call: Call, teamId: string, citizenId: string, page = 1): Promise<Card> {
  const [{ plan }] = await Promise.all([loadPlan(call, teamId, citizenId, 'diary.open'), rememberOpenedCitizen(call, teamId, citizenId)]);
  return diaryPickTargetCard(locale(call), plan.value, undefined, page);
}

const diaryStart: Handler = async (call, data) => {
  const d = parse(ListPayload, data);
  return startDiary(call, { page: d.page, query: d.query });
};

const diaryPickCitizen: Handler = async (call, data) => {
  const d = parse(CitizenPagePayload, data);
  return openDiaryTargets(call, d.teamId, d.citizenId, d.page);
};

const diaryPickTarget: Handler = async (call, data) => {
  const d = parse(DiaryTargetPayload, data);
  const { plan, institution } = await loadPlan(call, d.teamId, d.citizenId, 'diary.open');
  if (d.target === 'resident') {
    return residentDiaryFormCard(locale(call), { institution: institution.value, plan: plan.value, form: { contextType: '', note: '' }, errors: {}, submissionId: newSubmissionId() });
  }
  const goal = findGoal(plan.value, d.goalId);
  if (!goal) throw new BadPayloadError('goalId');
  if (goal.state !== 'active') return diaryPickTargetCard(locale(call), plan.value, goalGoneNotice(call));
  return subGoalDiaryFormCard(locale(call), {
    institution: institution.value,
    plan: plan.value,
    goal,
    form: { score: '', note: '', intervention: '', externalActors: '' },
    errors: {},
    submissionId: newSubmissionId(),
  });
};

function goalGoneNotice(call: Call, keptNote = false): { text: string; style: 'warning' } {
  const en = keptNote
    ? 'That sub-goal is no longer active (closed or revised). Your note is kept: save it in the beboerdagbog, or go back and pick another sub-goal.'
    : 'That sub-goal is no longer active (closed or revised). Pick another one.';
  const da = keptNote
    ? 'Delmålet er ikke længere aktivt (afsluttet eller revideret). Dit notat er bevaret: gem det i beboerdagbogen, eller gå tilbage og vælg et andet delmål.'
    : 'Delmålet er ikke længere aktivt (afsluttet eller revideret). Vælg et andet.';
  return { text: locale(call) === 'en' ? en : da, style: 'warning' };
}

const diarySave: Handler = async (call, data) => {
  const d = parse(DiarySavePayload, data);
  const redraw = async (errors: FieldErrors, notice?: { text: string; style: 'warning' }): Promise<Card> => {
    const { plan, institution } = await loadPlan(call, d.teamId, d.citizenId, 'diary.open');
    if (d.target === 'resident') {
      const form = withoutCpr({ contextType: d.contextType, note: d.note }, errors);
      return residentDiaryFormCard(locale(call), { institution: institution.value, plan: plan.value, form, errors, submissionId: d.submissionId, ...(notice ? { notice } : {}) });
    }
    const goal = findGoal(plan.value, d.goalId);
    if (!goal || goal.state !== 'active' || errors['goalId']) {
      // The sub-goal was closed or revised meanwhile: keep the note and offer the beboerdagbog.
      const { note } = withoutCpr({ note: d.note }, errors);
      return residentDiaryFormCard(locale(call), {
        institution: institution.value,
        plan: plan.value,
        form: { contextType: '', note },
        errors: {},
        submissionId: d.submissionId,
        notice: goalGoneNotice(call, true),
      });
    }
    const form = withoutCpr({ score: d.score, note: d.note, intervention: d.intervention, externalActors: d.externalActors }, errors);
    return subGoalDiaryFormCard(locale(call), { institution: institution.value, plan: plan.value, goal, form, errors, submissionId: d.submissionId, ...(notice ? { notice } : {}) });
  };
  try {
    const [contextId = '', entryTypeId = ''] = d.contextType.split('/');
    const logged = await logDiaryEntry(
      call,
      d.target === 'resident'
        ? { kind: 'resident', teamId: d.teamId, citizenId: d.citizenId, note: d.note, submissionId: d.submissionId, contextId, entryTypeId }
        : {
            kind: 'subGoal',
            teamId: d.teamId,
            citizenId: d.citizenId,
            note: d.note,
            submissionId: d.submissionId,
            goalId: d.goalId,
            score: d.score,
            intervention: d.intervention,
            externalActors: d.externalActors,
          },
    );
    // The confirmation shows what was saved; the trend is on the plan card (no extra query here).
    return diarySavedCard(locale(call), { institution: logged.institution, plan: logged.plan, entry: logged.entry });
  } catch (error) {
    if (error instanceof InputError) return redraw(error.errors);
    // Many writing about this citizen at once: the note is kept, and saving again (same submission) completes it.
    if (error instanceof ContentionError) return redraw({}, { text: strings(locale(call)).busyRetry, style: 'warning' });
    throw error;
  }
};

export const HANDLERS: Record<Verb, Handler> = {
  [VERBS.helpShow]: async (call) => helpCard(locale(call)),
  [VERBS.citizenList]: citizenList,
  [VERBS.citizenNew]: async (call) => openCitizenForm(call),
  [VERBS.citizenSave]: citizenSave,
  [VERBS.planShow]: planShow,
  [VERBS.purposeEdit]: purposeEdit,
  [VERBS.purposeSave]: purposeSave,
  [VERBS.goalNew]: goalNew,
  [VERBS.diaryStart]: diaryStart,
  [VERBS.diaryPickCitizen]: diaryPickCitizen,
  [VERBS.diaryPickTarget]: diaryPickTarget,
  [VERBS.diarySave]: diarySave,
  ...GOAL_HANDLERS,
  ...REMINDER_HANDLERS,
  ...STATUS_HANDLERS,
  ...MEETING_HANDLERS,
  ...CYCLE_HANDLERS,
};

/** Turns a use-case refusal into the card the user sees; anything else is rethrown. */
export function refusalCard(call: Call, error: unknown): Card | undefined {
  const l = locale(call);
  const s = strings(l);
  if (error instanceof AccessDeniedError) return messageCard(l, s.errorAccess);
  if (error instanceof NotFoundError) return messageCard(l, s.errorNotFound);
  if (error instanceof RefusedError) return messageCard(l, error.refusal[l]);
  if (error instanceof StaleError) return messageCard(l, error.notice[l], { style: 'warning' });
  // The forms answer contention themselves with the input kept; this is the net under the rest.
  if (error instanceof ContentionError) return messageCard(l, s.busyRetry, { style: 'warning' });
  if (error instanceof CorruptDocumentError) {
    const what = error.type === 'institution' || error.type === 'plan' ? error.type : 'other';
    return messageCard(l, s.errorCorrupt(what, error.id), { style: 'attention' });
  }
  return undefined;
}
