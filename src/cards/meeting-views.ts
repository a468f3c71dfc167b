/**
 * The refleksionsmøde's card in the team channel: one card for the whole meeting, updated in
 * place for everyone. Built in code (its parts depend on the phase), with its own Danish and
 * English strings. Every action is Action.Execute with an Action.Submit fallback; its data holds
 * ids and the version the card was drawn at (phase and step, the aftalepapir's version), never
 * content. A viewer's own card shows their hidden notes; the shared card shows none of them.
 */
import {
  checklistState,
  DIALOG_STEP_TEXT,
  DIALOG_STEPS,
  PREPARATION_ITEMS,
  sinceLast,
  visibleNotes,
  type Agreement,
  type DialogStep,
  type Meeting,
  type MeetingNote,
  type MeetingTick,
  type TeamFigures,
} from '../domain/reflection-meeting.js';
import { todayInZone } from '../domain/plan.js';
import type { FieldErrors } from '../domain/text.js';
import { formatDate, formatDateTime, type Locale } from './i18n.js';
import { cardSizeBytes } from './render.js';
import { escapeMarkdown } from './templates.js';
import { VERBS } from './verbs.js';
import { executeAction, scoreLabel, trendText, type Card, type Notice } from './views.js';
import type { PlanView } from '../usecases/view-plan.js';

interface MeetingStrings {
  title: string;
  level: Record<Meeting['level'], string>;
  leader: string;
  participants: string;
  preparation: string;
  forAll: string;
  forLeader: string;
  forParticipants: string;
  tickedBy: (name: string) => string;
  btnTick: string;
  btnUntick: string;
  step: (n: number, name: string) => string;
  questions: string;
  notes: string;
  noNotes: string;
  hiddenNotes: (n: number) => string;
  noteLabel: string;
  btnAddNote: string;
  btnNext: string;
  btnBack: string;
  btnStartDialog: string;
  btnHide: string;
  btnShow: string;
  hiddenOn: string;
  leaderOnly: string;
  sinceLastTitle: string;
  sinceLastNone: string;
  actionState: Record<'done' | 'open' | 'overdue', string>;
  agreement: string;
  shortTerm: string;
  longTerm: string;
  months: string;
  progressData: string;
  action: (n: number) => string;
  what: string;
  who: string;
  followUp: string;
  when: string;
  btnSaveAgreement: string;
  btnFinish: string;
  btnRefresh: string;
  finished: (date: string) => string;
  agreementSaved: string;
  moreNotes: (n: number) => string;
  moreNames: (n: number) => string;
  whoTakesPart: string;
  basisTitle: string;
  basisPurpose: string;
  basisNoPurpose: string;
  basisLatest: string;
  basisNoScore: string;
  basisMore: (n: number) => string;
  figures: (f: TeamFigures) => string[];
  figuresTaken: (when: string) => string;
  tooManyToPick: string;
  btnSaveParticipants: string;
  participantsSaved: string;
  openActionsTitle: string;
  openActionsNone: string;
  btnActionDone: string;
  moreActions: (n: number) => string;
  actionDone: string;
}

const DA: MeetingStrings = {
  title: 'Refleksionsmøde',
  level: { citizen: 'Borger', indsats: 'Indsats', organisation: 'Organisation' },
  leader: 'Mødeleder',
  participants: 'Deltagere',
  preparation: 'Forberedelse',
  forAll: 'Det praktiske',
  forLeader: 'Mødelederen',
  forParticipants: 'Deltagerne',
  tickedBy: (name) => `✓ ${name}`,
  btnTick: 'Afkryds',
  btnUntick: 'Fjern',
  step: (n, name) => `Dialog, trin ${n} af 4: ${name}`,
  questions: 'Støttespørgsmål',
  notes: 'Noter',
  noNotes: 'Ingen noter endnu.',
  hiddenNotes: (n) => `${n} ${n === 1 ? 'note er skjult' : 'noter er skjult'}, til trinnet lukkes.`,
  noteLabel: 'Din note',
  btnAddNote: 'Tilføj note',
  btnNext: 'Næste trin',
  btnBack: 'Tilbage',
  btnStartDialog: 'Start dialogen',
  btnHide: 'Skjul noter til trinnet lukkes',
  btnShow: 'Vis noter med det samme',
  hiddenOn: 'Noterne på dette trin er skjult for de andre, til trinnet lukkes.',
  leaderOnly: 'Kun mødelederen går videre eller tilbage.',
  sinceLastTitle: 'Aftaler fra sidste møde',
  sinceLastNone: 'Intet sidste møde om dette emne.',
  actionState: { done: 'gjort', open: 'åben', overdue: 'overskredet' },
  agreement: 'Aftalepapir',
  shortTerm: 'Hvad vil vi opnå inden næste møde?',
  longTerm: 'Hvad vil vi opnå på længere sigt?',
  months: 'Om hvor mange måneder?',
  progressData: 'Hvilke data viser, at vi er på rette vej?',
  action: (n) => `Tiltag ${n}`,
  what: 'Hvad skal gøres?',
  who: 'Hvem gør det?',
  followUp: 'Hvem følger op?',
  when: 'Hvornår?',
  btnSaveAgreement: 'Gem aftalepapir',
  btnFinish: 'Afslut mødet',
  btnRefresh: 'Opdatér',
  finished: (date) => `Mødet blev afsluttet ${date}. Tiltagene er nu frister for dem, der har dem.`,
  agreementSaved: 'Aftalepapiret er gemt.',
  moreNames: (n) => `og ${n} flere`,
  whoTakesPart: 'Hvem deltager?',
  basisTitle: 'Datagrundlag',
  basisPurpose: 'Formål',
  basisNoPurpose: 'Formålet fra handleplanen mangler.',
  basisLatest: 'seneste',
  basisNoScore: 'ingen scorer endnu',
  basisMore: (n) => `… og ${n} delmål mere (se planen).`,
  figures: (f) => [
    `Borgere: ${f.citizens} (formål mangler for ${f.purposeMissing})`,
    `Aktive mål: ${f.activeGoals}, delmål: ${f.activeSubGoals}; revision nået: ${f.revisionsDue}`,
    `Delmål med mindre støttebehov: ${f.trends.improving}, uændret: ${f.trends.stable}, større: ${f.trends.worsening}, for få scorer: ${f.trends.insufficient}`,
  ],
  figuresTaken: (when) => `Tal for hele tilbuddet ved mødets start (${when}).`,
  tooManyToPick: 'Der er for mange deltagere til at vælge dem her: start mødet igen med de deltagere, der skal være med, @nævnt.',
  btnSaveParticipants: 'Gem deltagere',
  participantsSaved: 'Deltagerne er gemt.',
  openActionsTitle: 'Åbne aftaler fra møderne',
  openActionsNone: 'Ingen åbne aftaler.',
  btnActionDone: 'Markér som gjort',
  moreActions: (n) => `… og ${n} flere.`,
  actionDone: 'Tiltaget er markeret som gjort.',
  moreNotes: (n) => `${n} ældre ${n === 1 ? 'note' : 'noter'} vises ikke her, så kortet kan vises i Teams.`,
};

const EN: MeetingStrings = {
  title: 'Reflection meeting',
  level: { citizen: 'Citizen', indsats: 'Service', organisation: 'Organisation' },
  leader: 'Meeting leader',
  participants: 'Participants',
  preparation: 'Preparation',
  forAll: 'Practicalities',
  forLeader: 'The meeting leader',
  forParticipants: 'The participants',
  tickedBy: (name) => `✓ ${name}`,
  btnTick: 'Tick',
  btnUntick: 'Untick',
  step: (n, name) => `Dialogue, step ${n} of 4: ${name}`,
  questions: 'Support questions',
  notes: 'Notes',
  noNotes: 'No notes yet.',
  hiddenNotes: (n) => `${n} ${n === 1 ? 'note is' : 'notes are'} hidden until the step closes.`,
  noteLabel: 'Your note',
  btnAddNote: 'Add note',
  btnNext: 'Next step',
  btnBack: 'Back',
  btnStartDialog: 'Start the dialogue',
  btnHide: 'Hide notes until the step closes',
  btnShow: 'Show notes at once',
  hiddenOn: 'Notes on this step are hidden from the others until it closes.',
  leaderOnly: 'Only the meeting leader moves on or back.',
  sinceLastTitle: 'Agreed at the last meeting',
  sinceLastNone: 'No earlier meeting on this subject.',
  actionState: { done: 'done', open: 'open', overdue: 'overdue' },
  agreement: 'Agreement',
  shortTerm: 'What do we want to reach by the next meeting?',
  longTerm: 'What do we want to reach in the longer term?',
  months: 'In how many months?',
  progressData: 'Which data will show we are on track?',
  action: (n) => `Action ${n}`,
  what: 'What is to be done?',
  who: 'Who does it?',
  followUp: 'Who follows up?',
  when: 'When?',
  btnSaveAgreement: 'Save agreement',
  btnFinish: 'Finish the meeting',
  btnRefresh: 'Refresh',
  finished: (date) => `The meeting finished on ${date}. The actions are now deadlines for their owners.`,
  agreementSaved: 'The agreement is saved.',
  moreNames: (n) => `and ${n} more`,
  whoTakesPart: 'Who takes part?',
  basisTitle: 'Data',
  basisPurpose: 'Purpose',
  basisNoPurpose: 'The purpose from the action plan is missing.',
  basisLatest: 'latest',
  basisNoScore: 'no scores yet',
  basisMore: (n) => `… and ${n} more sub-goals (see the plan).`,
  figures: (f) => [
    `Citizens: ${f.citizens} (purpose missing for ${f.purposeMissing})`,
    `Active goals: ${f.activeGoals}, sub-goals: ${f.activeSubGoals}; revision reached: ${f.revisionsDue}`,
    `Sub-goals with less support needed: ${f.trends.improving}, unchanged: ${f.trends.stable}, more: ${f.trends.worsening}, too few scores: ${f.trends.insufficient}`,
  ],
  figuresTaken: (when) => `Figures for the whole service when the meeting started (${when}).`,
  tooManyToPick: 'There are too many participants to pick them here: start the meeting again with those taking part @mentioned.',
  btnSaveParticipants: 'Save participants',
  participantsSaved: 'The participants are saved.',
  openActionsTitle: 'Open actions from the meetings',
  openActionsNone: 'No open actions.',
  btnActionDone: 'Mark as done',
  moreActions: (n) => `… and ${n} more.`,
  actionDone: 'The action is marked as done.',
  moreNotes: (n) => `${n} older ${n === 1 ? 'note is' : 'notes are'} not shown here, so that Teams can show the card.`,
};

export function meetingStrings(locale: Locale): MeetingStrings {
  return locale === 'en' ? EN : DA;
}

/** How many action rows the aftalepapir form offers. */
export const AGREEMENT_FORM_ROWS = 3;

export interface MeetingCardView {
  meeting: Meeting;
  agreementVersion: string;
  ticks: readonly MeetingTick[];
  notes: readonly MeetingNote[];
  previous?: Meeting;
  /** The tilbud's members (aad id → name), for names and the who/follow-up choices. */
  members: ReadonlyArray<{ aadObjectId: string; name: string }>;
  /** The citizen's alias, for a meeting about a citizen (shown only to members). */
  alias?: string;
  /** For a meeting about a citizen: the plan with each delmål's latest score and trend. */
  basis?: PlanView;
  /** Whose card this is ('' = the shared card in the channel: no hidden notes, no one's own). */
  viewerId: string;
  now: Date;
  notice?: Notice;
  /** The aftalepapir form's input when it comes back with errors (field id → text). */
  form?: Record<string, string>;
  errors?: FieldErrors;
  /** A new submission id for the note input (a retry of the same card stores the note once). */
  noteSubmissionId: string;
}


function text(value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text: escapeMarkdown(value), wrap: true, ...extra };
}

function errorBlock(errors: FieldErrors | undefined, field: string, locale: Locale): Record<string, unknown>[] {
  const error = errors?.[field];
  return error ? [{ type: 'TextBlock', text: escapeMarkdown(error[locale]), color: 'Attention', size: 'Small', spacing: 'None', wrap: true }] : [];
}

/** How much of each note a card holds, by detail level (the card is drawn again with less until it fits). */
const DETAIL = [
  { fold: 400, fullUpTo: 2000, perStep: Infinity, names: 30 },
  { fold: 200, fullUpTo: 0, perStep: Infinity, names: 20 },
  { fold: 120, fullUpTo: 0, perStep: 10, names: 12 },
  { fold: 80, fullUpTo: 0, perStep: 4, names: 6 },
] as const;
type Detail = (typeof DETAIL)[number];
/** Teams takes 28 KB; the card stays under this. */
export const MEETING_CARD_MAX_BYTES = 26_000;

function noteBlock(note: MeetingNote, detail: Detail): Record<string, unknown> {
  const long = note.text.length > detail.fold;
  const full = long && note.text.length <= detail.fullUpTo;
  return {
    type: 'Container',
    spacing: 'Small',
    items: [
      text(`${note.authorName}: ${long ? `${note.text.slice(0, detail.fold - 1)}…` : note.text}`),
      ...(full ? [{ type: 'TextBlock', id: `more-${note.id}`, text: escapeMarkdown(note.text), wrap: true, isVisible: false }] : []),
    ],
    ...(full ? { selectAction: { type: 'Action.ToggleVisibility', title: 'vis mere', targetElements: [`more-${note.id}`] } } : {}),
  };
}

/** A step's notes as the detail level allows: the newest when not all fit, and how many are left out. */
function noteBlocks(notes: readonly MeetingNote[], detail: Detail, more: (n: number) => string): Record<string, unknown>[] {
  const kept = notes.length > detail.perStep ? notes.slice(notes.length - detail.perStep) : notes;
  return [...(kept.length < notes.length ? [text(more(notes.length - kept.length), { isSubtle: true, size: 'Small', spacing: 'Small' })] : []), ...kept.map((n) => noteBlock(n, detail))];
}

/** The meeting card, as detailed as fits under MEETING_CARD_MAX_BYTES. */
export function meetingCard(view: MeetingCardView, locale: Locale): Card {
  let card: Card = {};
  for (const detail of DETAIL) {
    card = drawMeetingCard(view, locale, detail);
    if (cardSizeBytes(card) <= MEETING_CARD_MAX_BYTES) return card;
  }
  return card;
}

function drawMeetingCard(view: MeetingCardView, locale: Locale, detail: Detail): Card {
  const s = meetingStrings(locale);
  const m = view.meeting;
  const ref = { teamId: m.teamId, meetingId: m.id };
  const names = new Map(view.members.map((x) => [x.aadObjectId, x.name]));
  const nameOf = (id: string): string => names.get(id) ?? '?';
  const body: Record<string, unknown>[] = [
    text(s.title, { size: 'Small', isSubtle: true }),
    text(`${s.level[m.level]}${m.level === 'citizen' && view.alias ? `: ${view.alias}` : ''}`, { size: 'Large', weight: 'Bolder' }),
    { type: 'FactSet', facts: [
      { title: s.leader, value: escapeMarkdown(nameOf(m.leaderId)) },
      { title: s.participants, value: escapeMarkdown(namesUpTo(m.participantIds.map(nameOf), detail.names, s)) },
    ] },
  ];
  if (view.notice) body.push(text(view.notice.text, { color: view.notice.style === 'good' ? 'Good' : view.notice.style === 'warning' ? 'Warning' : 'Default' }));
  const actions: Record<string, unknown>[] = [];
  const base = { ...ref, basePhase: m.phase, baseStep: m.step };

  if ((m.phase === 'preparation' || m.phase === 'dialog') && view.basis) body.push(...basisBlocks(view.basis, s, locale, detail));
  if ((m.phase === 'preparation' || m.phase === 'dialog') && m.figures) {
    body.push(text(s.basisTitle, { weight: 'Bolder', spacing: 'Medium' }), ...s.figures(m.figures).map((line) => text(`• ${line}`, { spacing: 'None' })));
    body.push(text(s.figuresTaken(formatDateTime(m.figures.takenAt, locale)), { isSubtle: true, size: 'Small', spacing: 'Small' }));
  }

  if (m.phase === 'preparation') {
    body.push(text(s.preparation, { weight: 'Bolder', spacing: 'Medium' }));
    const ticked = checklistState(view.ticks);
    for (const role of ['all', 'leader', 'participant'] as const) {
      body.push(text(role === 'all' ? s.forAll : role === 'leader' ? s.forLeader : s.forParticipants, { isSubtle: true, spacing: 'Small' }));
      for (const item of PREPARATION_ITEMS.filter((i) => i.role === role)) {
        const tick = ticked.get(item.id);
        body.push({
          type: 'ColumnSet',
          spacing: 'Small',
          columns: [
            { type: 'Column', width: 'stretch', items: [text(`${tick ? '☑' : '☐'} ${item.text[locale]}`), ...(tick ? [text(s.tickedBy(tick.tickedByName), { isSubtle: true, size: 'Small', spacing: 'None' })] : [])] },
            { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [executeAction(tick ? s.btnUntick : s.btnTick, VERBS.meetingTick, { ...ref, itemId: item.id, ticked: tick ? '0' : '1' })] }] },
          ],
        });
      }
    }
    // Participants and mødeleder chosen in the card (the @mentions chose them at the start).
    // A picker holds a bounded number of names: with more participants than that, the @mentions choose them.
    const cap = detail.names * 2;
    const offered = new Set([m.leaderId, ...m.participantIds]);
    for (const x of view.members) if (offered.size < cap) offered.add(x.aadObjectId);
    const choices = view.members.filter((x) => offered.has(x.aadObjectId)).map((x) => ({ title: x.name, value: x.aadObjectId }));
    if (offered.size > cap) body.push(text(s.tooManyToPick, { isSubtle: true, spacing: 'Medium' }));
    else body.push(
      text(s.whoTakesPart, { weight: 'Bolder', spacing: 'Medium' }),
      { type: 'Input.ChoiceSet', id: 'participantIds', label: s.participants, isMultiSelect: true, style: 'compact', choices, value: view.form?.['participantIds'] ?? m.participantIds.join(',') },
      ...errorBlock(view.errors, 'participantIds', locale),
      { type: 'Input.ChoiceSet', id: 'leaderId', label: s.leader, style: 'compact', choices, value: view.form?.['leaderId'] ?? m.leaderId },
      ...errorBlock(view.errors, 'leaderId', locale),
      { type: 'ActionSet', actions: [executeAction(s.btnSaveParticipants, VERBS.meetingParticipants, ref)] },
    );
    actions.push(executeAction(s.btnStartDialog, VERBS.meetingMove, { ...base, direction: 'next' }, 'positive'));
  }

  if (m.phase === 'dialog') {
    const index = DIALOG_STEPS.indexOf(m.step);
    const step = DIALOG_STEP_TEXT[m.step];
    body.push(text(s.step(index + 1, step.name[locale]), { weight: 'Bolder', spacing: 'Medium', size: 'Medium' }));
    if (m.step === 'sinceLast') body.push(...sinceLastBlocks(view, s, locale, nameOf));
    body.push(text(s.questions, { isSubtle: true, spacing: 'Small' }));
    for (const q of step.questions) body.push(text(`• ${q[locale]}`, { spacing: 'None' }));
    body.push(...notesBlocks(view, m.step, s, detail));
    body.push({ type: 'Input.Text', id: 'noteText', label: s.noteLabel, isMultiline: true, maxLength: 4000, value: view.form?.['noteText'] ?? '' }, ...errorBlock(view.errors, 'note', locale));
    body.push({ type: 'ActionSet', actions: [executeAction(s.btnAddNote, VERBS.meetingNote, { ...ref, noteId: view.noteSubmissionId })] });
    if (m.hideNotesUntilClosed) body.push(text(s.hiddenOn, { isSubtle: true, size: 'Small' }));
    if (m.step === 'prepareAction') body.push(...agreementBlocks(view, s, locale, detail));
    actions.push(executeAction(s.btnBack, VERBS.meetingMove, { ...base, direction: 'back' }));
    actions.push(executeAction(s.btnNext, VERBS.meetingMove, { ...base, direction: 'next' }, 'positive'));
    actions.push(executeAction(m.hideNotesUntilClosed ? s.btnShow : s.btnHide, VERBS.meetingHide, { ...ref, hidden: m.hideNotesUntilClosed ? '0' : '1' }));
  }

  if (m.phase === 'action') {
    body.push(...agreementBlocks(view, s, locale, detail));
    actions.push(executeAction(s.btnBack, VERBS.meetingMove, { ...base, direction: 'back' }));
    actions.push(executeAction(s.btnFinish, VERBS.meetingFinish, ref, 'positive'));
  }

  if (m.phase === 'finished') {
    body.push(text(s.finished(formatDate((m.finishedAt ?? m.createdAt).slice(0, 10), locale)), { color: 'Good', spacing: 'Medium' }));
    if (m.agreement) body.push(...agreementSummary(m.agreement, s, locale, nameOf));
    for (const stepName of DIALOG_STEPS) {
      const shown = view.notes.filter((n) => n.step === stepName);
      if (shown.length === 0) continue;
      body.push(text(DIALOG_STEP_TEXT[stepName].name[locale], { weight: 'Bolder', spacing: 'Small' }));
      body.push(...noteBlocks(shown, detail, s.moreNotes));
    }
  } else {
    body.push(text(s.leaderOnly, { isSubtle: true, size: 'Small', spacing: 'Medium' }));
    actions.push(executeAction(s.btnRefresh, VERBS.meetingView, ref));
  }
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions };
}

/** The data basis of a meeting about a citizen: the formål and each active delmål's latest score and trend. */
function basisBlocks(basis: PlanView, s: MeetingStrings, locale: Locale, detail: Detail): Record<string, unknown>[] {
  const plan = basis.plan.value;
  const cut = (t: string, max: number): string => (t.length > max ? `${t.slice(0, max - 1)}…` : t);
  const blocks: Record<string, unknown>[] = [
    text(s.basisTitle, { weight: 'Bolder', spacing: 'Medium' }),
    text(plan.purpose ? `${s.basisPurpose}: ${cut(plan.purpose.text, detail.fold)}` : s.basisNoPurpose, { spacing: 'Small' }),
  ];
  const subs = plan.goals.filter((g) => g.parentId && g.state === 'active');
  const shown = subs.slice(0, detail.names > 12 ? 8 : 4);
  for (const g of shown) {
    const summary = basis.scores[g.id];
    const figures = summary && summary.latest !== undefined ? `${s.basisLatest} ${scoreLabel(basis.institution, summary.latest, locale)} · ${trendText(summary.trend, locale)}` : s.basisNoScore;
    blocks.push(text(`• ${cut(g.text, 100)}: ${figures}`, { spacing: 'None' }));
  }
  if (subs.length > shown.length) blocks.push(text(s.basisMore(subs.length - shown.length), { isSubtle: true, spacing: 'None' }));
  return blocks;
}

/** Names, the first `max` of them and how many more. */
function namesUpTo(names: string[], max: number, s: MeetingStrings): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} ${s.moreNames(names.length - max)}` : names.join(', ');
}

function sinceLastBlocks(view: MeetingCardView, s: MeetingStrings, locale: Locale, nameOf: (id: string) => string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [text(s.sinceLastTitle, { isSubtle: true, spacing: 'Small' })];
  const items = sinceLast(view.previous, view.now);
  if (items.length === 0) return [...blocks, text(s.sinceLastNone, { spacing: 'None' })];
  for (const a of items) blocks.push(text(`${a.what} · ${a.ownerIds.map(nameOf).join(', ')} · ${formatDate(a.dueDate, locale)} · ${s.actionState[a.state]}`, { spacing: 'None' }));
  return blocks;
}

function notesBlocks(view: MeetingCardView, step: DialogStep, s: MeetingStrings, detail: Detail): Record<string, unknown>[] {
  const { shown, hidden } = visibleNotes(view.meeting, view.notes, step, view.viewerId);
  const blocks: Record<string, unknown>[] = [text(s.notes, { isSubtle: true, spacing: 'Small' })];
  if (shown.length === 0 && hidden === 0) blocks.push(text(s.noNotes, { spacing: 'None' }));
  blocks.push(...noteBlocks(shown, detail, s.moreNotes));
  if (hidden > 0) blocks.push(text(s.hiddenNotes(hidden), { isSubtle: true, spacing: 'Small' }));
  return blocks;
}

function agreementSummary(a: Agreement, s: MeetingStrings, locale: Locale, nameOf: (id: string) => string): Record<string, unknown>[] {
  return [
    text(s.agreement, { weight: 'Bolder', spacing: 'Medium' }),
    { type: 'FactSet', facts: [
      { title: s.shortTerm, value: escapeMarkdown(a.shortTermGoal) },
      { title: `${s.longTerm} (${a.longTermMonths})`, value: escapeMarkdown(a.longTermGoal) },
      { title: s.progressData, value: escapeMarkdown(a.progressData) },
    ] },
    ...a.actions.map((x, i) =>
      text(`${s.action(i + 1)}: ${x.what} · ${x.ownerIds.map(nameOf).join(', ')} · ${s.followUp} ${nameOf(x.followUpBy)} · ${formatDate(x.dueDate, locale)}${x.doneAt ? ` · ${s.actionState.done}` : ''}`, { spacing: 'Small' }),
    ),
  ];
}

/** The aftalepapir form: prefilled from what is saved, or with the input that came back with errors. */
function agreementBlocks(view: MeetingCardView, s: MeetingStrings, locale: Locale, detail: Detail): Record<string, unknown>[] {
  const saved = view.meeting.agreement;
  const form = view.form ?? {};
  const value = (id: string, fallback: string): string => form[id] ?? fallback;
  // The participants (and anyone already chosen) are offered: a picker of a whole large team six times over would not fit a card.
  const chosen = new Set((saved?.actions ?? []).flatMap((a) => [...a.ownerIds, a.followUpBy]));
  for (let i = 0; i < AGREEMENT_FORM_ROWS; i++) for (const id of [...(form[`action${i}Who`] ?? '').split(','), form[`action${i}FollowUp`] ?? '']) if (id) chosen.add(id);
  const offered = new Set([view.meeting.leaderId, ...view.meeting.participantIds.slice(0, detail.names), ...chosen]);
  const choices = view.members.filter((x) => offered.has(x.aadObjectId)).map((x) => ({ title: x.name, value: x.aadObjectId }));
  const ref = { teamId: view.meeting.teamId, meetingId: view.meeting.id, baseVersion: view.agreementVersion };
  const blocks: Record<string, unknown>[] = [
    text(s.agreement, { weight: 'Bolder', spacing: 'Medium', size: 'Medium' }),
    { type: 'Input.Text', id: 'shortTermGoal', label: s.shortTerm, isMultiline: true, value: value('shortTermGoal', saved?.shortTermGoal ?? '') },
    ...errorBlock(view.errors, 'shortTermGoal', locale),
    { type: 'Input.Text', id: 'longTermGoal', label: s.longTerm, isMultiline: true, value: value('longTermGoal', saved?.longTermGoal ?? '') },
    ...errorBlock(view.errors, 'longTermGoal', locale),
    { type: 'Input.Number', id: 'longTermMonths', label: s.months, min: 1, max: 36, value: Number(value('longTermMonths', String(saved?.longTermMonths ?? 6))) || 6 },
    ...errorBlock(view.errors, 'longTermMonths', locale),
    { type: 'Input.Text', id: 'progressData', label: s.progressData, isMultiline: true, value: value('progressData', saved?.progressData ?? '') },
    ...errorBlock(view.errors, 'progressData', locale),
    ...errorBlock(view.errors, 'actions', locale),
  ];
  for (let i = 0; i < AGREEMENT_FORM_ROWS; i++) {
    const a = saved?.actions[i];
    blocks.push(
      text(s.action(i + 1), { weight: 'Bolder', spacing: 'Small' }),
      { type: 'Input.Text', id: `action${i}What`, label: s.what, value: value(`action${i}What`, a?.what ?? '') },
      ...errorBlock(view.errors, `actions.${i}.what`, locale),
      { type: 'Input.ChoiceSet', id: `action${i}Who`, label: s.who, isMultiSelect: true, style: 'compact', choices, value: value(`action${i}Who`, a?.ownerIds.join(',') ?? '') },
      ...errorBlock(view.errors, `actions.${i}.ownerIds`, locale),
      { type: 'Input.ChoiceSet', id: `action${i}FollowUp`, label: s.followUp, style: 'compact', choices, value: value(`action${i}FollowUp`, a?.followUpBy ?? '') },
      ...errorBlock(view.errors, `actions.${i}.followUpBy`, locale),
      { type: 'Input.Date', id: `action${i}When`, label: s.when, value: value(`action${i}When`, a?.dueDate ?? '') },
      ...errorBlock(view.errors, `actions.${i}.dueDate`, locale),
    );
  }
  blocks.push({ type: 'ActionSet', actions: [executeAction(s.btnSaveAgreement, VERBS.meetingAgreement, ref)] });
  return blocks;
}

/** The most open actions one card lists (the earliest due). */
export const OPEN_ACTIONS_MAX = 25;

export interface OpenActionLine {
  meetingId: string;
  level: Meeting['level'];
  alias?: string;
  actionId: string;
  what: string;
  ownerNames: string[];
  followUpName: string;
  dueDate: string;
}

/** `@Refleks aftaler`: the tilbud's open actions from its meetings, each with *Markér som gjort*. */
export function openActionsCard(view: { teamId: string; lines: OpenActionLine[]; now: Date; notice?: Notice }, locale: Locale): Card {
  const s = meetingStrings(locale);
  const today = todayInZone(view.now);
  const body: Record<string, unknown>[] = [text(s.openActionsTitle, { size: 'Large', weight: 'Bolder' })];
  if (view.notice) body.push(text(view.notice.text, { color: view.notice.style === 'good' ? 'Good' : view.notice.style === 'warning' ? 'Warning' : 'Default' }));
  if (view.lines.length === 0) body.push(text(s.openActionsNone));
  for (const line of view.lines.slice(0, OPEN_ACTIONS_MAX)) {
    const subject = `${s.level[line.level]}${line.alias ? `: ${line.alias}` : ''}`;
    body.push({
      type: 'ColumnSet',
      spacing: 'Medium',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            text(line.what, { weight: 'Bolder' }),
            text(`${subject} · ${line.ownerNames.join(', ')} · ${s.followUp} ${line.followUpName} · ${formatDate(line.dueDate, locale)}${line.dueDate < today ? ` · ${s.actionState.overdue}` : ''}`, { isSubtle: true, spacing: 'None' }),
          ],
        },
        { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [executeAction(s.btnActionDone, VERBS.meetingActionDone, { teamId: view.teamId, meetingId: line.meetingId, actionId: line.actionId })] }] },
      ],
    });
  }
  if (view.lines.length > OPEN_ACTIONS_MAX) body.push(text(s.moreActions(view.lines.length - OPEN_ACTIONS_MAX), { isSubtle: true }));
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions: [executeAction(s.btnRefresh, VERBS.meetingActions, { teamId: view.teamId })] };
}

/**
 * Markdown text for a Teams message: characters that would format are shown as typed. A fragment
 * is always placed after something on its line, so only its later lines can start with a list
 * marker ("- ", "1. "), which is escaped there.
 */
function md(value: string): string {
  return value
    .replace(/([\\`*_[\]<>#|~])/g, '\\$1')
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? line : line.replace(/^(\s*)([-+]|\d+\.)/, (_m, space: string, marker: string) => `${space}${marker.replace(/([-+.])/, '\\$1')}`)))
    .join('  \n');
}

/**
 * `@Refleks eksportér`: the finished meeting's notes and aftalepapir as Markdown for the channel,
 * with the names of who wrote and who does what. No CPR number can be in it: every text was
 * refused with one when it was written.
 */
export function meetingMarkdown(view: { meeting: Meeting; notes: readonly MeetingNote[]; members: ReadonlyArray<{ aadObjectId: string; name: string }>; alias?: string }, locale: Locale): string {
  const s = meetingStrings(locale);
  const m = view.meeting;
  const names = new Map(view.members.map((x) => [x.aadObjectId, x.name]));
  const nameOf = (id: string): string => names.get(id) ?? '?';
  const lines: string[] = [
    `**${md(s.title)}: ${md(`${s.level[m.level]}${m.level === 'citizen' && view.alias ? ` ${view.alias}` : ''}`)}** (${md(formatDate((m.finishedAt ?? m.createdAt).slice(0, 10), locale))})`,
    '',
    `${md(s.leader)}: ${md(nameOf(m.leaderId))}  `,
    `${md(s.participants)}: ${md(m.participantIds.map(nameOf).join(', '))}`,
  ];
  for (const step of DIALOG_STEPS) {
    const notes = view.notes.filter((n) => n.step === step);
    if (notes.length === 0) continue;
    lines.push('', `**${md(DIALOG_STEP_TEXT[step].name[locale])}**`, '');
    for (const n of notes) lines.push(`- ${md(n.authorName)}: ${md(n.text)}`);
  }
  const a = m.agreement;
  if (a) {
    lines.push('', `**${md(s.agreement)}**`, '', `- ${md(s.shortTerm)} ${md(a.shortTermGoal)}`, `- ${md(s.longTerm)} (${a.longTermMonths}) ${md(a.longTermGoal)}`, `- ${md(s.progressData)} ${md(a.progressData)}`);
    for (const [i, x] of a.actions.entries()) {
      lines.push(`- ${md(s.action(i + 1))}: ${md(x.what)}; ${md(s.who)} ${md(x.ownerIds.map(nameOf).join(', '))}; ${md(s.followUp)} ${md(nameOf(x.followUpBy))}; ${md(s.when)} ${md(formatDate(x.dueDate, locale))}${x.doneAt ? ` (${md(s.actionState.done)})` : ''}`);
    }
  }
  return lines.join('\n');
}

const DOWNLOAD_TEXT = {
  da: {
    intro: (hours: number) => `Mødet som Word-dokument (.docx). Linket virker i ${hours} ${hours === 1 ? 'time' : 'timer'}, og kun så længe du er med i teamet.`,
    button: 'Hent som Word (.docx)',
    unavailable: 'Word-filen (.docx) kan ikke hentes i denne opsætning: Refleks har ingen offentlig adresse at lægge den på (PUBLIC_BASE_URL er ikke sat).',
  },
  en: {
    intro: (hours: number) => `The meeting as a Word document (.docx). The link works for ${hours} ${hours === 1 ? 'hour' : 'hours'}, and only while you are in the team.`,
    button: 'Download as Word (.docx)',
    unavailable: 'The Word file (.docx) is not available in this setup: Refleks has no public address to serve it from (PUBLIC_BASE_URL is not set).',
  },
} as const;

/** The small card under `@Refleks eksportér`'s Markdown: the signed link to the meeting's .docx. */
export function meetingDownloadCard(url: string, validHours: number, locale: Locale): Card {
  const t = DOWNLOAD_TEXT[locale];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [text(t.intro(validHours), { isSubtle: true })],
    actions: [{ type: 'Action.OpenUrl', title: t.button, url }],
  };
}

/** Said instead of a link when the bot has no public address (PUBLIC_BASE_URL). */
export function meetingDownloadUnavailable(locale: Locale): string {
  return DOWNLOAD_TEXT[locale].unavailable;
}
