/**
 * The reminder engine: scans the due reminder entries and delivers them, once, on time.
 *
 * - **One scanner at a time**: a pass starts only with the lease (a document with an expiry
 *   field, taken and renewed with a conditional write); several bot instances take turns.
 * - **Each entry claimed before it is sent**: pending → sending with a conditional (etag) write
 *   and `claimUntil`; the entry's `dueAt` becomes `claimUntil`, so an entry left in "sending" by a
 *   crashed instance is due again after the timeout and claimed anew. Only the messages in flight
 *   at a crash can be sent twice; none is lost.
 * - **Checked just before sending** (`isReminderCurrent` on the plan as it is now): a reminder no
 *   longer current is re-planned (or removed when its deadline is done), not sent.
 * - **After sending**: remembered as sent and moved on to its next occurrence (the weekly
 *   overdue repetition), a new `dueAt`.
 * - **Failures**: 429 waits for Retry-After, shared with every instance (a throttle document
 *   the scan reads first); 5xx, 412 and timeouts back off exponentially with jitter and fail
 *   after `maxAttempts`; 403 marks the recipient unreachable until they write to the bot again.
 * - **Rate**: at most one message per conversation per `perConversationMs` and a global ceiling
 *   of `ratePerSecond` (bottleneck: a limiter per conversation, chained to a global one). The
 *   claim happens when a message's turn comes, so waiting in the limiter never eats the claim.
 */
import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { isReminderCurrent, planSchedule, type Deadline, type ReminderSettings } from '../domain/deadlines.js';
import type { Plan } from '../domain/model.js';
import { afterFailed, afterRetryable, afterSent, afterSnoozeSent, claimed, replannedEntry, reminderEntryId, type ReminderEntry } from '../domain/reminder-outbox.js';
import type { Logger } from '../logger.js';
import { ConcurrencyError } from '../store/ports.js';
import type { Versioned } from '../store/reminder-repository.js';
import type { Repositories } from '../store/repositories.js';
import { DeliveryError, type ReminderSender, type ReminderView } from './delivery.js';

export interface EngineSettings {
  /** Global ceiling, messages per second (REMINDER_RATE_PER_SECOND). */
  ratePerSecond: number;
  /** At least this long between two messages to one conversation. */
  perConversationMs: number;
  /** Entries read per due-scan page. */
  pageSize: number;
  /** At most this many pages per pass (a pass always ends). */
  maxPages: number;
  /** How long a claim holds before the entry is due again (longer than a send may take). */
  claimTimeoutMs: number;
  /** A send that takes longer counts as failed (retried with backoff). */
  sendTimeoutMs: number;
  /** How long the scan lease holds without renewal. */
  leaseMs: number;
  /** Attempts before a reminder is marked failed (REMINDER_MAX_ATTEMPTS). */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A 429 without Retry-After waits this long. */
  defaultRetryAfterMs: number;
  /** An unreachable recipient's reminders are looked at again after this long. */
  unreachableRecheckMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  ratePerSecond: 30,
  perConversationMs: 1000,
  pageSize: 100,
  maxPages: 200,
  claimTimeoutMs: 120_000,
  sendTimeoutMs: 15_000,
  leaseMs: 60_000,
  maxAttempts: 5,
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
  defaultRetryAfterMs: 10_000,
  unreachableRecheckMs: 3_600_000,
};

export interface PassSummary {
  claimed: number;
  sent: number;
  /** Left for later: re-planned, backed off, throttled, recipient unreachable. */
  deferred: number;
  failed: number;
}

export interface EngineDeps {
  repos: Repositories;
  sender: ReminderSender;
  logger: Logger;
  clock?: () => Date;
  instanceId?: string;
  random?: () => number;
  settings?: Partial<EngineSettings>;
}

class SendTimeoutError extends Error {
  override readonly name = 'SendTimeoutError';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeoutError(`send took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ReminderEngine {
  readonly instanceId: string;
  readonly settings: EngineSettings;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly global: Bottleneck;
  private readonly perConversation: Bottleneck.Group;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: EngineDeps) {
    this.instanceId = deps.instanceId ?? `engine-${randomUUID()}`;
    this.settings = { ...DEFAULT_ENGINE_SETTINGS, ...deps.settings };
    this.clock = deps.clock ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.global = new Bottleneck({ minTime: Math.ceil(1000 / this.settings.ratePerSecond), maxConcurrent: Math.max(1, Math.ceil(this.settings.ratePerSecond)) });
    // One job at a time per conversation; each waits for its conversation's spacing, then for a global slot.
    this.perConversation = new Bottleneck.Group({ maxConcurrent: 1 });
  }

  /** One pass to completion: every due entry (up to maxPages pages) claimed, checked and sent or deferred. */
  async runOnce(): Promise<PassSummary & { leased: boolean }> {
    const summary: PassSummary = { claimed: 0, sent: 0, deferred: 0, failed: 0 };
    const { repos } = this.deps;
    const start = this.clock();
    if (!(await repos.reminderControl.acquireLease(this.instanceId, start, new Date(start.getTime() + this.settings.leaseMs)))) {
      return { ...summary, leased: false };
    }
    try {
      for (let page = 0; page < this.settings.maxPages && !this.stopped; page++) {
        const now = this.clock();
        const throttled = await repos.reminderControl.throttledUntil(now);
        if (throttled) {
          this.pausedUntil = Math.max(this.pausedUntil, throttled.getTime());
          break;
        }
        if (page > 0 && !(await repos.reminderControl.acquireLease(this.instanceId, now, new Date(now.getTime() + this.settings.leaseMs)))) break;
        const due = await repos.reminders.due(now, this.settings.pageSize);
        if (due.length === 0) break;
        await Promise.all(
          due.map((entry) =>
            this.perConversation
              .key(`${entry.value.tenantId}|${entry.value.recipientId}`)
              .schedule(() => this.inTurn(`${entry.value.tenantId}|${entry.value.recipientId}`, () => this.process(entry, summary)))
              .catch((error: unknown) => this.deps.logger.error({ err: error, tenantId: entry.value.tenantId }, 'reminder not processed')),
          ),
        );
        if (this.pausedUntil > this.clock().getTime()) break;
      }
    } finally {
      await repos.reminderControl.releaseLease(this.instanceId).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'reminder lease not released'));
    }
    this.deps.logger.info({ instance: this.instanceId, ...summary }, 'reminder pass');
    return { ...summary, leased: true };
  }

  /** Runs a pass every `intervalMs` (never two at once) until `stop`. */
  start(intervalMs: number): void {
    this.stopped = false;
    const tick = (): void => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'reminder pass failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  /** Stops the interval and waits for a pass in progress; the limiters are emptied. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.global.stop({ dropWaitingJobs: false }).catch(() => undefined);
  }

  /** When each conversation last had a message sent (wall clock), for its spacing. */
  private readonly lastSendAt = new Map<string, number>();

  /**
   * Runs a conversation's job when its turn comes: at least `perConversationMs` after the last
   * send to it (measured at the send, not at the job's start), then in a slot of the global limiter.
   */
  private async inTurn(conversation: string, job: () => Promise<void>): Promise<void> {
    const wait = (this.lastSendAt.get(conversation) ?? 0) + this.settings.perConversationMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.global.schedule(job);
    if (this.lastSendAt.size > 10_000) this.lastSendAt.clear();
  }

  private backoffMs(attempts: number): number {
    const ceiling = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async process(found: Versioned<ReminderEntry>, summary: PassSummary): Promise<void> {
    const { repos, logger } = this.deps;
    const entry = found.value;
    const log = logger.child({ tenantId: entry.tenantId, entry: reminderEntryId(entry.deadlineId, entry.recipientId) });
    let now = this.clock();
    if (this.pausedUntil > now.getTime()) {
      summary.deferred++;
      return;
    }
    // The claim: only the instance whose conditional write lands sends.
    let claim: Versioned<ReminderEntry>;
    try {
      claim = await repos.reminders.replace(claimed(entry, this.instanceId, new Date(now.getTime() + this.settings.claimTimeoutMs), now), found.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) return;
      throw error;
    }
    summary.claimed++;

    const save = async (next: ReminderEntry | undefined): Promise<void> => {
      try {
        if (next) await repos.reminders.replace(next, claim.etag);
        else await repos.reminders.remove(claim.value, claim.etag);
      } catch (error) {
        // The plan was written meanwhile and the entry re-planned: that version stands.
        if (!(error instanceof ConcurrencyError)) throw error;
        log.info('reminder entry changed while it was handled; kept the newer version');
      }
    };

    // Just before sending: still current for the plan as it is now?
    const plan = await repos.plans.get(entry.tenantId, entry.teamId, entry.planId);
    if (!plan) {
      await save(undefined);
      summary.deferred++;
      return;
    }
    const settings = await repos.reminders.settings(entry.tenantId, entry.teamId);
    // Snoozed by the recipient: the deadline as it stands, if it still has the same due date.
    if (entry.snoozedUntil !== undefined) {
      const schedule = planSchedule(plan.value, now, settings).find((d) => d.deadline.id === entry.deadlineId);
      if (!schedule || schedule.deadline.dueDate !== entry.deadlineDate || !schedule.deadline.ownerIds.includes(entry.recipientId)) {
        await save(schedule && schedule.deadline.ownerIds.includes(entry.recipientId) ? replannedEntry(schedule.deadline, entry.recipientId, entry, now, settings) : undefined);
        summary.deferred++;
        return;
      }
      const offsetDays = -schedule.daysUntilDue;
      await this.send(claim, plan.value, schedule.deadline, { offsetDays, deadlineDate: schedule.deadline.dueDate, lead: offsetDays < 0 ? 'before' : offsetDays === 0 ? 'onDay' : 'overdue' }, settings, summary, save, () => afterSnoozeSent(claim.value, this.clock()), log);
      return;
    }
    const check = isReminderCurrent(plan.value, { id: entry.reminderId, deadlineId: entry.deadlineId, deadlineDate: entry.deadlineDate, offsetDays: entry.offsetDays }, now, settings);
    if (!check.current || !check.deadline.ownerIds.includes(entry.recipientId)) {
      const deadline = check.current || check.reason !== 'done' ? check.deadline : undefined;
      await save(deadline && deadline.ownerIds.includes(entry.recipientId) ? replannedEntry(deadline, entry.recipientId, entry, now, settings) : undefined);
      summary.deferred++;
      return;
    }
    const deadline = check.deadline;
    await this.send(claim, plan.value, deadline, check.reminder, settings, summary, save, () => afterSent(claim.value, deadline, this.clock(), settings), log);
  }

  /** The send of a claimed entry, after its checks, and what its outcome makes of the entry. */
  private async send(
    claim: Versioned<ReminderEntry>,
    plan: Plan,
    deadline: Deadline,
    reminder: Pick<ReminderView, 'offsetDays' | 'deadlineDate' | 'lead'>,
    settings: ReminderSettings,
    summary: PassSummary,
    save: (next: ReminderEntry | undefined) => Promise<void>,
    whenSent: () => ReminderEntry,
    log: Logger,
  ): Promise<void> {
    const { repos } = this.deps;
    const entry = claim.value;
    let now = this.clock();
    if (await repos.reminderControl.reach(entry.tenantId, entry.recipientId)) {
      await save(afterRetryable(claim.value, new Date(now.getTime() + this.settings.unreachableRecheckMs), 'unreachable', false, now));
      summary.deferred++;
      return;
    }
    const goal = deadline.kind === 'goalRevision' ? plan.goals.find((g) => g.id === deadline.goalId) : undefined;
    const view: ReminderView = {
      tenantId: entry.tenantId,
      teamId: entry.teamId,
      citizenId: plan.id,
      alias: plan.alias,
      kind: entry.kind,
      ...(goal ? { goalId: goal.id, goalText: goal.text } : {}),
      deadlineId: entry.deadlineId,
      deadlineDate: reminder.deadlineDate,
      offsetDays: reminder.offsetDays,
      lead: reminder.lead,
      entryId: reminderEntryId(entry.deadlineId, entry.recipientId),
      reminderId: entry.reminderId,
    };
    this.lastSendAt.set(`${entry.tenantId}|${entry.recipientId}`, Date.now());
    try {
      await withTimeout(this.deps.sender.deliver({ tenantId: entry.tenantId, recipientId: entry.recipientId, view, timeoutMs: this.settings.sendTimeoutMs }), this.settings.sendTimeoutMs);
    } catch (error) {
      now = this.clock();
      const failure = error instanceof DeliveryError ? error : new DeliveryError('retryable', error instanceof SendTimeoutError ? 'timeout' : error instanceof Error ? error.name : 'error');
      if (!(error instanceof DeliveryError) && !(error instanceof SendTimeoutError)) log.warn({ err: error }, 'reminder send failed');
      switch (failure.kind) {
        case 'throttled': {
          const until = new Date(now.getTime() + (failure.retryAfterMs ?? this.settings.defaultRetryAfterMs));
          this.pausedUntil = Math.max(this.pausedUntil, until.getTime());
          await repos.reminderControl.throttle(until, now);
          await save(afterRetryable(claim.value, until, failure.code, false, now));
          summary.deferred++;
          log.warn({ code: failure.code, retryAfterMs: failure.retryAfterMs }, 'reminder throttled');
          return;
        }
        case 'unreachable': {
          await repos.reminderControl.markUnreachable(entry.tenantId, entry.recipientId, failure.code, now);
          await save(afterRetryable(claim.value, new Date(now.getTime() + this.settings.unreachableRecheckMs), failure.code, false, now));
          summary.deferred++;
          log.warn({ code: failure.code }, 'reminder recipient unreachable');
          return;
        }
        case 'retryable': {
          if (entry.attempts + 1 < this.settings.maxAttempts) {
            await save(afterRetryable(claim.value, new Date(now.getTime() + this.backoffMs(entry.attempts + 1)), failure.code, true, now));
            summary.deferred++;
            log.warn({ code: failure.code, attempts: entry.attempts + 1 }, 'reminder send failed; retried later');
            return;
          }
          break;
        }
        case 'permanent':
          break;
      }
      await save(afterFailed(claim.value, deadline, failure.code, now, settings));
      summary.failed++;
      log.error({ code: failure.code, attempts: entry.attempts + 1 }, 'reminder delivery failed');
      return;
    }
    await save(whenSent());
    summary.sent++;
  }
}
