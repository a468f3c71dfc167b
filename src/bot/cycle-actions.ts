/**
 * Card actions of the læringscirkel's channel cards (the udviklingspunkt with its prøvehandling,
 * the fremdriftsmøde's board, the forbedringskatalog), in the refleksionsmøde's pattern: each
 * answers with the clicker's card and, after a change, carries the shared view for the bot to put
 * in place of the posted card (`attachShared`); the shared card refreshes itself for up to 60
 * members (`refresh.userIds`). A view changes nothing, so it shares nothing.
 *
 * Field errors come back beside the fields with the input kept (never a CPR number); a step saved
 * over someone else's newer version comes back with theirs, a notice and the input kept.
 */
import { z } from 'zod';
import { boardCard, catalogueCard, cycleCard, cycleStrings, newPointCard } from '../cards/cycle-views.js';
import { strings } from '../cards/i18n.js';
import { newSubmissionId, type Card, type Notice } from '../cards/views.js';
import { VERBS } from '../cards/verbs.js';
import { SPREAD_STAGE_NAMES, SPREAD_STAGES, TRIAL_STEP_NAMES, type Decision, type HypothesisHeld } from '../domain/learning-cycle.js';
import type { FieldErrors } from '../domain/text.js';
import type { Call } from '../usecases/context.js';
import { ContentionError, InputError, RefusedError, StaleError } from '../usecases/errors.js';
import {
  addBoardIdea,
  addCycleIdea,
  createCyclePoint,
  decideCycleTrial,
  moveCycleTrial,
  openImprovementPointForm,
  saveTrialStep,
  spreadCycleTrial,
  startCycleTrial,
  startNextCycleTrial,
  stepVersion,
  TrialConflictError,
  viewBoard,
  viewCatalogue,
  viewCycle,
  viewTrialCycle,
  type BoardState,
  type CycleState,
} from '../usecases/run-cycle.js';
import { id, idList, input, optionalId, parse, withoutCpr, type Handler } from './action-types.js';
import { attachShared, REFRESH_USERS_MAX } from './meeting-actions.js';

const TeamRef = z.object({ teamId: id });
const PointRef = TeamRef.extend({ pointId: id });
const TrialRef = TeamRef.extend({ trialId: id });
const CreatePayload = PointRef.extend({ title: input, aim: input, measure: input });
const ViewPayload = PointRef.extend({ trialId: optionalId });
const IdeaPayload = PointRef.extend({ ideaId: id, ideaText: input, trialId: optionalId });
const StartPayload = PointRef.extend({ trialId: id, ideaId: optionalId });
const SavePayload = TrialRef.extend({
  baseStep: z.enum(['plan', 'do', 'study']),
  baseVersion: z.string().max(64),
  advance: z.enum(['0', '1']),
  hypothesis: input,
  what: input,
  who: idList,
  where: input,
  startDate: input,
  endDate: input,
  data: input,
  collection: input,
  happened: input,
  surprises: input,
  comparison: input,
  held: input,
});
const MovePayload = TrialRef.extend({ baseStep: id, direction: z.enum(['next', 'back']) });
const DecidePayload = TrialRef.extend({ nextTrialId: id, decision: input, reason: input, startNext: input });
const NextPayload = TrialRef.extend({ nextTrialId: id });
const StagePayload = TrialRef.extend({ to: z.enum(SPREAD_STAGES) });
const BoardIdeaPayload = TeamRef.extend({ ideaId: id, pointId: optionalId, ideaPointId: optionalId, ideaText: input });
const CataloguePayload = TeamRef.extend({ before: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/).optional()) });

/** The form fields of each step (what comes back on the card when a save is refused). */
const STEP_FIELDS = {
  plan: ['hypothesis', 'what', 'who', 'where', 'startDate', 'endDate', 'data', 'collection'],
  do: ['happened', 'surprises', 'data'],
  study: ['comparison', 'held'],
} as const;

interface Drawn {
  notice?: Notice;
  form?: Record<string, string>;
  errors?: FieldErrors;
}

function userIdsOf(state: { institution: CycleState['institution'] }): string[] {
  return state.institution.members.flatMap((m) => (m.teamsUserId ? [m.teamsUserId] : [])).slice(0, REFRESH_USERS_MAX);
}

function drawCycle(call: Call, state: CycleState, drawn: Drawn): Card {
  const trial = state.trial?.value;
  return cycleCard(
    {
      point: state.point.value,
      ...(trial ? { trial } : {}),
      trials: state.trials,
      stepVersion: trial ? stepVersion(trial, trial.step) : '',
      members: state.institution.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
      maxCycleDays: state.institution.settings.trialCycleLimitDays,
      now: call.now,
      ideaSubmissionId: newSubmissionId(),
      trialSubmissionId: newSubmissionId(),
      nextTrialId: newSubmissionId(),
      ...(state.warnings ? { warnings: state.warnings } : {}),
      ...drawn,
    },
    call.actor.locale,
  );
}

/** The clicker's læringscirkel card, with the shared one attached after a change. */
export function cycleAnswer(call: Call, state: CycleState, drawn: Drawn = {}, options: { share: boolean } = { share: true }): Card {
  const own = drawCycle(call, state, drawn);
  if (!options.share) return own;
  const shared = drawCycle(call, state, drawn.notice && !drawn.errors ? { notice: drawn.notice } : {});
  const trialId = state.trial?.value.id;
  shared['refresh'] = {
    action: { type: 'Action.Execute', title: cycleStrings(call.actor.locale).btnRefresh, verb: VERBS.cycleView, data: { teamId: state.point.value.teamId, pointId: state.point.value.id, ...(trialId ? { trialId } : {}) } },
    userIds: userIdsOf(state),
  };
  return attachShared(own, shared);
}

/** The fremdriftsmøde's board; after a change the posted board is brought up to date for everyone. */
export function boardAnswer(call: Call, state: BoardState, drawn: Drawn = {}, options: { share: boolean } = { share: true }): Card {
  const draw = (d: Drawn): Card =>
    boardCard(
      { teamId: state.institution.teamId, board: state.board, points: state.points, members: state.institution.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })), ideaSubmissionId: newSubmissionId(), ...d },
      call.actor.locale,
    );
  const own = draw(drawn);
  if (!options.share) return own;
  const shared = draw(drawn.notice && !drawn.errors ? { notice: drawn.notice } : {});
  shared['refresh'] = { action: { type: 'Action.Execute', title: cycleStrings(call.actor.locale).btnRefresh, verb: VERBS.cycleBoard, data: { teamId: state.institution.teamId } }, userIds: userIdsOf(state) };
  return attachShared(own, shared);
}

/** `@Refleks læringscirkel [titel]`: the form that creates an udviklingspunkt (a member's). */
export async function newPointAnswer(call: Call, teamId: string, title: string): Promise<Card> {
  await openImprovementPointForm(call, teamId);
  return newPointCard({ teamId, submissionId: newSubmissionId(), form: withoutCpr({ title, aim: '', measure: '' }, {}) }, call.actor.locale);
}

/** `@Refleks katalog`: a page of the forbedringskatalog. */
export async function catalogueAnswer(call: Call, teamId: string, before?: string): Promise<Card> {
  const state = await viewCatalogue(call, teamId, before);
  return catalogueCard({ teamId, entries: state.entries, titles: state.titles, ...(state.nextBefore ? { nextBefore: state.nextBefore } : {}) }, call.actor.locale);
}

function notice(text: string, style: Notice['style'] = 'good'): Notice {
  return { text, style };
}

/**
 * Runs a change; a refusal is answered with the current card: field errors beside the fields and
 * the input kept, a conflict or a stale card with its notice (the input kept), contention with the
 * busy notice.
 */
async function changeOrRedraw(call: Call, change: () => Promise<Card>, current: () => Promise<CycleState>, form: Record<string, string>, mapErrors: (errors: FieldErrors) => FieldErrors = (e) => e): Promise<Card> {
  try {
    return await change();
  } catch (error) {
    const l = call.actor.locale;
    if (error instanceof InputError) {
      const errors = mapErrors(error.errors);
      return cycleAnswer(call, await current(), { form: withoutCpr(form, errors), errors }, { share: false });
    }
    if (error instanceof TrialConflictError) return cycleAnswer(call, await current(), { form: withoutCpr(form, {}), notice: notice(error.notice[l], 'warning') }, { share: false });
    if (error instanceof StaleError) return cycleAnswer(call, await current(), { notice: notice(error.notice[l], 'warning') }, { share: false });
    if (error instanceof RefusedError) return cycleAnswer(call, await current(), { notice: notice(error.refusal[l], 'warning') }, { share: false });
    if (error instanceof ContentionError) return cycleAnswer(call, await current(), { form: withoutCpr(form, {}), notice: notice(strings(l).busyRetry, 'warning') }, { share: false });
    throw error;
  }
}

const cycleCreate: Handler = async (call, data) => {
  const d = parse(CreatePayload, data);
  const s = cycleStrings(call.actor.locale);
  try {
    const state = await createCyclePoint(call, { teamId: d.teamId, pointId: d.pointId, title: d.title, aim: d.aim, measure: d.measure });
    return cycleAnswer(call, state, { notice: notice(s.created) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const form = withoutCpr({ title: d.title, aim: d.aim, measure: d.measure }, error.errors);
    return newPointCard({ teamId: d.teamId, submissionId: d.pointId, form, errors: error.errors }, call.actor.locale);
  }
};

const cycleView: Handler = async (call, data) => {
  const d = parse(ViewPayload, data);
  return cycleAnswer(call, await viewCycle(call, d.teamId, d.pointId, d.trialId || undefined), {}, { share: false });
};

const cycleIdea: Handler = async (call, data) => {
  const d = parse(IdeaPayload, data);
  const trialId = d.trialId || undefined;
  return changeOrRedraw(
    call,
    async () => cycleAnswer(call, await addCycleIdea(call, { teamId: d.teamId, pointId: d.pointId, ideaId: d.ideaId, text: d.ideaText, ...(trialId ? { trialId } : {}) }), { notice: notice(cycleStrings(call.actor.locale).ideaAdded) }),
    () => viewCycle(call, d.teamId, d.pointId, trialId),
    { ideaText: d.ideaText },
    (errors) => Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === 'text' ? 'ideaText' : k, v])),
  );
};

const cycleTrial: Handler = async (call, data) => {
  const d = parse(StartPayload, data);
  return changeOrRedraw(
    call,
    async () => cycleAnswer(call, await startCycleTrial(call, { teamId: d.teamId, pointId: d.pointId, trialId: d.trialId, ...(d.ideaId ? { ideaId: d.ideaId } : {}) }), { notice: notice(cycleStrings(call.actor.locale).trialStarted) }),
    () => viewCycle(call, d.teamId, d.pointId),
    {},
  );
};

const cycleSave: Handler = async (call, data) => {
  const d = parse(SavePayload, data);
  const s = cycleStrings(call.actor.locale);
  const form: Record<string, string> = {};
  for (const field of STEP_FIELDS[d.baseStep]) form[field] = d[field];
  const step =
    d.baseStep === 'plan'
      ? ({ step: 'plan', input: { hypothesis: d.hypothesis, what: d.what, who: d.who.split(',').map((x) => x.trim()).filter(Boolean), where: d.where, startDate: d.startDate.trim(), endDate: d.endDate.trim(), data: d.data, collection: d.collection } } as const)
      : d.baseStep === 'do'
        ? ({ step: 'do', input: { happened: d.happened, surprises: d.surprises, data: d.data } } as const)
        : ({ step: 'study', input: { comparison: d.comparison, held: d.held.trim() as HypothesisHeld | '' } } as const);
  const current = (): Promise<CycleState> => viewTrialCycle(call, d.teamId, d.trialId);
  return changeOrRedraw(
    call,
    async () => {
      const saved = await saveTrialStep(call, { teamId: d.teamId, trialId: d.trialId, baseVersion: d.baseVersion, ...step });
      if (d.advance === '0') return cycleAnswer(call, saved, { notice: notice(s.saved) });
      try {
        const moved = await moveCycleTrial(call, { teamId: d.teamId, trialId: d.trialId, baseStep: d.baseStep, direction: 'next' });
        return cycleAnswer(call, moved, { notice: notice(s.moved(TRIAL_STEP_NAMES[moved.trial?.value.step ?? d.baseStep][call.actor.locale])) });
      } catch (error) {
        // The draft is saved; what is missing to move on is named beside the fields (and the saved draft shared).
        if (!(error instanceof InputError)) throw error;
        return cycleAnswer(call, saved, { form: withoutCpr(form, error.errors), errors: error.errors });
      }
    },
    current,
    form,
  );
};

const cycleMove: Handler = async (call, data) => {
  const d = parse(MovePayload, data);
  const s = cycleStrings(call.actor.locale);
  return changeOrRedraw(
    call,
    async () => {
      const moved = await moveCycleTrial(call, d);
      return cycleAnswer(call, moved, { notice: notice(s.moved(TRIAL_STEP_NAMES[moved.trial?.value.step ?? 'plan'][call.actor.locale])) });
    },
    () => viewTrialCycle(call, d.teamId, d.trialId),
    {},
  );
};

const cycleDecide: Handler = async (call, data) => {
  const d = parse(DecidePayload, data);
  const s = cycleStrings(call.actor.locale);
  // An unknown choice is the domain's to refuse (beside the field).
  const decision = d.decision.trim() as Decision | '';
  const startNext = d.startNext !== '0';
  return changeOrRedraw(
    call,
    async () => {
      const state = await decideCycleTrial(call, { teamId: d.teamId, trialId: d.trialId, decision: { decision, reason: d.reason }, ...(startNext ? { nextTrialId: d.nextTrialId } : {}) });
      return cycleAnswer(call, state, { notice: notice(startNext ? `${s.finishedNotice} ${s.nextStarted}` : s.finishedNotice) });
    },
    () => viewTrialCycle(call, d.teamId, d.trialId),
    { decision: d.decision, reason: d.reason, startNext: d.startNext },
  );
};

const cycleNext: Handler = async (call, data) => {
  const d = parse(NextPayload, data);
  return changeOrRedraw(
    call,
    async () => cycleAnswer(call, await startNextCycleTrial(call, d), { notice: notice(cycleStrings(call.actor.locale).nextStarted) }),
    () => viewTrialCycle(call, d.teamId, d.trialId),
    {},
  );
};

const cycleStage: Handler = async (call, data) => {
  const d = parse(StagePayload, data);
  const s = cycleStrings(call.actor.locale);
  return changeOrRedraw(
    call,
    async () => {
      const state = await spreadCycleTrial(call, d);
      return cycleAnswer(call, state, { notice: notice(s.spreadNotice(SPREAD_STAGE_NAMES[state.trial?.value.stage ?? d.to][call.actor.locale])) });
    },
    () => viewTrialCycle(call, d.teamId, d.trialId),
    {},
  );
};

const cycleBoard: Handler = async (call, data) => boardAnswer(call, await viewBoard(call, parse(TeamRef, data).teamId), {}, { share: false });

const cycleBoardIdea: Handler = async (call, data) => {
  const d = parse(BoardIdeaPayload, data);
  const pointId = d.ideaPointId || d.pointId;
  const form = { ideaText: d.ideaText, ideaPointId: d.ideaPointId };
  const s = cycleStrings(call.actor.locale);
  const redraw = async (drawn: Drawn): Promise<Card> => boardAnswer(call, await viewBoard(call, d.teamId), drawn, { share: false });
  if (!pointId) return redraw({ form: withoutCpr(form, {}), errors: { ideaPointId: { da: 'Vælg udviklingspunktet.', en: 'Pick the improvement point.' } } });
  try {
    return boardAnswer(call, await addBoardIdea(call, { teamId: d.teamId, pointId, ideaId: d.ideaId, text: d.ideaText }), { notice: notice(s.ideaAdded) });
  } catch (error) {
    if (error instanceof InputError) {
      const errors = Object.fromEntries(Object.entries(error.errors).map(([k, v]) => [k === 'text' ? 'ideaText' : k, v]));
      return redraw({ form: withoutCpr(form, errors), errors });
    }
    if (error instanceof ContentionError) return redraw({ form: withoutCpr(form, {}), notice: notice(strings(call.actor.locale).busyRetry, 'warning') });
    throw error;
  }
};

const cycleCatalogue: Handler = async (call, data) => {
  const d = parse(CataloguePayload, data);
  return catalogueAnswer(call, d.teamId, d.before);
};

export const CYCLE_HANDLERS: Record<
  | typeof VERBS.cycleCreate
  | typeof VERBS.cycleView
  | typeof VERBS.cycleIdea
  | typeof VERBS.cycleTrial
  | typeof VERBS.cycleSave
  | typeof VERBS.cycleMove
  | typeof VERBS.cycleDecide
  | typeof VERBS.cycleNext
  | typeof VERBS.cycleStage
  | typeof VERBS.cycleBoard
  | typeof VERBS.cycleBoardIdea
  | typeof VERBS.cycleCatalogue,
  Handler
> = {
  [VERBS.cycleCreate]: cycleCreate,
  [VERBS.cycleView]: cycleView,
  [VERBS.cycleIdea]: cycleIdea,
  [VERBS.cycleTrial]: cycleTrial,
  [VERBS.cycleSave]: cycleSave,
  [VERBS.cycleMove]: cycleMove,
  [VERBS.cycleDecide]: cycleDecide,
  [VERBS.cycleNext]: cycleNext,
  [VERBS.cycleStage]: cycleStage,
  [VERBS.cycleBoard]: cycleBoard,
  [VERBS.cycleBoardIdea]: cycleBoardIdea,
  [VERBS.cycleCatalogue]: cycleCatalogue,
};
