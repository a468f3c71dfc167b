/** What every card-action handler shares: its type, payload parsing, and the plan card answer. */
import { z } from 'zod';
import { containsCpr, removeCpr } from '../domain/cpr.js';
import { MESSAGES, type FieldErrors } from '../domain/text.js';
import { planCard, type Card, type Notice } from '../cards/views.js';
import type { Call } from '../usecases/context.js';
import { viewPlan } from '../usecases/view-plan.js';
import { IdListSchema, IdSchema, OptionalIdSchema } from './ids.js';

/** The payload did not have the shape the verb needs: answered with HTTP 400. */
export class BadPayloadError extends Error {
  override readonly name = 'BadPayloadError';
}

export type Handler = (call: Call, data: Record<string, unknown>) => Promise<Card>;

/** An id carried in card data (see ids.ts: the store's id rules, printable ASCII, no CPR number). */
export const id = IdSchema;
/** An id that may be empty (a choice not made). */
export const optionalId = OptionalIdSchema;
/** Comma-separated ids (a multi-select). */
export const idList = IdListSchema;
/**
 * A user's input: missing means empty. No length limit here: a text over its field's limit is a
 * field error from the domain, answered on the same card with the text cut to the limit (the HTTP
 * body limit bounds what arrives).
 */
export const input = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string());
export const CitizenRef = z.object({ teamId: id, citizenId: id });
export const GoalRef = CitizenRef.extend({ goalId: id });

/** Parses card data; a payload of the wrong shape is a BadPayloadError (HTTP 400). */
export function parse<S extends z.ZodType>(schema: S, data: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new BadPayloadError(result.error.issues.map((i) => i.path.join('.')).join(','));
  return result.data;
}

/**
 * Takes the CPR number out of every input the domain refused for one, and out of any other input
 * that holds one (a date or a choice refused for another reason), so the number is not even
 * echoed back on the card while the rest of the user's text is.
 */
export function withoutCpr<T extends Record<string, string>>(form: T, errors: FieldErrors): T {
  const copy: Record<string, string> = { ...form };
  for (const key of Object.keys(copy)) if (errors[key] === MESSAGES.cpr || containsCpr(copy[key])) copy[key] = removeCpr(copy[key] ?? '');
  return copy as T;
}

/** The citizen's plan card (a page of its goals), optionally with a notice on top. */
export async function planCardFor(call: Call, teamId: string, citizenId: string, notice?: Notice, page?: number): Promise<Card> {
  const view = await viewPlan(call, teamId, citizenId);
  return planCard(call.actor.locale, {
    institution: view.institution,
    plan: view.plan.value,
    scores: view.scores,
    resident: view.resident,
    now: call.now,
    ...(notice ? { notice } : {}),
    ...(page ? { page } : {}),
  });
}
