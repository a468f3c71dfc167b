/**
 * What the engine hands to the sender (src/bot/proactive-sender.ts implements it with the
 * Bot Framework adapter), and how a failed delivery is told back: the engine never sees
 * botbuilder, the sender never sees the outbox.
 */
import type { DeadlineKind } from '../domain/model.js';
import type { ReminderLead } from '../domain/deadlines.js';

/** What the reminder card shows and acts on: ids and dates, the alias (never a name or CPR). */
export interface ReminderView {
  tenantId: string;
  teamId: string;
  citizenId: string;
  alias: string;
  kind: DeadlineKind;
  /** The goal's text for a revisionsdato (shown shortened). */
  goalId?: string;
  goalText?: string;
  deadlineId: string;
  /** The deadline's due date (yyyy-MM-dd, Copenhagen). */
  deadlineDate: string;
  offsetDays: number;
  lead: ReminderLead;
  /** The entry (document id) and reminder the card is for. */
  entryId: string;
  reminderId: string;
}

export interface ReminderDelivery {
  tenantId: string;
  /** AAD object id of the recipient. */
  recipientId: string;
  view: ReminderView;
  /** How long the delivery may take (the engine's send timeout); the sender stops trying then. */
  timeoutMs?: number;
}

export type DeliveryFailureKind =
  /** 429: wait for Retry-After (shared by every instance). */
  | 'throttled'
  /** 5xx, 412, a timeout, a network error: back off and try again. */
  | 'retryable'
  /** 403 (BotDisabledByAdmin, BotNotInConversationRoster, blocked, uninstalled): stop until they write again. */
  | 'unreachable'
  /** Nothing to try again (no way to reach them, a 400/404): failed at once. */
  | 'permanent';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly kind: DeliveryFailureKind,
    /** A short code for the outbox and the logs (status and error code): never content. */
    readonly code: string,
    readonly retryAfterMs?: number,
  ) {
    super(`reminder delivery ${kind}: ${code}`);
  }
}

export interface ReminderSender {
  /** Sends the reminder card to the recipient; throws DeliveryError when it did not get through. */
  deliver(delivery: ReminderDelivery): Promise<void>;
}
