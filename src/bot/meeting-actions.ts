/**
 * Card actions of the refleksionsmøde's channel card. Each answers with the clicker's own view
 * of the meeting, and carries the shared view (what everyone else in the channel sees) for the
 * bot to put in place of the posted card (`updateActivity`). The shared card refreshes itself
 * for up to 60 members (Universal Actions `refresh.userIds`), each getting their own view;
 * anyone else has the shared card and its Opdatér button.
 */
import { z } from 'zod';
import { AGREEMENT_FORM_ROWS, meetingCard, meetingStrings, openActionsCard } from '../cards/meeting-views.js';
import { strings } from '../cards/i18n.js';
import { newSubmissionId, type Card, type Notice } from '../cards/views.js';
import { VERBS } from '../cards/verbs.js';
import type { AgreementInput } from '../domain/reflection-meeting.js';
import type { FieldErrors } from '../domain/text.js';
import type { Call } from '../usecases/context.js';
import { ContentionError, InputError } from '../usecases/errors.js';
import {
  addMeetingNote,
  AgreementConflictError,
  agreementVersion,
  finishReflectionMeeting,
  chooseParticipants,
  hideMeetingNotes,
  listOpenActions,
  markMeetingActionDone,
  moveMeeting,
  saveAgreement,
  tickPreparation,
  viewMeeting,
  type MeetingState,
} from '../usecases/run-meeting.js';
import { id, input, parse, withoutCpr, type Handler } from './action-types.js';

/** The most members a card's refresh names (Teams takes at most 60). */
export const REFRESH_USERS_MAX = 60;

const SHARED = Symbol('shared meeting card');

/** The shared card that goes with a clicker's card (a symbol key: never serialised with the card). */
export function sharedCardOf(card: Card): Card | undefined {
  return (card as { [SHARED]?: Card })[SHARED];
}

/** Attaches the shared view of a channel card (the bot puts it in place of the posted card); returns the clicker's card. */
export function attachShared(own: Card, shared: Card): Card {
  Object.defineProperty(own, SHARED, { value: shared, enumerable: false });
  return own;
}

const MeetingRef = z.object({ teamId: id, meetingId: id });
const TickPayload = MeetingRef.extend({ itemId: id, ticked: z.enum(['0', '1']) });
const MovePayload = MeetingRef.extend({ direction: z.enum(['next', 'back']), basePhase: id, baseStep: id });
const NotePayload = MeetingRef.extend({ noteId: id, noteText: input });
const HidePayload = MeetingRef.extend({ hidden: z.enum(['0', '1']) });
const agreementFields: Record<string, typeof input> = { shortTermGoal: input, longTermGoal: input, longTermMonths: input, progressData: input };
for (let i = 0; i < AGREEMENT_FORM_ROWS; i++) Object.assign(agreementFields, { [`action${i}What`]: input, [`action${i}Who`]: input, [`action${i}FollowUp`]: input, [`action${i}When`]: input });
const AgreementPayload = MeetingRef.extend({ baseVersion: z.string().max(64), ...agreementFields });

interface Drawn {
  notice?: Notice;
  form?: Record<string, string>;
  errors?: FieldErrors;
}

function draw(call: Call, state: MeetingState, viewerId: string, drawn: Drawn = {}): Card {
  const members = state.institution.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name }));
  const meeting = state.meeting.value;
  // The citizen's alias is shown to members only: every action here passed the member check.
  const alias = state.citizen?.alias;
  return meetingCard(
    {
      meeting,
      agreementVersion: agreementVersion(meeting),
      ticks: state.ticks,
      notes: state.notes,
      ...(state.previous ? { previous: state.previous } : {}),
      members,
      ...(alias ? { alias } : {}),
      ...(state.citizen?.basis ? { basis: state.citizen.basis } : {}),
      viewerId,
      now: call.now,
      noteSubmissionId: newSubmissionId(),
      ...drawn,
    },
    call.actor.locale,
  );
}

/**
 * The clicker's card with the shared one attached. A change shares; a view (Opdatér, or the
 * card's automatic refresh for each of up to 60 members) changed nothing, so it updates no one
 * else's card: otherwise every refresh would update the posted card and start the others' again.
 */
export function meetingAnswer(call: Call, state: MeetingState, drawn: Drawn = {}, options: { share: boolean } = { share: true }): Card {
  const own = draw(call, state, call.actor.aadObjectId, drawn);
  if (!options.share) return own;
  const shared = draw(call, state, '', drawn.notice && !drawn.errors ? { notice: drawn.notice } : {});
  const userIds = state.institution.members.flatMap((m) => (m.teamsUserId ? [m.teamsUserId] : [])).slice(0, REFRESH_USERS_MAX);
  const ref = { teamId: state.meeting.value.teamId, meetingId: state.meeting.value.id };
  if (state.meeting.value.phase !== 'finished') {
    shared['refresh'] = { action: { type: 'Action.Execute', title: meetingStrings(call.actor.locale).btnRefresh, verb: VERBS.meetingView, data: ref }, userIds };
  }
  return attachShared(own, shared);
}

const meetingView: Handler = async (call, data) => {
  const d = parse(MeetingRef, data);
  return meetingAnswer(call, await viewMeeting(call, d.teamId, d.meetingId), {}, { share: false });
};

const meetingTick: Handler = async (call, data) => {
  const d = parse(TickPayload, data);
  return meetingAnswer(call, await tickPreparation(call, { teamId: d.teamId, meetingId: d.meetingId, itemId: d.itemId, ticked: d.ticked === '1' }));
};

const meetingMove: Handler = async (call, data) => {
  const d = parse(MovePayload, data);
  return meetingAnswer(call, await moveMeeting(call, d));
};

const meetingHide: Handler = async (call, data) => {
  const d = parse(HidePayload, data);
  return meetingAnswer(call, await hideMeetingNotes(call, { teamId: d.teamId, meetingId: d.meetingId, hidden: d.hidden === '1' }));
};

const meetingNote: Handler = async (call, data) => {
  const d = parse(NotePayload, data);
  try {
    return meetingAnswer(call, await addMeetingNote(call, { teamId: d.teamId, meetingId: d.meetingId, noteId: d.noteId, text: d.noteText }));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // The note comes back in its field (without a CPR number), the error beside it.
    const kept = withoutCpr({ noteText: d.noteText }, {});
    return meetingAnswer(call, await viewMeeting(call, d.teamId, d.meetingId), { form: kept, errors: error.errors });
  }
};

function agreementInputOf(d: Record<string, string>): AgreementInput {
  const actions: AgreementInput['actions'] = [];
  for (let i = 0; i < AGREEMENT_FORM_ROWS; i++) {
    const what = (d[`action${i}What`] ?? '').trim();
    const who = (d[`action${i}Who`] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const followUpBy = (d[`action${i}FollowUp`] ?? '').trim();
    const dueDate = (d[`action${i}When`] ?? '').trim();
    // A row left empty is no action.
    if (what === '' && who.length === 0 && followUpBy === '' && dueDate === '') continue;
    actions.push({ id: `a${i + 1}`, what, ownerIds: who, followUpBy, dueDate });
  }
  return { shortTermGoal: d['shortTermGoal'] ?? '', longTermGoal: d['longTermGoal'] ?? '', longTermMonths: (d['longTermMonths'] ?? '').trim(), progressData: d['progressData'] ?? '', actions };
}

const meetingAgreement: Handler = async (call, data) => {
  const d = parse(AgreementPayload, data) as Record<string, string> & { teamId: string; meetingId: string; baseVersion: string };
  const form: Record<string, string> = {};
  for (const key of Object.keys(agreementFields)) form[key] = d[key] ?? '';
  const s = meetingStrings(call.actor.locale);
  try {
    const state = await saveAgreement(call, { teamId: d.teamId, meetingId: d.meetingId, baseVersion: d.baseVersion, agreement: agreementInputOf(d) });
    return meetingAnswer(call, state, { notice: { text: s.agreementSaved, style: 'good' } });
  } catch (error) {
    const current = async (): Promise<MeetingState> => viewMeeting(call, d.teamId, d.meetingId);
    if (error instanceof InputError) {
      // Errors of action row i are shown beside that row's fields; the form keeps what was typed (no CPR number).
      const byField: FieldErrors = {};
      const rows = agreementInputOf(d).actions.map((a) => Number(a.id.slice(1)) - 1);
      for (const [key, message] of Object.entries(error.errors)) {
        const match = /^actions\.(\d+)\.(\w+)$/.exec(key);
        byField[match ? `actions.${rows[Number(match[1])] ?? match[1]}.${match[2]}` : key] = message;
      }
      return meetingAnswer(call, await current(), { form: withoutCpr(form, {}), errors: byField });
    }
    if (error instanceof AgreementConflictError) return meetingAnswer(call, await current(), { form: withoutCpr(form, {}), notice: { text: error.notice[call.actor.locale], style: 'warning' } });
    if (error instanceof ContentionError) return meetingAnswer(call, await current(), { form: withoutCpr(form, {}), notice: { text: strings(call.actor.locale).busyRetry, style: 'warning' } });
    throw error;
  }
};

const meetingFinish: Handler = async (call, data) => {
  const d = parse(MeetingRef, data);
  return meetingAnswer(call, await finishReflectionMeeting(call, d));
};

const TeamRef = z.object({ teamId: id });
const ParticipantsPayload = MeetingRef.extend({ participantIds: input, leaderId: input });

const meetingParticipants: Handler = async (call, data) => {
  const d = parse(ParticipantsPayload, data);
  const participantIds = d.participantIds.split(',').map((x) => x.trim()).filter(Boolean);
  try {
    const state = await chooseParticipants(call, { teamId: d.teamId, meetingId: d.meetingId, leaderId: d.leaderId.trim(), participantIds });
    return meetingAnswer(call, state, { notice: { text: meetingStrings(call.actor.locale).participantsSaved, style: 'good' } });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return meetingAnswer(call, await viewMeeting(call, d.teamId, d.meetingId), { form: { participantIds: d.participantIds, leaderId: d.leaderId }, errors: error.errors });
  }
};
const ActionDonePayload = MeetingRef.extend({ actionId: id });

/** `@Refleks aftaler`: the open actions as a card; the same card is everyone's in the channel. */
export async function openActionsAnswer(call: Call, teamId: string, notice?: Notice): Promise<Card> {
  const { institution, actions } = await listOpenActions(call, teamId);
  const names = new Map(institution.members.map((m) => [m.aadObjectId, m.name]));
  const lines = actions.map((a) => ({
    meetingId: a.meetingId,
    level: a.level,
    ...(a.alias ? { alias: a.alias } : {}),
    actionId: a.actionId,
    what: a.what,
    ownerNames: a.ownerIds.map((x) => names.get(x) ?? '?'),
    followUpName: names.get(a.followUpBy) ?? '?',
    dueDate: a.dueDate,
  }));
  const card = openActionsCard({ teamId, now: call.now, lines, ...(notice ? { notice } : {}) }, call.actor.locale);
  // After a change (a notice says which), the posted list is brought up to date for everyone, without the notice.
  return notice ? attachShared(card, openActionsCard({ teamId, now: call.now, lines }, call.actor.locale)) : card;
}

const meetingActions: Handler = async (call, data) => openActionsAnswer(call, parse(TeamRef, data).teamId);

const meetingActionDone: Handler = async (call, data) => {
  const d = parse(ActionDonePayload, data);
  await markMeetingActionDone(call, d);
  return openActionsAnswer(call, d.teamId, { text: meetingStrings(call.actor.locale).actionDone, style: 'good' });
};

export const MEETING_HANDLERS: Record<
  | typeof VERBS.meetingView
  | typeof VERBS.meetingTick
  | typeof VERBS.meetingMove
  | typeof VERBS.meetingHide
  | typeof VERBS.meetingNote
  | typeof VERBS.meetingAgreement
  | typeof VERBS.meetingFinish
  | typeof VERBS.meetingActions
  | typeof VERBS.meetingActionDone
  | typeof VERBS.meetingParticipants,
  Handler
> = {
  [VERBS.meetingParticipants]: meetingParticipants,
  [VERBS.meetingActions]: meetingActions,
  [VERBS.meetingActionDone]: meetingActionDone,
  [VERBS.meetingView]: meetingView,
  [VERBS.meetingTick]: meetingTick,
  [VERBS.meetingMove]: meetingMove,
  [VERBS.meetingHide]: meetingHide,
  [VERBS.meetingNote]: meetingNote,
  [VERBS.meetingAgreement]: meetingAgreement,
  [VERBS.meetingFinish]: meetingFinish,
};
