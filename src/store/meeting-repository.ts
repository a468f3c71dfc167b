/**
 * Refleksionsmøder (domain/reflection-meeting.ts), stored so that many people can act on one at
 * once without contending on one version:
 *
 * - the `meeting` document (phase, step, leader, aftalepapir) in the tilbud's partition, id
 *   `meeting:<id>`, changed with its etag (moving a step or writing the aftalepapir is a real
 *   edit of shared state: a conflict is answered with the meeting as it is now);
 * - one `meetingTick` per ticked checklist item and one `meetingNote` per note, in the meeting's
 *   own partition, so independent ticks and notes are independent writes. A tick is an upsert
 *   (two people ticking the same item both see it ticked), an untick a delete; a note is created
 *   under the id its card carries, so a Teams retry or a double click stores it once.
 *
 * Every write of the meeting document keeps its actions' reminder entries current (`afterWrite`:
 * finishing the meeting creates them, an action marked done removes its entries).
 *
 * Reads follow the meeting, not the tilbud's history: a meeting's ticks and notes are one
 * partition query; the latest meeting on a subject and the open actions read the tilbud's
 * meeting documents through conditions on top-level fields (`subject`, `openActions`).
 */
import { MeetingNoteSchema, MeetingSchema, MeetingTickSchema, meetingSubject, type Meeting, type MeetingNote, type MeetingTick } from '../domain/reflection-meeting.js';
import { parseAs, type Versioned } from './documents.js';
import { AlreadyExistsError, partitionKeys, type DocumentStore, type StoredDocument } from './ports.js';

/** The partition of one meeting's ticks and notes. */
export function meetingPartition(tenantId: string, teamId: string, meetingId: string): string {
  return `${partitionKeys.institution(tenantId, teamId)}|meeting|${meetingId}`;
}

function meetingDoc(meeting: Meeting): StoredDocument {
  const { id, ...rest } = meeting;
  // The domain id is kept as meetingRef (the document id is `meeting:<id>`).
  const openActions = meeting.phase === 'finished' ? (meeting.agreement?.actions ?? []).filter((a) => !a.doneAt).length : 0;
  return { ...rest, meetingRef: id, id: `meeting:${id}`, pk: partitionKeys.institution(meeting.tenantId, meeting.teamId), type: 'meeting', subject: meetingSubject(meeting), openActions };
}

export class MeetingRepository {
  constructor(
    private readonly store: DocumentStore,
    /** Upkeep of what is derived from a meeting (its actions' reminders); handles its own errors. */
    private readonly afterWrite: (meeting: Meeting) => Promise<void> = async () => undefined,
  ) {}

  async create(meeting: Meeting): Promise<Versioned<Meeting>> {
    const created = await this.store.create(meetingDoc(meeting));
    await this.afterWrite(meeting);
    return { value: meeting, etag: created.etag };
  }

  async get(tenantId: string, teamId: string, meetingId: string): Promise<Versioned<Meeting> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `meeting:${meetingId}`);
    return found ? parseAs(MeetingSchema, found, String(found.doc['meetingRef'])) : undefined;
  }

  /** Replaces the meeting if it is still at `etag`; throws ConcurrencyError otherwise. */
  async replace(meeting: Meeting, etag: string): Promise<Versioned<Meeting>> {
    const saved = await this.store.replace(meetingDoc(meeting), etag);
    await this.afterWrite(meeting);
    return { value: meeting, etag: saved.etag };
  }

  /** The newest meeting on a subject (`meetingSubject`), other than `exceptId`: the one "siden sidst" follows up. */
  async latestOnSubject(tenantId: string, teamId: string, subject: string, exceptId?: string): Promise<Versioned<Meeting> | undefined> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'meeting',
      where: [{ field: 'subject', op: '=', value: subject }],
      orderBy: { field: 'createdAt', direction: 'desc' },
      limit: 2,
    });
    const found = rows.find((row) => row.doc['meetingRef'] !== exceptId);
    return found ? parseAs(MeetingSchema, found, String(found.doc['meetingRef'])) : undefined;
  }

  /** The tilbud's newest finished meeting (what `@Refleks eksportér` exports). */
  async latestFinished(tenantId: string, teamId: string): Promise<Versioned<Meeting> | undefined> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'meeting',
      where: [{ field: 'phase', op: '=', value: 'finished' }],
      orderBy: { field: 'finishedAt', direction: 'desc' },
      limit: 1,
    });
    return rows[0] ? parseAs(MeetingSchema, rows[0], String(rows[0].doc['meetingRef'])) : undefined;
  }

  /** The finished meetings that still have open actions (`@Refleks aftaler`), newest first, bounded. */
  async withOpenActions(tenantId: string, teamId: string, limit = 50): Promise<Array<Versioned<Meeting>>> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'meeting',
      where: [{ field: 'openActions', op: '>', value: 0 }],
      orderBy: { field: 'createdAt', direction: 'desc' },
      limit,
    });
    return rows.map((row) => parseAs(MeetingSchema, row, String(row.doc['meetingRef'])));
  }

  /** Ticks an item: the newest tick of it counts; ticking again is harmless. */
  async putTick(tenantId: string, teamId: string, tick: MeetingTick): Promise<void> {
    await this.store.upsert({ ...tick, id: `tick:${tick.itemId}`, pk: meetingPartition(tenantId, teamId, tick.meetingId), type: 'meetingTick' });
  }

  async removeTick(tenantId: string, teamId: string, meetingId: string, itemId: string): Promise<void> {
    await this.store.delete(meetingPartition(tenantId, teamId, meetingId), `tick:${itemId}`);
  }

  async ticks(tenantId: string, teamId: string, meetingId: string): Promise<MeetingTick[]> {
    const rows = await this.store.query({ pk: meetingPartition(tenantId, teamId, meetingId), type: 'meetingTick' });
    return rows.map((row) => parseAs(MeetingTickSchema, row).value);
  }

  /** Stores a note under its own id; the same note again (a retry) is stored once. Returns false then. */
  async addNote(tenantId: string, teamId: string, note: MeetingNote): Promise<boolean> {
    const { id, ...rest } = note;
    try {
      await this.store.create({ ...rest, noteId: id, id: `note:${id}`, pk: meetingPartition(tenantId, teamId, note.meetingId), type: 'meetingNote' });
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
  }

  async notes(tenantId: string, teamId: string, meetingId: string): Promise<MeetingNote[]> {
    const rows = await this.store.query({ pk: meetingPartition(tenantId, teamId, meetingId), type: 'meetingNote', orderBy: { field: 'createdAt', direction: 'asc' } });
    return rows.map((row) => parseAs(MeetingNoteSchema, row, String(row.doc['noteId'])).value);
  }
}
