/**
 * Læringscirkler from the team channel (rules in domain/learning-cycle.ts): an udviklingspunkt
 * with forbedringsmodellens three questions, its forandringskatalog of ideas, prøvehandlinger
 * through Planlæg → Afprøv → Reflektér → Justér, the spread of a tiltag, the fremdriftsmøde's
 * board and the forbedringskatalog.
 *
 * - Every call checks that the actor is a member of the tilbud (team).
 * - Ideas are documents of their own, created under the id of the card's submission: twenty
 *   people adding ideas at once do not contend, and a retry stores an idea once. Starting a
 *   trial from an idea takes an id derived from the idea, so two clicks start one trial.
 * - A trial is changed with its etag, re-applied on the newest version on a conflict. A step's
 *   form carries the version of what it was drawn from: saved over someone else's newer version
 *   it is a real conflict, answered with theirs and the user's input kept. Moving on or back
 *   carries the step the card was drawn at: a second click does not move twice.
 */
import {
  addIdea,
  advanceStage,
  advanceTrial,
  BOARD_IDEAS_MAX,
  BOARD_LOG_MAX,
  catalogueEntry,
  createImprovementPoint,
  decideTrial,
  progressBoard,
  saveReflection,
  saveRun,
  savePlan,
  startNextCycle,
  startTrial,
  stepBack,
  TrialStateError,
  type CatalogueEntry,
  type DecisionInput,
  type ImprovementPoint,
  type PlanContext,
  type PlanInput,
  type ProgressBoard,
  type ReflectionInput,
  type RunInput,
  type SpreadStage,
  type Trial,
  type TrialStep,
} from '../domain/learning-cycle.js';
import type { Institution } from '../domain/model.js';
import type { FieldErrors, LocalizedText } from '../domain/text.js';
import { AlreadyExistsError } from '../store/ports.js';
import { POINTS_MAX, RUNNING_MAX } from '../store/cycle-repository.js';
import { retryOnConflict } from '../store/retry.js';
import type { Versioned } from '../store/repositories.js';
import { requireMember } from './access.js';
import { contentVersion, deriveId, type Call } from './context.js';
import { InputError, NotFoundError, RefusedError, StaleError } from './errors.js';


/** An udviklingspunkt with what its card shows. */
export interface CycleState {
  institution: Institution;
  point: Versioned<ImprovementPoint>;
  /** The prøvehandling the card shows (the one asked for, else the point's newest running one, else its newest). */
  trial?: Versioned<Trial>;
  /** The point's newest trials (newest first, bounded): which ideas are taken, the finished ones. */
  trials: Trial[];
  /** Warnings of the last save (a plan longer than the tilbud's limit). */
  warnings?: FieldErrors;
}

/** The version of a step's content a form was drawn from ('' = nothing saved yet). */
export function stepVersion(trial: Trial | undefined, step: TrialStep): string {
  const content = !trial ? undefined : step === 'plan' ? trial.plan : step === 'do' ? trial.run : step === 'study' ? trial.reflection : trial.decision;
  return contentVersion(content);
}

/** The rules a plan is checked against in this tilbud: its members and its longest cycle. */
export function planContextOf(institution: Institution): PlanContext {
  return { members: institution.members.map((m) => m.aadObjectId), maxCycleDays: institution.settings.trialCycleLimitDays };
}

async function guarded<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TrialStateError) throw new RefusedError(error.reason);
    throw error;
  }
}

function member(call: Call, teamId: string, action: string, resourceId?: string): Promise<Versioned<Institution>> {
  return requireMember(call, teamId, { action, resourceType: 'learningCycle', ...(resourceId ? { resourceId } : {}) });
}

async function stateOf(call: Call, institution: Institution, point: Versioned<ImprovementPoint>, trialId?: string, warnings?: FieldErrors): Promise<CycleState> {
  const { repos } = call.deps;
  const trials = await repos.cycles.trialsOf(call.actor.tenantId, point.value.teamId, point.value.id);
  let trial = trialId ? trials.find((t) => t.value.id === trialId) : (trials.find((t) => !t.value.finishedAt) ?? trials[0]);
  if (trialId && !trial) {
    // Older than the newest the point's card reads: read it on its own.
    const found = await repos.cycles.getTrial(call.actor.tenantId, point.value.teamId, trialId);
    if (found && found.value.improvementPointId === point.value.id) trial = found;
  }
  return { institution, point, trials: trials.map((t) => t.value), ...(trial ? { trial } : {}), ...(warnings && Object.keys(warnings).length > 0 ? { warnings } : {}) };
}

async function loadPoint(call: Call, teamId: string, pointId: string, action: string): Promise<{ institution: Versioned<Institution>; point: Versioned<ImprovementPoint> }> {
  const institution = await member(call, teamId, action, pointId);
  const point = await call.deps.repos.cycles.getPoint(call.actor.tenantId, teamId, pointId);
  if (!point) throw new NotFoundError('institution');
  return { institution, point };
}

/** Checks membership for the form that creates an udviklingspunkt. */
export async function openImprovementPointForm(call: Call, teamId: string): Promise<Institution> {
  return (await member(call, teamId, 'cycle.open')).value;
}

/** The udviklingspunkt's card, showing `trialId` when given. */
export async function viewCycle(call: Call, teamId: string, pointId: string, trialId?: string): Promise<CycleState> {
  const { institution, point } = await loadPoint(call, teamId, pointId, 'cycle.view');
  return stateOf(call, institution.value, point, trialId);
}

/** The card of the udviklingspunkt a trial belongs to, showing that trial. */
export async function viewTrialCycle(call: Call, teamId: string, trialId: string): Promise<CycleState> {
  const institution = await member(call, teamId, 'cycle.view', trialId);
  const trial = await call.deps.repos.cycles.getTrial(call.actor.tenantId, teamId, trialId);
  if (!trial) throw new NotFoundError('institution');
  const point = await call.deps.repos.cycles.getPoint(call.actor.tenantId, teamId, trial.value.improvementPointId);
  if (!point) throw new NotFoundError('institution');
  return stateOf(call, institution.value, point, trialId);
}

/** Creates an udviklingspunkt with the three questions' first two answers; a retry answers with the one made the first time. */
export async function createCyclePoint(call: Call, input: { teamId: string; pointId: string; title: string; aim: string; measure: string }): Promise<CycleState> {
  const { repos } = call.deps;
  const institution = await member(call, input.teamId, 'cycle.create', input.pointId);
  const existing = await repos.cycles.getPoint(call.actor.tenantId, input.teamId, input.pointId);
  if (existing) return stateOf(call, institution.value, existing);
  const outcome = createImprovementPoint({ id: input.pointId, tenantId: call.actor.tenantId, teamId: input.teamId, title: input.title, aim: input.aim, measure: input.measure }, call.actor.aadObjectId, call.now);
  if (!outcome.ok) throw new InputError(outcome.errors);
  try {
    const created = await repos.cycles.createPoint(outcome.value);
    call.deps.logger.info({ tenantId: call.actor.tenantId, teamId: input.teamId, pointId: input.pointId }, 'improvement point created');
    return stateOf(call, institution.value, created);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const made = await repos.cycles.getPoint(call.actor.tenantId, input.teamId, input.pointId);
    if (!made) throw error;
    return stateOf(call, institution.value, made);
  }
}

/**
 * Anyone in the tilbud adds an idea to the forandringskatalog; refused input (a CPR number, too
 * long) comes back as field errors. The idea's id is the card's submission id and the actor's:
 * the same person's retry stores it once, two people on one posted card store two ideas.
 */
export async function addCycleIdea(call: Call, input: { teamId: string; pointId: string; ideaId: string; text: string; trialId?: string }): Promise<CycleState> {
  const { institution, point } = await loadPoint(call, input.teamId, input.pointId, 'cycle.idea');
  const ideaId = deriveId('idea', input.ideaId, call.actor.aadObjectId);
  const outcome = addIdea(point.value, { id: ideaId, text: input.text }, call.actor.aadObjectId, call.now);
  if (!outcome.ok) throw new InputError(outcome.errors);
  const idea = outcome.value.ideas.find((i) => i.id === ideaId);
  if (idea && outcome.value !== point.value) await call.deps.repos.cycles.addIdea(call.actor.tenantId, input.teamId, input.pointId, idea);
  return stateOf(call, institution.value, { value: outcome.value, etag: point.etag }, input.trialId);
}

/**
 * Starts a prøvehandling, from an idea of the forandringskatalog (its id derived from the idea:
 * two clicks start one trial) or directly (the id the card carries). A retry answers with it.
 */
export async function startCycleTrial(call: Call, input: { teamId: string; pointId: string; trialId: string; ideaId?: string }): Promise<CycleState> {
  const { repos } = call.deps;
  const { institution, point } = await loadPoint(call, input.teamId, input.pointId, 'cycle.trial');
  const trialId = input.ideaId ? deriveId('trial', input.pointId, input.ideaId) : input.trialId;
  const existing = await repos.cycles.getTrial(call.actor.tenantId, input.teamId, trialId);
  if (existing) return stateOf(call, institution.value, point, trialId);
  const trial = await guarded(() => startTrial(point.value, { id: trialId, actorId: call.actor.aadObjectId, ...(input.ideaId ? { ideaId: input.ideaId } : {}) }, call.now));
  try {
    await repos.cycles.createTrial(trial);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    return stateOf(call, institution.value, point, trialId);
  }
  const idea = point.value.ideas.find((i) => i.id === input.ideaId);
  if (idea) await repos.cycles.markIdeaTaken(call.actor.tenantId, input.teamId, input.pointId, idea);
  call.deps.logger.info({ tenantId: call.actor.tenantId, teamId: input.teamId, pointId: input.pointId, trialId }, 'trial started');
  return stateOf(call, institution.value, point, trialId);
}

interface TrialChange {
  trial: Trial;
  warnings?: FieldErrors;
}

/** Applies a change of a trial with its etag, re-applied on the newest version on a conflict (the shared retry helper). */
async function changeTrial(call: Call, teamId: string, trialId: string, action: string, change: (trial: Trial, institution: Institution) => TrialChange): Promise<CycleState> {
  const institution = await member(call, teamId, action, trialId);
  const { repos } = call.deps;
  const load = async (): Promise<Versioned<Trial>> => {
    const found = await repos.cycles.getTrial(call.actor.tenantId, teamId, trialId);
    if (!found) throw new NotFoundError('institution');
    return found;
  };
  const initial = await load();
  const point = await repos.cycles.getPoint(call.actor.tenantId, teamId, initial.value.improvementPointId);
  if (!point) throw new NotFoundError('institution');
  const { result } = await retryOnConflict<Versioned<Trial>, TrialChange, TrialChange>(
    {
      initial,
      load,
      change: async (current) => {
        const next = await guarded(() => change(current.value, institution.value));
        return next.trial === current.value ? { done: next } : { save: next };
      },
      save: async (next, current) => {
        await repos.cycles.replaceTrial(next.trial, current.etag);
        return next;
      },
    },
    call.deps.writeRetry,
  );
  return stateOf(call, institution.value, point, trialId, result.warnings);
}

const STEP_CHANGED: LocalizedText = {
  da: 'En anden har gemt dette trin, mens du skrev. Her er deres version – dine indtastninger står i felterne; gem igen, hvis de skal gælde.',
  en: 'Someone else saved this step while you were writing. Here is their version – your input is in the fields; save again if it should apply.',
};

/** A step's form saved over someone else's newer version: theirs is on the card, the user's input kept. */
export class TrialConflictError extends StaleError {
  override readonly name = 'TrialConflictError';
  constructor(readonly trial: Trial) {
    super(STEP_CHANGED);
  }
}

const MOVED: LocalizedText = { da: 'Prøvehandlingen er allerede gået videre. Her er den, som den er nu.', en: 'The trial has already moved on. Here it is as it is now.' };

function checkBase(trial: Trial, step: TrialStep, baseVersion: string): void {
  if (trial.finishedAt || trial.step !== step) throw new StaleError(MOVED);
  if (stepVersion(trial, step) !== baseVersion) throw new TrialConflictError(trial);
}

type StepSave =
  | { step: 'plan'; input: PlanInput }
  | { step: 'do'; input: RunInput }
  | { step: 'study'; input: ReflectionInput };

/** Saves a step's form (a draft); refused input comes back as field errors, the input kept. */
export async function saveTrialStep(call: Call, input: { teamId: string; trialId: string; baseVersion: string } & StepSave): Promise<CycleState> {
  return changeTrial(call, input.teamId, input.trialId, `cycle.${input.step}`, (trial, institution) => {
    checkBase(trial, input.step, input.baseVersion);
    const outcome =
      input.step === 'plan' ? savePlan(trial, input.input, planContextOf(institution), call.now) : input.step === 'do' ? saveRun(trial, input.input, call.now) : saveReflection(trial, input.input, call.now);
    if (!outcome.ok) throw new InputError(outcome.errors);
    return { trial: outcome.value, warnings: outcome.warnings };
  });
}

/** Forward (when the step's required fields are filled in) or back one step, from the step the card was drawn at. */
export async function moveCycleTrial(call: Call, input: { teamId: string; trialId: string; baseStep: string; direction: 'next' | 'back' }): Promise<CycleState> {
  return changeTrial(call, input.teamId, input.trialId, `cycle.${input.direction}`, (trial, institution) => {
    if (trial.finishedAt || trial.step !== input.baseStep) throw new StaleError(MOVED);
    if (input.direction === 'back') return { trial: stepBack(trial) };
    const outcome = advanceTrial(trial, planContextOf(institution));
    if (!outcome.ok) throw new InputError(outcome.errors);
    return { trial: outcome.value, warnings: outcome.warnings };
  });
}

/**
 * The decision at Justér (bekræft / justér / forkast) finishes the cycle; with `nextTrialId` the
 * next læringscirkel starts from it at once (its id carried by the card: a retry starts one).
 */
export async function decideCycleTrial(call: Call, input: { teamId: string; trialId: string; decision: DecisionInput; nextTrialId?: string }): Promise<CycleState> {
  const decided = await changeTrial(call, input.teamId, input.trialId, 'cycle.decide', (trial) => {
    if (trial.finishedAt) {
      // The same decision again (a retry): nothing to change.
      if (trial.decision?.decision === input.decision.decision) return { trial };
      throw new StaleError(MOVED);
    }
    const outcome = decideTrial(trial, input.decision, call.actor.aadObjectId, call.now);
    if (!outcome.ok) throw new InputError(outcome.errors);
    return { trial: outcome.value };
  });
  if (!input.nextTrialId || !decided.trial) return decided;
  const { repos } = call.deps;
  const existing = await repos.cycles.getTrial(call.actor.tenantId, input.teamId, input.nextTrialId);
  if (!existing) {
    const next = await guarded(() => startNextCycle(decided.trial!.value, { id: input.nextTrialId!, actorId: call.actor.aadObjectId }, call.now));
    try {
      await repos.cycles.createTrial(next);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
  return stateOf(call, decided.institution, decided.point, input.nextTrialId);
}

/** The next cycle from a finished one, started later from its card (the id the card carries). */
export async function startNextCycleTrial(call: Call, input: { teamId: string; trialId: string; nextTrialId: string }): Promise<CycleState> {
  const { repos } = call.deps;
  const institution = await member(call, input.teamId, 'cycle.next', input.trialId);
  const previous = await repos.cycles.getTrial(call.actor.tenantId, input.teamId, input.trialId);
  if (!previous) throw new NotFoundError('institution');
  const point = await repos.cycles.getPoint(call.actor.tenantId, input.teamId, previous.value.improvementPointId);
  if (!point) throw new NotFoundError('institution');
  if (!(await repos.cycles.getTrial(call.actor.tenantId, input.teamId, input.nextTrialId))) {
    const next = await guarded(() => startNextCycle(previous.value, { id: input.nextTrialId, actorId: call.actor.aadObjectId }, call.now));
    try {
      await repos.cycles.createTrial(next);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
  return stateOf(call, institution.value, point, input.nextTrialId);
}

/** Moves the tiltag to the next spread stage (the stage the card offered; the same again changes nothing). */
export async function spreadCycleTrial(call: Call, input: { teamId: string; trialId: string; to: SpreadStage }): Promise<CycleState> {
  return changeTrial(call, input.teamId, input.trialId, 'cycle.stage', (trial) => ({ trial: advanceStage(trial, input.to) }));
}

/** The fremdriftsmøde's board with what it needs of the tilbud; every read bounded. */
export interface BoardState {
  institution: Institution;
  board: ProgressBoard;
  /** The udviklingspunkter a new idea can go to (newest first). */
  points: ImprovementPoint[];
}

export async function viewBoard(call: Call, teamId: string): Promise<BoardState> {
  const institution = await member(call, teamId, 'cycle.board');
  const { repos } = call.deps;
  const tenantId = call.actor.tenantId;
  const [points, running, finished, ideas] = await Promise.all([
    repos.cycles.listPoints(tenantId, teamId, POINTS_MAX),
    repos.cycles.running(tenantId, teamId, RUNNING_MAX),
    repos.cycles.finished(tenantId, teamId, BOARD_LOG_MAX + 1),
    repos.cycles.newIdeas(tenantId, teamId, BOARD_IDEAS_MAX),
  ]);
  const byPoint = new Map(points.map((p) => [p.id, { ...p, ideas: [] as ImprovementPoint['ideas'][number][] }]));
  for (const idea of ideas) {
    const point = byPoint.get(idea.improvementPointId);
    // An idea of a point older than the board reads keeps its place, without a title.
    const target = point ?? { id: idea.improvementPointId, tenantId, teamId, title: '', aim: '', measure: '', ideas: [], createdAt: idea.addedAt, createdBy: idea.addedBy };
    if (!point) byPoint.set(idea.improvementPointId, target);
    target.ideas.push({ id: idea.id, text: idea.text, addedBy: idea.addedBy, addedAt: idea.addedAt });
  }
  const board = progressBoard({ trials: [...running, ...finished], points: [...byPoint.values()].map((p) => ({ ...p })), ideasMax: BOARD_IDEAS_MAX, logMax: BOARD_LOG_MAX }, call.now);
  // The aims are those of the points read, not of a point only named by an idea.
  return { institution: institution.value, board: { ...board, aims: board.aims.filter((a) => points.some((p) => p.id === a.improvementPointId)) }, points };
}

/** An idea added from the board (to the udviklingspunkt chosen there). */
export async function addBoardIdea(call: Call, input: { teamId: string; pointId: string; ideaId: string; text: string }): Promise<BoardState> {
  await addCycleIdea(call, input);
  return viewBoard(call, input.teamId);
}

/** How many finished cycles one page of the forbedringskatalog shows. */
export const CATALOGUE_PAGE = 10;

export interface CatalogueState {
  institution: Institution;
  entries: CatalogueEntry[];
  /** The titles of the entries' udviklingspunkter. */
  titles: Record<string, string>;
  /** Where the next (older) page starts, when there is one. */
  nextBefore?: string;
}

/** The forbedringskatalog: the finished cycles, newest first, a page at a time. */
export async function viewCatalogue(call: Call, teamId: string, before?: string): Promise<CatalogueState> {
  const institution = await member(call, teamId, 'cycle.catalogue');
  const { repos } = call.deps;
  const rows = await repos.cycles.finished(call.actor.tenantId, teamId, CATALOGUE_PAGE + 1, before);
  const page = rows.slice(0, CATALOGUE_PAGE);
  const entries = page.filter((t) => t.decision).map(catalogueEntry);
  const titles: Record<string, string> = {};
  for (const pointId of new Set(entries.map((e) => e.improvementPointId))) {
    const point = await repos.cycles.getPoint(call.actor.tenantId, teamId, pointId, { ideas: false });
    if (point) titles[pointId] = point.value.title;
  }
  const last = page.at(-1);
  return { institution: institution.value, entries, titles, ...(rows.length > CATALOGUE_PAGE && last?.finishedAt ? { nextBefore: last.finishedAt } : {}) };
}
