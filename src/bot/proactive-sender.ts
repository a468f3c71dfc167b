/**
 * Proactive delivery of reminder cards through the Bot Framework adapter.
 *
 * - A recipient with a personal conversation with the bot: `continueConversationAsync` with
 *   the newest stored reference of it, at the newest service URL known for them or their tenant
 *   (a tenant's service URL can change; every incoming activity refreshes the stored ones).
 * - A recipient known only from a team roster: `createConversationAsync` (tenant id + AAD
 *   object id) at the tenant's newest service URL; the new conversation's reference is stored.
 * - Connector answers become DeliveryErrors: 429 (with Retry-After) throttled, 403
 *   unreachable, 5xx/412/408/network/timeout retryable, the rest permanent.
 * - The connector clients are the adapter's bound ones (src/bot/adapter.ts): no SDK retries (the
 *   engine's backoff and shared throttle are the only ones, and a timed-out send is not retried
 *   behind its back), and each delivery runs with its own connector budget, the send timeout.
 */
import { CardFactory, MessageFactory, type ConversationParameters, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConversationRef } from '../domain/model.js';
import { digestCard, escalationCard, reminderCard } from '../cards/reminder-views.js';
import { localeFrom } from '../cards/i18n.js';
import type { Logger } from '../logger.js';
import { DeliveryError, type ReminderDelivery, type ReminderSender } from '../reminders/delivery.js';
import type { Repositories } from '../store/repositories.js';
import { ConnectorUnavailableError, connectorFailureOf, withConnectorBudget, type RefleksAdapter } from './adapter.js';

export interface ProactiveSenderOptions {
  adapter: RefleksAdapter;
  /** The bot's app id ('' in local mode). */
  appId: string;
  repos: Repositories;
  logger: Logger;
  clock?: () => Date;
  /** Answer in this language whatever the stored locale says. */
  forceLocale?: 'da' | 'en';
}

const AUDIENCE = 'https://api.botframework.com';

function newest<T extends { updatedAt: string }>(items: readonly T[]): T | undefined {
  return [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

/** Retry-After: seconds, or an HTTP date. */
function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * A connector failure as the engine sees it. The adapter's bound clients turn a connector that
 * did not answer (5xx, 429, a network error, the budget's end) into ConnectorUnavailableError,
 * which keeps the status, Retry-After and error code; a refusal (403, 400, 404, 412) comes as
 * the SDK's own error.
 */
export function classifyDeliveryError(error: unknown, now: Date): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = error instanceof ConnectorUnavailableError ? error.failure : connectorFailureOf(error);
  const status = failure.statusCode;
  if (status === undefined && failure.timedOut) return new DeliveryError('retryable', 'timeout');
  const label = `${status ?? failure.systemCode ?? 'error'}${failure.errorCode ? ` ${failure.errorCode}` : ''}`;
  if (status === 429) return new DeliveryError('throttled', label, retryAfterMs(failure.retryAfter, now));
  if (status === 403) return new DeliveryError('unreachable', label);
  if (status === undefined || status >= 500 || status === 412 || status === 408) return new DeliveryError('retryable', label);
  return new DeliveryError('permanent', label);
}

export class ProactiveSender implements ReminderSender {
  private readonly clock: () => Date;

  constructor(private readonly options: ProactiveSenderOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async deliver(delivery: ReminderDelivery): Promise<void> {
    const { repos } = this.options;
    const refs = await repos.users.listConversationRefs(delivery.tenantId, delivery.recipientId);
    const personal = newest(refs.filter((r) => r.conversationType === 'personal'));
    const endpoint = await repos.reminderControl.endpoint(delivery.tenantId);
    // The newest service URL known: the personal conversation's, unless another reference of
    // theirs or the tenant's newest address is newer.
    const mine = newest(refs);
    let address: { serviceUrl: string; updatedAt: string } | undefined = personal;
    for (const candidate of [mine, endpoint]) if (candidate && (!address || candidate.updatedAt > address.updatedAt)) address = candidate;
    const serviceUrl = address?.serviceUrl;
    const locale = this.options.forceLocale ?? localeFrom(personal?.locale ?? mine?.locale);
    const card = delivery.card;
    const content = card.kind === 'reminder' ? reminderCard(card.view, locale) : card.kind === 'escalation' ? escalationCard(card.view, locale) : digestCard(card.view, locale);
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(content));
    // The adapter hands an error thrown in the turn logic to onTurnError and resolves: the send's
    // own outcome is kept here and thrown after.
    let failure: { error: unknown } | undefined;
    const send = async (context: TurnContext): Promise<void> => {
      try {
        await context.sendActivity(activity);
      } catch (error) {
        failure = { error };
      }
    };
    try {
      if (!personal && !serviceUrl) throw new DeliveryError('permanent', 'no-address');
      // A delivery is a turn of its own for the connector: its own budget (the send timeout), and
      // a connector that did not answer it (a conversation not created) is not asked again in it.
      // Run inside an incoming turn, it does not spend that turn's budget either.
      await withConnectorBudget(delivery.timeoutMs ?? this.options.adapter.connectorBudgetMs, async () => {
        if (personal) await this.options.adapter.continueConversationAsync(this.options.appId, this.referenceOf(personal, serviceUrl ?? personal.serviceUrl), send);
        else await this.createPersonal(delivery, serviceUrl!, endpoint?.botId ?? mine?.botId, send);
      });
      if (failure) throw failure.error;
    } catch (error) {
      throw classifyDeliveryError(error, this.clock());
    }
  }

  private referenceOf(ref: ConversationRef, serviceUrl: string): Partial<ConversationReference> {
    return {
      channelId: ref.channelId,
      serviceUrl,
      conversation: { id: ref.conversationId, conversationType: ref.conversationType, tenantId: ref.tenantId, isGroup: false, name: '' },
      ...(ref.botId ? { bot: { id: ref.botId, name: '' } } : {}),
      ...(ref.aadObjectId || ref.teamsUserId ? { user: { id: ref.teamsUserId ?? ref.aadObjectId!, name: '', ...(ref.aadObjectId ? { aadObjectId: ref.aadObjectId } : {}) } } : {}),
      ...(ref.locale ? { locale: ref.locale } : {}),
    };
  }

  /** A 1:1 conversation with a roster-only member (tenant id + AAD object id); its reference is stored for next time. */
  private async createPersonal(delivery: ReminderDelivery, serviceUrl: string, botId: string | undefined, send: (context: TurnContext) => Promise<void>): Promise<void> {
    const institution = await this.options.repos.institutions.get(delivery.tenantId, delivery.teamId);
    const member = institution?.value.members.find((m) => m.aadObjectId === delivery.recipientId);
    const parameters = {
      isGroup: false,
      bot: { id: botId ?? this.options.appId, name: '' },
      members: [{ id: member?.teamsUserId ?? delivery.recipientId, name: '', aadObjectId: delivery.recipientId }],
      tenantId: delivery.tenantId,
      channelData: { tenant: { id: delivery.tenantId } },
    } as unknown as ConversationParameters;
    await this.options.adapter.createConversationAsync(this.options.appId, 'msteams', serviceUrl, AUDIENCE, parameters, async (context) => {
      const conversation = context.activity.conversation;
      if (conversation?.id) {
        await this.options.repos.users.putConversationRef({
          tenantId: delivery.tenantId,
          aadObjectId: delivery.recipientId,
          ...(member?.teamsUserId ? { teamsUserId: member.teamsUserId } : {}),
          conversationId: conversation.id,
          conversationType: 'personal',
          serviceUrl,
          ...(botId ? { botId } : {}),
          channelId: 'msteams',
          updatedAt: this.clock().toISOString(),
        });
      }
      await send(context);
    });
  }
}
