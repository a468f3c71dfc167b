/**
 * Running a refleksionsmøde from the channel (rules in domain/reflection-meeting.ts): start it,
 * tick the preparation, write notes, move through the steps, write the aftalepapir and finish.
 *
 * - Every call checks that the actor is a member of the tilbud (team) the meeting belongs to; a
 *   meeting about a citizen also needs the citizen's plan in that tilbud.
 * - Ticks and notes are documents of their own: twenty people at once do not contend, and a
 *   note carries the id of the card's submission, so a retry stores it once.
 * - Moving a step carries the step the card was drawn at: a second click on an old card (or two
 *   people at once) does not move the meeting twice; it answers with the meeting as it is.
 * - The aftalepapir carries the version it was drawn from: saved over someone else's newer
 *   version it is a real conflict, answered with theirs and the user's input kept.
 */
import type { Institution } from '../domain/model.js';
import {
  finishMeeting,
  markActionDone,
  meetingSubject,
  MeetingStateError,
  nextStep,
  previousStep,
  recordAgreement,
  setNotesHidden,
  setParticipants,
  startMeeting,
  teamFigures,
  type TeamFigures,
  tickItem,
  writeNote,
  type AgreementInput,
  type Meeting,
  type MeetingLevel,
  type MeetingNote,
  type MeetingTick,
} from '../domain/reflection-meeting.js';
import { retryOnConflict } from '../store/retry.js';
import type { Versioned } from '../store/repositories.js';
import { requireMember } from './access.js';
import { contentVersion, type Call } from './context.js';
import { InputError, NotFoundError, RefusedError, StaleError } from './errors.js';
import { loadPlan } from './plan-access.js';
import { viewPlan, type PlanView } from './view-plan.js';
import { planCardScores } from '../domain/diary-summary.js';


/** A meeting with what its card shows. */
export interface MeetingState {
  meeting: Versioned<Meeting>;
  ticks: MeetingTick[];
  notes: MeetingNote[];
  /** The previous meeting on the same subject (its actions open "siden sidst"). */
  previous?: Meeting;
  institution: Institution;
  /**
   * For a meeting about a citizen (the actor is a member of the owning team): the alias, and while
   * the card shows it (preparation and dialog) the data basis: the plan with each delmål's latest
   * score and trend.
   */
  citizen?: { alias: string; basis?: PlanView };
}

/** The version of an aftalepapir a card was drawn from ('' = none yet). */
export function agreementVersion(meeting: Meeting): string {
  return contentVersion(meeting.agreement);
}

function nameIn(institution: Institution, aadObjectId: string, fallback?: string): string {
  return institution.members.find((m) => m.aadObjectId === aadObjectId)?.name ?? fallback ?? '';
}

async function guarded<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MeetingStateError) throw new RefusedError(error.reason);
    throw error;
  }
}

async function loadMeeting(call: Call, teamId: string, meetingId: string, action: string): Promise<{ institution: Versioned<Institution>; meeting: Versioned<Meeting> }> {
  const institution = await requireMember(call, teamId, { action, resourceType: 'meeting', resourceId: meetingId });
  const meeting = await call.deps.repos.meetings.get(call.actor.tenantId, teamId, meetingId);
  if (!meeting) throw new NotFoundError('institution');
  return { institution, meeting };
}

/** The meeting as its card shows it. */
export async function viewMeeting(call: Call, teamId: string, meetingId: string): Promise<MeetingState> {
  const { institution, meeting } = await loadMeeting(call, teamId, meetingId, 'meeting.view');
  return stateOf(call, institution.value, meeting);
}

async function stateOf(call: Call, institution: Institution, meeting: Versioned<Meeting>): Promise<MeetingState> {
  const { repos } = call.deps;
  const tenantId = call.actor.tenantId;
  const citizenId = meeting.value.level === 'citizen' ? meeting.value.citizenId : undefined;
  const [ticks, notes, previous, plan] = await Promise.all([
    repos.meetings.ticks(tenantId, meeting.value.teamId, meeting.value.id),
    repos.meetings.notes(tenantId, meeting.value.teamId, meeting.value.id),
    meeting.value.previousMeetingId ? repos.meetings.get(tenantId, meeting.value.teamId, meeting.value.previousMeetingId) : Promise.resolve(undefined),
    citizenId ? citizenOf(call, meeting.value, citizenId) : Promise.resolve(undefined),
  ]);
  return {
    meeting,
    ticks,
    notes,
    institution,
    ...(previous ? { previous: previous.value } : {}),
    ...(plan ? { citizen: plan } : {}),
  };
}

/** The citizen's alias, and the data basis while the card shows it (the plan card's own reads: the access check again, the plan, its diary summary). */
async function citizenOf(call: Call, meeting: Meeting, citizenId: string): Promise<MeetingState['citizen']> {
  if (meeting.phase === 'preparation' || meeting.phase === 'dialog') {
    try {
      const basis = await viewPlan(call, meeting.teamId, citizenId);
      return { alias: basis.plan.value.alias, basis };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
  const plan = await call.deps.repos.plans.get(call.actor.tenantId, meeting.teamId, citizenId, { maxAgeMs: 60_000 });
  return plan ? { alias: plan.value.alias } : undefined;
}

export interface StartMeetingInput {
  teamId: string;
  meetingId: string;
  level: MeetingLevel;
  citizenId?: string;
  /** Who was @mentioned (Teams user ids or AAD object ids): the tilbud's members among them take part. */
  mentioned: string[];
}

/** Starts a meeting in the team's channel; the same start again (a retry) answers with the meeting made the first time. */
export async function startReflectionMeeting(call: Call, input: StartMeetingInput): Promise<MeetingState> {
  const { repos } = call.deps;
  const { tenantId, aadObjectId } = call.actor;
  const institution = input.citizenId
    ? (await loadPlan(call, input.teamId, input.citizenId, 'meeting.start')).institution
    : await requireMember(call, input.teamId, { action: 'meeting.start', resourceType: 'meeting', resourceId: input.meetingId });
  const existing = await repos.meetings.get(tenantId, input.teamId, input.meetingId);
  if (existing) return stateOf(call, institution.value, existing);
  const mentioned = new Set(input.mentioned);
  const participantIds = institution.value.members.filter((m) => mentioned.has(m.aadObjectId) || (m.teamsUserId !== undefined && mentioned.has(m.teamsUserId))).map((m) => m.aadObjectId);
  const subject = meetingSubject({ level: input.level, ...(input.citizenId ? { citizenId: input.citizenId } : {}) });
  const previous = await repos.meetings.latestOnSubject(tenantId, input.teamId, subject);
  const figures = input.level === 'citizen' ? undefined : await figuresOf(call, input.teamId);
  const meeting = await guarded(() =>
    startMeeting(
      {
        id: input.meetingId,
        tenantId,
        teamId: input.teamId,
        level: input.level,
        ...(input.citizenId ? { citizenId: input.citizenId } : {}),
        participantIds,
        actorId: aadObjectId,
        ...(previous ? { previousMeetingId: previous.value.id } : {}),
        ...(figures ? { figures } : {}),
      },
      call.now,
    ),
  );
  const created = await repos.meetings.create(meeting);
  call.deps.logger.info({ tenantId, teamId: input.teamId, meetingId: meeting.id, level: meeting.level }, 'meeting started');
  return stateOf(call, institution.value, created);
}

/** Ticks or unticks a preparation item (anyone in the tilbud). */
export async function tickPreparation(call: Call, input: { teamId: string; meetingId: string; itemId: string; ticked: boolean }): Promise<MeetingState> {
  const { institution, meeting } = await loadMeeting(call, input.teamId, input.meetingId, 'meeting.tick');
  const actor = { id: call.actor.aadObjectId, name: nameIn(institution.value, call.actor.aadObjectId, call.actor.name) };
  const tick = await guarded(() => tickItem(meeting.value, input.itemId, actor, call.now));
  if (input.ticked) await call.deps.repos.meetings.putTick(call.actor.tenantId, input.teamId, tick);
  else await call.deps.repos.meetings.removeTick(call.actor.tenantId, input.teamId, input.meetingId, input.itemId);
  return stateOf(call, institution.value, meeting);
}

/** A note on the current step (anyone); refused input comes back as field errors. */
export async function addMeetingNote(call: Call, input: { teamId: string; meetingId: string; noteId: string; text: string }): Promise<MeetingState> {
  const { institution, meeting } = await loadMeeting(call, input.teamId, input.meetingId, 'meeting.note');
  const author = { id: call.actor.aadObjectId, name: nameIn(institution.value, call.actor.aadObjectId, call.actor.name) };
  const note = await guarded(() => writeNote(meeting.value, { id: input.noteId, text: input.text }, author, call.now));
  if (!note.ok) throw new InputError(note.errors);
  await call.deps.repos.meetings.addNote(call.actor.tenantId, input.teamId, note.value);
  return stateOf(call, institution.value, meeting);
}

type MeetingChange = (meeting: Meeting, institution: Institution) => Meeting;

/** Applies a change of the meeting document with its etag, re-applied on the newest version on a conflict (the shared retry helper). */
async function changeMeeting(call: Call, teamId: string, meetingId: string, action: string, change: MeetingChange): Promise<MeetingState> {
  const loaded = await loadMeeting(call, teamId, meetingId, action);
  const { repos } = call.deps;
  const { result } = await retryOnConflict<Versioned<Meeting>, Meeting, Versioned<Meeting>>(
    {
      initial: loaded.meeting,
      load: async () => {
        const fresh = await repos.meetings.get(call.actor.tenantId, teamId, meetingId);
        if (!fresh) throw new NotFoundError('institution');
        return fresh;
      },
      change: async (current) => {
        const next = await guarded(() => change(current.value, loaded.institution.value));
        return next === current.value ? { done: current } : { save: next };
      },
      save: (next, current) => repos.meetings.replace(next, current.etag),
    },
    call.deps.writeRetry,
  );
  return stateOf(call, loaded.institution.value, result);
}

const MOVED: { da: string; en: string } = { da: 'Mødet er allerede gået videre. Her er det, som det er nu.', en: 'The meeting has already moved on. Here it is as it is now.' };

/** Next or back, by the mødeleder, from the step the card was drawn at. */
export async function moveMeeting(call: Call, input: { teamId: string; meetingId: string; direction: 'next' | 'back'; basePhase: string; baseStep: string }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, `meeting.${input.direction}`, (meeting) => {
    if (meeting.phase !== input.basePhase || meeting.step !== input.baseStep) throw new StaleError(MOVED);
    return input.direction === 'next' ? nextStep(meeting, call.actor.aadObjectId) : previousStep(meeting, call.actor.aadObjectId);
  });
}

export async function hideMeetingNotes(call: Call, input: { teamId: string; meetingId: string; hidden: boolean }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, 'meeting.hide', (meeting) => setNotesHidden(meeting, input.hidden, call.actor.aadObjectId));
}

const AGREEMENT_CHANGED = {
  da: 'En anden har gemt aftalepapiret, mens du skrev. Her er deres version – dine indtastninger står i felterne; gem igen, hvis de skal gælde.',
  en: 'Someone else saved the agreement while you were writing. Here is their version – your input is in the fields; save again if it should apply.',
};

/** A real conflict on the aftalepapir: theirs is on the card, the user's input kept. */
export class AgreementConflictError extends StaleError {
  override readonly name = 'AgreementConflictError';
  constructor(readonly meeting: Meeting) {
    super(AGREEMENT_CHANGED);
  }
}

export async function saveAgreement(call: Call, input: { teamId: string; meetingId: string; baseVersion: string; agreement: AgreementInput }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, 'meeting.agreement', (meeting, institution) => {
    if (agreementVersion(meeting) !== input.baseVersion) throw new AgreementConflictError(meeting);
    const outcome = recordAgreement(meeting, input.agreement, institution.members.map((m) => m.aadObjectId), call.now);
    if (!outcome.ok) throw new InputError(outcome.errors);
    return outcome.value;
  });
}

export async function finishReflectionMeeting(call: Call, input: { teamId: string; meetingId: string }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, 'meeting.finish', (meeting) => (meeting.phase === 'finished' ? meeting : finishMeeting(meeting, call.actor.aadObjectId, call.now)));
}

export async function markMeetingActionDone(call: Call, input: { teamId: string; meetingId: string; actionId: string }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, 'meeting.actionDone', (meeting) => markActionDone(meeting, input.actionId, call.actor.aadObjectId, call.now));
}

/** One open action of a finished meeting, for `@Refleks aftaler`. */
export interface OpenAction {
  meetingId: string;
  level: MeetingLevel;
  alias?: string;
  actionId: string;
  what: string;
  ownerIds: readonly string[];
  followUpBy: string;
  dueDate: string;
}

/** The tilbud's open actions (of its finished meetings), the earliest due first. */
export async function listOpenActions(call: Call, teamId: string): Promise<{ institution: Institution; actions: OpenAction[] }> {
  const institution = await requireMember(call, teamId, { action: 'meeting.actions', resourceType: 'institution', resourceId: teamId });
  const meetings = await call.deps.repos.meetings.withOpenActions(call.actor.tenantId, teamId);
  const aliases = new Map<string, string>();
  for (const citizenId of new Set(meetings.flatMap((m) => (m.value.level === 'citizen' && m.value.citizenId ? [m.value.citizenId] : [])))) {
    const plan = await call.deps.repos.plans.get(call.actor.tenantId, teamId, citizenId, { maxAgeMs: 60_000 });
    if (plan) aliases.set(citizenId, plan.value.alias);
  }
  const actions = meetings
    .flatMap(({ value: m }) =>
      (m.agreement?.actions ?? [])
        .filter((a) => !a.doneAt)
        .map((a) => {
          const alias = m.citizenId ? aliases.get(m.citizenId) : undefined;
          return { meetingId: m.id, level: m.level, ...(alias ? { alias } : {}), actionId: a.id, what: a.what, ownerIds: a.ownerIds, followUpBy: a.followUpBy, dueDate: a.dueDate };
        }),
    )
    .sort((x, y) => x.dueDate.localeCompare(y.dueDate) || x.meetingId.localeCompare(y.meetingId) || x.actionId.localeCompare(y.actionId));
  return { institution: institution.value, actions };
}

/** The participants and the mødeleder, chosen in the card (by the mødeleder or the one who started it). */
export async function chooseParticipants(call: Call, input: { teamId: string; meetingId: string; leaderId: string; participantIds: string[] }): Promise<MeetingState> {
  return changeMeeting(call, input.teamId, input.meetingId, 'meeting.participants', (meeting, institution) => {
    const outcome = setParticipants(meeting, input, call.actor.aadObjectId, institution.members.map((m) => m.aadObjectId));
    if (!outcome.ok) throw new InputError(outcome.errors);
    const same = outcome.value.leaderId === meeting.leaderId && outcome.value.participantIds.join() === meeting.participantIds.join();
    return same ? meeting : outcome.value;
  });
}

/** The tilbud's newest finished meeting with its notes, for the export; undefined when none is finished. */
export async function latestFinishedMeeting(call: Call, teamId: string): Promise<MeetingState | undefined> {
  const institution = await requireMember(call, teamId, { action: 'meeting.export', resourceType: 'institution', resourceId: teamId });
  const meeting = await call.deps.repos.meetings.latestFinished(call.actor.tenantId, teamId);
  return meeting ? stateOf(call, institution.value, meeting) : undefined;
}

/**
 * One finished meeting with its notes, for a download of its document: the access check runs for
 * the actor now (a link made for them earlier grants nothing by itself). A meeting that is gone
 * or not finished is not found.
 */
export async function finishedMeeting(call: Call, teamId: string, meetingId: string): Promise<MeetingState> {
  const { institution, meeting } = await loadMeeting(call, teamId, meetingId, 'meeting.download');
  if (meeting.value.phase !== 'finished') throw new NotFoundError('institution');
  return stateOf(call, institution.value, meeting);
}

/**
 * The figures across the tilbud's citizens for a meeting on indsats or organisation level, taken
 * once when it starts (the card shows this snapshot): the tilbud's plans in one partition query,
 * and each citizen's stored diary summary for the delmål trends.
 */
async function figuresOf(call: Call, teamId: string): Promise<TeamFigures> {
  const { repos } = call.deps;
  const tenantId = call.actor.tenantId;
  const plans = await repos.plans.list(tenantId, teamId);
  const withTrends = await Promise.all(
    plans.map(async ({ value: plan }) => {
      const summary = await repos.summaries.get(tenantId, teamId, plan.id);
      const scores = summary ? planCardScores(summary.value, plan) : {};
      return { plan, trends: Object.fromEntries(Object.entries(scores).map(([goalId, score]) => [goalId, score.trend])) };
    }),
  );
  return teamFigures(withTrends, call.now);
}
