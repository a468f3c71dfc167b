/**
 * What an id is, wherever one comes in (card data, an activity): printable ASCII, what both
 * stores accept as a document id (src/store/document-rules.ts: 1-255 characters, none of
 * / \ ? #), no `|` (the separator of partition keys and draft keys), and no CPR number (an id
 * is stored and logged as it is, so a number in it would be too). Teams, Entra and Refleks ids
 * all are such ids; anything else is refused before it is logged or stored.
 */
import { z } from 'zod';
import { idContainsCpr } from '../domain/cpr.js';
import { isValidDocumentId } from '../store/document-rules.js';

/**
 * Card-data ids end up inside document ids with a prefix (`plan:`, `archive:<id>:<yyyy>`,
 * `membership:`), so they are kept well below the store's 255.
 */
export const CARD_ID_MAX_LENGTH = 200;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** An id that names a document or a partition: a team, a citizen, a goal, a tenant, a user, a submission. */
export function isCardId(value: unknown, max = CARD_ID_MAX_LENGTH): value is string {
  return typeof value === 'string' && value.length <= max && PRINTABLE_ASCII.test(value) && !value.includes('|') && isValidDocumentId(value) && !idContainsCpr(value);
}

/** An id Teams gives an activity or a conversation (it may hold `/`, `|` or `;`): printable ASCII, no CPR number. */
export function isActivityId(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && PRINTABLE_ASCII.test(value) && !idContainsCpr(value);
}

/** zod: an id (see isCardId). */
export const IdSchema = z.string().refine((v) => isCardId(v), { message: 'not an id' });

/** zod: an id or nothing (a choice not made: '' or absent). */
export const OptionalIdSchema = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string().refine((v) => v === '' || isCardId(v), { message: 'not an id' }));

/** zod: ids separated by commas (a multi-select ChoiceSet), each an id; '' is none. */
export const IdListSchema = z.preprocess(
  (v) => (v === undefined || v === null ? '' : v),
  z.string().max(20_000).refine((v) => v.split(',').every((part) => part.trim() === '' || isCardId(part.trim())), { message: 'not a list of ids' }),
);
