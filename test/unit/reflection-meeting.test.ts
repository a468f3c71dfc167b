/** The refleksionsmøde's state rules (domain/reflection-meeting.ts): phases, steps, notes, the aftalepapir. */
import { describe, expect, it } from 'vitest';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';
import {
  actionDeadlines,
  checklistState,
  DIALOG_STEP_TEXT,
  finishMeeting,
  markActionDone,
  MeetingStateError,
  meetingSubject,
  nextStep,
  PREPARATION_ITEMS,
  previousStep,
  recordAgreement,
  setNotesHidden,
  setParticipants,
  sinceLast,
  startMeeting,
  teamFigures,
  tickItem,
  validateAgreement,
  visibleNotes,
  writeNote,
  type AgreementInput,
  type Meeting,
  type MeetingNote,
} from '../../src/domain/reflection-meeting.js';
import { DEFAULT_REMINDER_SETTINGS, meetingDeadlines, remindersBetween, teamTaskOf } from '../../src/domain/deadlines.js';

const now = new Date('2026-11-23T09:30:00Z');
const later = (minutes: number): Date => new Date(now.getTime() + minutes * 60_000);
const LEAD = 'aad-lead';
const ANNE = { id: 'aad-anne', name: 'Anne' };
const BO = { id: 'aad-bo', name: 'Bo' };
const MEMBERS = [LEAD, ANNE.id, BO.id];

function meeting(over: Partial<Parameters<typeof startMeeting>[0]> = {}): Meeting {
  return startMeeting({ id: 'm1', tenantId: 't', teamId: 'team', level: 'citizen', citizenId: 'c1', actorId: LEAD, participantIds: [ANNE.id, BO.id], ...over }, now);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MeetingStateError) return error.reason.da;
    throw error;
  }
  throw new Error('not refused');
}

const atStep = (m: Meeting, steps: number): Meeting => Array.from({ length: steps }).reduce<Meeting>((acc) => nextStep(acc, LEAD), m);

const agreement = (over: Partial<AgreementInput> = {}): AgreementInput => ({
  shortTermGoal: 'AB deltager i aftensmaden tre aftener om ugen',
  longTermGoal: 'AB laver selv aftensmad to gange om ugen',
  longTermMonths: '6',
  progressData: 'Delmålsdagbogens støttebehov ved aftensmaden',
  actions: [
    { id: 'a1', what: 'Lave madplan med AB hver søndag', ownerIds: [ANNE.id], followUpBy: LEAD, dueDate: '2026-12-07' },
    { id: 'a2', what: 'Tale med AB’s søster om fælles madlavning', ownerIds: [BO.id, ANNE.id], followUpBy: LEAD, dueDate: '2026-12-14' },
  ],
  ...over,
});

describe('a refleksionsmøde', () => {
  it('starts in forberedelse with the starter as mødeleder among the participants, about its subject', () => {
    const m = meeting();
    expect(m).toMatchObject({ phase: 'preparation', step: 'sinceLast', leaderId: LEAD, level: 'citizen', citizenId: 'c1', hideNotesUntilClosed: false });
    expect(m.participantIds).toEqual([LEAD, ANNE.id, BO.id]);
    expect(meetingSubject(m)).toBe('citizen:c1');
    expect(meetingSubject(meeting({ level: 'indsats', citizenId: 'c1' }))).toBe('indsats');
    expect(meeting({ level: 'organisation' }).citizenId).toBeUndefined();
    expect(meeting({ leaderId: ANNE.id }).leaderId).toBe(ANNE.id);
    expect(refusal(() => meeting({ citizenId: undefined }))).toBe('Vælg borgeren, mødet handler om.');
  });

  it('lets the mødeleder or the one who started it choose the participants and the lead, among the members only', () => {
    const m = meeting();
    const handed = setParticipants(m, { leaderId: ANNE.id, participantIds: [BO.id, BO.id] }, LEAD, MEMBERS);
    expect(handed.ok && handed.value).toMatchObject({ leaderId: ANNE.id, participantIds: [ANNE.id, BO.id] });
    if (!handed.ok) throw new Error('participants');
    // The starter may still change them after handing over the lead; Bo may not.
    expect(setParticipants(handed.value, { leaderId: LEAD, participantIds: [] }, LEAD, MEMBERS).ok).toBe(true);
    expect(refusal(() => setParticipants(handed.value, { leaderId: BO.id, participantIds: [] }, BO.id, MEMBERS))).toBe('Kun mødelederen styrer mødets trin.');
    const stranger = setParticipants(m, { leaderId: 'aad-x', participantIds: ['aad-y'] }, LEAD, MEMBERS);
    expect(!stranger.ok && Object.keys(stranger.errors).sort()).toEqual(['leaderId', 'participantIds']);
  });

  it('counts the tilbud’s figures for a meeting on indsats level: citizens, missing formål, goals, revisions due, delmål trends', () => {
    const ok = <T,>(o: { ok: true; value: T } | { ok: false; errors: unknown }): T => {
      if (!o.ok) throw new Error('refused');
      return o.value;
    };
    const made = new Date('2026-10-01T09:00:00Z');
    let a = ok(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: [LEAD], actorId: LEAD }, made));
    a = ok(recordPurpose(a, { id: 'p', text: 'Egen bolig', receivedOn: '2026-09-20' }, LEAD, made));
    a = ok(addGoal(a, { id: 'g1', themeId: 'th1', text: 'AB laver mad', ownerId: LEAD, revisionDate: '2026-11-20' }, LEAD, made));
    a = ok(addGoal(a, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB handler ind', ownerId: LEAD, revisionDate: '2026-12-20' }, LEAD, made));
    a = ok(addGoal(a, { id: 's2', parentId: 'g1', themeId: 'th1', text: 'AB skriver liste', ownerId: LEAD, revisionDate: '2026-12-20' }, LEAD, made));
    const b = ok(createPlan({ id: 'c2', tenantId: 't', teamId: 'team', alias: 'CD', targetGroup: 'child', contactPersons: [LEAD], actorId: LEAD }, made));
    const figures = teamFigures([{ plan: a, trends: { s1: 'improving' } }, { plan: b, trends: {} }], now);
    expect(figures).toEqual({ citizens: 2, purposeMissing: 1, activeGoals: 1, activeSubGoals: 2, revisionsDue: 1, trends: { improving: 1, stable: 0, worsening: 0, insufficient: 1 }, takenAt: now.toISOString() });
    // Taken for indsats and organisation; a meeting about a citizen has the plan instead.
    expect(meeting({ level: 'indsats', figures }).figures).toEqual(figures);
    expect(meeting({ figures }).figures).toBeUndefined();
  });

  it('has the booklet’s preparation items for everyone, the mødeleder and the deltagere, and each dialog step its support questions', () => {
    const roles = new Set(PREPARATION_ITEMS.map((i) => i.role));
    expect([...roles].sort()).toEqual(['all', 'leader', 'participant']);
    expect(PREPARATION_ITEMS.map((i) => i.text.da)).toContain('Der er reserveret lokale.');
    expect(new Set(PREPARATION_ITEMS.map((i) => i.id)).size).toBe(PREPARATION_ITEMS.length);
    expect(DIALOG_STEP_TEXT.sinceLast.questions.map((q) => q.da)).toContain('Hvad blev der aftalt sidst?');
    expect(DIALOG_STEP_TEXT.explore.questions.map((q) => q.da)).toContain('Hvilke positive ting kan vi være glade for?');
    expect(DIALOG_STEP_TEXT.interpret.questions.map((q) => q.da)).toContain('Bruger vi kerneelementer fra vores indsats i tilstrækkelig grad?');
  });

  it('lets anyone tick a preparation item, and shows who ticked it (the newest tick of an item counts)', () => {
    const m = meeting();
    const first = tickItem(m, 'room', ANNE, now);
    const second = tickItem(m, 'room', BO, later(1));
    const other = tickItem(m, 'data', BO, later(2));
    const state = checklistState([second, first, other]);
    expect(state.get('room')).toMatchObject({ tickedBy: BO.id, tickedByName: 'Bo' });
    expect(state.get('data')?.tickedByName).toBe('Bo');
    expect(state.has('props')).toBe(false);
    expect(refusal(() => tickItem(m, 'no-such-item', ANNE, now))).toBe('Punktet findes ikke på listen.');
  });

  it('goes forberedelse → siden sidst → udforsk → fortolk → forbered handling → handling, and back, at the mødeleder’s hand', () => {
    let m = meeting();
    expect(refusal(() => nextStep(m, ANNE.id))).toBe('Kun mødelederen styrer mødets trin.');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      m = nextStep(m, LEAD);
      seen.push(m.phase === 'dialog' ? m.step : m.phase);
    }
    expect(seen).toEqual(['sinceLast', 'explore', 'interpret', 'prepareAction', 'action']);
    expect(m.closedSteps).toEqual(['sinceLast', 'explore', 'interpret', 'prepareAction']);
    expect(refusal(() => nextStep(m, LEAD))).toMatch(/afslut mødet/);
    m = previousStep(m, LEAD);
    expect(m).toMatchObject({ phase: 'dialog', step: 'prepareAction' });
    m = previousStep(previousStep(previousStep(m, LEAD), LEAD), LEAD);
    expect(m).toMatchObject({ phase: 'dialog', step: 'sinceLast' });
    m = previousStep(m, LEAD);
    expect(m.phase).toBe('preparation');
    expect(refusal(() => previousStep(m, LEAD))).toMatch(/intet trin før/);
    // Steps closed once stay closed (their notes stay shown) after going back.
    expect(m.closedSteps).toHaveLength(4);
  });

  it('takes notes from anyone on the current step, attributed, and refuses a CPR number or an empty note next to the field', () => {
    const m = atStep(meeting(), 2); // udforsk
    const note = writeNote(m, { id: 'n1', text: '  Flere gode aftener i weekenden  ' }, ANNE, now);
    expect(note.ok && note.value).toMatchObject({ step: 'explore', text: 'Flere gode aftener i weekenden', authorId: ANNE.id, authorName: 'Anne' });
    const cpr = writeNote(m, { id: 'n2', text: 'Se 010190-1234' }, BO, now);
    expect(!cpr.ok && cpr.errors['note']?.da).toMatch(/CPR-nummer/);
    const empty = writeNote(m, { id: 'n3', text: '   ' }, BO, now);
    expect(!empty.ok && empty.errors['note']?.da).toBe('Skal udfyldes.');
    expect(refusal(() => writeNote(meeting(), { id: 'n4', text: 'For tidligt' }, BO, now))).toBe('Noter skrives under dialogen.');
  });

  it('keeps the open step’s notes hidden from the others when the mødeleder chooses so, and shows them all once the step closes', () => {
    let m = setNotesHidden(atStep(meeting(), 2), true, LEAD);
    expect(refusal(() => setNotesHidden(m, false, ANNE.id))).toBe('Kun mødelederen styrer mødets trin.');
    const notes: MeetingNote[] = [ANNE, BO, ANNE].map((author, i) => {
      const written = writeNote(m, { id: `n${i}`, text: `Iagttagelse ${i}` }, author, later(i));
      if (!written.ok) throw new Error('note');
      return written.value;
    });
    expect(visibleNotes(m, notes, 'explore', ANNE.id)).toMatchObject({ hidden: 1, shown: [{ id: 'n0' }, { id: 'n2' }] });
    expect(visibleNotes(m, notes, 'explore', LEAD)).toMatchObject({ hidden: 3, shown: [] });
    m = nextStep(m, LEAD);
    expect(visibleNotes(m, notes, 'explore', LEAD)).toMatchObject({ hidden: 0 });
    expect(visibleNotes(m, notes, 'explore', LEAD).shown.map((n) => n.id)).toEqual(['n0', 'n1', 'n2']);
    // Without hiding, everything shows at once.
    expect(visibleNotes(setNotesHidden(m, false, LEAD), notes, 'explore', BO.id).hidden).toBe(0);
  });

  it('checks the aftalepapir field by field: goals, months, data, and each action’s what, who, follow-up and date', () => {
    expect(validateAgreement(agreement(), MEMBERS, now)).toEqual({});
    const errors = validateAgreement(
      agreement({
        shortTermGoal: '',
        longTermMonths: '0',
        progressData: 'cpr 010190-1234',
        actions: [{ id: 'a1', what: '', ownerIds: [], followUpBy: 'aad-stranger', dueDate: '2026-11-22' }],
      }),
      MEMBERS,
      now,
    );
    expect(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.da]))).toEqual({
      shortTermGoal: 'Skal udfyldes.',
      longTermMonths: 'Skriv et antal måneder fra 1 til 36.',
      progressData: expect.stringMatching(/CPR-nummer/),
      'actions.0.what': 'Skal udfyldes.',
      'actions.0.ownerIds': 'Vælg, hvem der gør det.',
      'actions.0.followUpBy': 'Vælg blandt teamets medlemmer.',
      'actions.0.dueDate': 'Datoen er passeret. Vælg en dato fra i dag.',
    });
    expect(Object.keys(validateAgreement(agreement({ actions: [] }), MEMBERS, now))).toEqual(['actions']);
    const six = Array.from({ length: 6 }, (_, i) => `aad-m${i}`);
    const crowd = agreement({ actions: [{ id: 'a1', what: 'x', ownerIds: six, followUpBy: LEAD, dueDate: '2026-12-01' }] });
    expect(validateAgreement(crowd, [...MEMBERS, ...six], now)['actions.0.ownerIds']?.da).toBe('Højst 5 personer pr. tiltag.');
    const far = agreement({ actions: [{ id: 'a1', what: 'x', ownerIds: [ANNE.id], followUpBy: LEAD, dueDate: '2029-01-01' }] });
    expect(validateAgreement(far, MEMBERS, now)['actions.0.dueDate']?.da).toBe('Vælg en dato inden for 24 måneder.');
    // Today is a valid date (Copenhagen's today, late in the evening UTC).
    const tonight = agreement({ actions: [{ id: 'a1', what: 'x', ownerIds: [ANNE.id], followUpBy: LEAD, dueDate: '2026-11-24' }] });
    expect(validateAgreement(tonight, MEMBERS, new Date('2026-11-23T23:30:00Z'))).toEqual({});
  });

  it('is finished by the mødeleder from handling with an aftalepapir; then its open actions are deadlines for their owners', () => {
    let m = atStep(meeting(), 4); // forbered handling
    expect(actionDeadlines(m)).toEqual([]);
    const recorded = recordAgreement(m, agreement(), MEMBERS, now);
    if (!recorded.ok) throw new Error('agreement');
    m = recorded.value;
    expect(refusal(() => finishMeeting(m, LEAD, now))).toMatch(/Gå til aftalepapiret/);
    m = nextStep(m, LEAD);
    expect(refusal(() => finishMeeting(m, ANNE.id, now))).toBe('Kun mødelederen styrer mødets trin.');
    expect(refusal(() => finishMeeting({ ...m, agreement: undefined } as Meeting, LEAD, now))).toMatch(/Udfyld aftalepapiret/);
    m = finishMeeting(m, LEAD, later(60));
    expect(m).toMatchObject({ phase: 'finished', finishedAt: later(60).toISOString() });
    expect(actionDeadlines(m)).toEqual([
      { id: 'agreementAction:m1:a1', meetingId: 'm1', actionId: 'a1', dueDate: '2026-12-07', ownerIds: [ANNE.id], openedAt: later(60).toISOString() },
      { id: 'agreementAction:m1:a2', meetingId: 'm1', actionId: 'a2', dueDate: '2026-12-14', ownerIds: [BO.id, ANNE.id], openedAt: later(60).toISOString() },
    ]);
    expect(refusal(() => nextStep(m, LEAD))).toBe('Mødet er afsluttet.');
    expect(refusal(() => tickItem(m, 'room', ANNE, now))).toBe('Mødet er afsluttet.');
  });

  it('reminds each action’s owners the day before and on the day, at 07:30 on working days, and stops when it is done', () => {
    let m = atStep(meeting(), 4);
    const recorded = recordAgreement(m, agreement(), MEMBERS, now);
    if (!recorded.ok) throw new Error('agreement');
    m = finishMeeting(nextStep(recorded.value, LEAD), LEAD, now);
    const deadlines = meetingDeadlines(m);
    expect(deadlines.map((d) => [d.id, d.kind, d.planId, d.dueDate, d.ownerIds])).toEqual([
      ['meetingAction:meeting:m1:a1', 'meetingAction', 'meeting:m1', '2026-12-07', [ANNE.id]],
      ['meetingAction:meeting:m1:a2', 'meetingAction', 'meeting:m1', '2026-12-14', [BO.id, ANNE.id]],
    ]);
    expect(teamTaskOf(deadlines[0]!.planId)).toEqual({ source: 'meeting', id: 'm1' });
    expect(teamTaskOf('c1')).toBeUndefined();
    const sent = (dueDate: string) => remindersBetween({ ...deadlines[0]!, dueDate }, now, new Date('2027-02-01T00:00:00Z'), DEFAULT_REMINDER_SETTINGS).map((r) => [r.offsetDays, r.dueAt]);
    // Due on Wednesday 9 December: Tuesday and Wednesday at 07:30 Copenhagen time; no repeats after.
    expect(sent('2026-12-09')).toEqual([
      [-1, '2026-12-08T06:30:00.000Z'],
      [0, '2026-12-09T06:30:00.000Z'],
    ]);
    // Due on Monday 7 December: the day before is a Sunday, so it waits for Monday morning and is one reminder.
    expect(sent('2026-12-07')).toEqual([[0, '2026-12-07T06:30:00.000Z']]);
    expect(meetingDeadlines(markActionDone(m, 'a1', ANNE.id, later(5))).map((d) => d.actionId)).toEqual(['a2']);
    // An unfinished meeting has no deadlines.
    expect(meetingDeadlines(nextStep(recorded.value, LEAD))).toEqual([]);
  });

  it('lets an action’s owner or its follow-up mark it done, once; the next meeting opens with them under siden sidst', () => {
    let m = atStep(meeting(), 4);
    const recorded = recordAgreement(m, agreement(), MEMBERS, now);
    if (!recorded.ok) throw new Error('agreement');
    m = finishMeeting(nextStep(recorded.value, LEAD), LEAD, now);
    expect(refusal(() => markActionDone(m, 'a1', BO.id, now))).toMatch(/Kun den, der har tiltaget/);
    const done = markActionDone(m, 'a1', ANNE.id, later(5));
    expect(markActionDone(done, 'a1', LEAD, later(9))).toBe(done);
    expect(actionDeadlines(done).map((d) => d.actionId)).toEqual(['a2']);
    // Three weeks on: a2 is overdue, a1 done.
    const next = sinceLast(done, new Date('2026-12-15T09:00:00Z'));
    expect(next.map((a) => [a.id, a.state, a.daysLeft])).toEqual([
      ['a2', 'overdue', -1],
      ['a1', 'done', -8],
    ]);
    expect(sinceLast(undefined, now)).toEqual([]);
    expect(refusal(() => markActionDone(m, 'a9', ANNE.id, now))).toBe('Tiltaget findes ikke længere.');
  });
});
