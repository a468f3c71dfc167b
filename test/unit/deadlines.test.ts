import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_SETTINGS,
  isReminderCurrent,
  latestDueReminder,
  nextReminder,
  planDeadlines,
  planRemindersBetween,
  planSchedule,
  remindersBetween,
  resolveReminderSettings,
  sendableTime,
  type Deadline,
  type ReminderSettings,
} from '../../src/domain/deadlines.js';
import { applyEvaluation } from '../../src/domain/evaluation.js';
import { editGoal, transitionGoal } from '../../src/domain/goal-lifecycle.js';
import { InstitutionSettingsSchema, PlanSchema, type Plan } from '../../src/domain/model.js';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';

const S = DEFAULT_REMINDER_SETTINGS;
const at = (iso: string): Date => new Date(iso);

function ok<T>(outcome: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function newPlan(now: Date, contactPersons = ['u1', 'u2']): Plan {
  return ok(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons, actorId: 'u1' }, now));
}

/** A plan made on Monday 2027-01-04 with its formål received that day. */
function planWithPurpose(now = at('2027-01-04T09:00:00Z')): Plan {
  return ok(recordPurpose(newPlan(now), { id: 'p1', text: 'Egen bolig', receivedOn: '2027-01-04' }, 'u1', now));
}

function withGoal(plan: Plan, goal: { id: string; revisionDate: string; parentId?: string; ownerId?: string }, now: Date): Plan {
  return ok(addGoal(plan, { themeId: 'th1', text: 'AB laver selv mad', ownerId: goal.ownerId ?? 'u1', ...goal }, 'u1', now));
}

function only<K extends Deadline['kind']>(plan: Plan, kind: K): Extract<Deadline, { kind: K }>[] {
  return planDeadlines(plan).filter((d): d is Extract<Deadline, { kind: K }> => d.kind === kind);
}

function times(deadline: Deadline, from: string, to: string, settings: ReminderSettings = S): Array<[number, string]> {
  return remindersBetween(deadline, at(from), at(to), settings).map((r) => [r.offsetDays, r.dueAt]);
}

const evidence = { periodFrom: '2027-01-04T09:00:00.000Z', periodTo: '2027-01-04T09:00:00.000Z', entries: 0, scored: 0, notes: 0, trend: 'insufficient' as const };
const evaluation = { id: 'e1', goalId: 'g1', assessment: 'partlyAchieved', whatWorked: '', gas: '' };

describe('settings: the bot’s defaults, the tilbud’s own on top', () => {
  it('has the lead times of DOMAIN.md section 5, quiet hours 17:00–07:30, weekends skipped, reminders at 07:30', () => {
    expect(S).toEqual({
      leadDays: {
        goalRevision: { before: [14, 3, 0], overdueEveryDays: 7 },
        statusReport: { before: [30, 7, 0], overdueEveryDays: 7 },
        statusMeetingInvitation: { before: [30], overdueEveryDays: 0 },
        purposeMissing: { before: [0], overdueEveryDays: 14 },
        meetingAction: { before: [1, 0], overdueEveryDays: 0 },
        trialStep: { before: [1, 0], overdueEveryDays: 0 },
      },
      quietHours: { from: '17:00', to: '07:30' },
      weekends: 'skip',
      sendTime: '07:30',
    });
  });

  it('takes the config’s values, and a tilbud’s own per field and per kind', () => {
    const fromConfig = resolveReminderSettings({ quietHours: 'off', weekends: 'send' });
    expect(fromConfig).toMatchObject({ quietHours: 'off', weekends: 'send', sendTime: '07:30' });
    const own = resolveReminderSettings(
      { quietHours: 'off', weekends: 'send' },
      { quietHours: '16:00-08:00', weekends: 'skip', leadDays: { goalRevision: { before: [0, 7, 7] }, purposeMissing: { overdueEveryDays: 0 } } },
    );
    expect(own).toMatchObject({ quietHours: { from: '16:00', to: '08:00' }, weekends: 'skip', sendTime: '08:00' });
    // a missing field keeps the default; "before" is sorted and made distinct
    expect(own.leadDays.goalRevision).toEqual({ before: [7, 0], overdueEveryDays: 7 });
    expect(own.leadDays.purposeMissing).toEqual({ before: [0], overdueEveryDays: 0 });
    expect(own.leadDays.statusReport).toEqual(S.leadDays.statusReport);
    expect(resolveReminderSettings({}, { sendTime: '09:15' }).sendTime).toBe('09:15');
  });

  it('stores a tilbud’s settings as optional fields, so older documents still parse', () => {
    const settings = createDefaultSettings();
    expect(InstitutionSettingsSchema.parse(settings).reminders).toBeUndefined();
    const mine = InstitutionSettingsSchema.parse({ ...settings, reminders: { quietHours: '18:00-08:00', leadDays: { statusReport: { before: [60, 30] } } } });
    expect(resolveReminderSettings({}, mine.reminders).leadDays.statusReport.before).toEqual([60, 30]);
    expect(InstitutionSettingsSchema.safeParse({ ...settings, reminders: { quietHours: '18-8' } }).success).toBe(false);
    expect(InstitutionSettingsSchema.safeParse({ ...settings, reminders: { leadDays: { goalRevision: { before: [-1] } } } }).success).toBe(false);
    expect(InstitutionSettingsSchema.safeParse({ ...settings, reminders: { weekends: 'sometimes' } }).success).toBe(false);
  });

  it('stores the status and statusmøde facts on the plan as optional, checked fields', () => {
    const plan = newPlan(at('2027-01-04T09:00:00Z'));
    expect(PlanSchema.parse(plan).statusReport).toBeUndefined();
    expect(PlanSchema.parse({ ...plan, statusReport: { lastSentOn: '2027-06-15', intervalMonths: 24 }, statusMeeting: { lastHeldOn: '2027-06-01' } })).toMatchObject({
      statusReport: { lastSentOn: '2027-06-15', intervalMonths: 24 },
      statusMeeting: { lastHeldOn: '2027-06-01' },
    });
    expect(PlanSchema.safeParse({ ...plan, statusReport: { intervalMonths: 0 } }).success).toBe(false);
    expect(PlanSchema.safeParse({ ...plan, statusReport: { lastSentOn: '15-06-2027' } }).success).toBe(false);
  });
});

describe('goal and sub-goal revisionsdato', () => {
  const made = at('2027-01-04T09:00:00Z');

  it('reminds 14 and 3 days before, on the day, then weekly while overdue, of active goals only', () => {
    let plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    plan = withGoal(plan, { id: 's1', parentId: 'g1', revisionDate: '2027-03-01', ownerId: 'u2' }, made);
    const [sub, goal] = only(plan, 'goalRevision');
    expect(goal).toMatchObject({ id: 'goalRevision:c1:g1', goalId: 'g1', dueDate: '2027-03-29', ownerIds: ['u1'], openedAt: made.toISOString() });
    expect(goal).not.toHaveProperty('parentGoalId');
    expect(sub).toMatchObject({ id: 'goalRevision:c1:s1', goalId: 's1', parentGoalId: 'g1', dueDate: '2027-03-01', ownerIds: ['u2'] });
    const reminders = remindersBetween(goal!, made, at('2027-04-13T00:00:00Z'), S);
    expect(reminders.map((r) => r.id)).toEqual([
      'goalRevision:c1:g1@2027-03-29/-14d',
      'goalRevision:c1:g1@2027-03-29/-3d',
      'goalRevision:c1:g1@2027-03-29/0d',
      'goalRevision:c1:g1@2027-03-29/+7d',
      'goalRevision:c1:g1@2027-03-29/+14d',
    ]);
    expect(reminders.map((r) => r.lead)).toEqual(['before', 'before', 'onDay', 'overdue', 'overdue']);
    expect(reminders[0]).toMatchObject({ deadlineId: 'goalRevision:c1:g1', kind: 'goalRevision', planId: 'c1', deadlineDate: '2027-03-29' });

    const closed = ok(transitionGoal(plan, 's1', 'closed', 'u1', made));
    expect(only(closed, 'goalRevision').map((d) => d.goalId)).toEqual(['g1']);
  });

  it('keeps 07:30 Copenhagen time on both sides of the change to summer time (2027-03-28)', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    expect(times(only(plan, 'goalRevision')[0]!, '2027-01-04T00:00:00Z', '2027-04-06T00:00:00Z')).toEqual([
      [-14, '2027-03-15T06:30:00.000Z'], // CET, UTC+1
      [-3, '2027-03-26T06:30:00.000Z'],
      [0, '2027-03-29T05:30:00.000Z'], // CEST, UTC+2
      [7, '2027-04-05T05:30:00.000Z'],
    ]);
  });

  it('keeps 07:30 Copenhagen time on both sides of the change back (2027-10-31)', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-11-01' }, made);
    expect(times(only(plan, 'goalRevision')[0]!, '2027-10-01T00:00:00Z', '2027-11-09T00:00:00Z')).toEqual([
      [-14, '2027-10-18T05:30:00.000Z'], // CEST
      [-3, '2027-10-29T05:30:00.000Z'],
      [0, '2027-11-01T06:30:00.000Z'], // CET
      [7, '2027-11-08T06:30:00.000Z'],
    ]);
  });

  it('leaves out leads already past when the goal was made, and reminds at once of a revisionsdato that is today', () => {
    const late = at('2027-03-20T10:00:00Z');
    const soon = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, late);
    expect(times(only(soon, 'goalRevision')[0]!, '2027-01-01T00:00:00Z', '2027-03-30T00:00:00Z').map(([o]) => o)).toEqual([-3, 0]);
    const monday = at('2027-03-29T08:00:00Z'); // 10:00 in Copenhagen
    const today = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, monday);
    const deadline = only(today, 'goalRevision')[0]!;
    expect(nextReminder(deadline, at('2027-01-01T00:00:00Z'), S)).toMatchObject({ offsetDays: 0, plannedAt: monday.toISOString(), dueAt: monday.toISOString() });
  });

  it('gives new ids when the revisionsdato moves: the old reminders are not current any more', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    const old = remindersBetween(only(plan, 'goalRevision')[0]!, made, at('2027-04-01T00:00:00Z'), S);
    const edited = ok(editGoal(plan, 'g1', { revisionDate: '2027-04-26' }, 'u1', at('2027-03-16T09:00:00Z')));
    const deadline = only(edited, 'goalRevision')[0]!;
    expect(deadline).toMatchObject({ id: 'goalRevision:c1:g1', dueDate: '2027-04-26', openedAt: '2027-03-16T09:00:00.000Z' });
    const fresh = remindersBetween(deadline, made, at('2027-04-27T00:00:00Z'), S);
    expect(fresh.map((r) => r.id)).toEqual(['goalRevision:c1:g1@2027-04-26/-14d', 'goalRevision:c1:g1@2027-04-26/-3d', 'goalRevision:c1:g1@2027-04-26/0d']);
    expect(fresh.some((r) => old.some((o) => o.id === r.id))).toBe(false);
    for (const reminder of old) expect(isReminderCurrent(edited, reminder, at(reminder.dueAt), S)).toMatchObject({ current: false, reason: 'replanned' });
    expect(isReminderCurrent(edited, fresh[0]!, at(fresh[0]!.dueAt), S)).toMatchObject({ current: true });
  });

  it('is done when the goal is evaluated after the reminder was due (revidér, afslut), and replanned when it goes on (fortsæt)', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    const reminder = nextReminder(only(plan, 'goalRevision')[0]!, made, S)!;
    expect(reminder.offsetDays).toBe(-14);
    const sendAt = at(reminder.dueAt);
    expect(isReminderCurrent(plan, reminder, sendAt, S)).toMatchObject({ current: true, reminder: { id: reminder.id } });
    const evaluatedAt = new Date(sendAt.getTime() + 1000);

    const revise = ok(applyEvaluation(plan, { ...evaluation, decision: 'revise', newRevisionDate: '' }, evidence, 'u1', evaluatedAt));
    expect(revise.goals[0]!.state).toBe('active'); // until the new version is saved
    expect(only(revise, 'goalRevision')).toEqual([]);
    expect(isReminderCurrent(revise, reminder, evaluatedAt, S)).toEqual({ current: false, reason: 'done' });

    const close = ok(applyEvaluation(plan, { ...evaluation, decision: 'close', newRevisionDate: '' }, evidence, 'u1', evaluatedAt));
    expect(isReminderCurrent(close, reminder, evaluatedAt, S)).toEqual({ current: false, reason: 'done' });

    const goOn = ok(applyEvaluation(plan, { ...evaluation, decision: 'continue', newRevisionDate: '2027-09-27' }, evidence, 'u1', evaluatedAt));
    expect(isReminderCurrent(goOn, reminder, evaluatedAt, S)).toMatchObject({ current: false, reason: 'replanned' });
    expect(only(goOn, 'goalRevision')[0]).toMatchObject({ dueDate: '2027-09-27', openedAt: evaluatedAt.toISOString() });

    // A goal evaluated (fortsæt) and then revised again (revidér) counts only the newest evaluation.
    const again = ok(applyEvaluation(goOn, { ...evaluation, id: 'e2', decision: 'revise', newRevisionDate: '' }, evidence, 'u1', at('2027-09-01T09:00:00Z')));
    expect(only(again, 'goalRevision')).toEqual([]);
  });

  it('skips a stored date that is no real day instead of failing the whole plan', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    const damaged: Plan = { ...plan, goals: [{ ...plan.goals[0]!, revisionDate: '2027-02-30' }], statusReport: { lastSentOn: '2027-13-01' } };
    expect(planDeadlines(damaged).map((d) => [d.kind, d.dueDate])).toEqual([
      ['statusMeetingInvitation', '2028-01-04'],
      ['statusReport', '2028-01-04'], // counts from the formål instead
    ]);
    expect(() => nextReminder(planDeadlines(damaged)[0]!, new Date(Number.NaN), S)).toThrow(RangeError);
  });

  it('still knows a goal is open when retention has moved the change that set its date out of the plan', () => {
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    const continued = ok(applyEvaluation(plan, { ...evaluation, decision: 'continue', newRevisionDate: '2027-09-27' }, evidence, 'u1', at('2027-03-20T09:00:00Z')));
    // only later text edits left in the history
    const goal = continued.goals[0]!;
    const trimmed: Plan = { ...continued, goals: [{ ...goal, history: [{ at: '2027-04-01T09:00:00.000Z', by: 'u1', fields: ['text'] }] }] };
    expect(only(trimmed, 'goalRevision')[0]).toMatchObject({ dueDate: '2027-09-27', openedAt: '2027-04-01T09:00:00.000Z' });
    const revised = ok(applyEvaluation(trimmed, { ...evaluation, id: 'e2', decision: 'revise', newRevisionDate: '' }, evidence, 'u1', at('2027-05-01T09:00:00Z')));
    expect(only({ ...revised, goals: [{ ...revised.goals[0]!, history: [{ at: '2027-04-01T09:00:00.000Z', by: 'u1', fields: ['text'] }] }] }, 'goalRevision')).toEqual([]);
  });
});

describe('quiet hours and weekends', () => {
  const off = resolveReminderSettings({ quietHours: 'off', weekends: 'send' });
  const quietOnly = resolveReminderSettings({ weekends: 'send' });
  const weekendsOnly = resolveReminderSettings({ quietHours: 'off' });

  it('moves a reminder in the quiet hours to their end, one at a weekend to Monday 07:30', () => {
    const move = (iso: string, settings = S) => sendableTime(at(iso), settings).toISOString();
    expect(move('2027-05-13T14:59:00Z')).toBe('2027-05-13T14:59:00.000Z'); // Thursday 16:59
    expect(move('2027-05-13T15:00:00Z')).toBe('2027-05-14T05:30:00.000Z'); // Thursday 17:00 → Friday 07:30
    expect(move('2027-05-13T01:00:00Z')).toBe('2027-05-13T05:30:00.000Z'); // Thursday 03:00 → 07:30
    expect(move('2027-05-13T05:30:00Z')).toBe('2027-05-13T05:30:00.000Z'); // 07:30 is no longer quiet
    expect(move('2027-05-14T16:00:00Z')).toBe('2027-05-17T05:30:00.000Z'); // Friday 18:00 → Monday 07:30
    expect(move('2027-05-15T08:00:00Z')).toBe('2027-05-17T05:30:00.000Z'); // Saturday 10:00 → Monday
    expect(move('2027-05-16T04:00:00Z')).toBe('2027-05-17T05:30:00.000Z'); // Sunday 06:00 → Monday
    expect(move('2027-05-16T20:00:00Z')).toBe('2027-05-17T05:30:00.000Z'); // Sunday 22:00 → Monday
    // off / send
    expect(move('2027-05-15T20:00:00Z', off)).toBe('2027-05-15T20:00:00.000Z');
    expect(move('2027-05-15T20:00:00Z', quietOnly)).toBe('2027-05-16T05:30:00.000Z'); // Saturday 22:00 → Sunday 07:30
    expect(move('2027-05-15T20:00:00Z', weekendsOnly)).toBe('2027-05-17T05:30:00.000Z'); // → Monday at the send time
    expect(move('2027-05-13T10:15:00Z', resolveReminderSettings({ quietHours: '12:00-13:00' }))).toBe('2027-05-13T11:00:00.000Z'); // a daytime pause
  });

  it('ends the quiet hours at 07:30 local also on the nights the clocks change', () => {
    expect(sendableTime(at('2027-03-27T19:00:00Z'), quietOnly).toISOString()).toBe('2027-03-28T05:30:00.000Z'); // Sat 20:00 CET → Sun 07:30 CEST
    expect(sendableTime(at('2027-10-30T18:00:00Z'), quietOnly).toISOString()).toBe('2027-10-31T06:30:00.000Z'); // Sat 20:00 CEST → Sun 07:30 CET
    expect(sendableTime(at('2027-03-26T17:00:00Z'), S).toISOString()).toBe('2027-03-29T05:30:00.000Z'); // Fri 18:00 CET → Mon 07:30 CEST
  });

  it('sends a revisionsdato on a Saturday on Monday 07:30, or on the Saturday when weekends are sent', () => {
    const made = at('2027-01-04T09:00:00Z');
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-05-15' }, made);
    const deadline = only(plan, 'goalRevision')[0]!;
    const onDay = (settings: ReminderSettings) => remindersBetween(deadline, at('2027-05-10T00:00:00Z'), at('2027-05-20T00:00:00Z'), settings).find((r) => r.offsetDays === 0);
    expect(onDay(S)).toMatchObject({ plannedAt: '2027-05-15T05:30:00.000Z', dueAt: '2027-05-17T05:30:00.000Z' });
    expect(onDay(quietOnly)).toMatchObject({ dueAt: '2027-05-15T05:30:00.000Z' });
    expect(onDay(off)).toMatchObject({ dueAt: '2027-05-15T05:30:00.000Z' });
    expect(onDay(resolveReminderSettings({ quietHours: '18:00-08:00' }))).toMatchObject({ dueAt: '2027-05-17T06:00:00.000Z' });
  });

  it('sends one reminder, the later lead, when two leads land on the same Monday morning', () => {
    const made = at('2027-01-04T09:00:00Z');
    const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-05-16' }, made); // a Sunday
    const settings = resolveReminderSettings({}, { leadDays: { goalRevision: { before: [1, 0], overdueEveryDays: 0 } } });
    const deadline = only(plan, 'goalRevision')[0]!;
    expect(times(deadline, '2027-05-01T00:00:00Z', '2027-06-01T00:00:00Z', settings)).toEqual([[0, '2027-05-17T05:30:00.000Z']]);
    const saturday = { id: 'goalRevision:c1:g1@2027-05-16/-1d', deadlineId: deadline.id, deadlineDate: '2027-05-16', offsetDays: -1 };
    expect(isReminderCurrent(plan, saturday, at('2027-05-17T05:30:00Z'), settings)).toMatchObject({ current: false, reason: 'superseded', reminder: { offsetDays: 0 } });
  });
});

describe('overdue repetition stays bounded', () => {
  const made = at('2027-01-04T09:00:00Z');
  const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
  const deadline = only(plan, 'goalRevision')[0]!;

  it('gives the next reminder and the one due now, years later, without listing the ones before', () => {
    const later = at('2037-06-03T12:00:00Z'); // a Wednesday, ten years on
    const next = nextReminder(deadline, later, S)!;
    expect(next).toMatchObject({ lead: 'overdue', dueAt: '2037-06-08T05:30:00.000Z' }); // the following Monday
    expect(next.offsetDays % 7).toBe(0);
    const due = latestDueReminder(deadline, later, S)!;
    expect(due).toMatchObject({ offsetDays: next.offsetDays - 7, dueAt: '2037-06-01T05:30:00.000Z' });
    expect(isReminderCurrent(plan, due, later, S)).toMatchObject({ current: true });
  });

  it('lists only the reminders due in a window', () => {
    expect(remindersBetween(deadline, at('2030-01-01T00:00:00Z'), at('2030-01-29T00:00:00Z'), S).map((r) => r.dueAt)).toEqual([
      '2030-01-07T06:30:00.000Z',
      '2030-01-14T06:30:00.000Z',
      '2030-01-21T06:30:00.000Z',
      '2030-01-28T06:30:00.000Z',
    ]);
    expect(remindersBetween(deadline, at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'), S)).toEqual([]);
  });

  it('ends for a kind without repetition', () => {
    const meeting = only(planWithPurpose(made), 'statusMeetingInvitation')[0]!;
    expect(nextReminder(meeting, at('2027-12-06T00:00:00Z'), S)).toMatchObject({ offsetDays: -30, dueAt: '2027-12-06T06:30:00.000Z' });
    expect(nextReminder(meeting, at('2027-12-06T06:30:00.001Z'), S)).toBeUndefined();
    expect(latestDueReminder(meeting, at('2037-01-01T00:00:00Z'), S)).toMatchObject({ offsetDays: -30 });
  });
});

describe('status til myndighed', () => {
  const made = at('2027-01-04T09:00:00Z');

  it('has no deadline without a status sent or a formål to count from', () => {
    expect(only(newPlan(made), 'statusReport')).toEqual([]);
    expect(only(newPlan(made), 'statusMeetingInvitation')).toEqual([]);
  });

  it('is due 12 months after the formål was received: 30 and 7 days before, on the day, then weekly', () => {
    const [deadline] = only(planWithPurpose(made), 'statusReport');
    expect(deadline).toMatchObject({ id: 'statusReport:c1', basis: 'purpose', fromDate: '2027-01-04', intervalMonths: 12, dueDate: '2028-01-04', ownerIds: ['u1', 'u2'] });
    expect(times(deadline!, '2027-01-04T00:00:00Z', '2028-01-19T00:00:00Z')).toEqual([
      [-30, '2027-12-06T06:30:00.000Z'], // Sunday 5 Dec → Monday
      [-7, '2027-12-28T06:30:00.000Z'],
      [0, '2028-01-04T06:30:00.000Z'],
      [7, '2028-01-11T06:30:00.000Z'],
      [14, '2028-01-18T06:30:00.000Z'],
    ]);
  });

  it('counts from the last status sent, with the agreed interval; sending one replans the reminders', () => {
    const plan = planWithPurpose(made);
    const old = nextReminder(only(plan, 'statusReport')[0]!, made, S)!;
    const sent: Plan = { ...plan, statusReport: { lastSentOn: '2027-11-20' } };
    expect(only(sent, 'statusReport')[0]).toMatchObject({ basis: 'lastSent', fromDate: '2027-11-20', dueDate: '2028-11-20', openedAt: '2027-11-19T23:00:00.000Z' });
    expect(isReminderCurrent(sent, old, at(old.dueAt), S)).toMatchObject({ current: false, reason: 'replanned' });
    const twoYears: Plan = { ...sent, statusReport: { lastSentOn: '2027-11-20', intervalMonths: 24 } };
    expect(only(twoYears, 'statusReport')[0]).toMatchObject({ intervalMonths: 24, dueDate: '2029-11-20' });
    const withoutPurpose: Plan = { ...newPlan(made), statusReport: { lastSentOn: '2026-12-01' } };
    expect(only(withoutPurpose, 'statusReport')[0]).toMatchObject({ basis: 'lastSent', dueDate: '2027-12-01' });
  });

  it('reminds once, at once, when the formål recorded today was received more than a year ago', () => {
    const recorded = at('2027-03-03T10:00:00Z'); // Wednesday 11:00
    const plan = ok(recordPurpose(newPlan(made), { id: 'p1', text: 'Egen bolig', receivedOn: '2025-11-15' }, 'u1', recorded));
    const deadline = only(plan, 'statusReport')[0]!;
    expect(deadline).toMatchObject({ dueDate: '2026-11-15', openedAt: recorded.toISOString() });
    expect(remindersBetween(deadline, at('2026-01-01T00:00:00Z'), at('2027-03-11T00:00:00Z'), S).map((r) => [r.offsetDays, r.dueAt])).toEqual([
      [105, '2027-03-03T10:00:00.000Z'], // the latest weekly lead already past: at once
      [112, '2027-03-08T06:30:00.000Z'], // then weekly (15 Nov 2026 was a Sunday: Mondays)
    ]);
  });
});

describe('statusmøde invitation', () => {
  const made = at('2027-01-04T09:00:00Z');

  it('is due a year after the formål or the last statusmøde, with one reminder 30 days before', () => {
    const [deadline] = only(planWithPurpose(made), 'statusMeetingInvitation');
    expect(deadline).toMatchObject({ id: 'statusMeetingInvitation:c1', basis: 'purpose', dueDate: '2028-01-04' });
    expect(times(deadline!, '2027-01-04T00:00:00Z', '2028-06-01T00:00:00Z')).toEqual([[-30, '2027-12-06T06:30:00.000Z']]);
    const held: Plan = { ...planWithPurpose(made), statusMeeting: { lastHeldOn: '2027-06-10' } };
    expect(only(held, 'statusMeetingInvitation')[0]).toMatchObject({ basis: 'lastHeld', fromDate: '2027-06-10', dueDate: '2028-06-10' });
  });

  it('is done once the municipality is invited after the last meeting, and opens again when the meeting is held', () => {
    const plan = planWithPurpose(made);
    const reminder = nextReminder(only(plan, 'statusMeetingInvitation')[0]!, made, S)!;
    const invited: Plan = { ...plan, statusMeeting: { invitedOn: '2027-11-30' } };
    expect(only(invited, 'statusMeetingInvitation')).toEqual([]);
    expect(isReminderCurrent(invited, reminder, at(reminder.dueAt), S)).toEqual({ current: false, reason: 'done' });
    const held: Plan = { ...plan, statusMeeting: { invitedOn: '2027-11-30', lastHeldOn: '2028-01-04' } };
    expect(only(held, 'statusMeetingInvitation')[0]).toMatchObject({ dueDate: '2029-01-04' });
  });
});

describe('formål missing', () => {
  it('reminds at once when the plan is made, then every 14 days, until the formål is recorded', () => {
    const made = at('2027-01-05T09:00:00Z'); // Tuesday 10:00
    const plan = newPlan(made);
    const [deadline] = only(plan, 'purposeMissing');
    expect(deadline).toMatchObject({ id: 'purposeMissing:c1', dueDate: '2027-01-05', openedAt: made.toISOString(), ownerIds: ['u1', 'u2'] });
    const reminders = remindersBetween(deadline!, made, at('2027-02-03T00:00:00Z'), S);
    expect(reminders.map((r) => [r.id, r.dueAt])).toEqual([
      ['purposeMissing:c1@2027-01-05/0d', '2027-01-05T09:00:00.000Z'],
      ['purposeMissing:c1@2027-01-05/+14d', '2027-01-19T06:30:00.000Z'],
      ['purposeMissing:c1@2027-01-05/+28d', '2027-02-02T06:30:00.000Z'],
    ]);
    const recorded = ok(recordPurpose(plan, { id: 'p1', text: 'Egen bolig', receivedOn: '2027-01-10' }, 'u1', at('2027-01-25T09:00:00Z')));
    expect(only(recorded, 'purposeMissing')).toEqual([]);
    expect(isReminderCurrent(recorded, reminders[2]!, at('2027-02-02T06:30:00Z'), S)).toEqual({ current: false, reason: 'done' });
  });

  it('waits for Monday morning when the plan is made on a Friday evening', () => {
    const made = at('2027-01-08T17:30:00Z'); // Friday 18:30
    expect(nextReminder(only(newPlan(made), 'purposeMissing')[0]!, made, S)).toMatchObject({ offsetDays: 0, plannedAt: made.toISOString(), dueAt: '2027-01-11T06:30:00.000Z' });
  });
});

describe('the sender’s last check', () => {
  const made = at('2027-01-04T09:00:00Z');
  const plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
  const deadline = only(plan, 'goalRevision')[0]!;
  const [fourteen, three] = remindersBetween(deadline, made, at('2027-03-27T00:00:00Z'), S);

  it('is current from its time until the next lead is due, and says why not otherwise', () => {
    expect(isReminderCurrent(plan, fourteen!, at('2027-03-15T06:30:00Z'), S)).toMatchObject({ current: true, deadline: { id: deadline.id } });
    expect(isReminderCurrent(plan, fourteen!, at('2027-03-20T12:00:00Z'), S)).toMatchObject({ current: true });
    expect(isReminderCurrent(plan, fourteen!, at('2027-03-15T06:29:59Z'), S)).toMatchObject({ current: false, reason: 'notYetDue' });
    // after a pause the sender sends the latest lead only
    expect(isReminderCurrent(plan, fourteen!, at('2027-03-26T06:30:00Z'), S)).toMatchObject({ current: false, reason: 'superseded', reminder: { id: three!.id } });
    expect(isReminderCurrent(plan, three!, at('2027-03-26T06:30:00Z'), S)).toMatchObject({ current: true });
  });

  it('follows the tilbud’s settings as they are now', () => {
    const saturday = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-05-15' }, made);
    const sent = resolveReminderSettings({ weekends: 'send' });
    const onDay = remindersBetween(only(saturday, 'goalRevision')[0]!, at('2027-05-15T00:00:00Z'), at('2027-05-16T00:00:00Z'), sent)[0]!;
    expect(isReminderCurrent(saturday, onDay, at(onDay.dueAt), sent)).toMatchObject({ current: true });
    // the tilbud now skips weekends: the same reminder waits for Monday
    expect(isReminderCurrent(saturday, onDay, at(onDay.dueAt), S)).toMatchObject({ current: false, reason: 'notYetDue', reminder: { id: onDay.id, dueAt: '2027-05-17T05:30:00.000Z' } });
    // the tilbud no longer reminds 14 days before
    const fewer = resolveReminderSettings({}, { leadDays: { goalRevision: { before: [3, 0] } } });
    expect(isReminderCurrent(plan, fourteen!, at(fourteen!.dueAt), fewer)).toMatchObject({ current: false, reason: 'replanned' });
  });
});

describe('a plan’s schedule', () => {
  it('lists each open deadline by due date with the reminder due now and the next one', () => {
    const made = at('2027-01-04T09:00:00Z');
    let plan = withGoal(planWithPurpose(made), { id: 'g1', revisionDate: '2027-03-29' }, made);
    plan = withGoal(plan, { id: 'g2', revisionDate: '2027-02-01' }, made);
    const now = at('2027-02-03T12:00:00Z');
    const schedule = planSchedule(plan, now, S);
    expect(schedule.map((s) => [s.deadline.id, s.daysUntilDue, s.latestDue?.offsetDays, s.next?.offsetDays])).toEqual([
      ['goalRevision:c1:g2', -2, 0, 7],
      ['goalRevision:c1:g1', 54, undefined, -14],
      ['statusMeetingInvitation:c1', 335, undefined, -30],
      ['statusReport:c1', 335, undefined, -30],
    ]);
    expect(planRemindersBetween(plan, at('2027-01-04T00:00:00Z'), at('2027-02-09T00:00:00Z'), S).map((r) => r.id)).toEqual([
      'goalRevision:c1:g2@2027-02-01/-14d',
      'goalRevision:c1:g2@2027-02-01/-3d',
      'goalRevision:c1:g2@2027-02-01/0d',
      'goalRevision:c1:g2@2027-02-01/+7d',
    ]);
  });
});
