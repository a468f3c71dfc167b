/** Shared rules for free text typed by staff: length limits, CPR guard, Danish messages. */
import { containsCpr } from './cpr.js';

export interface LocalizedText {
  da: string;
  en: string;
}

/** Errors per input field, shown next to the field on the same card. */
export type FieldErrors = Record<string, LocalizedText>;

export const TEXT_LIMITS = {
  alias: 24,
  note: 4000,
  goal: 1000,
  purpose: 4000,
  short: 200,
} as const;

export const MESSAGES = {
  required: { da: 'Skal udfyldes.', en: 'Required.' },
  /** Next to a field: the text shown is the first `max` characters of what was typed (nothing saved). */
  tooLong: (max: number): LocalizedText => ({
    da: `Teksten er for lang: højst ${max} tegn. Her står de første ${max} tegn af det, du skrev – ret den til, og prøv igen.`,
    en: `The text is too long: at most ${max} characters. The first ${max} characters of what you wrote are shown here – shorten it and try again.`,
  }),
  notText: { da: 'Feltet kunne ikke læses som tekst. Skriv teksten igen.', en: 'The field could not be read as text. Write the text again.' },
  /** Next to a field: the number was taken out of the text shown, and nothing of it stored. */
  cpr: {
    da: 'Teksten indeholdt et CPR-nummer. Det må ikke gemmes i Refleks, så nummeret er fjernet og ikke gemt – resten af din tekst står her. Ret den, og gem igen (brug borgerens alias).',
    en: 'The text contained a CPR number, which must not be stored in Refleks, so the number was removed and not saved – the rest of your text is here. Check it and save again (use the citizen’s alias).',
  },
  invalidDate: { da: 'Skriv en gyldig dato.', en: 'Enter a valid date.' },
  invalidChoice: { da: 'Vælg en af mulighederne.', en: 'Pick one of the options.' },
} as const;

/**
 * Checks one free-text field: CPR first (never stored), then required and length.
 * Returns the error or undefined.
 */
export function checkText(
  value: string | undefined,
  options: { required: boolean; max: number },
): LocalizedText | undefined {
  const text = value ?? '';
  if (containsCpr(text)) return MESSAGES.cpr;
  if (options.required && text.trim() === '') return MESSAGES.required;
  if (text.length > options.max) return MESSAGES.tooLong(options.max);
  return undefined;
}

/** Collects field errors from a map of checks; undefined entries are fine fields. */
export function collectErrors(checks: Record<string, LocalizedText | undefined>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, error] of Object.entries(checks)) if (error) errors[field] = error;
  return errors;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Normalises an alias for look-ups: trimmed, lower case (Danish), single spaces. */
export function toAliasKey(alias: string): string {
  return alias.trim().replace(/\s+/g, ' ').toLocaleLowerCase('da-DK');
}

/**
 * How well a typed alias matches a stored alias key: 'exact'; 'prefix' when the key starts with
 * it ("dem" → "demo ab"); 'word' when a word of the key starts with it ("ab" → "demo ab");
 * undefined otherwise. Both sides are alias keys (see toAliasKey).
 */
export function matchAliasKey(typed: string, key: string): 'exact' | 'prefix' | 'word' | undefined {
  if (!typed) return undefined;
  if (key === typed) return 'exact';
  if (key.startsWith(typed)) return 'prefix';
  const words = key.split(/[\s\-_.]+/u);
  for (let i = 1; i < words.length; i++) if (words.slice(i).join(' ').startsWith(typed)) return 'word';
  return undefined;
}

/**
 * The citizens a typed alias points to: the exact matches when there are any, else every alias
 * that starts with it or has a word that does.
 */
export function matchAliases<T extends { aliasKey: string }>(typed: string, entries: readonly T[]): T[] {
  const key = toAliasKey(typed);
  const exact = entries.filter((e) => matchAliasKey(key, e.aliasKey) === 'exact');
  if (exact.length > 0) return exact;
  return entries.filter((e) => matchAliasKey(key, e.aliasKey) !== undefined);
}
