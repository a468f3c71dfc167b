/**
 * Læringscirkler (domain/learning-cycle.ts) in the store, in the tilbud's partition, split so
 * that many people acting at once do not contend on one version:
 *
 * - one `cyclePoint` per udviklingspunkt (title and the three questions), id `cyclePoint:<id>`,
 *   changed with its etag;
 * - one `cycleIdea` per idea of its forandringskatalog, id `idea:<id>`, created under the id its
 *   card's submission carries: twenty people adding ideas at once are twenty independent
 *   creates, and a Teams retry or a double click stores the idea once. `taken` says whether a
 *   prøvehandling tries it (the board shows the ideas not taken yet);
 * - one `cycleTrial` per prøvehandling, id `trial:<id>`, changed with its etag, with `state`
 *   (`running` | `finished`) and `finishedAt` at the top level for the board and the
 *   forbedringskatalog.
 *
 * Every read is bounded by a limit, through an index on the fields it names (store/indexes.ts):
 * nothing read grows with the tilbud's history.
 */
import { z } from 'zod';
import { ChangeIdeaSchema, IDEAS_MAX, ImprovementPointSchema, TrialSchema, type ChangeIdea, type ImprovementPoint, type Trial } from '../domain/learning-cycle.js';
import { StoredIdSchema } from '../domain/model.js';
import { parseAs, type Versioned } from './documents.js';
import { AlreadyExistsError, CorruptDocumentError, partitionKeys, type Condition, type DocumentStore, type StoredDocument, type VersionedDocument } from './ports.js';

/** The udviklingspunkt as stored: its ideas are documents of their own. */
export const StoredPointSchema = ImprovementPointSchema.omit({ ideas: true });
/** An idea as stored: which udviklingspunkt, and whether a prøvehandling tries it. */
export const StoredIdeaSchema = ChangeIdeaSchema.extend({ improvementPointId: StoredIdSchema, taken: z.boolean() });
export type StoredIdea = z.infer<typeof StoredIdeaSchema>;

/** The most udviklingspunkter the board reads (the newest). */
export const POINTS_MAX = 20;
/** The most running prøvehandlinger the board reads. */
export const RUNNING_MAX = 30;
/** The most trials of one udviklingspunkt its card reads (the newest). */
export const POINT_TRIALS_MAX = 20;

type Report = (error: CorruptDocumentError) => void;

function pointDoc(point: ImprovementPoint): StoredDocument {
  const { id, ideas: _ideas, ...rest } = point;
  return { ...rest, pointRef: id, id: `cyclePoint:${id}`, pk: partitionKeys.institution(point.tenantId, point.teamId), type: 'cyclePoint' };
}

function trialDoc(trial: Trial): StoredDocument {
  const { id, ...rest } = trial;
  return { ...rest, trialRef: id, id: `trial:${id}`, pk: partitionKeys.institution(trial.tenantId, trial.teamId), type: 'cycleTrial', state: trial.finishedAt ? 'finished' : 'running' };
}

function ideaDoc(tenantId: string, teamId: string, idea: StoredIdea): StoredDocument {
  const { id, ...rest } = idea;
  return { ...rest, ideaRef: id, id: `idea:${id}`, pk: partitionKeys.institution(tenantId, teamId), type: 'cycleIdea' };
}

export class CycleRepository {
  constructor(
    private readonly store: DocumentStore,
    private readonly report: Report = () => undefined,
    /** Upkeep of what is derived from a trial (its steps' reminders); handles its own errors. */
    private readonly afterTrialWrite: (trial: Trial) => Promise<void> = async () => undefined,
  ) {}

  private each<S extends z.ZodType>(schema: S, rows: readonly VersionedDocument[], idField: string): Array<Versioned<z.infer<S>>> {
    const out: Array<Versioned<z.infer<S>>> = [];
    for (const row of rows) {
      try {
        out.push(parseAs(schema, row, String(row.doc[idField])));
      } catch (error) {
        if (!(error instanceof CorruptDocumentError)) throw error;
        this.report(error);
      }
    }
    return out;
  }

  // ------------------------------------------------------------ udviklingspunkter

  /** Creates an udviklingspunkt (without ideas); AlreadyExistsError when its id exists (a retry). */
  async createPoint(point: ImprovementPoint): Promise<Versioned<ImprovementPoint>> {
    const created = await this.store.create(pointDoc({ ...point, ideas: [] }));
    return { value: { ...point, ideas: [] }, etag: created.etag };
  }

  /** The udviklingspunkt with its forandringskatalog (at most IDEAS_MAX ideas, oldest first), or without it. */
  async getPoint(tenantId: string, teamId: string, pointId: string, options: { ideas?: boolean } = {}): Promise<Versioned<ImprovementPoint> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `cyclePoint:${pointId}`);
    if (!found) return undefined;
    const point = parseAs(StoredPointSchema, found, pointId);
    // Without its ideas (a title is all that is needed): one point read.
    const ideas = options.ideas === false ? [] : await this.ideasOf(tenantId, teamId, pointId);
    return { value: { ...point.value, ideas: ideas.map(toIdea) }, etag: point.etag };
  }

  async replacePoint(point: ImprovementPoint, etag: string): Promise<Versioned<ImprovementPoint>> {
    const saved = await this.store.replace(pointDoc(point), etag);
    return { value: point, etag: saved.etag };
  }

  /** The tilbud's newest udviklingspunkter (with no ideas: the board reads those on their own), newest first. */
  async listPoints(tenantId: string, teamId: string, limit = POINTS_MAX): Promise<ImprovementPoint[]> {
    const rows = await this.store.query({ pk: partitionKeys.institution(tenantId, teamId), type: 'cyclePoint', orderBy: { field: 'createdAt', direction: 'desc' }, limit });
    return this.each(StoredPointSchema, rows, 'pointRef').map((p) => ({ ...p.value, ideas: [] }));
  }

  // ------------------------------------------------------------ forandringskatalog

  /** Stores an idea under its own id; the same idea again (a retry) is stored once. Returns false then. */
  async addIdea(tenantId: string, teamId: string, pointId: string, idea: ChangeIdea): Promise<boolean> {
    try {
      await this.store.create(ideaDoc(tenantId, teamId, { ...idea, improvementPointId: pointId, taken: false }));
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
  }

  /** Marks an idea as tried by a prøvehandling (only the one starting the trial writes it). */
  async markIdeaTaken(tenantId: string, teamId: string, pointId: string, idea: ChangeIdea): Promise<void> {
    await this.store.upsert(ideaDoc(tenantId, teamId, { ...idea, improvementPointId: pointId, taken: true }));
  }

  /** A point's ideas, oldest first, at most IDEAS_MAX. */
  async ideasOf(tenantId: string, teamId: string, pointId: string): Promise<StoredIdea[]> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'cycleIdea',
      where: [{ field: 'improvementPointId', op: '=', value: pointId }],
      orderBy: { field: 'addedAt', direction: 'asc' },
      limit: IDEAS_MAX,
    });
    return this.each(StoredIdeaSchema, rows, 'ideaRef').map((x) => x.value);
  }

  /** The tilbud's newest ideas no prøvehandling tries yet (the board), newest first. */
  async newIdeas(tenantId: string, teamId: string, limit: number): Promise<StoredIdea[]> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'cycleIdea',
      where: [{ field: 'taken', op: '=', value: false }],
      orderBy: { field: 'addedAt', direction: 'desc' },
      limit,
    });
    return this.each(StoredIdeaSchema, rows, 'ideaRef').map((x) => x.value);
  }

  // ------------------------------------------------------------ prøvehandlinger

  /** Creates a trial; AlreadyExistsError when its id exists (a retry). */
  async createTrial(trial: Trial): Promise<Versioned<Trial>> {
    const created = await this.store.create(trialDoc(trial));
    await this.afterTrialWrite(trial);
    return { value: trial, etag: created.etag };
  }

  async getTrial(tenantId: string, teamId: string, trialId: string): Promise<Versioned<Trial> | undefined> {
    const found = await this.store.read(partitionKeys.institution(tenantId, teamId), `trial:${trialId}`);
    return found ? parseAs(TrialSchema, found, trialId) : undefined;
  }

  /** Replaces the trial if it is still at `etag`; throws ConcurrencyError otherwise. */
  async replaceTrial(trial: Trial, etag: string): Promise<Versioned<Trial>> {
    const saved = await this.store.replace(trialDoc(trial), etag);
    await this.afterTrialWrite(trial);
    return { value: trial, etag: saved.etag };
  }

  /** A point's newest trials, newest first, bounded. */
  async trialsOf(tenantId: string, teamId: string, pointId: string, limit = POINT_TRIALS_MAX): Promise<Array<Versioned<Trial>>> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'cycleTrial',
      where: [{ field: 'improvementPointId', op: '=', value: pointId }],
      orderBy: { field: 'createdAt', direction: 'desc' },
      limit,
    });
    return this.each(TrialSchema, rows, 'trialRef');
  }

  /** The running prøvehandlinger of the tilbud, oldest first, bounded. */
  async running(tenantId: string, teamId: string, limit = RUNNING_MAX): Promise<Trial[]> {
    const rows = await this.store.query({
      pk: partitionKeys.institution(tenantId, teamId),
      type: 'cycleTrial',
      where: [{ field: 'state', op: '=', value: 'running' }],
      orderBy: { field: 'createdAt', direction: 'asc' },
      limit,
    });
    return this.each(TrialSchema, rows, 'trialRef').map((x) => x.value);
  }

  /**
   * The finished cycles, newest first: a page of at most `limit`, those finished before `before`
   * (the last `finishedAt` of the previous page) when given.
   */
  async finished(tenantId: string, teamId: string, limit: number, before?: string): Promise<Trial[]> {
    const where: Condition[] = [{ field: 'state', op: '=', value: 'finished' }];
    if (before) where.push({ field: 'finishedAt', op: '<', value: before });
    const rows = await this.store.query({ pk: partitionKeys.institution(tenantId, teamId), type: 'cycleTrial', where, orderBy: { field: 'finishedAt', direction: 'desc' }, limit });
    return this.each(TrialSchema, rows, 'trialRef').map((x) => x.value);
  }
}

function toIdea(stored: StoredIdea): ChangeIdea {
  return { id: stored.id, text: stored.text, addedBy: stored.addedBy, addedAt: stored.addedAt };
}
