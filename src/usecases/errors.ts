/** Refusals a use case can answer with. Handlers turn them into cards or short Danish sentences. */
import type { FieldErrors, LocalizedText } from '../domain/text.js';

/** The actor may not read or write this (other team, other tenant, unknown tilbud). */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  constructor(readonly reason: string) {
    super(`access denied: ${reason}`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly what: 'citizen' | 'institution' | 'goal') {
    super(`${what} not found`);
  }
}

/** Input that failed validation; the card comes back with these next to the fields. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly errors: FieldErrors) {
    super(`invalid input: ${Object.keys(errors).join(',')}`);
  }
}

/** The thing changed since the card was drawn: answer with the current card and a notice. */
export class StaleError extends Error {
  override readonly name = 'StaleError';
  constructor(readonly notice: LocalizedText) {
    super('stale card');
  }
}

/** A state rule refused the action (e.g. evaluating a closed goal). */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  constructor(readonly refusal: LocalizedText) {
    super('refused');
  }
}

/**
 * An optimistic-concurrency write kept meeting newer versions until its time budget ran
 * out (many people changing the same document at once). Nothing was written; handlers answer
 * with the current card, the user's input kept, and a short "try again" notice.
 */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${attempts} attempts in ${Math.round(elapsedMs)} ms`);
  }
}
