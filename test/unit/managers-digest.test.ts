/** The managers rule and the weekly digest's schedule and sections (pure). */
import { describe, expect, it } from 'vitest';
import { digestWeek, escalationSettings, DEFAULT_REMINDER_SETTINGS, latestDueReminder, nextDigestAt, planDeadlines } from '../../src/domain/deadlines.js';
import { digestSections, nextWeekDigest, openDeadlinesOf, plannedDigest } from '../../src/domain/digest.js';
import { changeManagers, managersOf } from '../../src/domain/managers.js';
import type { ReminderEntry } from '../../src/domain/reminder-outbox.js';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import { createPlan } from '../../src/domain/plan.js';

const at = (iso: string) => new Date(iso);
const members = ['a', 'b', 'c'].map((id) => ({ aadObjectId: id, name: id.toUpperCase(), role: 'member' as const }));
const tilbud = (managers?: string[]) => ({ members, settings: { ...createDefaultSettings(), ...(managers ? { managers } : {}) } });

describe('managers', () => {
  it('counts only members of the team; anyone may set the first, then only a manager', () => {
    expect(managersOf(tilbud(['b', 'gone']))).toEqual(['b']);
    expect(changeManagers(tilbud(), 'a', ['b', 'b', 'c'])).toEqual({ ok: true, managers: ['b', 'c'] });
    expect(changeManagers(tilbud(['b']), 'a', ['a'])).toMatchObject({ ok: false, reason: 'notAllowed' });
    expect(changeManagers(tilbud(['b']), 'b', [])).toEqual({ ok: true, managers: [] });
    // Every manager left the team: a member takes over.
    expect(changeManagers(tilbud(['gone']), 'a', ['a'])).toEqual({ ok: true, managers: ['a'] });
    expect(changeManagers(tilbud(), 'a', ['x'])).toMatchObject({ ok: false, reason: 'notMembers', notMembers: ['x'] });
  });
});

describe('weekly digest schedule', () => {
  it('is Monday 08:00 in Copenhagen, in winter and in summer time', () => {
    expect(nextDigestAt(at('2026-11-23T09:30:00Z')).toISOString()).toBe('2026-11-30T07:00:00.000Z'); // Monday after 08:00: next Monday
    expect(nextDigestAt(at('2026-11-30T06:59:59Z')).toISOString()).toBe('2026-11-30T07:00:00.000Z'); // Monday before 08:00: today
    expect(nextDigestAt(at('2027-03-27T12:00:00Z')).toISOString()).toBe('2027-03-29T06:00:00.000Z'); // over the change to summer time
    expect(nextDigestAt(at('2027-10-30T12:00:00Z')).toISOString()).toBe('2027-11-01T07:00:00.000Z'); // over the change back
    expect(nextDigestAt(at('2026-12-06T23:30:00Z')).toISOString()).toBe('2026-12-07T07:00:00.000Z'); // Sunday 00:30 Copenhagen is Monday
  });

  it('after a digest (also a late one) the next is the Monday after', () => {
    const planned = plannedDigest('t', 'team', at('2026-11-23T09:30:00Z'));
    expect(nextWeekDigest(planned, at('2026-11-30T07:00:05Z')).dueAt).toBe('2026-12-07T07:00:00.000Z');
    expect(nextWeekDigest(planned, at('2026-12-02T10:00:00Z')).dueAt).toBe('2026-12-07T07:00:00.000Z');
    expect(digestWeek(at('2026-11-30T07:00:00Z'))).toEqual({ today: '2026-11-30', weekEnd: '2026-12-06' });
  });

  it('lists each open deadline once (several owners, escalations left out): overdue, this week, failed', () => {
    const entry = (deadlineId: string, recipientId: string, deadlineDate: string, state: ReminderEntry['state'] = 'pending') =>
      ({ tenantId: 't', teamId: 'team', planId: 'p', deadlineId, kind: 'statusReport', recipientId, reminderId: 'r', deadlineDate, offsetDays: 0, reminderDueAt: '2026-01-01T00:00:00.000Z', state, attempts: 0, updatedAt: '2026-01-01T00:00:00.000Z' }) as ReminderEntry;
    const open = openDeadlinesOf([
      entry('d1', 'a', '2026-11-20'),
      entry('d1', 'b', '2026-11-20', 'failed'),
      entry('d1', '@ledere', '2026-11-20'),
      entry('d2', 'a', '2026-12-06'),
      entry('d3', 'a', '2026-12-07'),
      entry('d0', 'c', '2026-11-01'),
    ]);
    const sections = digestSections(open, '2026-11-30', '2026-12-06');
    expect(sections.overdue.map((d) => [d.deadlineId, d.ownerIds])).toEqual([['d0', ['c']], ['d1', ['a', 'b']]]);
    expect(sections.dueThisWeek.map((d) => d.deadlineId)).toEqual(['d2']);
    expect(sections.failed.map((d) => d.deadlineId)).toEqual(['d1']);
  });

  it('escalates once, a week after the due date, at the working morning', () => {
    const plan = createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: ['a'], actorId: 'a' }, at('2026-11-27T10:00:00Z'));
    if (!plan.ok) throw new Error('plan');
    const deadline = planDeadlines(plan.value).find((d) => d.kind === 'purposeMissing')!;
    const settings = escalationSettings(DEFAULT_REMINDER_SETTINGS);
    expect(latestDueReminder(deadline, at('2026-12-04T06:29:00Z'), settings)).toBeUndefined();
    // Friday 2026-11-27 + 7 = Friday 2026-12-04 07:30 Copenhagen.
    expect(latestDueReminder(deadline, at('2026-12-04T06:30:00Z'), settings)).toMatchObject({ offsetDays: 7, dueAt: '2026-12-04T06:30:00.000Z' });
    expect(latestDueReminder(deadline, at('2027-06-01T06:30:00Z'), settings)?.offsetDays).toBe(7); // no repetition
  });
});
