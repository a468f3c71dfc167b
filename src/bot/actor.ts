/** Who is acting, from the activity. The tenant comes from Teams, never from card data. */
import type { Activity } from 'botbuilder';
import type { Actor } from '../usecases/context.js';
import { localeFrom } from '../cards/i18n.js';

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? channelData?.tenant?.id ?? undefined;
}

export function teamOf(activity: Partial<Activity>): { id: string; name: string } | undefined {
  const channelData = activity.channelData as { team?: { id?: string; name?: string; aadGroupId?: string } } | undefined;
  const id = channelData?.team?.id;
  return id ? { id, name: channelData?.team?.name ?? '' } : undefined;
}

/** The actor, or undefined when the activity lacks a tenant or a user (then nothing is read or written). */
export function actorOf(activity: Partial<Activity>, forceLocale?: 'da' | 'en'): Actor | undefined {
  const tenantId = tenantOf(activity);
  const from = activity.from;
  const userKey = from?.aadObjectId ?? from?.id;
  if (!tenantId || !userKey) return undefined;
  return {
    tenantId,
    aadObjectId: userKey,
    ...(from?.id ? { teamsUserId: from.id } : {}),
    ...(from?.name ? { name: from.name } : {}),
    locale: forceLocale ?? localeFrom(activity.locale),
  };
}

/** The people @mentioned in a message (Teams user ids or AAD object ids, with the name shown), the bot itself left out. */
export function mentionsOf(activity: Partial<Activity>): Array<{ id: string; name?: unknown }> {
  const botId = activity.recipient?.id;
  return (activity.entities ?? [])
    .filter((e) => e.type === 'mention')
    .map((e) => (e as { mentioned?: { id?: unknown; name?: unknown } }).mentioned)
    .filter((m): m is { id: string; name?: unknown } => typeof m?.id === 'string' && m.id !== '' && m.id !== botId);
}
