/** What every use case receives: the actor, the time, and the ports. */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Member } from '../domain/model.js';
import type { Repositories } from '../store/repositories.js';
import type { RetryPolicy } from '../store/retry.js';

export type Locale = 'da' | 'en';

/** The person acting, as Teams identifies them. The tenant comes from the activity, never from card data. */
export interface Actor {
  tenantId: string;
  aadObjectId: string;
  teamsUserId?: string;
  /** Display only: never logged. */
  name?: string;
  locale: Locale;
}

/** Reads a team's roster from Teams (TeamsInfo in the bot; a fixed list in tests of pure logic). */
export interface RosterProvider {
  getTeamMembers(tenantId: string, teamId: string): Promise<Member[] | undefined>;
}

export interface Deps {
  repos: Repositories;
  roster: RosterProvider;
  logger: Logger;
  /** How optimistic-concurrency writes retry (tests shorten the budget); defaults in retry.ts. */
  writeRetry?: Partial<RetryPolicy>;
}

export interface Call {
  actor: Actor;
  now: Date;
  deps: Deps;
}

/** A stable id from an idempotency key: the same submission always yields the same id. */
export function deriveId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);
}

/** The version a card was drawn from, for a part of a document that has no etag of its own ('' = none yet). */
export function contentVersion(content: unknown): string {
  return content === undefined ? '' : createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 16);
}

export function newId(): string {
  return randomUUID();
}
