/** Stores conversation references, skipping writes that would store nothing new. */
import type { ConversationRef } from '../domain/model.js';
import type { Repositories } from '../store/repositories.js';

const REWRITE_AFTER_MS = 6 * 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

export class ConversationRefCache {
  private readonly seen = new Map<string, { fingerprint: string; at: number }>();

  constructor(private readonly repos: Repositories) {}

  async remember(ref: ConversationRef): Promise<void> {
    const key = `${ref.tenantId}|${ref.aadObjectId ?? ref.teamsUserId}|${ref.conversationId}`;
    const fingerprint = `${ref.serviceUrl}|${ref.locale ?? ''}|${ref.botId ?? ''}`;
    const now = Date.parse(ref.updatedAt);
    const previous = this.seen.get(key);
    if (previous && previous.fingerprint === fingerprint && now - previous.at < REWRITE_AFTER_MS) return;
    await this.repos.users.putConversationRef(ref);
    // The tenant's newest connector address: reminders reach roster-only members through it.
    await this.repos.reminderControl.putEndpoint({ tenantId: ref.tenantId, serviceUrl: ref.serviceUrl, ...(ref.botId ? { botId: ref.botId } : {}), channelId: ref.channelId, updatedAt: ref.updatedAt });
    if (this.seen.size >= MAX_ENTRIES) this.seen.clear();
    this.seen.set(key, { fingerprint, at: now });
  }

  /** They wrote to the bot: a recipient marked unreachable (a 403) gets reminders again. One point read. */
  async reachable(tenantId: string, aadObjectId: string): Promise<boolean> {
    return this.repos.reminderControl.markReachable(tenantId, aadObjectId);
  }
}
