/**
 * CPR guard. A CPR number (DDMMYY-SSSS or DDMMYYSSSS, whose first six digits are a
 * valid date) must never be stored. The modulus-11 check is deliberately not used:
 * numbers issued since 2007 need not pass it.
 *
 * The text is matched as a reader sees it, not as its code points spell it: each character is
 * normalised (Unicode NFKC: full-width and mathematical digits become 0-9, a full-width hyphen
 * a hyphen), format characters (\p{Cf}: zero-width space, soft hyphen, word joiner, BOM,
 * direction marks) and combining marks (\p{M}: variation selectors, keycaps) are dropped, and
 * any other decimal digit (\p{Nd}, e.g. Arabic-Indic) is read as its value. Every character of
 * that reading remembers where it came from, so `removeCpr` cuts the number out of the text
 * the user typed and gives back the rest exactly as typed (an ellipsis stays an ellipsis).
 */
import { isValid } from 'date-fns';

// Hyphen, the Unicode dashes, the minus sign.
const DASHES = '\\-\\u2010-\\u2015\\u2212';
// Between the date's parts: nothing, or one dash, dot, slash or space, the same twice (01.01.90).
const DATE_SEPARATOR = `([${DASHES}./ ]?)`;
// Between the date and the serial: nothing, a dash, dot or slash, or white space (a newline too),
// with a little white space around it.
const SERIAL_SEPARATOR = `\\s{0,3}[${DASHES}./]?\\s{0,3}`;
// Six digits (a date), four digits, not part of a longer run of digits.
const CPR_PATTERN = new RegExp(`(?<!\\d)(\\d{2})${DATE_SEPARATOR}(\\d{2})\\2(\\d{2})${SERIAL_SEPARATOR}(\\d{4})(?!\\d)`, 'gu');

function isValidDayMonth(day: number, month: number, yy: number): boolean {
  // A date is valid when it exists in at least one century a CPR number can point to.
  return [1900, 2000, 1800].some((century) => {
    const date = new Date(Date.UTC(century + yy, month - 1, day));
    return (
      isValid(date) &&
      date.getUTCFullYear() === century + yy &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day
    );
  });
}

/**
 * A text as matched: the normalised reading and, per UTF-16 unit of it, the span of the
 * original it came from (none: the reading is the text itself).
 */
interface Reading {
  text: string;
  spans?: { starts: number[]; ends: number[] };
}

const IGNORED = /[\p{Cf}\p{M}]/gu;
const DECIMAL_DIGIT = /\p{Nd}/u;
const NON_ASCII_DIGIT = /[^\P{Nd}0-9]/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * The value of a decimal digit of any script. Unicode encodes every decimal digit in runs of
 * ten, 0 to 9 in order, so the value is its distance from the start of its run, modulo 10.
 */
function digitValue(digit: string): string {
  const code = digit.codePointAt(0)!;
  let start = code;
  while (start > 0 && start > code - 100 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((code - start) % 10);
}

function readingOf(text: string): Reading {
  // Nothing to normalise in ASCII (it has no format characters or marks).
  if (ASCII_ONLY.test(text)) return { text };
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  // Code point by code point (a lone surrogate comes as one unit and stays as it is).
  for (const char of text) {
    const start = at;
    at += char.length;
    const read = char.charCodeAt(0) < 0x80 ? char : char.normalize('NFKC').replace(IGNORED, '').replace(NON_ASCII_DIGIT, digitValue);
    for (let i = 0; i < read.length; i++) {
      starts.push(start);
      ends.push(at);
    }
    out += read;
  }
  return { text: out, spans: { starts, ends } };
}

/** The spans of the original text that hold a CPR number, in order. */
function cprSpans(text: string): Array<[number, number]> {
  const reading = readingOf(text);
  const spans: Array<[number, number]> = [];
  const pattern = new RegExp(CPR_PATTERN);
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(reading.text)) !== null) {
    const [whole, dd, , mm, yy] = match;
    if (dd && mm && yy && isValidDayMonth(Number(dd), Number(mm), Number(yy))) {
      const last = match.index + whole.length - 1;
      spans.push(reading.spans ? [reading.spans.starts[match.index]!, reading.spans.ends[last]!] : [match.index, last + 1]);
    } else {
      // Not a date: look again from the next character (a number may start inside this one).
      pattern.lastIndex = match.index + 1;
    }
  }
  return spans;
}

/** True when the text holds something that looks like a CPR number. */
export function containsCpr(text: string | undefined | null): boolean {
  if (!text) return false;
  return cprSpans(text).length > 0;
}

/**
 * The text with every CPR number taken out (and the spaces around it closed up), so a refused
 * text can be shown again for the user to finish, without the number. Everything else is given
 * back as it was typed.
 */
export function removeCpr(text: string): string {
  const spans = cprSpans(text);
  if (spans.length === 0) return text.trim();
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start);
    from = end;
  }
  out += text.slice(from);
  return out
    .replace(/\(\s*\)/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * Free text that is stored without asking the user (a team's name, a member's display name from
 * Teams): unchanged when it holds no CPR number, else with the number taken out.
 */
export function cprFree(text: string): string {
  return containsCpr(text) ? removeCpr(text) : text;
}

/** The names of the fields whose text holds a CPR number. */
export function findCprFields(fields: Record<string, string | undefined | null>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => containsCpr(value))
    .map(([name]) => name);
}

// Random ids (UUIDs, the hex of Teams and Entra ids) hold runs of digits by chance; such a run is
// no one's CPR number, and refusing it would lock a team or a person out for good.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_HEX_RUN = /[0-9a-f]{16,}/gi;

/**
 * True when an identifier (carried in card data or an activity) holds a CPR number. The same
 * rule as for text, except that UUIDs and long hexadecimal runs (random ids) are not read.
 */
export function idContainsCpr(id: string): boolean {
  return containsCpr(id.replace(UUID, '~').replace(LONG_HEX_RUN, '~'));
}

export const CPR_REFUSAL = {
  da: 'Teksten ser ud til at indeholde et CPR-nummer. Det må ikke gemmes i Refleks. Fjern nummeret og prøv igen – brug borgerens alias.',
  en: 'The text seems to contain a CPR number, which must not be stored in Refleks. Remove the number and try again – use the citizen’s alias.',
} as const;
