import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  blocksSaving,
  checkSmorte,
  SMORTE_MAX_TEXT,
  type SmorteDraft,
  type SmorteFinding,
} from '../../src/domain/smorte.js';
import { SMORTE_GOALS, type LabelledLetter } from '../fixtures/smorte-goals.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const LETTERS: LabelledLetter[] = ['S', 'M', 'O'];
const MIN_SCORE = 0.9;

const KNOWN_CODES = new Set([
  'text.empty',
  'text.tooLong',
  'S.vague',
  'S.staffCentred',
  'M.noMeasure',
  'O.avoidance',
  'O.absolute',
  'R.noPurpose',
  'R.noTheme',
  'T.noEndDate',
  'T.endDatePast',
  'T.revisionAfterEnd',
  'T.tooFar',
  'T.invalidDate',
]);

/** A draft whose fields are all fine, so only the text decides S, M and O. */
function toDraft(text: string, extra: Partial<SmorteDraft> = {}): SmorteDraft {
  return { text, purposeId: 'purpose-1', themeId: 'th1', endDate: '2027-05-31', revisionDate: '2027-02-28', ...extra };
}

function check(draft: SmorteDraft, now: Date = NOW): SmorteFinding[] {
  return checkSmorte(draft, { now });
}

function listCodes(findings: SmorteFinding[]): string[] {
  return findings.map((finding) => finding.code);
}

function listLetters(text: string, extra: Partial<SmorteDraft> = {}): Set<string> {
  return new Set(
    check(toDraft(text, extra))
      .map((finding) => finding.letter)
      .filter((letter) => letter === 'S' || letter === 'M' || letter === 'O'),
  );
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
}

function computeRatio(hits: number, total: number): number {
  return total === 0 ? 1 : hits / total;
}

describe('SMORTE: labelled Danish goals', () => {
  const scores: Record<LabelledLetter, Score> = { S: { tp: 0, fp: 0, fn: 0 }, M: { tp: 0, fp: 0, fn: 0 }, O: { tp: 0, fp: 0, fn: 0 } };
  const misses: string[] = [];
  for (const goal of SMORTE_GOALS) {
    const predicted = listLetters(goal.text, goal.indicator === undefined ? {} : { indicator: goal.indicator });
    for (const letter of LETTERS) {
      const expected = goal.flags.includes(letter);
      const flagged = predicted.has(letter);
      const score = scores[letter];
      if (expected && flagged) score.tp += 1;
      else if (flagged) score.fp += 1;
      else if (expected) score.fn += 1;
      if (expected !== flagged) misses.push(`${goal.id} ${flagged ? '+' : '-'}${letter}: ${goal.text}`);
    }
  }
  const table = LETTERS.map((letter) => {
    const { tp, fp, fn } = scores[letter];
    const precision = computeRatio(tp, tp + fp);
    const recall = computeRatio(tp, tp + fn);
    return { letter, precision, recall, line: `SMORTE ${letter} precision ${precision.toFixed(2)} recall ${recall.toFixed(2)} (n=${SMORTE_GOALS.length}, positives=${tp + fn}, tp=${tp}, fp=${fp}, fn=${fn})` };
  });
  console.log(
    [
      `SMORTE labelled set: ${SMORTE_GOALS.length} goals`,
      ...table.map((row) => row.line),
      ...(misses.length > 0 ? ['misclassified:', ...misses] : []),
    ].join('\n'),
  );

  it('has at least 60 goals, each labelled with S, M and O only', () => {
    expect(SMORTE_GOALS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(SMORTE_GOALS.map((goal) => goal.id)).size).toBe(SMORTE_GOALS.length);
    for (const goal of SMORTE_GOALS) for (const flag of goal.flags) expect(LETTERS).toContain(flag);
  });

  it.each(table.map((row) => [row.letter, row] as const))(`reaches precision and recall >= ${MIN_SCORE} for %s`, (_letter, row) => {
    expect(row.precision).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(row.recall).toBeGreaterThanOrEqual(MIN_SCORE);
  });

  it('explains every finding in Danish and English with an example', () => {
    for (const goal of SMORTE_GOALS) {
      for (const finding of check(toDraft(goal.text, goal.indicator === undefined ? {} : { indicator: goal.indicator }))) {
        expect(KNOWN_CODES).toContain(finding.code);
        expect(finding.message.da.trim()).not.toBe('');
        expect(finding.message.en.trim()).not.toBe('');
        expect(finding.message.da).toContain('fx');
        expect(finding.message.en).toContain('e.g.');
      }
    }
  });
});

describe('SMORTE: S, M and O rules', () => {
  it('flags a vague aim and asks how it is measured', () => {
    const findings = check(toDraft('Peter skal have det bedre.'));
    expect(listCodes(findings)).toEqual(['S.vague', 'M.noMeasure']);
    const measure = findings.find((finding) => finding.code === 'M.noMeasure');
    expect(measure?.message.da).toContain('Hvordan måler I, at målet er nået?');
    expect(findings.every((finding) => finding.severity === 'warning')).toBe(true);
  });

  it('says a staff-centred goal is an indsats, quoting the words, and keeps the citizen’s own act as a goal', () => {
    const staff = check(toDraft('Personalet guider Pia i bad to gange om ugen.')).find((f) => f.letter === 'S');
    expect(staff?.code).toBe('S.staffCentred');
    expect(staff?.message.da).toContain('("Personalet guider")');
    expect(staff?.message.da).toContain('indsatser');
    expect(check(toDraft('Vi sikrer at Jonas får sin medicin kl. 8.')).find((f) => f.letter === 'S')?.code).toBe('S.staffCentred');
    expect(check(toDraft('Pia skal guides i madlavning en gang om ugen.')).find((f) => f.letter === 'S')?.message.da).toContain('("skal guides")');
    expect(check(toDraft('Brian støttes i at håndtere sin frustration.')).find((f) => f.letter === 'S')?.code).toBe('S.staffCentred');
    // After a theme label, the goal is the sentence after the colon.
    expect(check(toDraft('Stimulering og vejledning: pæd. læser højt for Alma hver aften i 15 min.')).find((f) => f.letter === 'S')?.code).toBe('S.staffCentred');
    // The citizen does it, with staff along: a goal.
    expect(listLetters('Pia går selv i bad to gange om ugen, og personalet guider hende.').has('S')).toBe(false);
    expect(listLetters('Personalet og Emil laver aftensmad sammen hver tirsdag.').has('S')).toBe(false);
  });

  it('reads avoidance however it is spelt and whichever verb says it, and absolutes beyond "altid"', () => {
    const o = (text: string) => check(toDraft(text)).filter((f) => f.letter === 'O').map((f) => f.code);
    for (const text of [
      'Kim skal undgaa sine gamle venner.',
      'Kim skal undga sine gamle venner.',
      'Kristian skal ophore med at ryge hash.',
      'Ida skal lade vaer med at gemme mad paa vaerelset.',
      'Jesper skal droppe hashen i weekenden.',
      'Amir skal slutte med at provokere de voksne.',
      'Ahmed skal komme ud af sin isolation.',
      'Samværet skal foregå uden konflikter.',
      'Jamal har nul episoder med vold på afdelingen.',
      'Mads vil ik ryge mere.',
    ]) {
      expect(o(text), text).toContain('O.avoidance');
    }
    for (const text of ['Tove skal klare alt selv fra i morgen.', 'Jesper møder på værkstedet hver eneste dag.', 'Ida spiser alt, hvad der bliver serveret, hver gang.', 'Bent er fuldstændig selvhjulpen med sin økonomi.']) {
      expect(o(text), text).toContain('O.absolute');
    }
    expect(check(toDraft('Tove skal klare alt selv fra i morgen.')).find((f) => f.code === 'O.absolute')?.message.da).toContain('"alt selv"');
    // Not avoidance: getting up, the size of a task, "hver gang" opening a situation.
    expect(o('Anders skal komme ud af sengen om morgenen.')).toEqual([]);
    expect(o('Kirsten udfører mindre opgaver på værkstedet to gange om ugen.')).toEqual([]);
    expect(o('Hver gang Villads bliver vred, går han ind på sit værelse.')).toEqual([]);
  });

  it('does not take a date, a year, a grade, a paragraph or a room number for a measure, nor how often for a feeling', () => {
    const m = (text: string) => listLetters(text).has('M');
    for (const text of [
      'Henrik skal have styr på sin økonomi inden 1. juni 2027.',
      'Malthe skal have et bedre skoleliv i 2027.',
      'Mathias skal trives og have det godt i 9. klasse.',
      'Jesper skal gøre sit bedste på værkstedet, jf. § 104.',
      'Villy skal have det godt i sin bolig på værelse 12.',
      'Poul skal føle sig tryg hver aften ved sengetid.',
      'Clara skal sove godt hver nat.',
      'Lars skal altid være rolig.',
    ]) {
      expect(m(text), text).toBe(true);
    }
    // A number with a unit, a scale, or an act done on one's own measures; so does a milestone with a grade.
    expect(m('Peter skal have det bedre 5 dage om ugen.')).toBe(false);
    expect(m('Poul føler sig tryg ved sengetid, 4 eller mere på en skala fra 1 til 5.')).toBe(false);
    expect(m('Nanna skal gennemføre 9. klasse.')).toBe(false);
    expect(m('Jonas tager selv sin medicin kl. 8 hver morgen.')).toBe(false);
  });

  it('accepts a soft word when a concrete act is named', () => {
    expect(listLetters('Emma arbejder med at smøre sin madpakke selv hver morgen.').size).toBe(0);
  });

  it('treats an indicator as a measure', () => {
    expect(listLetters('Mads bruger sin kalender på telefonen.').has('M')).toBe(true);
    expect(listLetters('Mads bruger sin kalender på telefonen.', { indicator: 'Dage om ugen med kalenderen i brug' }).has('M')).toBe(false);
    expect(listLetters('Mads bruger sin kalender på telefonen.', { indicator: '   ' }).has('M')).toBe(true);
  });

  it.each([
    ['digits', 'Peter går i bad 3 gange om ugen.'],
    ['words', 'Peter går i bad to gange om ugen.'],
    ['every day', 'Peter går i bad hver dag.'],
    ['daily', 'Peter går i bad dagligt.'],
    ['a duration', 'Peter går en tur i 20 minutter.'],
    ['an observable act done alone', 'Peter tager bussen alene til værkstedet.'],
    ['an observable act done on his own', 'Peter smører selv sin madpakke.'],
  ])('sees a measure in %s', (_label, text) => {
    expect(listLetters(text).has('M')).toBe(false);
  });

  it('phrases the avoidance finding as the brief does', () => {
    const avoidance = check(toDraft('Peter skal ikke råbe ad personalet.')).find((finding) => finding.code === 'O.avoidance');
    expect(avoidance?.severity).toBe('warning');
    expect(avoidance?.message.da).toContain('Målet er formuleret som noget, der skal undgås');
    expect(avoidance?.message.da).toContain('fx');
  });

  it.each([
    ['undgå', 'Jonas skal undgå konflikter ved aftensmaden.'],
    ['stoppe med', 'Mette skal stoppe med at ryge på sit værelse.'],
    ['holde op med', 'Ali skal holde op med at bande i klassen.'],
    ['aldrig', 'Kasper slår aldrig de andre børn.'],
    ['mindre', 'Nadia drikker mindre cola om aftenen.'],
    ['færre', 'Frederik har færre konflikter i skolen.'],
    ['a fronted subordinate clause with a comma', 'Når Peter bliver vred, råber han ikke.'],
    ['a fronted subordinate clause without a comma', 'Når Peter bliver vred råber han ikke.'],
    ['an at-clause', 'Målet er, at Peter ikke råber.'],
  ])('flags avoidance: %s', (_label, text) => {
    expect(listCodes(check(toDraft(text)))).toContain('O.avoidance');
  });

  it('flags absolute demands', () => {
    expect(listCodes(check(toDraft('Peter tager altid sin medicin.')))).toContain('O.absolute');
    expect(listCodes(check(toDraft('Lars skal hele tiden være rolig.')))).toContain('O.absolute');
  });

  it.each([
    ['også når', 'Peter går selv i bad hver morgen, også når han ikke har lyst.'],
    ['selv om', 'Adam tager sin medicin hver aften, selv om han ikke føler sig syg.'],
    ['hvis', 'Lasse melder afbud på sms, hvis han ikke kan komme.'],
    ['fronted når', 'Når Karl ikke kan sove, går han selv ud i køkkenet og laver en kop te.'],
    ['fronted når without a comma', 'Når Karl ikke kan sove går han selv ud i køkkenet og laver en kop te.'],
    ['relative der', 'Vibeke, der ikke bryder sig om store forsamlinger, deltager i husmødet hver tirsdag.'],
    ['purpose så', 'Jens går i seng kl. 23 på hverdage, så han ikke er træt om morgenen.'],
    ['purpose for at', 'Lucas går en tur hver dag for at undgå konflikter.'],
    ['uanset om … eller ej', 'Victor rydder op på sit værelse hver søndag, uanset om han har haft besøg eller ej.'],
  ])('ignores a negation in a subordinate clause: %s', (_label, text) => {
    expect(listLetters(text).has('O')).toBe(false);
  });

  it.each([
    ['mindreårig', 'Kim, som er mindreårig, tager bussen alene til fritidsklubben to gange om ugen.'],
    ['ikkevoldelig', 'Sebastian øver ikkevoldelig kommunikation med sin kontaktperson hver tirsdag.'],
    ['ikke-voldelig', 'Sebastian øver ikke-voldelig kommunikation med sin kontaktperson hver tirsdag.'],
    ['altidvarende', 'Peter passer sin altidvarende køkkenhave hver lørdag.'],
    ['a minor dish', 'Rikke laver en mindre ret til aftensmad med sin kontaktperson hver torsdag.'],
    ['ikke kun', 'Laura deltager ikke kun i idræt, men også i svømning om torsdagen.'],
  ])('matches whole words only: %s', (_label, text) => {
    expect(listLetters(text).has('O')).toBe(false);
  });

  it('handles upper case and Danish letters', () => {
    expect(listCodes(check(toDraft('PETER SKAL UNDGÅ KONFLIKTER VED AFTENSMADEN.')))).toContain('O.avoidance');
    expect(listCodes(check(toDraft('Søren skal trives.')))).toContain('S.vague');
  });

  it('does not take an age for a measure', () => {
    expect(listLetters('Oscar (14 år) skal have det bedre.')).toEqual(new Set(['S', 'M']));
  });

  it('is pure: same input, same output, draft untouched', () => {
    const draft = toDraft('Peter skal ikke råbe.');
    const copy = structuredClone(draft);
    expect(check(draft)).toEqual(check(draft));
    expect(draft).toEqual(copy);
  });
});

describe('SMORTE: text length', () => {
  it('gives text.empty for an empty or blank text and blocks saving', () => {
    for (const text of ['', '   \n']) {
      const findings = check(toDraft(text));
      expect(findings).toEqual([expect.objectContaining({ letter: 'S', severity: 'error', code: 'text.empty' })]);
      expect(blocksSaving(findings)).toBe(true);
    }
  });

  it(`gives text.tooLong over ${SMORTE_MAX_TEXT} characters and blocks saving`, () => {
    const sentence = 'Peter smører selv sin madpakke hver morgen. ';
    const long = sentence.repeat(Math.ceil((SMORTE_MAX_TEXT + 1) / sentence.length)).slice(0, SMORTE_MAX_TEXT + 1);
    const findings = check(toDraft(long));
    expect(findings).toContainEqual(expect.objectContaining({ letter: 'S', severity: 'error', code: 'text.tooLong' }));
    expect(blocksSaving(findings)).toBe(true);
    expect(listCodes(check(toDraft(long.slice(0, SMORTE_MAX_TEXT))))).not.toContain('text.tooLong');
  });
});

describe('SMORTE: long and odd text', () => {
  const heapScript = fileURLToPath(new URL('../support/smorte-heap.ts', import.meta.url));

  /** The checker on `characters` of text in a process whose heap is capped at 64 MB. */
  function checkInSmallHeap(characters: number): { codes: string[]; heapGrowthMB: number } {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=64', heapScript, String(characters)], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, `the checker's process died: ${run.stderr.split('\n').filter((l) => /heap|memory|Error/i.test(l)).slice(0, 3).join(' | ')}`).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { codes: string[]; heapGrowthMB: number };
  }

  it.each([20_000, 100_000])('checks %i characters within a 64 MB heap, growing it by less than 16 MB', (characters) => {
    const report = checkInSmallHeap(characters);
    expect(report.codes).toContain('text.tooLong');
    expect(report.heapGrowthMB).toBeLessThan(16);
  });

  it(`analyses a too long text as its first ${SMORTE_MAX_TEXT} characters`, () => {
    const good = 'Peter smører selv sin madpakke tre morgener om ugen. ';
    const head = good.repeat(Math.ceil(SMORTE_MAX_TEXT / good.length)).slice(0, SMORTE_MAX_TEXT);
    // What comes after the limit is not read: its avoidance wording gives no advice.
    const long = `${head} Peter skal ikke råbe i køkkenet.`.repeat(3);
    const codes = listCodes(check(toDraft(long)));
    expect(codes).toEqual(['text.tooLong', ...listCodes(check(toDraft(head)))]);
    expect(codes).not.toContain('O.avoidance');
  });

  it('takes a text that is not a string as no text, without throwing', () => {
    for (const text of [12345, null, { a: 1 }, ['Peter']] as unknown[]) {
      expect(listCodes(check(toDraft(text as string)))).toContain('text.empty');
    }
  });
});

describe('SMORTE: R (relevance)', () => {
  const text = 'Peter smører selv sin madpakke tre gange om ugen.';

  it('is quiet when the goal has a formål and a theme', () => {
    expect(check(toDraft(text))).toEqual([]);
  });

  it('warns about a missing formål and a missing theme, each on its own', () => {
    expect(listCodes(check(toDraft(text, { purposeId: undefined })))).toEqual(['R.noPurpose']);
    expect(listCodes(check(toDraft(text, { themeId: '  ' })))).toEqual(['R.noTheme']);
    const both = check(toDraft(text, { purposeId: '', themeId: undefined }));
    expect(listCodes(both)).toEqual(['R.noPurpose', 'R.noTheme']);
    expect(both.every((finding) => finding.letter === 'R' && finding.severity === 'warning')).toBe(true);
    expect(blocksSaving(both)).toBe(false);
  });
});

describe('SMORTE: T (time)', () => {
  const text = 'Peter smører selv sin madpakke tre gange om ugen.';
  const listTimeCodes = (extra: Partial<SmorteDraft>, now: Date = NOW): string[] =>
    check(toDraft(text, extra), now)
      .filter((finding) => finding.letter === 'T')
      .map((finding) => `${finding.code}:${finding.severity}`);

  it('requires an end date', () => {
    const findings = check(toDraft(text, { endDate: undefined }));
    expect(listTimeCodes({ endDate: undefined })).toEqual(['T.noEndDate:error']);
    expect(listTimeCodes({ endDate: ' ' })).toEqual(['T.noEndDate:error']);
    expect(findings.find((finding) => finding.code === 'T.noEndDate')?.message.da).toContain('Der er ingen slutdato');
    expect(blocksSaving(findings)).toBe(true);
  });

  it('refuses an end date in the past, accepts today', () => {
    expect(listTimeCodes({ endDate: '2026-11-21', revisionDate: '2026-11-21' })).toEqual(['T.endDatePast:error']);
    expect(listTimeCodes({ endDate: '2026-11-22', revisionDate: '2026-11-22' })).toEqual([]);
  });

  it('compares calendar dates in Europe/Copenhagen', () => {
    // 23:30 UTC on 22 November is already 23 November in Copenhagen.
    const lateEvening = new Date('2026-11-22T23:30:00Z');
    expect(listTimeCodes({ endDate: '2026-11-22', revisionDate: '2026-11-22' }, lateEvening)).toEqual(['T.endDatePast:error']);
    expect(listTimeCodes({ endDate: '2026-11-23', revisionDate: '2026-11-23' }, lateEvening)).toEqual([]);
    // Summer time: 22:30 UTC on 30 June is 1 July in Copenhagen.
    const summerNight = new Date('2026-06-30T22:30:00Z');
    expect(listTimeCodes({ endDate: '2026-06-30', revisionDate: '2026-06-30' }, summerNight)).toEqual(['T.endDatePast:error']);
  });

  it('refuses a revision date after the end date', () => {
    expect(listTimeCodes({ endDate: '2027-05-31', revisionDate: '2027-06-01' })).toEqual(['T.revisionAfterEnd:error']);
    expect(listTimeCodes({ endDate: '2027-05-31', revisionDate: '2027-05-31' })).toEqual([]);
    expect(listTimeCodes({ endDate: '2027-05-31', revisionDate: undefined })).toEqual([]);
  });

  it('warns about an end date more than 12 months ahead, without blocking', () => {
    expect(listTimeCodes({ endDate: '2027-11-22', revisionDate: '2027-05-01' })).toEqual([]);
    expect(listTimeCodes({ endDate: '2027-11-23', revisionDate: '2027-05-01' })).toEqual(['T.tooFar:warning']);
    expect(blocksSaving(check(toDraft(text, { endDate: '2028-06-01', revisionDate: '2027-05-01' })))).toBe(false);
  });

  it.each(['2027-02-30', '2027-13-01', '31-05-2027', '2027-5-31', '20270531', 'i morgen'])('refuses the invalid date %s', (value) => {
    expect(listTimeCodes({ endDate: value })).toEqual(['T.invalidDate:error']);
    expect(listTimeCodes({ revisionDate: value })).toEqual(['T.invalidDate:error']);
    expect(blocksSaving(check(toDraft(text, { endDate: value })))).toBe(true);
  });

  it('accepts 29 February in a leap year', () => {
    expect(listTimeCodes({ endDate: '2028-02-29', revisionDate: '2027-05-01' }, new Date('2027-06-01T10:00:00Z'))).toEqual([]);
  });

  it('refuses an invalid now', () => {
    expect(() => checkSmorte(toDraft(text), { now: new Date('not a date') })).toThrow(RangeError);
  });
});

describe('SMORTE: blocksSaving', () => {
  it('blocks only on T errors and on an empty or too long text', () => {
    const advice = check(
      toDraft('Peter skal have mere ro og færre konflikter.', { purposeId: undefined, themeId: undefined, endDate: '2028-06-01' }),
    );
    expect(new Set(advice.map((finding) => finding.letter))).toEqual(new Set(['S', 'M', 'O', 'R', 'T']));
    expect(advice.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(blocksSaving(advice)).toBe(false);
    expect(blocksSaving([])).toBe(false);
    expect(blocksSaving(check(toDraft('Peter skal have det bedre.', { endDate: undefined })))).toBe(true);
    expect(blocksSaving(check(toDraft('Peter skal have det bedre.', { endDate: '2026-01-01', revisionDate: '2025-12-01' })))).toBe(true);
  });

  it('does not block on a warning even if its code looks like a blocking one', () => {
    const warning: SmorteFinding = { letter: 'T', severity: 'warning', code: 'T.tooFar', message: { da: 'x', en: 'x' } };
    expect(blocksSaving([warning])).toBe(false);
  });
});
