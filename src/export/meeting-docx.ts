/**
 * A finished refleksionsmøde as a Word document (the .docx beside `@Refleks eksportér`'s
 * Markdown): the title (level, and for a citizen the alias only), the date, mødeleder and
 * deltagere by name, the notes per dialog step with their authors, the aftalepapir, and a table
 * of the actions (hvad, hvem, opfølgning, hvornår, status). The words are the meeting card's and
 * the Markdown export's (cards/meeting-views.ts), in the user's language.
 */
import { DIALOG_STEP_TEXT, DIALOG_STEPS, type Meeting, type MeetingNote } from '../domain/reflection-meeting.js';
import { todayInZone } from '../domain/plan.js';
import { formatDate, type Locale } from '../cards/i18n.js';
import { meetingStrings } from '../cards/meeting-views.js';
import { heading, labelled, packDocument, paragraph, spacer, table } from './docx-parts.js';
import type { FileChild } from 'docx';

export interface MeetingDocumentView {
  meeting: Meeting;
  notes: readonly MeetingNote[];
  /** The tilbud's members (aad id → name), for the names of who leads, takes part and does what. */
  members: ReadonlyArray<{ aadObjectId: string; name: string }>;
  /** The citizen's alias, for a meeting about a citizen (never a name or CPR number). */
  alias?: string;
  /** When the document is made: an open action whose date has passed is "overskredet". */
  now: Date;
}

const DOC_STRINGS = {
  da: {
    date: 'Dato',
    notes: 'Noter fra dialogen',
    noNotes: 'Ingen noter.',
    actions: 'Tiltag',
    noActions: 'Ingen tiltag.',
    noAgreement: 'Mødet har intet aftalepapir.',
    longTermIn: (months: number) => `om ${months} ${months === 1 ? 'måned' : 'måneder'}`,
    columns: ['Hvad', 'Hvem', 'Opfølgning', 'Hvornår', 'Status'],
    madeBy: (date: string) => `Eksporteret fra Refleks ${date}.`,
  },
  en: {
    date: 'Date',
    notes: 'Notes from the dialogue',
    noNotes: 'No notes.',
    actions: 'Actions',
    noActions: 'No actions.',
    noAgreement: 'The meeting has no agreement.',
    longTermIn: (months: number) => `in ${months} ${months === 1 ? 'month' : 'months'}`,
    columns: ['What', 'Who', 'Follow-up', 'When', 'Status'],
    madeBy: (date: string) => `Exported from Refleks on ${date}.`,
  },
} as const;

/** The calendar day (Copenhagen) the meeting finished, yyyy-MM-dd: its date and the file's name. */
export function meetingDay(meeting: Pick<Meeting, 'finishedAt' | 'createdAt'>): string {
  return todayInZone(new Date(meeting.finishedAt ?? meeting.createdAt));
}

/** The file's name: refleksionsmoede-<yyyy-MM-dd>.docx (ASCII, so every browser keeps it). */
export function meetingFileName(meeting: Pick<Meeting, 'finishedAt' | 'createdAt'>): string {
  return `refleksionsmoede-${meetingDay(meeting)}.docx`;
}

/** The meeting's title: "Refleksionsmøde: Borger Mødeborger AB" (the alias only, for a citizen). */
export function meetingTitle(meeting: Pick<Meeting, 'level'>, alias: string | undefined, locale: Locale): string {
  const s = meetingStrings(locale);
  return `${s.title}: ${s.level[meeting.level]}${meeting.level === 'citizen' && alias ? ` ${alias}` : ''}`;
}

/** The Word document of a meeting, as a Buffer. */
export async function meetingDocx(view: MeetingDocumentView, locale: Locale): Promise<Buffer> {
  const s = meetingStrings(locale);
  const d = DOC_STRINGS[locale];
  const m = view.meeting;
  const names = new Map(view.members.map((x) => [x.aadObjectId, x.name]));
  const nameOf = (id: string): string => names.get(id) || '?';
  const title = meetingTitle(m, view.alias, locale);
  const children: FileChild[] = [
    heading(title, 0),
    labelled(d.date, formatDate(meetingDay(m), locale)),
    labelled(s.leader, nameOf(m.leaderId)),
    labelled(s.participants, m.participantIds.map(nameOf).join(', ')),
    heading(d.notes, 1),
  ];
  for (const step of DIALOG_STEPS) {
    children.push(heading(DIALOG_STEP_TEXT[step].name[locale], 2));
    const notes = view.notes.filter((n) => n.step === step).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    if (notes.length === 0) children.push(paragraph(d.noNotes, { subtle: true }));
    for (const note of notes) children.push(labelled(note.authorName || '?', note.text));
  }

  children.push(heading(s.agreement, 1));
  const a = m.agreement;
  if (!a) children.push(paragraph(d.noAgreement, { subtle: true }));
  else {
    children.push(
      labelled(s.shortTerm, a.shortTermGoal, { separator: '' }),
      labelled(`${s.longTerm} (${d.longTermIn(a.longTermMonths)})`, a.longTermGoal, { separator: '' }),
      labelled(s.progressData, a.progressData, { separator: '' }),
      heading(d.actions, 2),
    );
    if (a.actions.length === 0) children.push(paragraph(d.noActions, { subtle: true }));
    else {
      const today = todayInZone(view.now);
      children.push(
        table(
          d.columns,
          a.actions.map((x) => [
            x.what,
            x.ownerIds.map(nameOf).join(', '),
            nameOf(x.followUpBy),
            formatDate(x.dueDate, locale),
            s.actionState[x.doneAt ? 'done' : x.dueDate < today ? 'overdue' : 'open'],
          ]),
          [36, 20, 16, 14, 14],
        ),
        spacer(),
      );
    }
  }
  children.push(paragraph(d.madeBy(formatDate(todayInZone(view.now), locale)), { subtle: true, italics: true }));
  return packDocument({ title, locale, children });
}
