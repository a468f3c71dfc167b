/**
 * The reminder card: what is due, for which citizen (alias), when; its actions (markér som
 * klaret, udsæt 1 dag / 1 uge, åbn planen, and evaluér nu for a revision), each an
 * Action.Execute with an Action.Submit fallback; after an action only what was done. Valid
 * Adaptive Card 1.5, small, no `${` left, no field named `key` in any action's data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { digestCard, escalationCard, reminderCard } from '../../src/cards/reminder-views.js';
import { VERBS } from '../../src/cards/verbs.js';
import type { DigestLine, DigestView, ReminderView } from '../../src/reminders/delivery.js';
import { closeAdaptiveCardValidator, validateAdaptiveCard } from '../support/adaptive-card-validator.js';
import { actionsOf, shown, textOf } from '../support/e2e.js';

const revision: ReminderView = {
  tenantId: 't',
  teamId: '19:team@thread.tacv2',
  citizenId: 'c1',
  alias: 'AB',
  kind: 'goalRevision',
  goalId: 'g1',
  goalText: 'AB laver selv morgenmad tre dage om ugen og vælger selv pålæg *uden* hjælp',
  deadlineId: 'goalRevision:c1:g1',
  deadlineDate: '2027-03-29',
  offsetDays: -14,
  lead: 'before',
  entryId: 'reminder:goalRevision:c1:g1|u1',
  reminderId: 'goalRevision:c1:g1@2027-03-29/-14d',
};

function fieldsNamed(node: unknown, name: string): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + fieldsNamed(x, name), 0);
  if (!node || typeof node !== 'object') return 0;
  return Object.entries(node).reduce((n, [k, v]) => n + (k === name ? 1 : 0) + fieldsNamed(v, name), 0);
}

afterAll(async () => {
  await closeAdaptiveCardValidator();
});

describe('reminder card', () => {
  it('shows what is due, for whom and when, with every action, in Danish and English', async () => {
    const da = reminderCard(revision, 'da');
    expect(textOf(da)).toContain('Revision af mål');
    expect(textOf(da)).toContain('AB');
    expect(textOf(da)).toContain('Om 14 dage (29. mar. 2027)');
    expect(actionsOf(da).map((a) => [a.verb, a.title])).toEqual([
      [VERBS.reminderDone, 'Markér som klaret'],
      [VERBS.reminderSnooze, 'Udsæt 1 dag'],
      [VERBS.reminderSnooze, 'Udsæt 1 uge'],
      [VERBS.evalOpen, 'Evaluér nu'],
      [VERBS.planShow, 'Åbn planen'],
    ]);
    expect(actionsOf(da)[0]!.data).toEqual({ teamId: revision.teamId, citizenId: 'c1', deadlineId: 'goalRevision:c1:g1', deadlineDate: '2027-03-29', reminderId: revision.reminderId });
    expect(actionsOf(da)[3]!.data).toMatchObject({ goalId: 'g1', opensNewCard: '1' });
    const en = reminderCard({ ...revision, offsetDays: 7, lead: 'overdue' }, 'en');
    expect(textOf(en)).toContain('Overdue by 7 days');
    expect(actionsOf(en).map((a) => a.title)).toEqual(['Mark as done', 'Snooze 1 day', 'Snooze 1 week', 'Evaluate now', 'Open the plan']);
    for (const card of [da, en]) {
      expect((await validateAdaptiveCard(card)).errors).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
      expect(fieldsNamed(card, 'key')).toBe(0);
    }
  });

  it('every action has an Action.Submit fallback carrying the verb', () => {
    const card = reminderCard(revision, 'da') as { actions: Array<{ verb: string; data: Record<string, string>; fallback: { type: string; data: Record<string, string> } }> };
    for (const a of card.actions) expect(a.fallback).toEqual({ type: 'Action.Submit', title: expect.any(String), data: { ...a.data, verb: a.verb } });
  });

  it('after an action says what was done and offers no more done or snooze buttons', async () => {
    const done = reminderCard(revision, 'da', { kind: 'done' });
    expect(textOf(done)).toContain('Markeret som klaret');
    expect(actionsOf(done).map((a) => a.verb)).toEqual([VERBS.evalOpen, VERBS.planShow]);
    const snoozed = reminderCard({ ...revision, kind: 'purposeMissing' }, 'da', { kind: 'snoozed', until: '2027-03-16T06:30:00.000Z' });
    expect(textOf(snoozed)).toMatch(/Udsat\. Du bliver mindet om det igen 16\. mar\. 2027/);
    expect(actionsOf(snoozed).map((a) => a.verb)).toEqual([VERBS.planShow]);
    const stale = reminderCard(revision, 'en', { kind: 'stale' });
    expect(textOf(stale)).toContain('no longer applies');
    expect(actionsOf(stale).map((a) => a.verb)).toEqual([VERBS.planShow]);
    for (const card of [done, snoozed, stale]) expect((await validateAdaptiveCard(card)).errors).toEqual([]);
  });
});

describe('the managers\' cards', () => {
  it('escalation: what is overdue, for whom, whose; opens the plan (Execute with a Submit fallback)', async () => {
    const card = escalationCard({ ...revision, offsetDays: 8, lead: 'overdue', ownerNames: ['Bo *Kollega*'] }, 'da');
    const text = shown(textOf(card));
    expect(text).toContain('Overskredet frist');
    expect(text).toContain('Overskredet med 8 dage (29. mar. 2027)');
    expect(text).toContain('Ansvarlig');
    expect(text).toContain('Bo *Kollega*'); // as typed, not emphasis
    expect(actionsOf(card).map((a) => [a.verb, a.title, a.submitData?.['verb']])).toEqual([[VERBS.planShow, 'Åbn planen', VERBS.planShow]]);
    const en = escalationCard({ ...revision, offsetDays: 8, lead: 'overdue', ownerNames: [] }, 'en');
    expect(textOf(en)).toContain('nobody responsible');
    for (const c of [card, en]) {
      expect((await validateAdaptiveCard(c)).errors).toEqual([]);
      expect(fieldsNamed(c, 'key')).toBe(0);
    }
  });

  const line = (i: number, daysUntilDue: number): DigestLine => ({
    citizenId: `c${i}`,
    alias: `Borger ${i}`,
    kind: i % 2 ? 'goalRevision' : 'statusReport',
    deadlineDate: '2027-03-29',
    daysUntilDue,
    ownerNames: ['Anna Medarbejder', 'Bo Kollega'],
    ...(i % 2 ? { goalText: 'x'.repeat(400) } : {}),
  });
  const digest = (n: number): DigestView => ({
    tenantId: 't',
    teamId: revision.teamId,
    institutionName: 'Bostedet Solsikken',
    weekStart: '2027-03-29',
    weekEnd: '2027-04-04',
    overdue: { count: n, lines: Array.from({ length: Math.min(n, 10) }, (_, i) => line(i, -3 - i)) },
    dueThisWeek: { count: 0, lines: [] },
    unreachable: { count: 1, names: [{ name: 'Bo Kollega', since: '2027-03-20T10:00:00.000Z' }] },
    failed: { count: 1, lines: [line(99, -1)] },
  });

  it('digest: the four sections with counts, capped lines and "og N flere", in Danish and English', async () => {
    const card = digestCard(digest(240), 'da');
    const text = shown(textOf(card));
    expect(text).toContain('Ugeoversigt for Bostedet Solsikken');
    expect(text).toContain('29. mar. 2027 – 4. apr. 2027');
    expect(text).toContain('Overskredne frister (240)');
    expect(text).toContain('Borger 0 · Status til myndighed · 29. mar. 2027, 3 dage over fristen · Anna Medarbejder, Bo Kollega');
    expect(text).toContain('… og 230 flere.');
    expect(text).toMatch(/Frister i denne uge \(0\)\s*Ingen\./);
    expect(text).toContain('Bo Kollega (siden 20. mar. 2027)');
    expect(text).toContain('De får ingen påmindelser, før de skriver til Refleks igen.');
    expect(text).toContain('Påmindelser, der ikke kunne sendes (1)');
    const en = digestCard(digest(2), 'en');
    expect(textOf(en)).toContain('Overdue deadlines (2)');
    for (const c of [card, en]) {
      expect((await validateAdaptiveCard(c)).errors).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(28 * 1024);
    }
  });
});
