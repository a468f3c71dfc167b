/** Refusals a use case can answer with. Handlers turn them into cards or short Danish sentences. */
import type { GoalConflict } from '../domain/goal-lifecycle.js';
import type { WizardStep } from '../domain/goal-wizard.js';
import type { Plan } from '../domain/model.js';
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
  override readonly name: string = 'StaleError';
  constructor(readonly notice: LocalizedText) {
    super('stale card');
  }
}

/**
 * A change to a goal cannot be re-applied to the newest plan: someone changed a field this change
 * touches, or ended the goal (see findGoalConflict). Carries the plan as it is now, so the answer
 * can show the current goal beside the user's kept input.
 */
export class GoalConflictError extends StaleError {
  override readonly name = 'GoalConflictError';
  readonly errors: FieldErrors;
  readonly step: WizardStep | undefined;
  constructor(
    readonly conflict: GoalConflict,
    readonly plan: Plan,
    options: { errors?: FieldErrors; step?: WizardStep } = {},
  ) {
    super({
      da: 'Målet er ændret af en anden, mens du skrev. Her er målet, som det er nu.',
      en: 'Someone else changed the goal while you were writing. Here is the goal as it is now.',
    });
    this.errors = options.errors ?? {};
    this.step = options.step;
  }
}

/** Someone else recorded a formål after the card was drawn; carries the plan as it is now. */
export class PurposeConflictError extends StaleError {
  override readonly name = 'PurposeConflictError';
  constructor(readonly plan: Plan) {
    super({
      da: 'Formålet er ændret af en anden, siden kortet blev vist. Her er det aktuelle formål – ret igen, hvis det stadig er nødvendigt.',
      en: 'Someone else changed the purpose since this card was shown. Here is the current purpose – edit again if still needed.',
    });
  }
}

/** Someone else registered the status dates after the card was drawn; carries the plan as it is now. */
export class StatusConflictError extends StaleError {
  override readonly name = 'StatusConflictError';
  constructor(readonly plan: Plan) {
    super({
      da: 'En anden har registreret status, siden kortet blev vist. Her er datoerne, som de er nu – dine indtastninger står i felterne; gem igen, hvis de stadig skal gælde.',
      en: 'Someone else recorded the status since this card was shown. Here are the dates as they are now – your input is in the fields; save again if it should still apply.',
    });
  }
}

/** A state rule refused the action (e.g. evaluating a closed goal). */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  constructor(readonly refusal: LocalizedText) {
    super('refused');
  }
}

/** Every attempt met a newer version until the time budget ran out (store/retry.ts). */
export { ContentionError } from '../store/retry.js';
