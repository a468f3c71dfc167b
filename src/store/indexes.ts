/**
 * The store's secondary indexes, declared once for every adapter (like a Cosmos DB indexing
 * policy): each entry names a document type and the fields its queries filter and sort on.
 *
 * - `equality`: fields compared with `=`, in this order;
 * - `order`: the field compared with a range (`<`, `>=`…) or named in ORDER BY, last;
 * - `scope`: `partition` (default) for queries inside one partition key, `crossPartition`
 *   for a named cross-partition scan (the index then does not start with the partition key).
 *
 * The embedded store turns each entry into a partial expression index (only documents of that
 * type, on the partition key and then each field's JSON type and value), so a query that names
 * these fields reads only the entries it returns, however many documents are stored. Cosmos DB
 * indexes every path by default and needs none of this.
 *
 * To add one: append an entry. The embedded store creates new indexes, and drops ones no
 * longer declared, at its next start (under its write lock; a new index on a large store takes
 * a moment once).
 */
import { FIELD_NAME } from './document-rules.js';

export interface DocumentIndex {
  /** Documents of this type only. Letters and digits. */
  readonly type: string;
  /** Fields compared with `=`, in this order. */
  readonly equality: readonly string[];
  /** The field compared with a range or ordered by, after the equality fields. */
  readonly order?: string;
  readonly scope?: 'partition' | 'crossPartition';
}

export const DOCUMENT_INDEXES: readonly DocumentIndex[] = [
  // DiaryRepository.list: a delmål's entries by time (the diary summary's rebuilds). One index
  // only: every diary write updates each index, and a citizen's entries across delmål (read
  // only by maintenance) come from its prefix, sorted.
  { type: 'diary', equality: ['citizenId', 'goalId'], order: 'occurredAt' },
  // PlanRepository: a plan by its alias, and the plans listed by alias.
  { type: 'plan', equality: [], order: 'aliasKey' },
  // PlanArchiveRepository.list: a citizen's archive documents by year.
  { type: 'planArchive', equality: ['citizenId'], order: 'year' },
  // AuditRepository: a month's events by time.
  { type: 'audit', equality: [], order: 'at' },
  // Reminders: due reminders of every tenant, one cross-partition scan (the engine's due scan).
  { type: 'reminder', equality: [], order: 'dueAt', scope: 'crossPartition' },
  // The weekly digests due (one per tilbud with managers), the same scan.
  { type: 'managerDigest', equality: [], order: 'dueAt', scope: 'crossPartition' },
  // ReminderRepository.listForPlan: a plan's reminder entries (the upkeep on every plan write).
  { type: 'reminder', equality: ['planId'] },
  // ReminderRepository.listForRecipient: a person's open deadlines in a tilbud up to a date ("frister").
  { type: 'reminder', equality: ['recipientId'], order: 'deadlineDate' },
  // CycleRepository: the newest udviklingspunkter (the board's aims).
  { type: 'cyclePoint', equality: [], order: 'createdAt' },
  // A point's forandringskatalog, and the ideas no trial has taken up yet (the board), by time.
  { type: 'cycleIdea', equality: ['improvementPointId'], order: 'addedAt' },
  { type: 'cycleIdea', equality: ['taken'], order: 'addedAt' },
  // A point's trials; the running ones (the board); the finished ones newest first (log and katalog).
  { type: 'cycleTrial', equality: ['improvementPointId'], order: 'createdAt' },
  { type: 'cycleTrial', equality: ['state'], order: 'createdAt' },
  { type: 'cycleTrial', equality: ['state'], order: 'finishedAt' },
];

/** A stable name for an index: its type and fields (what the index is, not where it sits in the list). */
export function indexName(index: DocumentIndex): string {
  const fields = [...index.equality, ...(index.order !== undefined ? [index.order] : [])];
  const scope = index.scope === 'crossPartition' ? 'x' : 'p';
  return `doc_${scope}_${index.type}_${fields.join('_')}`;
}

/** Throws for a declaration that cannot become an index (names are inlined into SQL). */
export function assertIndex(index: DocumentIndex): void {
  if (!FIELD_NAME.test(index.type)) throw new TypeError(`index type must be letters and digits: ${JSON.stringify(index.type)}`);
  const fields = [...index.equality, ...(index.order !== undefined ? [index.order] : [])];
  if (fields.length === 0) throw new TypeError(`index on ${index.type} names no field`);
  for (const field of fields) if (!FIELD_NAME.test(field)) throw new TypeError(`index field must be letters and digits: ${JSON.stringify(field)}`);
}
