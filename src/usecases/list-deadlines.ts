/**
 * "frister": the actor's own open deadlines for the coming days, from their reminder entries
 * (one per open deadline and recipient, kept current on every plan write; a done deadline has
 * none). Per tilbud the actor is a member of: one partition query on (recipientId,
 * deadlineDate) and the tilbud's citizen index (the aliases); a goal revision shown also reads
 * its plan, for the goal's text, and a team task (a meeting's action) its meeting. What is read follows the open deadlines, never the history.
 */
import { addDays, differenceInCalendarDays, format, parseISO } from 'date-fns';
import type { ReminderEntry } from '../domain/reminder-outbox.js';
import { reminderEntryId } from '../domain/reminder-outbox.js';
import { todayInZone } from '../domain/plan.js';
import type { Institution } from '../domain/model.js';
import type { ReminderView } from '../reminders/delivery.js';
import { loadDeadlineSource } from '../reminders/sources.js';
import { teamTaskOf } from '../domain/deadlines.js';
import { audit, listMyInstitutions } from './access.js';
import type { Call } from './context.js';

/** How far ahead "frister" looks (days from today, Copenhagen). */
export const DEADLINE_WINDOW_DAYS = 30;

export interface DeadlineLine extends ReminderView {
  institution: Institution;
  /** The actor snoozed its reminder until then (ISO), when that is still ahead. */
  snoozedUntil?: string;
}

export interface DeadlineList {
  /** The lines to show, overdue first (most overdue first), then by due date. */
  lines: DeadlineLine[];
  /** All the actor's open deadlines in the window (lines holds the first `limit`). */
  total: number;
  institutions: Institution[];
}

export interface ListDeadlinesOptions {
  /** At most this many lines are read in full (alias, goal text). */
  limit: number;
  /** An entry the actor marked done that is shown all the same (the line just acted on). */
  keep?: { teamId: string; deadlineId: string };
}

/** The calendar day `days` after today in Copenhagen, yyyy-MM-dd. */
function dayAfter(today: string, days: number): string {
  return format(addDays(parseISO(today), days), 'yyyy-MM-dd');
}

const GOAL_PREFIX = 'goalRevision:';

export async function listMyDeadlines(call: Call, options: ListDeadlinesOptions): Promise<DeadlineList> {
  const { actor, deps, now } = call;
  const today = todayInZone(now);
  const until = dayAfter(today, DEADLINE_WINDOW_DAYS);
  const institutions = await listMyInstitutions(call);
  const perTilbud = await Promise.all(
    institutions.map(async (institution) => {
      const [entries, citizens] = await Promise.all([
        deps.repos.reminders.listForRecipient(actor.tenantId, institution.teamId, actor.aadObjectId, until),
        deps.repos.citizens.list(actor.tenantId, institution.teamId),
      ]);
      await audit(call, { action: 'deadline.list', teamId: institution.teamId, resourceType: 'citizen', outcome: 'allowed' });
      const aliases = new Map(citizens.map((c) => [c.id, c.alias]));
      // A team task (a meeting's action, a prøvehandling step) is named by its source below.
      return entries.map(({ value }) => ({ institution, entry: value, alias: teamTaskOf(value.planId) ? '' : aliases.get(value.planId) }));
    }),
  );
  const kept = (entry: ReminderEntry, teamId: string) => options.keep?.teamId === teamId && options.keep.deadlineId === entry.deadlineId;
  const open = perTilbud
    .flat()
    // Marked done for this due date: not the actor's to do any more. A citizen gone from the index: not shown.
    .filter(({ entry, institution, alias }) => alias !== undefined && (entry.acknowledgedDeadlineDate !== entry.deadlineDate || kept(entry, institution.teamId)))
    .sort((a, b) => a.entry.deadlineDate.localeCompare(b.entry.deadlineDate) || a.alias!.localeCompare(b.alias!, 'da') || a.entry.deadlineId.localeCompare(b.entry.deadlineId));
  const shown = open.slice(0, options.limit);
  // The goal texts of the revisions shown: one read per plan, whatever its number of goals.
  const planIds = [...new Set(shown.filter((l) => l.entry.kind === 'goalRevision').map((l) => `${l.institution.teamId}\u0000${l.entry.planId}`))];
  const plans = new Map(
    await Promise.all(
      planIds.map(async (key) => {
        const [teamId = '', planId = ''] = key.split('\u0000');
        return [key, (await deps.repos.plans.get(actor.tenantId, teamId, planId, { maxAgeMs: 5_000 }))?.value] as const;
      }),
    ),
  );
  // The team tasks shown: one read of each meeting or trial.
  const taskKeys = [...new Set(shown.filter((l) => teamTaskOf(l.entry.planId)).map((l) => `${l.institution.teamId}\u0000${l.entry.planId}`))];
  const tasks = new Map(
    await Promise.all(
      taskKeys.map(async (key) => {
        const [teamId = '', planId = ''] = key.split('\u0000');
        return [key, await loadDeadlineSource(deps.repos, actor.tenantId, teamId, planId, { maxAgeMs: 5_000 })] as const;
      }),
    ),
  );
  const lines: DeadlineLine[] = [];
  for (const { institution, entry, alias } of shown) {
    const days = differenceInCalendarDays(parseISO(entry.deadlineDate), parseISO(today));
    const line: DeadlineLine = {
      institution,
      tenantId: actor.tenantId,
      teamId: institution.teamId,
      citizenId: entry.planId,
      alias: alias!,
      kind: entry.kind,
      deadlineId: entry.deadlineId,
      deadlineDate: entry.deadlineDate,
      offsetDays: -days,
      lead: days > 0 ? 'before' : days === 0 ? 'onDay' : 'overdue',
      entryId: reminderEntryId(entry.deadlineId, entry.recipientId),
      reminderId: entry.reminderId,
      ...(entry.snoozedUntil && Date.parse(entry.snoozedUntil) > now.getTime() ? { snoozedUntil: entry.snoozedUntil } : {}),
    };
    if (teamTaskOf(entry.planId)) {
      const source = tasks.get(`${institution.teamId}\u0000${entry.planId}`);
      const deadline = source?.deadlines.find((d) => d.id === entry.deadlineId);
      if (!source || !deadline) continue;
      Object.assign(line, source.subject(deadline));
    }
    if (entry.kind === 'goalRevision') {
      const plan = plans.get(`${institution.teamId}\u0000${entry.planId}`);
      const goalId = entry.deadlineId.slice(`${GOAL_PREFIX}${entry.planId}:`.length);
      const goal = plan?.goals.find((g) => g.id === goalId);
      if (goal) {
        line.goalId = goal.id;
        line.goalText = goal.text;
      }
    }
    lines.push(line);
  }
  return { lines, total: open.length, institutions };
}
