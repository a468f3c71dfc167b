/**
 * The refleksionsmøde as a Word document (src/export/meeting-docx.ts), read back with mammoth as
 * Word would show it: the title with the citizen's alias only, the date, who led and took part,
 * every step's notes with their authors, the aftalepapir and the table of actions, in Danish and
 * in English. A very long note, many notes, and characters Word cannot hold still make a
 * document; no CPR number gets into one.
 */
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { finishMeeting, nextStep, recordAgreement, startMeeting, writeNote, type Meeting, type MeetingNote } from '../../src/domain/reflection-meeting.js';
import { TEXT_LIMITS } from '../../src/domain/text.js';
import { meetingDocx, meetingFileName } from '../../src/export/meeting-docx.js';

const start = new Date('2026-12-01T09:00:00Z');
const at = (minutes: number): Date => new Date(start.getTime() + minutes * 60_000);
const ANNA = { id: 'aad-anna', name: 'Anna Medarbejder' };
const BO = { id: 'aad-bo', name: 'Bo Kollega' };
const CARL = { id: 'aad-carl', name: 'Carl Pedersen' };
const MEMBERS = [ANNA, BO, CARL].map((m) => ({ aadObjectId: m.id, name: m.name }));
const IDS = MEMBERS.map((m) => m.aadObjectId);
/** Word's title and headings as HTML headings (mammoth maps Heading 1–3 itself). */
const STYLE_MAP = ["p[style-name='Title'] => h1.title:fresh"];

const STEP_NOTES: Array<Array<[typeof ANNA, string]>> = [
  [[BO, 'Aftalen om madplan blev holdt tre uger ud af fire']],
  [[ANNA, 'Flest gode aftener i weekenden'], [CARL, 'Uro når der er mange i fællesrummet']],
  [[BO, 'Forudsigelighed hjælper AB']],
  [[ANNA, 'Vi prøver en fast madplan om søndagen']],
];

/** A meeting run through the domain's own rules: notes in every step, an aftalepapir with three actions, finished. */
function finishedMeeting(notesPerStep = STEP_NOTES): { meeting: Meeting; notes: MeetingNote[] } {
  let meeting = startMeeting({ id: 'm1', tenantId: 't', teamId: 'team', level: 'citizen', citizenId: 'c1', actorId: ANNA.id, participantIds: [BO.id, CARL.id] }, start);
  meeting = nextStep(meeting, ANNA.id);
  const notes: MeetingNote[] = [];
  let minute = 1;
  for (const [step, stepNotes] of notesPerStep.entries()) {
    for (const [author, text] of stepNotes) {
      const note = writeNote(meeting, { id: `n${minute}`, text }, author, at(minute++));
      if (!note.ok) throw new Error(JSON.stringify(note.errors));
      notes.push(note.value);
    }
    meeting = nextStep(meeting, ANNA.id);
    if (step === 3) expect(meeting.phase).toBe('action');
  }
  const agreement = recordAgreement(
    meeting,
    {
      shortTermGoal: 'AB deltager i aftensmaden tre aftener om ugen',
      longTermGoal: 'AB laver selv aftensmad to gange om ugen',
      longTermMonths: '6',
      progressData: 'Støttebehovet i delmålsdagbogen',
      actions: [
        { id: 'a1', what: 'Madplan med AB hver søndag', ownerIds: [BO.id], followUpBy: ANNA.id, dueDate: '2026-12-07' },
        { id: 'a2', what: 'Tal med AB om fællesrummet', ownerIds: [ANNA.id, CARL.id], followUpBy: BO.id, dueDate: '2026-12-14' },
        { id: 'a3', what: 'Indkøbsliste sammen med AB', ownerIds: [CARL.id], followUpBy: ANNA.id, dueDate: '2027-01-05' },
      ],
    },
    IDS,
    at(minute++),
  );
  if (!agreement.ok) throw new Error(JSON.stringify(agreement.errors));
  meeting = finishMeeting(agreement.value, ANNA.id, at(minute));
  return { meeting, notes };
}

async function read(buffer: Buffer): Promise<{ text: string; html: string }> {
  const [text, html] = await Promise.all([mammoth.extractRawText({ buffer }), mammoth.convertToHtml({ buffer }, { styleMap: STYLE_MAP })]);
  return { text: text.value, html: html.value };
}

/** The table's rows as mammoth reads them: each row's cells' text. */
function tableRows(html: string): string[][] {
  const table = /<table>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd]>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));
}

describe('the meeting as a Word document', () => {
  it('holds the title (alias only), date, people, every step’s notes with authors, the aftalepapir and the action table', async () => {
    const { meeting, notes } = finishedMeeting();
    // Bo marked his action done after the meeting; on 15 Dec the second is overdue, the third still open.
    const done = { ...meeting, agreement: { ...meeting.agreement!, actions: meeting.agreement!.actions.map((a) => (a.id === 'a1' ? { ...a, doneAt: at(2000).toISOString(), doneBy: BO.id } : a)) } };
    const buffer = await meetingDocx({ meeting: done, notes, members: MEMBERS, alias: 'Mødeborger AB', now: new Date('2026-12-15T09:00:00Z') }, 'da');
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
    const { text, html } = await read(buffer);

    expect(html).toContain('<h1 class="title">Refleksionsmøde: Borger Mødeborger AB</h1>');
    expect(html).toContain('<p><strong>Dato:</strong> 1. dec. 2026</p>');
    expect(html).toContain('<p><strong>Mødeleder:</strong> Anna Medarbejder</p>');
    expect(html).toContain('<p><strong>Deltagere:</strong> Anna Medarbejder, Bo Kollega, Carl Pedersen</p>');
    expect(html).toContain('<h1>Noter fra dialogen</h1>');
    const headings = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['Siden sidst', 'Udforsk', 'Fortolk', 'Forbered handling', 'Tiltag']);
    // Each note under its own step, with its author in bold before it.
    const section = (from: string, to: string): string => html.slice(html.indexOf(`<h2>${from}</h2>`), html.indexOf(to));
    expect(section('Siden sidst', '<h2>Udforsk')).toContain('<p><strong>Bo Kollega:</strong> Aftalen om madplan blev holdt tre uger ud af fire</p>');
    expect(section('Udforsk', '<h2>Fortolk')).toContain('<p><strong>Anna Medarbejder:</strong> Flest gode aftener i weekenden</p><p><strong>Carl Pedersen:</strong> Uro når der er mange i fællesrummet</p>');
    expect(section('Fortolk', '<h2>Forbered')).toContain('<strong>Bo Kollega:</strong> Forudsigelighed hjælper AB');
    expect(section('Forbered handling', '<h1>Aftalepapir')).toContain('<strong>Anna Medarbejder:</strong> Vi prøver en fast madplan om søndagen');

    expect(html).toContain('<h1>Aftalepapir</h1>');
    expect(text).toContain('Hvad vil vi opnå inden næste møde? AB deltager i aftensmaden tre aftener om ugen');
    expect(text).toContain('Hvad vil vi opnå på længere sigt? (om 6 måneder) AB laver selv aftensmad to gange om ugen');
    expect(text).toContain('Hvilke data viser, at vi er på rette vej? Støttebehovet i delmålsdagbogen');
    expect(tableRows(html)).toEqual([
      ['Hvad', 'Hvem', 'Opfølgning', 'Hvornår', 'Status'],
      ['Madplan med AB hver søndag', 'Bo Kollega', 'Anna Medarbejder', '7. dec. 2026', 'gjort'],
      ['Tal med AB om fællesrummet', 'Anna Medarbejder, Carl Pedersen', 'Bo Kollega', '14. dec. 2026', 'overskredet'],
      ['Indkøbsliste sammen med AB', 'Carl Pedersen', 'Anna Medarbejder', '5. jan. 2027', 'åben'],
    ]);
    expect(text).not.toMatch(/\d{6}-?\d{4}/);
    expect(meetingFileName(meeting)).toBe('refleksionsmoede-2026-12-01.docx');
  });

  it('is in English for an English-speaking user, with the same content', async () => {
    const { meeting, notes } = finishedMeeting();
    const { text, html } = await read(await meetingDocx({ meeting, notes, members: MEMBERS, alias: 'Mødeborger AB', now: new Date('2026-12-02T09:00:00Z') }, 'en'));
    expect(html).toContain('<h1 class="title">Reflection meeting: Citizen Mødeborger AB</h1>');
    expect(html).toContain('<p><strong>Meeting leader:</strong> Anna Medarbejder</p>');
    expect(html).toContain('<h1>Notes from the dialogue</h1>');
    expect(html).toContain('<h2>Since last time</h2>');
    expect(html).toContain('<h1>Agreement</h1>');
    expect(text).toContain('What do we want to reach in the longer term? (in 6 months) AB laver selv aftensmad to gange om ugen');
    expect(tableRows(html)[0]).toEqual(['What', 'Who', 'Follow-up', 'When', 'Status']);
    expect(tableRows(html)[1]).toEqual(['Madplan med AB hver søndag', 'Bo Kollega', 'Anna Medarbejder', '7. Dec 2026', 'open']);
    expect(text).toContain('Bo Kollega: Aftalen om madplan blev holdt tre uger ud af fire');
  });

  it('names a meeting on indsats level without a citizen, and says so when a step has no notes', async () => {
    const { meeting, notes } = finishedMeeting([[], [[BO, 'Kun én note']], [], []]);
    const { html } = await read(await meetingDocx({ meeting: { ...meeting, level: 'indsats' }, notes, members: MEMBERS, alias: 'Mødeborger AB', now: start }, 'da'));
    expect(html).toContain('<h1 class="title">Refleksionsmøde: Indsats</h1>');
    expect(html).not.toContain('Mødeborger');
    expect(html).toContain('<h2>Siden sidst</h2><p>Ingen noter.</p>');
  });

  it('holds a very long note in full, and a hundred more, and leaves out characters Word cannot read', async () => {
    const long = Array.from({ length: 100 }, (_, i) => `Linje ${i + 1} af en lang iagttagelse fra aftenvagten.`).join('\n').slice(0, TEXT_LIMITS.note);
    expect(long.length).toBe(TEXT_LIMITS.note);
    const many: Array<[typeof ANNA, string]> = Array.from({ length: 100 }, (_, i) => [i % 2 ? BO : CARL, `Iagttagelse nummer ${i + 1}`]);
    const { meeting, notes } = finishedMeeting([[[ANNA, long]], many, [[BO, 'Før\u0001efter\u0000 og \uFFFF slut']], []]);
    const buffer = await meetingDocx({ meeting, notes, members: MEMBERS, alias: 'AB', now: start }, 'da');
    const { text, html } = await read(buffer);
    // The note's lines are line breaks in one paragraph, all of them there.
    expect(html).toContain('<strong>Anna Medarbejder:</strong> Linje 1 af en lang iagttagelse fra aftenvagten.<br />Linje 2 af');
    expect(text).toContain('Linje 73 af en lang iagttagelse');
    for (let i = 1; i <= 100; i++) expect(text).toContain(`Iagttagelse nummer ${i}\n`);
    expect(text).toContain('Bo Kollega: Førefter og  slut');
  });

  it('never prints a CPR number, even one in a display name from Teams', async () => {
    const { meeting, notes } = finishedMeeting();
    const members = MEMBERS.map((m) => (m.aadObjectId === BO.id ? { ...m, name: 'Bo 010190-1402 Kollega' } : m));
    const renamed = notes.map((n) => (n.authorId === BO.id ? { ...n, authorName: 'Bo 0101901402' } : n));
    const { text } = await read(await meetingDocx({ meeting, notes: renamed, members, alias: 'AB', now: start }, 'da'));
    expect(text).toContain('Bo Kollega');
    expect(text).not.toMatch(/\d{6}-?\d{4}/);
  });
});
