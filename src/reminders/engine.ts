/**
 * The reminder engine: scans the due reminder entries and delivers them, once, on time.
 *
 * - **One scanner at a time**: a pass starts only with the lease (a document with an expiry
 *   field, taken and renewed with a conditional write); several bot instances take turns.
 * - **Each entry claimed before it is sent**: pending → sending with a conditional (etag) write
 *   and `claimUntil`; the entry's `dueAt` becomes `claimUntil`, so an entry left in "sending" by a
 *   crashed instance is due again after the timeout and claimed anew. Only the messages in flight
 *   at a crash can be sent twice; none is lost.
 * - **Checked just before sending** (`isReminderCurrentAmong` the deadlines of its source, the plan
 *   or the team's meeting as it is now, src/reminders/sources.ts): a reminder no
 *   longer current is re-planned (or removed when its deadline is done), not sent.
 * - **After sending**: remembered as sent and moved on to its next occurrence (the weekly
 *   overdue repetition), a new `dueAt`.
 * - **Failures**: 429 waits for Retry-After, shared with every instance (a throttle document
 *   the scan reads first); 5xx, 412 and timeouts back off exponentially with jitter and fail
 *   after `maxAttempts`; 403 marks the recipient unreachable until they write to the bot again.
 * - **Rate**: at most one message per conversation per `perConversationMs` (bottleneck: a
 *   limiter per conversation) and a global ceiling of `ratePerSecond`: start slots `1000 /
 *   ratePerSecond` ms apart, each taken in turn, and at most `ceil(ratePerSecond)` jobs at once.
 *   The global part is the engine's own, not a bottleneck limiter: one bottleneck limiter
 *   yields to the event loop (a `setTimeout(0)`, ≥ 1 ms) several times per job behind its
 *   submit lock, which capped the whole engine near 300 jobs/s with the CPU two-thirds idle,
 *   and its `minTime`, counted from each actual start, let every late start push back all
 *   later ones (300/s gave 250/s at best). The
 *   claim happens when a message's turn comes, so waiting in the limiter never eats the claim.
 */
import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { isReminderCurrentAmong, scheduleOf, settingsForRecipient, type Deadline, type ReminderSettings } from '../domain/deadlines.js';
import { managersOf } from '../domain/managers.js';
import { claimedDigest, digestDeliveredTo, nextWeekDigest, retriedDigest, type DigestEntry } from '../domain/digest.js';
import { buildDigest } from './digest.js';
import { loadDeadlineSource, type DeadlineSource } from './sources.js';
import { afterFailed, afterRetryable, afterSent, afterSnoozeSent, claimed, deliveredToManager, isEscalation, replannedEntry, reminderEntryId, type ReminderEntry } from '../domain/reminder-outbox.js';
import type { Logger } from '../logger.js';
import { ConcurrencyError } from '../store/ports.js';
import type { Versioned } from '../store/reminder-repository.js';
import type { Repositories } from '../store/repositories.js';
import { DeliveryError, type EscalationView, type OutgoingCard, type ReminderSender, type ReminderView } from './delivery.js';

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

/** An entry's key in a pass: its tilbud and document id. */
function queueKey(entry: ReminderEntry): string {
  return `${entry.tenantId}|${entry.teamId}|${reminderEntryId(entry.deadlineId, entry.recipientId)}`;
}

export class ReminderEngine {
  readonly instanceId: string;
  readonly settings: EngineSettings;
  private readonly clock: () => Date;
  private readonly random: () => number;
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
    this.maxInFlight = Math.max(1, Math.ceil(this.settings.ratePerSecond));
    this.slotMs = 1000 / this.settings.ratePerSecond;
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
    const jobs: Array<Promise<unknown>> = [];
    // Entries of this pass scheduled and not yet past their claim: a later scan still finds them
    // (pending, due) and leaves them to the job that has them.
    const queued = new Set<string>();
    let wake: (() => void) | undefined;
    const pastClaim = (key: string): void => {
      if (queued.delete(key)) wake?.();
    };
    const waitUntil = async (condition: () => boolean): Promise<void> => {
      while (!condition()) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    };
    try {
      for (let page = 0; page < this.settings.maxPages && !this.stopped; page++) {
        const now = this.clock();
        const throttled = await repos.reminderControl.throttledUntil(now);
        if (throttled) {
          this.pausedUntil = Math.max(this.pausedUntil, throttled.getTime());
          break;
        }
        if (page > 0 && !(await repos.reminderControl.acquireLease(this.instanceId, now, new Date(now.getTime() + this.settings.leaseMs)))) break;
        const due = await repos.reminders.due(now, this.settings.pageSize + queued.size);
        const fresh = due.filter((entry) => !queued.has(queueKey(entry.value)));
        if (fresh.length === 0) {
          if (queued.size === 0) break;
          // Only entries already scheduled are due: scan again once they are claimed.
          await waitUntil(() => queued.size === 0);
          continue;
        }
        for (const entry of fresh) {
          const key = queueKey(entry.value);
          const conversation = `${entry.value.tenantId}|${entry.value.recipientId}`;
          queued.add(key);
          jobs.push(
            this.perConversation
              .key(conversation)
              .schedule(() => this.inTurn(conversation, () => this.process(entry, summary, () => pastClaim(key))))
              .catch((error: unknown) => this.deps.logger.error({ err: error, tenantId: entry.value.tenantId }, 'reminder not processed'))
              .finally(() => pastClaim(key)),
          );
        }
        // The next page is scanned while half of this one still waits for its start slots, so
        // the global rate's slots follow on without a gap for the scan (a claimed entry is out
        // of the scan: its dueAt is the end of the claim). The pass waits for every job.
        await waitUntil(() => queued.size <= Math.floor(this.settings.pageSize / 2));
        if (this.pausedUntil > this.clock().getTime()) break;
      }
      if (!this.stopped && this.pausedUntil <= this.clock().getTime()) await this.digests(summary);
    } finally {
      await Promise.allSettled(jobs);
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
  }

  /** The global spacing: ms between two start slots, and the next free slot (wall clock, ms). */
  private readonly slotMs: number;
  private nextSlot = 0;
  /** The global bound on jobs at once: how many run, and those waiting for one to end. */
  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly waitingForRoom: Array<() => void> = [];

  private async enterGlobal(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    // Woken by a job that ends: its place is handed over, the count stays.
    await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
  }

  private leaveGlobal(): void {
    const next = this.waitingForRoom.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Waits for the next global start slot: slots are `slotMs` apart whenever the jobs start. */
  private async globalSlot(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.slotMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  /** When each conversation last had a message sent (wall clock), for its spacing. */
  private readonly lastSendAt = new Map<string, number>();

  /**
   * Runs a conversation's job when its turn comes: at least `perConversationMs` after the last
   * send to it (measured at the send, not at the job's start), then in a global start slot.
   */
  private async inTurn(conversation: string, job: () => Promise<void>): Promise<void> {
    await this.waitForTurn(conversation);
    await this.enterGlobal();
    try {
      await this.globalSlot();
      await job();
    } finally {
      this.leaveGlobal();
    }
    if (this.lastSendAt.size > 10_000) this.lastSendAt.clear();
  }

  private backoffMs(attempts: number): number {
    const ceiling = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** `claimDone` is told once the entry is claimed or will not be (the next page may be scanned). */
  private async process(found: Versioned<ReminderEntry>, summary: PassSummary, claimDone: () => void): Promise<void> {
    const { repos, logger } = this.deps;
    const entry = found.value;
    const log = logger.child({ tenantId: entry.tenantId, entry: reminderEntryId(entry.deadlineId, isEscalation(entry) ? 'managers' : entry.recipientId) });
    const now = this.clock();
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
    } finally {
      claimDone();
    }
    summary.claimed++;

    // Every write after the claim is conditional on the version this instance wrote last.
    const held: Held = {
      current: claim,
      save: async (next) => {
        try {
          if (next) held.current = await repos.reminders.replace(next, held.current.etag);
          else await repos.reminders.remove(held.current.value, held.current.etag);
          return true;
        } catch (error) {
          // The plan was written meanwhile and the entry re-planned: that version stands.
          if (!(error instanceof ConcurrencyError)) throw error;
          log.info('reminder entry changed while it was handled; kept the newer version');
          return false;
        }
      },
    };

    // Just before sending: still current for the plan (or the team's meeting or trial) as it is now?
    const source = await loadDeadlineSource(repos, entry.tenantId, entry.teamId, entry.planId);
    if (!source) {
      await held.save(undefined);
      summary.deferred++;
      return;
    }
    const escalation = isEscalation(entry);
    const settings = settingsForRecipient(await repos.reminders.settings(entry.tenantId, entry.teamId), entry.recipientId);
    const reaches = (deadline: Deadline): boolean => escalation || deadline.ownerIds.includes(entry.recipientId);
    // Snoozed by the recipient: the deadline as it stands, if it still has the same due date.
    if (entry.snoozedUntil !== undefined && !escalation) {
      const schedule = scheduleOf(source.deadlines, now, settings).find((d) => d.deadline.id === entry.deadlineId);
      if (!schedule || schedule.deadline.dueDate !== entry.deadlineDate || !reaches(schedule.deadline)) {
        await held.save(schedule && reaches(schedule.deadline) ? replannedEntry(schedule.deadline, entry.recipientId, entry, now, settings) : undefined);
        summary.deferred++;
        return;
      }
      const offsetDays = -schedule.daysUntilDue;
      const reminder = { offsetDays, deadlineDate: schedule.deadline.dueDate, lead: offsetDays < 0 ? 'before' : offsetDays === 0 ? 'onDay' : 'overdue' } as const;
      await this.send({ held, source, deadline: schedule.deadline, reminder, settings, summary, log, whenSent: () => afterSnoozeSent(held.current.value, this.clock()) });
      return;
    }
    const check = isReminderCurrentAmong(source.deadlines, { id: entry.reminderId, deadlineId: entry.deadlineId, deadlineDate: entry.deadlineDate, offsetDays: entry.offsetDays }, now, settings);
    if (!check.current || !reaches(check.deadline)) {
      const deadline = check.current || check.reason !== 'done' ? check.deadline : undefined;
      await held.save(deadline && reaches(deadline) ? replannedEntry(deadline, entry.recipientId, entry, now, settings) : undefined);
      summary.deferred++;
      return;
    }
    const deadline = check.deadline;
    const claimedEntry: Claimed = { held, source, deadline, reminder: check.reminder, settings, summary, log, whenSent: () => afterSent(held.current.value, deadline, this.clock(), settings) };
    if (escalation) await this.escalate(claimedEntry);
    else await this.send(claimedEntry);
  }

  /** The weekly digests due (one bounded page; they are one per tilbud with managers). */
  private async digests(summary: PassSummary): Promise<void> {
    const { repos, logger } = this.deps;
    const due = await repos.reminders.dueDigests(this.clock(), this.settings.pageSize);
    for (const found of due) {
      if (this.stopped || this.pausedUntil > this.clock().getTime()) break;
      await this.digest(found, summary).catch((error: unknown) => logger.error({ err: error, tenantId: found.value.tenantId }, 'weekly digest not processed'));
    }
  }

  private async digest(found: Versioned<DigestEntry>, summary: PassSummary): Promise<void> {
    const { repos, logger } = this.deps;
    const log = logger.child({ tenantId: found.value.tenantId, teamId: found.value.teamId, digest: true });
    const now = this.clock();
    let held: Versioned<DigestEntry>;
    try {
      held = await repos.reminders.putDigest(claimedDigest(found.value, this.instanceId, new Date(now.getTime() + this.settings.claimTimeoutMs), now), found.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) return;
      throw error;
    }
    summary.claimed++;
    const save = async (next: DigestEntry | undefined): Promise<boolean> => {
      try {
        if (next) held = await repos.reminders.putDigest(next, held.etag);
        else await repos.reminders.removeDigest(held.value, held.etag);
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        return false;
      }
    };
    const institution = await repos.institutions.get(held.value.tenantId, held.value.teamId, { fresh: true });
    const managers = managersOf(institution?.value);
    if (!institution || managers.length === 0) {
      // No managers any more: no digest until someone sets them again (which plans it anew).
      await save(undefined);
      summary.deferred++;
      return;
    }
    const view = await buildDigest(repos, institution.value, now);
    const outcome = await this.toEachManager(held.value.tenantId, held.value.teamId, managers, held.value.deliveredTo, { kind: 'digest', view }, log, {
      reached: (managerId) => save(digestDeliveredTo(held.value, managerId, this.clock())),
      failed: async (_managerId, failure) => {
        const at = this.clock();
        if (failure.kind === 'throttled') {
          await save(retriedDigest(held.value, await this.throttledBy(failure, at), failure.code, false, at));
          summary.deferred++;
          return 'stop';
        }
        if (failure.kind === 'retryable' && held.value.attempts + 1 < this.settings.maxAttempts) {
          await save(retriedDigest(held.value, new Date(at.getTime() + this.backoffMs(held.value.attempts + 1)), failure.code, true, at));
          summary.deferred++;
          log.warn({ code: failure.code, attempts: held.value.attempts + 1 }, 'weekly digest send failed; retried later');
          return 'stop';
        }
        // Given up on for this manager this week; the others still get theirs.
        log.error({ code: failure.code }, 'weekly digest delivery failed');
        summary.failed++;
        return 'continue';
      },
    });
    if (outcome.stopped) return;
    await save(nextWeekDigest(held.value, this.clock()));
    if (outcome.reached > 0) summary.sent++;
  }

  /** The reminder card's content for a claimed entry. */
  private viewOf(entry: ReminderEntry, source: DeadlineSource, deadline: Deadline, reminder: Pick<ReminderView, 'offsetDays' | 'deadlineDate' | 'lead'>): ReminderView {
    return {
      tenantId: entry.tenantId,
      teamId: entry.teamId,
      ...source.subject(deadline),
      kind: entry.kind,
      deadlineId: entry.deadlineId,
      deadlineDate: reminder.deadlineDate,
      offsetDays: reminder.offsetDays,
      lead: reminder.lead,
      entryId: reminderEntryId(entry.deadlineId, entry.recipientId),
      reminderId: entry.reminderId,
    };
  }

  /** One delivery with the send timeout; a timeout or an unknown error becomes a retryable DeliveryError. */
  private async deliverOnce(tenantId: string, teamId: string, recipientId: string, card: OutgoingCard, log: Logger): Promise<DeliveryError | undefined> {
    this.lastSendAt.set(`${tenantId}|${recipientId}`, Date.now());
    try {
      await withTimeout(this.deps.sender.deliver({ tenantId, teamId, recipientId, card, timeoutMs: this.settings.sendTimeoutMs }), this.settings.sendTimeoutMs);
      return undefined;
    } catch (error) {
      if (!(error instanceof DeliveryError) && !(error instanceof SendTimeoutError)) log.warn({ err: error }, 'reminder send failed');
      return error instanceof DeliveryError ? error : new DeliveryError('retryable', error instanceof SendTimeoutError ? 'timeout' : error instanceof Error ? error.name : 'error');
    }
  }

  /** The send of a claimed entry to its owner, after its checks, and what its outcome makes of the entry. */
  private async send(c: Claimed): Promise<void> {
    const { repos } = this.deps;
    const entry = c.held.current.value;
    const now = this.clock();
    if (await repos.reminderControl.reach(entry.tenantId, entry.recipientId)) {
      await c.held.save(afterRetryable(entry, new Date(now.getTime() + this.settings.unreachableRecheckMs), 'unreachable', false, now));
      c.summary.deferred++;
      return;
    }
    const failure = await this.deliverOnce(entry.tenantId, entry.teamId, entry.recipientId, { kind: 'reminder', view: this.viewOf(entry, c.source, c.deadline, c.reminder) }, c.log);
    if (failure) {
      await this.afterFailure(c, failure, entry.recipientId);
      return;
    }
    await c.held.save(c.whenSent());
    c.summary.sent++;
  }

  /**
   * A deadline a week overdue, to the tilbud's ledere as they are now (a per-tilbud setting, each
   * still a member of the team). Each manager reached is remembered on the entry before the next
   * is tried, so a retry after a failure (or a crash) sends to the others only. Nothing is sent
   * when the tilbud has no managers, or when every owner marked the deadline done for this date.
   */
  private async escalate(c: Claimed): Promise<void> {
    const { repos } = this.deps;
    const entry = c.held.current.value;
    const institution = await repos.institutions.get(entry.tenantId, entry.teamId);
    const members = new Map((institution?.value.members ?? []).map((m) => [m.aadObjectId, m]));
    const managers = managersOf(institution?.value);
    const owners = await Promise.all(c.deadline.ownerIds.map((owner) => repos.reminders.get(entry.tenantId, entry.teamId, reminderEntryId(c.deadline.id, owner))));
    const allAcknowledged = owners.length > 0 && owners.every((o) => o?.value.acknowledgedDeadlineDate === c.deadline.dueDate);
    if (managers.length === 0 || allAcknowledged) {
      await c.held.save({ ...c.whenSent(), lastError: managers.length === 0 ? 'no-managers' : 'acknowledged' });
      c.summary.deferred++;
      return;
    }
    const view: EscalationView = { ...this.viewOf(entry, c.source, c.deadline, c.reminder), ownerNames: c.deadline.ownerIds.map((id) => members.get(id)?.name || '').filter((n) => n !== '') };
    const outcome = await this.toEachManager(entry.tenantId, entry.teamId, managers, entry.deliveredTo ?? [], { kind: 'escalation', view }, c.log, {
      reached: (managerId) => c.held.save(deliveredToManager(c.held.current.value, managerId, this.clock())),
      failed: async (managerId, failure) => {
        await this.afterFailure(c, failure, managerId);
        return 'stop';
      },
    });
    if (outcome.stopped) return;
    await c.held.save(c.whenSent());
    if (outcome.reached > 0) c.summary.sent++;
    else c.summary.deferred++;
  }

  /**
   * A managers' card to each manager not yet reached, one after the other (each conversation in
   * its turn). Each one reached is remembered (`reached`, a conditional write) before the next is
   * tried, so a retry after a failure or a crash sends to the others only; a 403 marks that
   * manager unreachable (they are listed in the digest) and goes on; another failure is the
   * caller's (`failed`: stop, or go on to the others). Stopped: a write lost to a newer version,
   * or `failed` said so.
   */
  private async toEachManager(
    tenantId: string,
    teamId: string,
    managers: readonly string[],
    alreadyReached: readonly string[],
    card: OutgoingCard,
    log: Logger,
    on: { reached: (managerId: string) => Promise<boolean>; failed: (managerId: string, failure: DeliveryError) => Promise<'stop' | 'continue'> },
  ): Promise<{ reached: number; stopped: boolean }> {
    const { repos } = this.deps;
    let reached = 0;
    for (const managerId of managers) {
      if (alreadyReached.includes(managerId)) continue;
      if (await repos.reminderControl.reach(tenantId, managerId)) continue;
      await this.waitForTurn(`${tenantId}|${managerId}`);
      // Each manager's message is a send of its own: it takes a global start slot too.
      await this.globalSlot();
      const failure = await this.deliverOnce(tenantId, teamId, managerId, card, log);
      if (!failure) {
        reached++;
        if (!(await on.reached(managerId))) return { reached, stopped: true };
        continue;
      }
      if (failure.kind === 'unreachable') {
        await repos.reminderControl.markUnreachable(tenantId, managerId, failure.code, this.clock());
        continue;
      }
      if ((await on.failed(managerId, failure)) === 'stop') return { reached, stopped: true };
    }
    return { reached, stopped: false };
  }

  /** Waits until a conversation may have its next message (an escalation's second manager and on). */
  private async waitForTurn(conversation: string): Promise<void> {
    const wait = (this.lastSendAt.get(conversation) ?? 0) + this.settings.perConversationMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** A 429: every instance waits for Retry-After (the shared throttle); this one stops scanning until then. */
  private async throttledBy(failure: DeliveryError, now: Date): Promise<Date> {
    const until = new Date(now.getTime() + (failure.retryAfterMs ?? this.settings.defaultRetryAfterMs));
    this.pausedUntil = Math.max(this.pausedUntil, until.getTime());
    await this.deps.repos.reminderControl.throttle(until, now);
    return until;
  }

  /** What a failed delivery makes of the entry: wait (429), stop for the recipient (403), back off, or give up. */
  private async afterFailure(c: Claimed, failure: DeliveryError, recipientId: string): Promise<void> {
    const { repos } = this.deps;
    const { held, summary, log } = c;
    const entry = held.current.value;
    const now = this.clock();
    switch (failure.kind) {
      case 'throttled': {
        const until = await this.throttledBy(failure, now);
        await held.save(afterRetryable(entry, until, failure.code, false, now));
        summary.deferred++;
        log.warn({ code: failure.code, retryAfterMs: failure.retryAfterMs }, 'reminder throttled');
        return;
      }
      case 'unreachable': {
        await repos.reminderControl.markUnreachable(entry.tenantId, recipientId, failure.code, now);
        await held.save(afterRetryable(entry, new Date(now.getTime() + this.settings.unreachableRecheckMs), failure.code, false, now));
        summary.deferred++;
        log.warn({ code: failure.code }, 'reminder recipient unreachable');
        return;
      }
      case 'retryable': {
        if (entry.attempts + 1 < this.settings.maxAttempts) {
          await held.save(afterRetryable(entry, new Date(now.getTime() + this.backoffMs(entry.attempts + 1)), failure.code, true, now));
          summary.deferred++;
          log.warn({ code: failure.code, attempts: entry.attempts + 1 }, 'reminder send failed; retried later');
          return;
        }
        break;
      }
      case 'permanent':
        break;
    }
    await held.save(afterFailed(entry, c.deadline, failure.code, now, c.settings));
    summary.failed++;
    log.error({ code: failure.code, attempts: entry.attempts + 1 }, 'reminder delivery failed');
  }
}

/** A claimed owner's or managers' entry after its checks: what its send needs and what it becomes after. */
interface Claimed {
  held: Held;
  source: DeadlineSource;
  deadline: Deadline;
  reminder: Pick<ReminderView, 'offsetDays' | 'deadlineDate' | 'lead'>;
  settings: ReminderSettings;
  summary: PassSummary;
  log: Logger;
  /** The entry once the send went through. */
  whenSent: () => ReminderEntry;
}

/** A claimed entry: the version this instance wrote last, and the conditional write of the next. */
interface Held {
  current: Versioned<ReminderEntry>;
  /** False when someone else's write came first (their version stands). */
  save: (next: ReminderEntry | undefined) => Promise<boolean>;
}
