/**
 * A clearly marked demo tilbud for `npm run dev`: the Playground's team ("My Team") with its
 * users as staff, and two made-up citizens with a formål, goals, sub-goals and a few diary
 * entries, so a newcomer can log a diary entry at once. Only on an empty embedded store.
 *
 * One deadline is due at once: Demo AB's first delmål, owned by Alex Wilber (the Playground's
 * user), has its revisionsdato today. With the Playground's service URL (`serviceUrl`, which
 * scripts/dev.ts passes on), Alex's personal chat is stored as a conversation reference, so the
 * bot's first reminder pass puts that reminder card in the Playground. The demo tilbud sends
 * reminders at any hour and on weekends (ALWAYS_DUE_REMINDERS), so this works whenever the demo
 * is started. Every other demo deadline is more than 14 days (the longest lead) away, so no other
 * reminder arrives while someone tries the demo.
 */
import { addDays, subDays } from 'date-fns';
import { createDefaultSettings } from '../domain/defaults.js';
import type { Plan, SubGoalDiaryEntry } from '../domain/model.js';
import { addGoal, createPlan, recordPurpose, todayInZone, type Outcome } from '../domain/plan.js';
import type { Logger } from '../logger.js';
import type { DocumentStore } from '../store/ports.js';
import { createRepositories } from '../store/repositories.js';
import { PLAYGROUND } from './playground-defaults.js';
import { ALWAYS_DUE_REMINDERS } from './seed-reminders.js';

function must<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`demo seed is invalid: ${Object.keys(outcome.errors).join(',')}`);
  return outcome.value;
}

export interface DemoSeedOptions {
  /** The Playground's connector (`--service-url`): Alex's personal chat is stored as reachable there. */
  serviceUrl?: string;
}

export async function seedDemoIfEmpty(store: DocumentStore, now: Date, logger: Logger, options: DemoSeedOptions = {}): Promise<boolean> {
  const repos = createRepositories(store);
  if ((await repos.institutions.listAll()).length > 0) return false;
  const tenantId = PLAYGROUND.tenantId;
  const teamId = PLAYGROUND.teamId;
  const owner = PLAYGROUND.user.aadObjectId;
  const staff = [PLAYGROUND.user, ...PLAYGROUND.colleagues];
  const at = now.toISOString();
  await repos.institutions.create({
    tenantId,
    teamId,
    name: `${PLAYGROUND.teamName} (DEMO)`,
    demo: true,
    members: staff.map((m) => ({ aadObjectId: m.aadObjectId, teamsUserId: m.id, name: m.name, role: 'member' as const })),
    membersRefreshedAt: at,
    settings: { ...createDefaultSettings(), reminders: ALWAYS_DUE_REMINDERS },
    createdAt: at,
    createdBy: owner,
    updatedAt: at,
  });
  for (const m of staff) {
    await repos.users.putMembership({ tenantId, aadObjectId: m.aadObjectId, teamId, teamName: `${PLAYGROUND.teamName} (DEMO)`, updatedAt: at });
  }
  if (options.serviceUrl) {
    // What Alex's first message in the personal chat would store: the demo reminder can go out before it.
    await repos.users.putConversationRef({
      tenantId,
      aadObjectId: owner,
      teamsUserId: PLAYGROUND.user.id,
      conversationId: PLAYGROUND.personalChatId,
      conversationType: 'personal',
      serviceUrl: options.serviceUrl,
      channelId: PLAYGROUND.activityChannelId,
      locale: 'da-DK',
      updatedAt: at,
    });
    await repos.reminderControl.putEndpoint({ tenantId, serviceUrl: options.serviceUrl, channelId: PLAYGROUND.activityChannelId, updatedAt: at });
  }

  const citizens: Array<{ alias: string; targetGroup: 'adult' | 'child'; purpose: string; goals: Array<{ theme: string; text: string; subs: string[] }> }> = [
    {
      alias: 'Demo AB',
      targetGroup: 'adult',
      purpose: 'AB skal blive mere selvhjulpen i hverdagen, så AB kan flytte i egen bolig med bostøtte.',
      goals: [
        { theme: 'th2', text: 'AB laver selv aftensmad to gange om ugen inden 1. juni', subs: ['AB skriver selv en indkøbsliste hver søndag', 'AB handler selv ind i Netto med støtte ved kassen'] },
        { theme: 'th6', text: 'AB ringer selv til sin søster én gang om ugen', subs: ['AB finder selv søsterens nummer på telefonen'] },
      ],
    },
    {
      alias: 'Demo CD',
      targetGroup: 'child',
      purpose: 'CD skal have et stabilt skoleforløb og trygge voksne omkring sig.',
      goals: [{ theme: 'th3', text: 'CD møder i skole kl. 8 fire dage om ugen i næste periode', subs: ['CD står selv op, når vækkeuret ringer kl. 6.45'] }],
    },
  ];

  // The plans were made a month ago, so the demo entries below fall in the goals' current period.
  const madeAt = subDays(now, 30);
  for (const [index, c] of citizens.entries()) {
    const citizenId = `demo-citizen-${index + 1}`;
    let plan: Plan = must(createPlan({ id: citizenId, tenantId, teamId, alias: c.alias, targetGroup: c.targetGroup, contactPersons: [owner], actorId: owner, demo: true }, madeAt));
    plan = must(recordPurpose(plan, { id: `${citizenId}-purpose`, text: c.purpose, receivedOn: todayInZone(subDays(now, 40)) }, owner, madeAt));
    const subIds: string[] = [];
    for (const [gi, g] of c.goals.entries()) {
      const goalId = `${citizenId}-goal-${gi + 1}`;
      plan = must(addGoal(plan, { id: goalId, themeId: g.theme, text: g.text, ownerId: owner, revisionDate: todayInZone(addDays(now, 30 + gi * 30)), endDate: todayInZone(addDays(now, 180)) }, owner, madeAt));
      for (const [si, text] of g.subs.entries()) {
        const subId = `${goalId}-sub-${si + 1}`;
        subIds.push(subId);
        // Demo AB's first delmål is Alex's and due for revision today: the demo reminder.
        const dueToday = index === 0 && gi === 0 && si === 0;
        const ownerId = dueToday ? owner : staff[(si + 1) % staff.length]!.aadObjectId;
        plan = must(addGoal(plan, { id: subId, parentId: goalId, themeId: g.theme, text, ownerId, revisionDate: todayInZone(dueToday ? now : addDays(now, 21 + si * 14)) }, owner, madeAt));
      }
    }
    await repos.plans.create(plan);
    // A short history of scores on the first sub-goal, so the plan card shows a trend.
    const firstSub = subIds[0];
    if (firstSub) {
      for (const [i, score] of [3, 3, 2, 2].entries()) {
        const occurredAt = subDays(now, 12 - i * 3).toISOString();
        const entry: SubGoalDiaryEntry = {
          kind: 'subGoal',
          id: `${firstSub}-entry-${i + 1}`,
          tenantId,
          teamId,
          citizenId,
          goalId: firstSub,
          score,
          note: 'Demo-notat: opdigtet til afprøvning.',
          occurredAt,
          recordedAt: occurredAt,
          recordedBy: owner,
          submissionId: `demo-${firstSub}-${i + 1}`,
        };
        await repos.diary.add(entry);
      }
    }
  }
  logger.info({ tenantId, teamId, citizens: citizens.length }, 'demo tilbud seeded');
  return true;
}
