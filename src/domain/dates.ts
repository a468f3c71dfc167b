/**
 * The one way Refleks writes a calendar date, in cards and in messages alike: da-DK
 * "1. jun. 2027" (English: "1. Jun 2027"), in Copenhagen time.
 */
import { format, parseISO } from 'date-fns';
import { da, enGB } from 'date-fns/locale';
import { tz } from '@date-fns/tz';
import { ZONE } from './plan.js';

const LOCALES = { da, enGB } as const;
export const DATE_PATTERN = 'd. MMM yyyy';

/** A date (an instant, shown as its Copenhagen calendar day; or a yyyy-MM-dd string) as "1. jun. 2027". */
export function formatCalendarDate(date: Date | string, locale: 'da' | 'en' = 'da'): string {
  const loc = locale === 'en' ? LOCALES.enGB : LOCALES.da;
  if (typeof date === 'string') return format(parseISO(date), DATE_PATTERN, { locale: loc });
  return format(date, DATE_PATTERN, { in: tz(ZONE), locale: loc });
}
