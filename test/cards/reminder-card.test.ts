/**
 * The reminder card: what is due, for which citizen (alias), when; its actions (markér som
 * klaret, udsæt 1 dag / 1 uge, åbn planen, and evaluér nu for a revision), each an
 * Action.Execute with an Action.Submit fallback; after an action only what was done. Valid
 * Adaptive Card 1.5, small, no `${` left, no field named `key` in any action's data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { reminderCard } from '../../src/cards/reminder-views.js';
import { VERBS } from '../../src/cards/verbs.js';
import type { ReminderView } from '../../src/reminders/delivery.js';
import { closeAdaptiveCardValidator, validateAdaptiveCard } from '../support/adaptive-card-validator.js';
import { actionsOf, textOf } from '../support/e2e.js';

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
