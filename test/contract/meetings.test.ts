/**
 * Refleksionsmøder in the store (src/store/meeting-repository.ts), on both stores: the meeting
 * with its etag, ticks and notes as documents of their own, so twenty people acting at once on
 * one meeting lose nothing; a retried note is stored once; the latest meeting on a subject and
 * the open actions are found; another tenant's or tilbud's meeting is not.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { finishMeeting, markActionDone, nextStep, recordAgreement, startMeeting, tickItem, writeNote, PREPARATION_ITEMS, type Meeting } from '../../src/domain/reflection-meeting.js';
import { ConcurrencyError } from '../../src/store/ports.js';
import type { Repositories } from '../../src/store/repositories.js';
import { APP_STORES, useRepositories } from './contract-stores.js';

const TEAM = '19:meeting-team@thread.tacv2';
const LEAD = 'aad-lead';
const people = Array.from({ length: 20 }, (_, i) => ({ id: `aad-p${i + 1}`, name: `Deltager ${i + 1}` }));
const now = new Date('2026-11-23T09:30:00Z');
let counter = 0;

function newMeeting(tenantId: string, id: string, over: Partial<Parameters<typeof startMeeting>[0]> = {}): Meeting {
  return startMeeting({ id, tenantId, teamId: TEAM, level: 'citizen', citizenId: 'c1', actorId: LEAD, participantIds: people.map((p) => p.id), ...over }, now);
}

describe.each(APP_STORES)('refleksionsmøder on the %s store', (_name, open) => {
  const reposOf = useRepositories(open);
  let repos: Repositories;
  beforeEach(() => {
    repos = reposOf();
  });

  it('keeps all of twenty ticks and twenty notes written at the same moment by twenty people', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    let meeting = newMeeting(tenantId, 'm1');
    await repos.meetings.create(meeting);
    // Twenty ticks at once: the first items, each by another person; some items twice.
    await Promise.all(people.map((p, i) => repos.meetings.putTick(tenantId, TEAM, tickItem(meeting, PREPARATION_ITEMS[i % PREPARATION_ITEMS.length]!.id, p, new Date(now.getTime() + i)))));
    const ticks = await repos.meetings.ticks(tenantId, TEAM, 'm1');
    expect(new Set(ticks.map((t) => t.itemId)).size).toBe(Math.min(20, PREPARATION_ITEMS.length));
    // Into the dialog; twenty notes at once.
    meeting = nextStep(meeting, LEAD);
    const stored = await repos.meetings.get(tenantId, TEAM, 'm1');
    await repos.meetings.replace(meeting, stored!.etag);
    const results = await Promise.all(
      people.map((p, i) => {
        const note = writeNote(meeting, { id: `note-${i}`, text: `Iagttagelse fra ${p.name}` }, p, new Date(now.getTime() + i));
        if (!note.ok) throw new Error('note');
        return repos.meetings.addNote(tenantId, TEAM, note.value);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    const notes = await repos.meetings.notes(tenantId, TEAM, 'm1');
    expect(notes).toHaveLength(20);
    expect(new Set(notes.map((n) => n.authorId)).size).toBe(20);
    expect(notes[0]).toMatchObject({ id: 'note-0', step: 'sinceLast', authorName: 'Deltager 1', text: 'Iagttagelse fra Deltager 1' });
  });

  it('stores a retried note once, unticks, and refuses a stale version of the meeting', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    const meeting = nextStep(newMeeting(tenantId, 'm2'), LEAD);
    const created = await repos.meetings.create(meeting);
    const note = writeNote(meeting, { id: 'same-card-submission', text: 'Første tanke' }, people[0]!, now);
    if (!note.ok) throw new Error('note');
    expect(await repos.meetings.addNote(tenantId, TEAM, note.value)).toBe(true);
    expect(await repos.meetings.addNote(tenantId, TEAM, note.value)).toBe(false);
    expect(await repos.meetings.notes(tenantId, TEAM, 'm2')).toHaveLength(1);

    await repos.meetings.putTick(tenantId, TEAM, tickItem(meeting, 'room', people[1]!, now));
    await repos.meetings.putTick(tenantId, TEAM, tickItem(meeting, 'room', people[2]!, now));
    expect((await repos.meetings.ticks(tenantId, TEAM, 'm2')).map((t) => t.tickedBy)).toEqual([people[2]!.id]);
    await repos.meetings.removeTick(tenantId, TEAM, 'm2', 'room');
    expect(await repos.meetings.ticks(tenantId, TEAM, 'm2')).toEqual([]);

    // Two leaders' clicks on one version: the second is refused (the card then shows the meeting as it is).
    await repos.meetings.replace(nextStep(meeting, LEAD), created.etag);
    await expect(repos.meetings.replace(nextStep(meeting, LEAD), created.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await repos.meetings.get(tenantId, TEAM, 'm2'))?.value.step).toBe('explore');
  });

  it('finds the latest meeting on a subject and the finished meetings with open actions; not another tilbud’s or tenant’s', async () => {
    const tenantId = `t-${process.pid}-${++counter}`;
    const finished = (id: string, at: Date): Meeting => {
      let m = newMeeting(tenantId, id, { participantIds: [people[0]!.id] });
      m = { ...m, createdAt: at.toISOString() };
      for (let i = 0; i < 4; i++) m = nextStep(m, LEAD);
      const recorded = recordAgreement(
        m,
        {
          shortTermGoal: 'Kort sigt',
          longTermGoal: 'Langt sigt',
          longTermMonths: '6',
          progressData: 'Dagbogen',
          actions: [{ id: 'a1', what: 'Madplan', ownerIds: [people[0]!.id], followUpBy: LEAD, dueDate: '2026-12-07' }],
        },
        [LEAD, people[0]!.id],
        now,
      );
      if (!recorded.ok) throw new Error('agreement');
      return finishMeeting(nextStep(recorded.value, LEAD), LEAD, at);
    };
    await repos.meetings.create(finished('old', new Date('2026-10-01T09:00:00Z')));
    const newer = await repos.meetings.create(finished('new', new Date('2026-11-01T09:00:00Z')));
    await repos.meetings.create(newMeeting(tenantId, 'other-citizen', { citizenId: 'c2' }));
    await repos.meetings.create(newMeeting(`${tenantId}-other`, 'elsewhere'));

    expect((await repos.meetings.latestOnSubject(tenantId, TEAM, 'citizen:c1'))?.value.id).toBe('new');
    expect((await repos.meetings.latestOnSubject(tenantId, TEAM, 'citizen:c1', 'new'))?.value.id).toBe('old');
    expect(await repos.meetings.latestOnSubject(tenantId, TEAM, 'indsats')).toBeUndefined();
    expect((await repos.meetings.withOpenActions(tenantId, TEAM)).map((m) => m.value.id)).toEqual(['new', 'old']);

    // Done: the meeting drops out of the open actions.
    await repos.meetings.replace(markActionDone(newer.value, 'a1', people[0]!.id, now), newer.etag);
    expect((await repos.meetings.withOpenActions(tenantId, TEAM)).map((m) => m.value.id)).toEqual(['old']);
    expect(await repos.meetings.get(`${tenantId}-other`, TEAM, 'new')).toBeUndefined();
  });
});
