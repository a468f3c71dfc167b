/**
 * A made-up tilbud for trying reminders (`npm run seed`): n citizens, each with an owner of its
 * own (a made-up staff member with an AAD object id, a membership and a stored personal
 * conversation reference at the given service URL) and the tenant's connector endpoint, so the
 * reminder engine can reach every owner proactively. Of the citizens, the first `due` have a goal
 * whose revisionsdato is today; the rest have theirs 30 days or more ahead.
 *
 * Written through the repositories, so the plan repository's upkeep creates the reminder entries
 * as it does for the bot's own writes. The plans were "made" 30 days ago (their formål received
 * 40 days ago), so no statusmøde or status til myndighed is near and no formål is missing.
 *
 * The tilbud's reminder settings: quiet hours off, weekends send, send time 00:00. A reminder "on
 * the day" is then planned at the start of the day and may go out at any hour on any day, so the
 * seeded reminders are due as soon as the seed has run, whatever the clock says. (With quiet hours
 * off the send time would otherwise be 07:30: before that, the reminder due would be the one "3
 * days before".)
 *
 * Refuses (SeedExistsError) when the tilbud is in the store already: nothing is written then.
 */
import { addDays, subDays } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { createDefaultSettings } from '../domain/defaults.js';
import type { Plan, ReminderOverrides } from '../domain/model.js';
import { addGoal, createPlan, recordPurpose, todayInZone, ZONE, type Outcome } from '../domain/plan.js';
import type { Repositories } from '../store/repositories.js';

/** Quiet hours off, weekends like weekdays, "on the day" at 00:00: a deadline due today is reminded at any hour. */
export const ALWAYS_DUE_REMINDERS: ReminderOverrides = { quietHours: 'off', weekends: 'send', sendTime: '00:00' };

export const SEED_DEFAULTS = {
  tenantId: '5eed0000-7e2a-4a11-8b1e-5eed7e2a4a11',
  teamId: 'seed-tilbud',
} as const;

export interface SeedOptions {
  citizens: number;
  due: number;
  serviceUrl: string;
  tenantId?: string;
  teamId?: string;
}

export interface SeedSummary {
  tenantId: string;
  teamId: string;
  citizens: number;
  due: number;
  /** The reminder entries the plan repository made for the seeded plans. */
  reminderEntries: number;
  /** Of those, the ones due at the end of the seed. */
  dueNow: number;
}

export class SeedExistsError extends Error {
  override readonly name = 'SeedExistsError';
  constructor(
    readonly tenantId: string,
    readonly teamId: string,
  ) {
    super(`the tilbud ${teamId} of tenant ${tenantId} is in the store already`);
  }
}

/** Citizen number `i` (1-based): its plan id. */
export function seedCitizenId(i: number): string {
  return `seed-citizen-${pad(i)}`;
}

/** Citizen number `i`: its alias ("Seed 001"). */
export function seedAlias(i: number): string {
  return `Seed ${pad(i)}`;
}

/**
 * Citizen number `i`'s owner: a made-up AAD object id (a UUID; the index in hex letters-and-digits
 * in the last group) and the id of their personal conversation with the bot.
 */
export function seedOwner(i: number): { aadObjectId: string; teamsUserId: string; conversationId: string; name: string } {
  const tail = i.toString(16).padStart(12, '0');
  const aadObjectId = `5eed0000-0a11-4ce0-8e5e-${tail}`;
  return { aadObjectId, teamsUserId: `29:seed-${aadObjectId}`, conversationId: `a:seed-personal-${aadObjectId}`, name: `Medarbejder ${pad(i)} (SEED)` };
}

function pad(i: number): string {
  return String(i).padStart(3, '0');
}

function must<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`seed data is invalid: ${Object.keys(outcome.errors).join(',')}`);
  return outcome.value;
}

/** A calendar day in Copenhagen, `days` from `now`'s. */
function dayFrom(now: Date, days: number): string {
  return todayInZone(addDays(new TZDate(now.getTime(), ZONE), days));
}

export async function seedReminderTilbud(repos: Repositories, options: SeedOptions, now: Date): Promise<SeedSummary> {
  const tenantId = options.tenantId ?? SEED_DEFAULTS.tenantId;
  const teamId = options.teamId ?? SEED_DEFAULTS.teamId;
  if (await repos.institutions.get(tenantId, teamId, { fresh: true })) throw new SeedExistsError(tenantId, teamId);
  const at = now.toISOString();
  const owners = Array.from({ length: options.citizens }, (_, k) => seedOwner(k + 1));
  const teamName = 'Seed-tilbud (SEED)';
  await repos.institutions.create({
    tenantId,
    teamId,
    name: teamName,
    demo: true,
    members: owners.map((o, k) => ({ aadObjectId: o.aadObjectId, teamsUserId: o.teamsUserId, name: o.name, role: k === 0 ? ('owner' as const) : ('member' as const) })),
    membersRefreshedAt: at,
    settings: { ...createDefaultSettings(), reminders: ALWAYS_DUE_REMINDERS },
    createdAt: at,
    createdBy: owners[0]?.aadObjectId ?? 'seed',
    updatedAt: at,
  });
  for (const owner of owners) {
    await repos.users.putMembership({ tenantId, aadObjectId: owner.aadObjectId, teamId, teamName, updatedAt: at });
    await repos.users.putConversationRef({
      tenantId,
      aadObjectId: owner.aadObjectId,
      teamsUserId: owner.teamsUserId,
      conversationId: owner.conversationId,
      conversationType: 'personal',
      serviceUrl: options.serviceUrl,
      channelId: 'msteams',
      locale: 'da-DK',
      updatedAt: at,
    });
  }
  // The tenant's connector address (what an incoming activity would have stored).
  await repos.reminderControl.putEndpoint({ tenantId, serviceUrl: options.serviceUrl, channelId: 'msteams', updatedAt: at });

  const madeAt = subDays(now, 30);
  let reminderEntries = 0;
  let dueNow = 0;
  for (const [k, owner] of owners.entries()) {
    const i = k + 1;
    const citizenId = seedCitizenId(i);
    const isDue = i <= options.due;
    let plan: Plan = must(createPlan({ id: citizenId, tenantId, teamId, alias: seedAlias(i), targetGroup: 'adult', contactPersons: [owner.aadObjectId], actorId: owner.aadObjectId, demo: true }, madeAt));
    plan = must(recordPurpose(plan, { id: `${citizenId}-purpose`, text: 'Opdigtet formål til afprøvning af påmindelser.', receivedOn: dayFrom(now, -40) }, owner.aadObjectId, madeAt));
    plan = must(
      addGoal(
        plan,
        {
          id: `${citizenId}-goal-1`,
          themeId: plan.themes[0]!.id,
          text: 'Opdigtet mål: borgeren laver selv morgenmad hver dag',
          ownerId: owner.aadObjectId,
          // Due: today. Not due: 30 days or more ahead (its first reminder, 14 days before, is 16+ days away).
          revisionDate: isDue ? dayFrom(now, 0) : dayFrom(now, 30 + (i % 60)),
          endDate: dayFrom(now, 180),
        },
        owner.aadObjectId,
        madeAt,
      ),
    );
    await repos.plans.create(plan);
    const entries = await repos.reminders.listForPlan(tenantId, teamId, citizenId);
    reminderEntries += entries.length;
    dueNow += entries.filter((e) => e.value.dueAt !== undefined && Date.parse(e.value.dueAt) <= now.getTime()).length;
  }
  return { tenantId, teamId, citizens: options.citizens, due: options.due, reminderEntries, dueNow };
}
