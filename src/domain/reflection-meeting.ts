/**
 * Refleksionsmøde (seed 004, booklet 7, section 3.2; DOMAIN.md section 3): the three phases
 * (forberedelse, dialog, handling), the preparation checklist for mødeleder and deltagere, the
 * four dialog steps with the booklet's support questions, attributed notes (hidden until their
 * step closes when the mødeleder chooses so), and the aftalepapir whose actions become tracked
 * deadlines.
 *
 * Pure. A meeting is kept as several records so that twenty people ticking or writing at once do
 * not contend on one version: the meeting itself (phase, step, leader, aftalepapir), one record
 * per ticked item (`MeetingTick`) and one per note (`MeetingNote`). The functions here decide
 * what each change may do, given the meeting as it stands; ticks and notes are never merged into
 * the meeting record.
 */
import { addMonths, differenceInCalendarDays, parseISO } from 'date-fns';
import { tz } from '@date-fns/tz';
import { z } from 'zod';
import { IsoDateSchema, IsoDateTimeSchema, StoredIdSchema, type Plan } from './model.js';
import type { Trend } from './scores.js';
import { isIsoDate, todayInZone, ZONE } from './plan.js';
import { checkText, collectErrors, MESSAGES, TEXT_LIMITS, type FieldErrors, type LocalizedText } from './text.js';

const IN_ZONE = { in: tz(ZONE) };

export type MeetingLevel = 'citizen' | 'indsats' | 'organisation';
export type MeetingPhase = 'preparation' | 'dialog' | 'action' | 'finished';
export const DIALOG_STEPS = ['sinceLast', 'explore', 'interpret', 'prepareAction'] as const;
export type DialogStep = (typeof DIALOG_STEPS)[number];

export interface ChecklistItem {
  readonly id: string;
  /** Who the booklet gives the item to. */
  readonly role: 'all' | 'leader' | 'participant';
  readonly text: LocalizedText;
}

/** The preparation checklist of booklet 7, section 3.2 ("Forberedelse"). */
export const PREPARATION_ITEMS: readonly ChecklistItem[] = [
  { id: 'invited', role: 'all', text: { da: 'De relevante deltagere er inviteret rettidigt.', en: 'The relevant participants were invited in time.' } },
  { id: 'room', role: 'all', text: { da: 'Der er reserveret lokale.', en: 'A room is booked.' } },
  { id: 'roles', role: 'all', text: { da: 'Alle deltagere kender deres roller på mødet.', en: 'Everyone knows their role in the meeting.' } },
  { id: 'howToPrepare', role: 'all', text: { da: 'Alle ved, hvordan og hvor meget de skal forberede sig.', en: 'Everyone knows how and how much to prepare.' } },
  { id: 'props', role: 'all', text: { da: 'Rekvisitter er klar (tavle, projektor o.a.).', en: 'Props are ready (board, projector …).' } },
  { id: 'purpose', role: 'leader', text: { da: 'Formålet og fokus/temaer for dialogen står klart for alle.', en: 'The purpose and themes of the dialogue are clear to everyone.' } },
  { id: 'data', role: 'leader', text: { da: 'Datagrundlaget er tilgængeligt for alle i god tid.', en: 'The data are available to everyone in good time.' } },
  {
    id: 'threeQuestions',
    role: 'leader',
    text: {
      da: 'Deltagerne er bedt om at gennemgå data: de tre vigtigste iagttagelser, hvad de undrer sig mest over, og hvad de ville prioritere at gøre noget ved.',
      en: 'Participants were asked to go through the data: their three most important observations, what puzzles them most, and what they would act on.',
    },
  },
  { id: 'content', role: 'leader', text: { da: 'Dialogens indhold: temaer og niveau er valgt.', en: 'The dialogue’s content: themes and level chosen.' } },
  { id: 'environment', role: 'leader', text: { da: 'Dialogens miljø: lokale, indretning og materialer.', en: 'The dialogue’s setting: room, layout and materials.' } },
  { id: 'process', role: 'leader', text: { da: 'Dialogens proces: køreplan og realistisk tidsplan (med pauser).', en: 'The dialogue’s process: running order and a realistic timetable (with breaks).' } },
  { id: 'readData', role: 'participant', text: { da: 'Jeg har orienteret mig i data og forholdt mig til, hvad jeg ser.', en: 'I have looked at the data and what I see in them.' } },
  { id: 'themes', role: 'participant', text: { da: 'Jeg har gjort mig klart, hvilke temaer jeg ser, og prioriteret dem.', en: 'I know which themes I see and which matter most.' } },
  { id: 'whoToInvolve', role: 'participant', text: { da: 'Jeg har overvejet, hvem der kunne inddrages i nye tiltag.', en: 'I have thought about whom to involve in new actions.' } },
];

/** Each dialog step's name and the booklet's support questions ("Støttespørgsmål til dialogen"). */
export const DIALOG_STEP_TEXT: Readonly<Record<DialogStep, { name: LocalizedText; questions: readonly LocalizedText[] }>> = {
  sinceLast: {
    name: { da: 'Siden sidst', en: 'Since last time' },
    questions: [
      { da: 'Hvad blev der aftalt sidst?', en: 'What was agreed last time?' },
      { da: 'Hvad er status på aftalerne?', en: 'Where do the agreements stand?' },
      { da: 'Kan vi se resultaterne i data?', en: 'Can we see the results in the data?' },
      { da: 'Hvad har vi lært af disse eksperimenter?', en: 'What have we learned from these experiments?' },
    ],
  },
  explore: {
    name: { da: 'Udforsk', en: 'Explore' },
    questions: [
      { da: 'Hvad fortæller data os?', en: 'What do the data tell us?' },
      { da: 'Hvad får vi øje på, når vi læser data?', en: 'What do we notice when we read the data?' },
      { da: 'Hvad kunne vi ellers have brug for at vide?', en: 'What else might we need to know?' },
      { da: 'Hvilke positive ting kan vi være glade for?', en: 'Which positive things can we be glad of?' },
      { da: 'Hvilke udfordringer kunne være relevante at fokusere på?', en: 'Which challenges could be worth focusing on?' },
    ],
  },
  interpret: {
    name: { da: 'Fortolk', en: 'Interpret' },
    questions: [
      { da: 'Hvilke udfordringer ser vi for borgerens mulighed for udvikling?', en: 'Which challenges do we see for the citizen’s development?' },
      { da: 'Hvilke faktorer er med til at forhindre udvikling eller progression?', en: 'Which factors hold back development or progress?' },
      { da: 'Hvilke forhold kan være med til at opretholde de nuværende mønstre?', en: 'What may keep the current patterns in place?' },
      { da: 'Bruger vi kerneelementer fra vores indsats i tilstrækkelig grad?', en: 'Do we use the core elements of our indsats enough?' },
      { da: 'Hvilket indsatsområde vælger vi at arbejde videre med?', en: 'Which area do we choose to work on?' },
    ],
  },
  prepareAction: {
    name: { da: 'Forbered handling', en: 'Prepare action' },
    questions: [
      { da: 'Hvad vil vi opnå indtil næste møde, og hvad om x måneder?', en: 'What do we want to reach by the next meeting, and in x months?' },
      { da: 'Hvilke data vil være tegn på, at vi er på rette vej?', en: 'Which data will show we are on track?' },
      { da: 'Hvad går de nye tiltag ud på, hvem gør det, hvem følger op, og hvornår?', en: 'What are the new actions, who does them, who follows up, and when?' },
    ],
  },
};

export interface AgreementAction {
  /** Stable within the meeting: the deadline's subject. */
  readonly id: string;
  readonly what: string;
  /** Who does it (aad object ids of members of the team). */
  readonly ownerIds: readonly string[];
  /** Who follows up (a member). */
  readonly followUpBy: string;
  /** By when, yyyy-MM-dd (Copenhagen). */
  readonly dueDate: string;
  readonly doneAt?: string;
  readonly doneBy?: string;
}

/** The aftalepapir (booklet 7, "Forbered handling"). */
export interface Agreement {
  readonly shortTermGoal: string;
  readonly longTermGoal: string;
  readonly longTermMonths: number;
  readonly progressData: string;
  readonly actions: readonly AgreementAction[];
}

/** The figures across the tilbud's citizens, taken when a meeting on indsats or organisation level starts. */
export interface TeamFigures {
  readonly citizens: number;
  readonly purposeMissing: number;
  readonly activeGoals: number;
  readonly activeSubGoals: number;
  /** Active goals and sub-goals whose revisionsdato has come. */
  readonly revisionsDue: number;
  /** Active sub-goals by the trend of their support need in the current period. */
  readonly trends: Readonly<Record<'improving' | 'stable' | 'worsening' | 'insufficient', number>>;
  readonly takenAt: string;
}

/** The figures of a tilbud's plans (with each plan's delmål trends, where known), at `now`. */
export function teamFigures(plans: ReadonlyArray<{ plan: Plan; trends: Readonly<Record<string, Trend>> }>, now: Date): TeamFigures {
  const today = todayInZone(now);
  const trends = { improving: 0, stable: 0, worsening: 0, insufficient: 0 };
  let purposeMissing = 0;
  let activeGoals = 0;
  let activeSubGoals = 0;
  let revisionsDue = 0;
  for (const { plan, trends: known } of plans) {
    if (!plan.purpose) purposeMissing++;
    for (const goal of plan.goals) {
      if (goal.state !== 'active') continue;
      if (goal.revisionDate <= today) revisionsDue++;
      if (!goal.parentId) {
        activeGoals++;
        continue;
      }
      activeSubGoals++;
      trends[known[goal.id] ?? 'insufficient']++;
    }
  }
  return { citizens: plans.length, purposeMissing, activeGoals, activeSubGoals, revisionsDue, trends, takenAt: now.toISOString() };
}

export interface Meeting {
  readonly id: string;
  readonly tenantId: string;
  readonly teamId: string;
  readonly level: MeetingLevel;
  /** For level citizen: the plan's id. */
  readonly citizenId?: string;
  readonly leaderId: string;
  readonly participantIds: readonly string[];
  readonly phase: MeetingPhase;
  /** The current dialog step (in phase dialog), or the last one reached. */
  readonly step: DialogStep;
  /** Steps the meeting has moved past at least once: their notes are shown to all. */
  readonly closedSteps: readonly DialogStep[];
  /** Notes of the current step stay hidden from the others until it closes. */
  readonly hideNotesUntilClosed: boolean;
  readonly agreement?: Agreement;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly finishedAt?: string;
  /** The meeting on the same subject before this one, whose actions open "siden sidst". */
  readonly previousMeetingId?: string;
  /** For indsats and organisation level: the figures across the tilbud's citizens at the start. */
  readonly figures?: TeamFigures;
}

export interface MeetingTick {
  readonly meetingId: string;
  readonly itemId: string;
  readonly tickedBy: string;
  readonly tickedByName: string;
  readonly tickedAt: string;
}

export interface MeetingNote {
  readonly id: string;
  readonly meetingId: string;
  readonly step: DialogStep;
  readonly text: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly createdAt: string;
}

export type MeetingOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
/** A change the meeting's state does not allow (the card then shows the meeting as it is, with the reason). */
export class MeetingStateError extends Error {
  override readonly name = 'MeetingStateError';
  constructor(readonly reason: LocalizedText) {
    super(reason.en);
  }
}

/** What the next meeting on the same subject follows up: the level and, for a citizen, the plan. */
export function meetingSubject(meeting: Pick<Meeting, 'level' | 'citizenId'>): string {
  return meeting.level === 'citizen' ? `citizen:${meeting.citizenId ?? ''}` : meeting.level;
}

export interface NewMeetingInput {
  id: string;
  tenantId: string;
  teamId: string;
  level: MeetingLevel;
  citizenId?: string;
  leaderId?: string;
  participantIds?: readonly string[];
  actorId: string;
  previousMeetingId?: string;
  figures?: TeamFigures;
}

/** A new meeting in its preparation phase; the mødeleder is the one named, else the one who starts it. */
export function startMeeting(input: NewMeetingInput, now: Date): Meeting {
  if (input.level === 'citizen' && !input.citizenId) throw new MeetingStateError({ da: 'Vælg borgeren, mødet handler om.', en: 'Pick the citizen the meeting is about.' });
  const leaderId = input.leaderId ?? input.actorId;
  const participantIds = [...new Set([leaderId, ...(input.participantIds ?? [])])];
  return {
    id: input.id,
    tenantId: input.tenantId,
    teamId: input.teamId,
    level: input.level,
    ...(input.level === 'citizen' && input.citizenId ? { citizenId: input.citizenId } : {}),
    leaderId,
    participantIds,
    phase: 'preparation',
    step: 'sinceLast',
    closedSteps: [],
    hideNotesUntilClosed: false,
    createdAt: now.toISOString(),
    createdBy: input.actorId,
    ...(input.previousMeetingId ? { previousMeetingId: input.previousMeetingId } : {}),
    ...(input.level !== 'citizen' && input.figures ? { figures: input.figures } : {}),
  };
}

const NOT_LEADER: LocalizedText = { da: 'Kun mødelederen styrer mødets trin.', en: 'Only the meeting leader moves the meeting on.' };
const FINISHED: LocalizedText = { da: 'Mødet er afsluttet.', en: 'The meeting has finished.' };

function requireLeader(meeting: Meeting, actorId: string): void {
  if (meeting.phase === 'finished') throw new MeetingStateError(FINISHED);
  if (actorId !== meeting.leaderId) throw new MeetingStateError(NOT_LEADER);
}

/**
 * A tick (or untick) on a preparation item by anyone in the channel: the record to store (or
 * remove). Items are ticked independently, each its own record; a finished meeting takes none.
 */
export function tickItem(meeting: Meeting, itemId: string, actor: { id: string; name: string }, now: Date): MeetingTick {
  if (meeting.phase === 'finished') throw new MeetingStateError(FINISHED);
  if (!PREPARATION_ITEMS.some((item) => item.id === itemId)) throw new MeetingStateError({ da: 'Punktet findes ikke på listen.', en: 'The item is not on the list.' });
  return { meetingId: meeting.id, itemId, tickedBy: actor.id, tickedByName: actor.name, tickedAt: now.toISOString() };
}

/** The mødeleder (or the one who started the meeting) chooses the participants and who leads; only members of the tilbud count. */
export function setParticipants(meeting: Meeting, input: { leaderId: string; participantIds: readonly string[] }, actorId: string, members: readonly string[]): MeetingOutcome<Meeting> {
  if (meeting.phase === 'finished') throw new MeetingStateError(FINISHED);
  if (actorId !== meeting.leaderId && actorId !== meeting.createdBy) throw new MeetingStateError(NOT_LEADER);
  const participantIds = [...new Set([input.leaderId, ...input.participantIds].filter(Boolean))];
  const errors = collectErrors({
    leaderId: members.includes(input.leaderId) ? undefined : { da: 'Vælg mødelederen blandt teamets medlemmer.', en: 'Pick the meeting leader among the team’s members.' },
    participantIds: participantIds.every((id) => members.includes(id)) ? undefined : { da: 'Vælg deltagerne blandt teamets medlemmer.', en: 'Pick the participants among the team’s members.' },
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ...meeting, leaderId: input.leaderId, participantIds } };
}

/** The mødeleder chooses whether the current step's notes stay hidden until it closes (so the first voice does not steer). */
export function setNotesHidden(meeting: Meeting, hidden: boolean, actorId: string): Meeting {
  requireLeader(meeting, actorId);
  return meeting.hideNotesUntilClosed === hidden ? meeting : { ...meeting, hideNotesUntilClosed: hidden };
}

/** Preparation → dialog (siden sidst), dialog steps forward, and after forbered handling → handling. */
export function nextStep(meeting: Meeting, actorId: string): Meeting {
  requireLeader(meeting, actorId);
  if (meeting.phase === 'preparation') return { ...meeting, phase: 'dialog', step: 'sinceLast' };
  if (meeting.phase === 'action') throw new MeetingStateError({ da: 'Mødet er ved aftalepapiret: afslut mødet, når det er udfyldt.', en: 'The meeting is at the agreement: finish it once that is filled in.' });
  const closedSteps = meeting.closedSteps.includes(meeting.step) ? meeting.closedSteps : [...meeting.closedSteps, meeting.step];
  const index = DIALOG_STEPS.indexOf(meeting.step);
  const next = DIALOG_STEPS[index + 1];
  return next ? { ...meeting, step: next, closedSteps } : { ...meeting, phase: 'action', closedSteps };
}

/** Back one step: handling → forbered handling, a dialog step → the one before, siden sidst → forberedelse. */
export function previousStep(meeting: Meeting, actorId: string): Meeting {
  requireLeader(meeting, actorId);
  if (meeting.phase === 'preparation') throw new MeetingStateError({ da: 'Mødet er ved forberedelsen: der er intet trin før.', en: 'The meeting is at the preparation: there is no step before it.' });
  if (meeting.phase === 'action') return { ...meeting, phase: 'dialog', step: 'prepareAction' };
  const index = DIALOG_STEPS.indexOf(meeting.step);
  const previous = DIALOG_STEPS[index - 1];
  return previous ? { ...meeting, step: previous } : { ...meeting, phase: 'preparation' };
}

/** A note on the current dialog step by anyone: checked like any free text (CPR refused, length). */
export function writeNote(meeting: Meeting, input: { id: string; text: string }, author: { id: string; name: string }, now: Date): MeetingOutcome<MeetingNote> {
  if (meeting.phase !== 'dialog') throw new MeetingStateError({ da: 'Noter skrives under dialogen.', en: 'Notes are written during the dialogue.' });
  const text = input.text.trim();
  const errors = collectErrors({ note: checkText(text, { required: true, max: TEXT_LIMITS.note }) });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { id: input.id, meetingId: meeting.id, step: meeting.step, text, authorId: author.id, authorName: author.name, createdAt: now.toISOString() } };
}

/**
 * The notes a viewer sees of one step: all, unless the step is open and its notes are hidden;
 * then their own, and how many of the others' wait.
 */
export function visibleNotes(meeting: Meeting, notes: readonly MeetingNote[], step: DialogStep, viewerId: string): { shown: MeetingNote[]; hidden: number } {
  const ofStep = notes.filter((n) => n.step === step).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const open = meeting.phase === 'dialog' && meeting.step === step && !meeting.closedSteps.includes(step);
  if (!meeting.hideNotesUntilClosed || !open) return { shown: ofStep, hidden: 0 };
  const shown = ofStep.filter((n) => n.authorId === viewerId);
  return { shown, hidden: ofStep.length - shown.length };
}

/** The aftalepapir as the form sends it: texts, months as text, actions with dates as yyyy-MM-dd. */
export interface AgreementInput {
  shortTermGoal: string;
  longTermGoal: string;
  longTermMonths: string;
  progressData: string;
  actions: Array<{ id: string; what: string; ownerIds: string[]; followUpBy: string; dueDate: string }>;
}

/** The most actions one aftalepapir holds (a card shows them all). */
export const AGREEMENT_ACTIONS_MAX = 10;
/** The most people who do one action (who follows up is one more). */
export const ACTION_OWNERS_MAX = 5;
/** How far ahead an action's date may lie. */
export const ACTION_MAX_MONTHS_AHEAD = 24;

/** The aftalepapir's errors, per field (`actions.<i>.<field>` for an action's). */
export function validateAgreement(input: AgreementInput, members: readonly string[], now: Date): FieldErrors {
  const months = Number(input.longTermMonths);
  const checks: Record<string, LocalizedText | undefined> = {
    shortTermGoal: checkText(input.shortTermGoal, { required: true, max: TEXT_LIMITS.goal }),
    longTermGoal: checkText(input.longTermGoal, { required: true, max: TEXT_LIMITS.goal }),
    longTermMonths:
      Number.isInteger(months) && months >= 1 && months <= 36 ? undefined : { da: 'Skriv et antal måneder fra 1 til 36.', en: 'Enter a number of months from 1 to 36.' },
    progressData: checkText(input.progressData, { required: true, max: TEXT_LIMITS.goal }),
    actions:
      input.actions.length === 0
        ? { da: 'Aftal mindst ét tiltag: hvad, hvem, hvem følger op, og hvornår.', en: 'Agree at least one action: what, who, who follows up, and when.' }
        : input.actions.length > AGREEMENT_ACTIONS_MAX
          ? { da: `Højst ${AGREEMENT_ACTIONS_MAX} tiltag på ét aftalepapir.`, en: `At most ${AGREEMENT_ACTIONS_MAX} actions on one agreement.` }
          : undefined,
  };
  const today = todayInZone(now);
  const latest = todayInZone(addMonths(now, ACTION_MAX_MONTHS_AHEAD, IN_ZONE));
  input.actions.slice(0, AGREEMENT_ACTIONS_MAX).forEach((action, i) => {
    checks[`actions.${i}.what`] = checkText(action.what, { required: true, max: TEXT_LIMITS.short });
    checks[`actions.${i}.ownerIds`] =
      action.ownerIds.length === 0
        ? { da: 'Vælg, hvem der gør det.', en: 'Pick who does it.' }
        : new Set(action.ownerIds).size > ACTION_OWNERS_MAX
          ? { da: `Højst ${ACTION_OWNERS_MAX} personer pr. tiltag.`, en: `At most ${ACTION_OWNERS_MAX} people per action.` }
          : action.ownerIds.every((id) => members.includes(id))
          ? undefined
          : { da: 'Vælg blandt teamets medlemmer.', en: 'Pick among the team’s members.' };
    checks[`actions.${i}.followUpBy`] =
      action.followUpBy === '' ? { da: 'Vælg, hvem der følger op.', en: 'Pick who follows up.' } : members.includes(action.followUpBy) ? undefined : { da: 'Vælg blandt teamets medlemmer.', en: 'Pick among the team’s members.' };
    checks[`actions.${i}.dueDate`] = !isIsoDate(action.dueDate)
      ? MESSAGES.invalidDate
      : action.dueDate < today
        ? { da: 'Datoen er passeret. Vælg en dato fra i dag.', en: 'The date has passed. Pick a date from today.' }
        : action.dueDate > latest
          ? { da: `Vælg en dato inden for ${ACTION_MAX_MONTHS_AHEAD} måneder.`, en: `Pick a date within ${ACTION_MAX_MONTHS_AHEAD} months.` }
          : undefined;
  });
  return collectErrors(checks);
}

/** Records the aftalepapir (anyone present may write it; the mødeleder finishes the meeting). */
export function recordAgreement(meeting: Meeting, input: AgreementInput, members: readonly string[], now: Date): MeetingOutcome<Meeting> {
  if (meeting.phase !== 'action' && !(meeting.phase === 'dialog' && meeting.step === 'prepareAction')) {
    throw new MeetingStateError({ da: 'Aftalepapiret udfyldes under "forbered handling".', en: 'The agreement is filled in at "prepare action".' });
  }
  const errors = validateAgreement(input, members, now);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const agreement: Agreement = {
    shortTermGoal: input.shortTermGoal.trim(),
    longTermGoal: input.longTermGoal.trim(),
    longTermMonths: Number(input.longTermMonths),
    progressData: input.progressData.trim(),
    actions: input.actions.map((a) => ({ id: a.id, what: a.what.trim(), ownerIds: [...new Set(a.ownerIds)], followUpBy: a.followUpBy, dueDate: a.dueDate })),
  };
  return { ok: true, value: { ...meeting, agreement } };
}

/** Finishing: only from the handling phase, by the mødeleder, with an aftalepapir. */
export function finishMeeting(meeting: Meeting, actorId: string, now: Date): Meeting {
  requireLeader(meeting, actorId);
  if (meeting.phase !== 'action') throw new MeetingStateError({ da: 'Gå til aftalepapiret, før mødet afsluttes.', en: 'Go to the agreement before finishing the meeting.' });
  if (!meeting.agreement) throw new MeetingStateError({ da: 'Udfyld aftalepapiret, før mødet afsluttes.', en: 'Fill in the agreement before finishing the meeting.' });
  return { ...meeting, phase: 'finished', finishedAt: now.toISOString() };
}

/** An action's owner (or the one following up) marks it done; marking it again changes nothing. */
export function markActionDone(meeting: Meeting, actionId: string, actorId: string, now: Date): Meeting {
  const actions = meeting.agreement?.actions ?? [];
  const action = actions.find((a) => a.id === actionId);
  if (!meeting.agreement || !action) throw new MeetingStateError({ da: 'Tiltaget findes ikke længere.', en: 'The action no longer exists.' });
  if (!action.ownerIds.includes(actorId) && action.followUpBy !== actorId) {
    throw new MeetingStateError({ da: 'Kun den, der har tiltaget, eller den, der følger op, kan markere det som gjort.', en: 'Only its owner or the one following up can mark the action done.' });
  }
  if (action.doneAt) return meeting;
  const done: AgreementAction = { ...action, doneAt: now.toISOString(), doneBy: actorId };
  return { ...meeting, agreement: { ...meeting.agreement, actions: actions.map((a) => (a.id === actionId ? done : a)) } };
}

/** An open action as a tracked deadline: its owners are reminded before and on its date. */
export interface ActionDeadline {
  readonly id: string;
  readonly meetingId: string;
  readonly actionId: string;
  readonly dueDate: string;
  readonly ownerIds: readonly string[];
  readonly openedAt: string;
}

/** The finished meeting's open actions as deadlines (none before the meeting is finished). */
export function actionDeadlines(meeting: Meeting): ActionDeadline[] {
  if (meeting.phase !== 'finished' || !meeting.agreement) return [];
  return meeting.agreement.actions
    .filter((a) => !a.doneAt)
    .map((a) => ({ id: `agreementAction:${meeting.id}:${a.id}`, meetingId: meeting.id, actionId: a.id, dueDate: a.dueDate, ownerIds: a.ownerIds, openedAt: meeting.finishedAt ?? meeting.createdAt }));
}

/** "Siden sidst" of the next meeting: the previous meeting's actions, open first (overdue first), each with its state. */
export function sinceLast(previous: Meeting | undefined, now: Date): Array<AgreementAction & { state: 'done' | 'open' | 'overdue'; daysLeft: number }> {
  const today = todayInZone(now);
  return (previous?.agreement?.actions ?? [])
    .map((a) => ({
      ...a,
      state: a.doneAt ? ('done' as const) : a.dueDate < today ? ('overdue' as const) : ('open' as const),
      daysLeft: differenceInCalendarDays(parseISO(a.dueDate, IN_ZONE), parseISO(today, IN_ZONE), IN_ZONE),
    }))
    .sort((x, y) => Number(x.state === 'done') - Number(y.state === 'done') || x.dueDate.localeCompare(y.dueDate));
}

/** Who ticked what: per item, the tick if any (the newest when a record was written twice). */
export function checklistState(ticks: readonly MeetingTick[]): Map<string, MeetingTick> {
  const state = new Map<string, MeetingTick>();
  for (const tick of ticks) {
    const seen = state.get(tick.itemId);
    if (!seen || seen.tickedAt < tick.tickedAt) state.set(tick.itemId, tick);
  }
  return state;
}

// ---------------------------------------------------------------- stored forms

const DialogStepSchema = z.enum(DIALOG_STEPS);

export const AgreementActionSchema = z.object({
  id: StoredIdSchema,
  what: z.string().max(TEXT_LIMITS.short),
  ownerIds: z.array(StoredIdSchema).min(1).max(ACTION_OWNERS_MAX),
  followUpBy: StoredIdSchema,
  dueDate: IsoDateSchema,
  doneAt: IsoDateTimeSchema.optional(),
  doneBy: StoredIdSchema.optional(),
}) satisfies z.ZodType<AgreementAction>;

export const AgreementSchema = z.object({
  shortTermGoal: z.string().max(TEXT_LIMITS.goal),
  longTermGoal: z.string().max(TEXT_LIMITS.goal),
  longTermMonths: z.number().int().min(1).max(36),
  progressData: z.string().max(TEXT_LIMITS.goal),
  actions: z.array(AgreementActionSchema).max(AGREEMENT_ACTIONS_MAX),
}) satisfies z.ZodType<Agreement>;

export const MeetingSchema = z.object({
  id: StoredIdSchema,
  tenantId: StoredIdSchema,
  teamId: StoredIdSchema,
  level: z.enum(['citizen', 'indsats', 'organisation']),
  citizenId: StoredIdSchema.optional(),
  leaderId: StoredIdSchema,
  participantIds: z.array(StoredIdSchema).max(200),
  phase: z.enum(['preparation', 'dialog', 'action', 'finished']),
  step: DialogStepSchema,
  closedSteps: z.array(DialogStepSchema).max(DIALOG_STEPS.length),
  hideNotesUntilClosed: z.boolean(),
  agreement: AgreementSchema.optional(),
  createdAt: IsoDateTimeSchema,
  createdBy: StoredIdSchema,
  finishedAt: IsoDateTimeSchema.optional(),
  previousMeetingId: StoredIdSchema.optional(),
  figures: z
    .object({
      citizens: z.number().int().min(0),
      purposeMissing: z.number().int().min(0),
      activeGoals: z.number().int().min(0),
      activeSubGoals: z.number().int().min(0),
      revisionsDue: z.number().int().min(0),
      trends: z.object({ improving: z.number().int().min(0), stable: z.number().int().min(0), worsening: z.number().int().min(0), insufficient: z.number().int().min(0) }),
      takenAt: IsoDateTimeSchema,
    })
    .optional(),
}) satisfies z.ZodType<Meeting>;

export const MeetingTickSchema = z.object({
  meetingId: StoredIdSchema,
  itemId: StoredIdSchema,
  tickedBy: StoredIdSchema,
  tickedByName: z.string().max(TEXT_LIMITS.short),
  tickedAt: IsoDateTimeSchema,
}) satisfies z.ZodType<MeetingTick>;

export const MeetingNoteSchema = z.object({
  id: StoredIdSchema,
  meetingId: StoredIdSchema,
  step: DialogStepSchema,
  text: z.string().max(TEXT_LIMITS.note),
  authorId: StoredIdSchema,
  authorName: z.string().max(TEXT_LIMITS.short),
  createdAt: IsoDateTimeSchema,
}) satisfies z.ZodType<MeetingNote>;
