/**
 * Registrér status (domain/plan.ts recordStatus): the last status til myndighed sent, the agreed
 * interval and the statusmøde dates, as the plan card's form sends them, and the deadlines that
 * follow from them.
 */
import { describe, expect, it } from 'vitest';
import { planDeadlines } from '../../src/domain/deadlines.js';
import type { Plan } from '../../src/domain/model.js';
import { createPlan, recordPurpose, recordStatus, STATUS_HISTORY_MAX, type StatusInput } from '../../src/domain/plan.js';

const now = new Date('2026-11-23T09:30:00Z');

function newPlan(at: Date = now): Plan {
  const made = createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['u1'], actorId: 'u1' }, at);
  if (!made.ok) throw new Error('plan');
  const withPurpose = recordPurpose(made.value, { id: 'p1', text: 'AB skal bo i egen bolig med bostøtte', receivedOn: '2026-10-01' }, 'u1', at);
  if (!withPurpose.ok) throw new Error('purpose');
  return withPurpose.value;
}

const input = (over: Partial<StatusInput> = {}): StatusInput => ({ lastSentOn: '2026-11-02', intervalMonths: '12', lastHeldOn: '', invitedOn: '', ...over });

function recorded(plan: Plan, over: Partial<StatusInput> = {}, actor = 'u1', at = now): Plan {
  const outcome = recordStatus(plan, input(over), actor, at);
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
  return outcome.value;
}

function errorsOf(over: Partial<StatusInput>, plan = newPlan(), at = now): Record<string, string> {
  const outcome = recordStatus(plan, input(over), 'u1', at);
  if (outcome.ok) return {};
  return Object.fromEntries(Object.entries(outcome.errors).map(([field, message]) => [field, message.da]));
}

const due = (plan: Plan, kind: string): string | undefined => planDeadlines(plan).find((d) => d.kind === kind)?.dueDate;

describe('Registrér status', () => {
  it('moves the next status til myndighed to the agreed interval after the last one sent', () => {
    const plan = newPlan();
    // Before any status: a year after the formål was received.
    expect(due(plan, 'statusReport')).toBe('2027-10-01');
    expect(due(recorded(plan), 'statusReport')).toBe('2027-11-02');
    // A two-year agreement (seed 001, note 5) is recorded in the plan and counts.
    const twoYears = recorded(plan, { intervalMonths: '24' });
    expect(twoYears.statusReport).toMatchObject({ lastSentOn: '2026-11-02', intervalMonths: 24, recordedBy: 'u1', recordedAt: now.toISOString() });
    expect(due(twoYears, 'statusReport')).toBe('2028-11-02');
  });

  it('takes a status sent before the plan came into Refleks, and one sent today', () => {
    // A citizen moved into Refleks this morning brings the status sent last spring.
    const plan = newPlan(new Date('2026-11-23T07:00:00Z'));
    expect(errorsOf({ lastSentOn: '2026-04-15' }, plan)).toEqual({});
    expect(due(recorded(plan, { lastSentOn: '2026-04-15' }), 'statusReport')).toBe('2027-04-15');
    expect(errorsOf({ lastSentOn: '2026-11-23' }, plan)).toEqual({});
    // An old status with the year overdue: the deadline is overdue, not refused.
    expect(due(recorded(plan, { lastSentOn: '2024-06-01' }), 'statusReport')).toBe('2025-06-01');
  });

  it('refuses a date in the future, next to its field, and keeps the plan as it was', () => {
    const plan = newPlan();
    expect(errorsOf({ lastSentOn: '2026-11-24' }, plan)).toEqual({ lastSentOn: 'Datoen kan ikke ligge i fremtiden.' });
    expect(errorsOf({ lastHeldOn: '2027-01-05' }, plan)).toEqual({ lastHeldOn: 'Datoen kan ikke ligge i fremtiden.' });
    expect(errorsOf({ invitedOn: '2026-12-01' }, plan)).toEqual({ invitedOn: 'Datoen kan ikke ligge i fremtiden.' });
    expect(plan.statusReport).toBeUndefined();
  });

  it('reads "today" in Copenhagen: just after midnight on New Year’s Day the new day is not in the future', () => {
    const plan = newPlan(new Date('2026-12-01T10:00:00Z'));
    const newYear = new Date('2026-12-31T23:30:00Z'); // 00:30 on 1 January 2027 in Copenhagen
    expect(errorsOf({ lastSentOn: '2027-01-01' }, plan, newYear)).toEqual({});
    expect(errorsOf({ lastSentOn: '2027-01-02' }, plan, newYear)).toEqual({ lastSentOn: 'Datoen kan ikke ligge i fremtiden.' });
  });

  it('refuses a date more than ten years back (a mistyped year), but not ten years back to the day', () => {
    expect(errorsOf({ lastSentOn: '2016-11-22' })).toEqual({ lastSentOn: 'Datoen ligger mere end 10 år tilbage. Tjek årstallet.' });
    expect(errorsOf({ lastHeldOn: '1926-11-23' })).toEqual({ lastHeldOn: 'Datoen ligger mere end 10 år tilbage. Tjek årstallet.' });
    expect(errorsOf({ lastSentOn: '2016-11-23' })).toEqual({});
  });

  it('asks for the date sent, refuses days that do not exist and intervals the card does not offer', () => {
    expect(errorsOf({ lastSentOn: '' })).toEqual({ lastSentOn: 'Skriv datoen.' });
    expect(Object.keys(errorsOf({ lastSentOn: '2026-02-30' }))).toEqual(['lastSentOn']);
    expect(Object.keys(errorsOf({ invitedOn: '23-11-2026' }))).toEqual(['invitedOn']);
    expect(Object.keys(errorsOf({ intervalMonths: '6' }))).toEqual(['intervalMonths']);
    expect(Object.keys(errorsOf({ intervalMonths: '' }))).toEqual(['intervalMonths']);
    // Several fields wrong at once: each gets its own message.
    expect(Object.keys(errorsOf({ lastSentOn: '2030-01-01', intervalMonths: 'x', lastHeldOn: '2000-01-01' })).sort()).toEqual(['intervalMonths', 'lastHeldOn', 'lastSentOn']);
  });

  it('changes nothing when the same dates are registered again (a double click)', () => {
    const once = recorded(newPlan());
    const twice = recordStatus(once, input(), 'u2', new Date(now.getTime() + 60_000));
    expect(twice.ok && twice.value).toBe(once);
  });

  it('keeps the registration it replaces in the history, who and when, capped', () => {
    const first = recorded(newPlan(), { lastSentOn: '2026-01-10' }, 'u1');
    const later = new Date('2026-11-23T12:00:00Z');
    const second = recorded(first, { lastSentOn: '2026-11-20' }, 'u2', later);
    expect(second.statusReport).toMatchObject({ lastSentOn: '2026-11-20', recordedBy: 'u2', recordedAt: later.toISOString() });
    expect(second.statusReport?.history).toEqual([{ lastSentOn: '2026-01-10', intervalMonths: 12, recordedAt: now.toISOString(), recordedBy: 'u1' }]);
    let plan = second;
    for (let i = 1; i <= STATUS_HISTORY_MAX + 5; i++) {
      plan = recorded(plan, { lastSentOn: `2026-0${1 + (i % 9)}-${String(1 + i).padStart(2, '0')}` }, `u${i}`);
    }
    expect(plan.statusReport?.history).toHaveLength(STATUS_HISTORY_MAX);
    expect(plan.statusReport?.history?.at(-1)?.recordedBy).toBe(`u${STATUS_HISTORY_MAX + 4}`);
  });

  it('keeps the statusmøde dates when the form leaves them empty, and an invitation since the last meeting closes that deadline', () => {
    const plan = newPlan();
    // Before any meeting: invite to the statusmøde a year after the formål was received.
    expect(due(plan, 'statusMeetingInvitation')).toBe('2027-10-01');
    const held = recorded(plan, { lastHeldOn: '2026-11-05' });
    expect(held.statusMeeting).toEqual({ lastHeldOn: '2026-11-05' });
    expect(due(held, 'statusMeetingInvitation')).toBe('2027-11-05');
    const invited = recorded(held, { lastSentOn: '2026-11-10', invitedOn: '2026-11-20' });
    expect(invited.statusMeeting).toEqual({ lastHeldOn: '2026-11-05', invitedOn: '2026-11-20' });
    expect(due(invited, 'statusMeetingInvitation')).toBeUndefined();
    // Left empty on the next registration: both stay.
    expect(recorded(invited, { lastSentOn: '2026-11-21' }).statusMeeting).toEqual({ lastHeldOn: '2026-11-05', invitedOn: '2026-11-20' });
  });
});
