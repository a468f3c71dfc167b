/**
 * The weekly digest's content for a tilbud, from its reminder entries (one per open deadline
 * and owner: the read follows the open deadlines, not the history), its roster and the
 * recipients marked unreachable. Lists are capped (the card stays small); counts are whole.
 */
import { daysUntil, digestWeek } from '../domain/deadlines.js';
import { digestSections, openDeadlinesOf, type OpenDeadline } from '../domain/digest.js';
import type { Institution } from '../domain/model.js';
import type { Repositories } from '../store/repositories.js';
import type { DigestLine, DigestView } from './delivery.js';
import { loadDeadlineSource, type DeadlineSource, type DeadlineSubject } from './sources.js';

/** Lines shown per section. */
export const DIGEST_LINES = 10;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

export async function buildDigest(repos: Repositories, institution: Institution, now: Date): Promise<DigestView> {
  const { tenantId, teamId } = institution;
  const entries = (await repos.reminders.listForInstitution(tenantId, teamId)).map((e) => e.value);
  const { today, weekEnd } = digestWeek(now);
  const sections = digestSections(openDeadlinesOf(entries), today, weekEnd);
  const names = new Map(institution.members.map((m) => [m.aadObjectId, m.name]));
  const sources = new Map<string, DeadlineSource | undefined>();
  const shown = [...sections.overdue.slice(0, DIGEST_LINES), ...sections.dueThisWeek.slice(0, DIGEST_LINES), ...sections.failed.slice(0, DIGEST_LINES)];
  await mapLimited([...new Set(shown.map((d) => d.planId))], 8, async (planId) => {
    sources.set(planId, await loadDeadlineSource(repos, tenantId, teamId, planId, { maxAgeMs: 60_000 }));
  });
  const line = (d: OpenDeadline): DigestLine | undefined => {
    const source = sources.get(d.planId);
    // The plan or meeting is gone since the entry was written: not listed.
    if (!source) return undefined;
    const deadline = source.deadlines.find((x) => x.id === d.deadlineId);
    const subject: Partial<DeadlineSubject> & { alias: string } = deadline ? source.subject(deadline) : { alias: source.plan?.alias ?? '' };
    return {
      citizenId: d.planId,
      alias: subject.alias,
      kind: d.kind,
      deadlineDate: d.deadlineDate,
      daysUntilDue: daysUntil(d.deadlineDate, now),
      ownerNames: d.ownerIds.map((id) => names.get(id) ?? '').filter((n) => n !== ''),
      ...(subject.goalText ? { goalText: subject.goalText } : {}),
      ...(subject.task ? { task: subject.task } : {}),
    };
  };
  const lines = (list: OpenDeadline[]): DigestLine[] => list.slice(0, DIGEST_LINES).flatMap((d) => line(d) ?? []);
  const reach = await mapLimited(institution.members, 8, async (m) => ({ member: m, reach: await repos.reminderControl.reach(tenantId, m.aadObjectId) }));
  const unreachable = reach.filter((r) => r.reach).map((r) => ({ name: r.member.name || '?', since: r.reach!.unreachableSince }));
  return {
    tenantId,
    teamId,
    institutionName: institution.name,
    weekStart: today,
    weekEnd,
    overdue: { count: sections.overdue.length, lines: lines(sections.overdue) },
    dueThisWeek: { count: sections.dueThisWeek.length, lines: lines(sections.dueThisWeek) },
    unreachable: { count: unreachable.length, names: unreachable.slice(0, DIGEST_LINES) },
    failed: { count: sections.failed.length, lines: lines(sections.failed) },
  };
}
