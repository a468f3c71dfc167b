/** Shared types of the card-action handlers. */
import type { Card } from '../cards/views.js';
import type { Call } from '../usecases/context.js';

/** The payload did not have the shape the verb needs: answered with HTTP 400. */
export class BadPayloadError extends Error {
  override readonly name = 'BadPayloadError';
}

export type Handler = (call: Call, data: Record<string, unknown>) => Promise<Card>;
