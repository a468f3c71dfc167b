/** Multi-step flows the e2e tests and the benchmark share: the way a user clicks through. */
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, findAction, inputOf, invokeCardOf, textOf, type CardJson, type Harness, type TestUser } from './e2e.js';

export interface CitizenIds {
  teamId: string;
  citizenId: string;
}

export async function createCitizen(h: Harness, user: TestUser, alias: string, targetGroup: 'adult' | 'child' = 'adult'): Promise<CitizenIds> {
  const form = cardOf((await h.message(user, 'ny borger')).replies[0]);
  const plan = invokeCardOf(await h.invoke(user, VERBS.citizenSave, { ...findAction(form, VERBS.citizenSave).data, alias, targetGroup, representative: 'none' }));
  return findAction(plan, VERBS.diaryPickCitizen).data as unknown as CitizenIds;
}

export interface WizardAnswers {
  themeId?: string;
  parentId?: string;
  purposeLinked?: string;
  goalText: string;
  indicator?: string;
  kind?: string;
  participationMode?: string;
  participation?: string;
  interventions?: string;
  externalActors?: string;
  externalOther?: string;
  ownerId: string;
  endDate?: string;
  revisionDate: string;
}

/** Walks the SMORTE wizard from its first card to "Gem målet"; returns the last card. */
export async function completeWizard(h: Harness, user: TestUser, first: CardJson, a: WizardAnswers): Promise<CardJson> {
  let card = first;
  const answers: Record<string, string> = {
    purposeLinked: 'yes',
    kind: 'progression',
    participationMode: 'citizen',
    participation: 'Aftalt med borgeren ved morgenmaden.',
    interventions: 'Guidning',
    externalActors: '',
    externalOther: '',
    endDate: '2027-06-30',
    indicator: '',
    ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)),
  } as Record<string, string>;
  if (!answers['themeId'] && !answers['parentId']) {
    const parent = findInputSafe(card, 'parentId');
    if (parent) answers['parentId'] = String((parent['choices'] as Array<{ value: string }>)[0]?.value ?? '');
    else answers['themeId'] = 'th1';
  }
  for (let i = 0; i < 12; i++) {
    const save = findActionSafe(card, VERBS.goalWizardSave);
    const next = findActionSafe(card, VERBS.goalWizardNext);
    const action = save ?? next;
    if (!action) throw new Error(`wizard card without next/save: ${textOf(card).slice(0, 300)}`);
    card = invokeCardOf(await h.invoke(user, action.verb, { ...action.data, ...answers }));
    if (save) return card;
  }
  return card;
}

export async function addGoal(h: Harness, user: TestUser, ids: CitizenIds, a: WizardAnswers & { sub?: boolean }): Promise<CardJson> {
  const first = invokeCardOf(await h.invoke(user, VERBS.goalNew, { ...ids, kind: a.sub ? 'sub' : 'goal' }));
  return completeWizard(h, user, first, a);
}

function findActionSafe(card: CardJson, verb: string) {
  try {
    return findAction(card, verb);
  } catch {
    return undefined;
  }
}

function findInputSafe(card: CardJson, id: string) {
  try {
    return inputOf(card, id);
  } catch {
    return undefined;
  }
}

/** The first sub-goal id offered in the diary's target picker. */
export async function firstSubGoalId(h: Harness, user: TestUser, ids: CitizenIds): Promise<string> {
  const targets = invokeCardOf(await h.invoke(user, VERBS.diaryPickCitizen, { ...ids }));
  return String(findAction(targets, VERBS.diaryPickTarget, (x) => x.data['target'] === 'subGoal').data['goalId']);
}

export interface PlanIds extends CitizenIds {
  goalId: string;
  subGoalId: string;
}

/** A tilbud with `user` in it and citizen CD with one goal and one delmål (what most safety tests start from). */
export async function setUpCitizenWithGoals(h: Harness, user: TestUser, alias = 'CD'): Promise<PlanIds> {
  await h.setupTeam(user);
  const citizen = await createCitizen(h, user, alias, 'child');
  await addGoal(h, user, citizen, { themeId: 'th3', goalText: `${alias} møder i skole hver dag kl. 8`, ownerId: user.aadObjectId, revisionDate: '2027-03-01' });
  await addGoal(h, user, citizen, { sub: true, goalText: `${alias} står selv op, når vækkeuret ringer`, ownerId: user.aadObjectId, revisionDate: '2027-01-10' });
  const plan = await h.app.repos.plans.get(user.tenantId, citizen.teamId, citizen.citizenId);
  const goalId = plan!.value.goals.find((g) => !g.parentId)!.id;
  return { ...citizen, goalId, subGoalId: await firstSubGoalId(h, user, citizen) };
}

/**
 * Runs a reminder pass and gives the reminder card delivered for the citizen with `alias` (a
 * citizen made without a formål has its "formål mangler" reminder due at once).
 */
export async function deliveredReminderCard(h: Harness, alias: string): Promise<CardJson> {
  const before = h.connector.sent.length;
  await h.app.reminders.runOnce();
  const card = h.connector.sent
    .slice(before)
    .map((s) => (s.body['attachments'] as Array<{ content?: CardJson }> | undefined)?.[0]?.content)
    .find((c): c is CardJson => c !== undefined && /Påmindelse|Reminder/.test(textOf(c)) && textOf(c).includes(alias));
  if (!card) throw new Error(`no reminder card delivered for ${alias}`);
  return card;
}
