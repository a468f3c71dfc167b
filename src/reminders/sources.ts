/**
 * Where a reminder entry's deadlines come from, read as they are now: a citizen's plan, or one
 * of the team's own tasks (a finished refleksionsmøde's aftalepapir actions; a running
 * prøvehandling's steps, from its current one on). The entry's `planId` says which (`teamTaskOf`). The engine checks a
 * reminder against these deadlines just before it sends, the reminder card's actions check the
 * card against them, and the digest and "frister" name what each deadline is about with them.
 * One document read per source; nothing here grows with the team's history.
 */
import { meetingDeadlines, planDeadlines, teamTaskOf, trialStepDeadlines, type Deadline } from '../domain/deadlines.js';
import type { Trial } from '../domain/learning-cycle.js';
import type { Plan } from '../domain/model.js';
import type { Meeting } from '../domain/reflection-meeting.js';
import type { Repositories } from '../store/repositories.js';
import type { ReminderView } from './delivery.js';

/** What a view shows about one deadline of the source. */
export type DeadlineSubject = Pick<ReminderView, 'citizenId' | 'alias' | 'goalId' | 'goalText' | 'task'>;

export interface DeadlineSource {
  readonly deadlines: readonly Deadline[];
  subject(deadline: Deadline): DeadlineSubject;
  /** The plan, when the source is one. */
  readonly plan?: Plan;
  readonly meeting?: Meeting;
}

export function planSource(plan: Plan): DeadlineSource {
  return {
    plan,
    deadlines: planDeadlines(plan),
    subject(deadline) {
      const goal = deadline.kind === 'goalRevision' ? plan.goals.find((g) => g.id === deadline.goalId) : undefined;
      return { citizenId: plan.id, alias: plan.alias, ...(goal ? { goalId: goal.id, goalText: goal.text } : {}) };
    },
  };
}

export function meetingSource(meeting: Meeting, citizenAlias: string | undefined, planId: string): DeadlineSource {
  const actions = new Map((meeting.agreement?.actions ?? []).map((a) => [a.id, a]));
  return {
    meeting,
    deadlines: meetingDeadlines(meeting),
    subject(deadline) {
      const action = deadline.kind === 'meetingAction' ? actions.get(deadline.actionId) : undefined;
      return {
        citizenId: planId,
        alias: meeting.level === 'citizen' ? (citizenAlias ?? '') : '',
        task: { source: 'meeting', id: meeting.id, text: action?.what ?? '', level: meeting.level },
      };
    },
  };
}

export function trialSource(trial: Trial, planId: string): DeadlineSource {
  return {
    deadlines: trialStepDeadlines(trial),
    subject(deadline) {
      return {
        citizenId: planId,
        alias: '',
        task: { source: 'trial', id: trial.id, text: trial.plan?.what ?? '', ...(deadline.kind === 'trialStep' ? { step: deadline.step } : {}) },
      };
    },
  };
}

export interface LoadOptions {
  /** How old a cached plan may be (the digest and lists; the engine reads the newest). */
  maxAgeMs?: number;
}

/** The source an entry's `planId` names, as it is now; undefined when it is gone. */
export async function loadDeadlineSource(repos: Repositories, tenantId: string, teamId: string, planId: string, options: LoadOptions = {}): Promise<DeadlineSource | undefined> {
  const task = teamTaskOf(planId);
  const cache = options.maxAgeMs === undefined ? undefined : { maxAgeMs: options.maxAgeMs };
  if (!task) {
    const plan = await repos.plans.get(tenantId, teamId, planId, cache);
    return plan ? planSource(plan.value) : undefined;
  }
  if (task.source === 'meeting') {
    const meeting = await repos.meetings.get(tenantId, teamId, task.id);
    if (!meeting) return undefined;
    const citizenId = meeting.value.level === 'citizen' ? meeting.value.citizenId : undefined;
    const plan = citizenId ? await repos.plans.get(tenantId, teamId, citizenId, { maxAgeMs: options.maxAgeMs ?? 60_000 }) : undefined;
    return meetingSource(meeting.value, plan?.value.alias, planId);
  }
  const trial = await repos.cycles.getTrial(tenantId, teamId, task.id);
  return trial ? trialSource(trial.value, planId) : undefined;
}
