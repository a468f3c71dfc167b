/**
 * What the engine hands to the sender (src/bot/proactive-sender.ts implements it with the
 * Bot Framework adapter), and how a failed delivery is told back: the engine never sees
 * botbuilder, the sender never sees the outbox.
 */
import type { DeadlineKind } from '../domain/model.js';
import type { ReminderLead } from '../domain/deadlines.js';

/**
 * A team's own task (not a plan's deadline): an aftalepapir action or a prøvehandling step.
 * `text` is the action's "hvad" or the prøvehandling's title; `level` says what the meeting was
 * about (the citizen by alias in `alias`).
 */
export interface TeamTaskView {
  source: 'meeting' | 'trial';
  /** The meeting's or the trial's id. */
  id: string;
  text: string;
  level?: 'citizen' | 'indsats' | 'organisation';
  /** The prøvehandling's step (plan, do, study, act). */
  step?: string;
}

/** What the reminder card shows and acts on: ids and dates, the alias (never a name or CPR). */
export interface ReminderView {
  tenantId: string;
  teamId: string;
  /** The plan's id, or for a team task its source id (`meeting:<id>`, `trial:<id>`). */
  citizenId: string;
  /** The citizen's alias ('' for a team task not about a citizen). */
  alias: string;
  task?: TeamTaskView;
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

/** An overdue deadline as the tilbud's ledere see it: the reminder's content and who owns it. */
export interface EscalationView extends ReminderView {
  /** The owners' names from the tilbud's roster (shown on the card, never logged). */
  ownerNames: string[];
}

/** One line of the weekly digest: a deadline, its citizen and its owners. */
export interface DigestLine {
  citizenId: string;
  alias: string;
  kind: DeadlineKind;
  deadlineDate: string;
  /** Calendar days until the due date (negative: overdue). */
  daysUntilDue: number;
  ownerNames: string[];
  goalText?: string;
  task?: TeamTaskView;
}

/** The weekly digest to a tilbud's ledere (Monday 08:00). Lists are capped; the counts are whole. */
export interface DigestView {
  tenantId: string;
  teamId: string;
  institutionName: string;
  /** The Monday (or the day it went out) and the Sunday of the week it covers. */
  weekStart: string;
  weekEnd: string;
  overdue: { count: number; lines: DigestLine[] };
  dueThisWeek: { count: number; lines: DigestLine[] };
  /** Staff the bot cannot reach (403): no reminders get to them until they write to the bot. */
  unreachable: { count: number; names: Array<{ name: string; since: string }> };
  /** Reminders given up on after the configured attempts. */
  failed: { count: number; lines: DigestLine[] };
}

/** What a delivery carries: a reminder to an owner, an escalation or the weekly digest to a manager. */
export type OutgoingCard = { kind: 'reminder'; view: ReminderView } | { kind: 'escalation'; view: EscalationView } | { kind: 'digest'; view: DigestView };

export interface ReminderDelivery {
  tenantId: string;
  /** AAD object id of the recipient. */
  recipientId: string;
  /** The tilbud the card is about (its roster knows a member reached for the first time). */
  teamId: string;
  card: OutgoingCard;
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
