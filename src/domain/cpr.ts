/**
 * CPR guard. A CPR number (DDMMYY-SSSS or DDMMYYSSSS, whose first six digits are a
 * valid date) must never be stored. The modulus-11 check is deliberately not used:
 * numbers issued since 2007 need not pass it.
 */
import { isValid } from 'date-fns';

// Six digits, an optional separator (hyphen, dashes, space, no-break space), four digits,
// not part of a longer run of digits.
const CPR_PATTERN = /(?<![\d])(\d{2})(\d{2})(\d{2})[-\u2010\u2011\u2012\u2013\u2014\u00a0 ]?(\d{4})(?![\d])/gu;

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

function isCpr(match: RegExpMatchArray): boolean {
  const [, dd, mm, yy] = match;
  return !!(dd && mm && yy && isValidDayMonth(Number(dd), Number(mm), Number(yy)));
}

/** True when the text holds something that looks like a CPR number. */
export function containsCpr(text: string | undefined | null): boolean {
  if (!text) return false;
  for (const match of text.matchAll(CPR_PATTERN)) if (isCpr(match)) return true;
  return false;
}

/**
 * The text with every CPR number taken out (and the spaces around it closed up), so a refused
 * text can be shown again for the user to finish, without the number.
 */
export function removeCpr(text: string): string {
  return text
    .replace(CPR_PATTERN, (...args) => (isCpr(args as unknown as RegExpMatchArray) ? '' : String(args[0])))
    .replace(/\(\s*\)/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** The names of the fields whose text holds a CPR number. */
export function findCprFields(fields: Record<string, string | undefined | null>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => containsCpr(value))
    .map(([name]) => name);
}

export const CPR_REFUSAL = {
  da: 'Teksten ser ud til at indeholde et CPR-nummer. Det må ikke gemmes i Refleks. Fjern nummeret og prøv igen – brug borgerens alias.',
  en: 'The text seems to contain a CPR number, which must not be stored in Refleks. Remove the number and try again – use the citizen’s alias.',
} as const;
