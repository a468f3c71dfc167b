import { describe, expect, it } from 'vitest';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import { createResidentEntry, createSubGoalEntry } from '../../src/domain/diary.js';
import { addGoal, createPlan, recordPurpose, validateAlias } from '../../src/domain/plan.js';
import type { Plan } from '../../src/domain/model.js';

const now = new Date('2026-11-22T10:00:00Z');

function newPlan(targetGroup: 'adult' | 'child' = 'adult'): Plan {
  const outcome = createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: ' AB ', targetGroup, contactPersons: ['u1', 'u1'], actorId: 'u1' }, now);
  if (!outcome.ok) throw new Error('plan');
  return outcome.value;
}

describe('the plan', () => {
  it('gives adults the VUM themes and children the ICS themes', () => {
    expect(newPlan('adult').themes.map((t) => t.name)).toContain('Egenomsorg');
    expect(newPlan('child').themes.map((t) => t.name)).toContain('Trygt omsorgsmiljø');
    expect(newPlan().themes).toHaveLength(10);
  });

  it('normalises the alias and de-duplicates contact persons', () => {
    const plan = newPlan();
    expect(plan.alias).toBe('AB');
    expect(plan.aliasKey).toBe('ab');
    expect(plan.contactPersons).toEqual(['u1']);
    expect(plan.purpose).toBeUndefined();
  });

  it('refuses an alias that is a CPR number or a long number', () => {
    expect(validateAlias('010190-1234')['alias']?.da).toMatch(/CPR/);
    expect(validateAlias('12345678')['alias']?.da).toMatch(/CPR-nummer eller andre lange tal/);
    expect(validateAlias('')['alias']).toBeDefined();
    expect(validateAlias('Stue 3')).toEqual({});
  });

  it('keeps earlier versions of the formål', () => {
    const first = recordPurpose(newPlan(), { id: 'p1', text: 'Borgeren skal bo i egen bolig', receivedOn: '2026-10-01' }, 'u1', now);
    if (!first.ok) throw new Error('purpose');
    const second = recordPurpose(first.value, { id: 'p2', text: 'Revideret formål', receivedOn: '2026-11-20' }, 'u2', now);
    if (!second.ok) throw new Error('purpose 2');
    expect(second.value.purpose?.text).toBe('Revideret formål');
    expect(second.value.purpose?.revisions).toEqual([expect.objectContaining({ text: 'Borgeren skal bo i egen bolig', recordedBy: 'u1' })]);
  });

  it('refuses a formål dated in the future or holding a CPR number', () => {
    const future = recordPurpose(newPlan(), { id: 'p', text: 'x', receivedOn: '2026-12-24' }, 'u1', now);
    expect(future.ok).toBe(false);
    const cpr = recordPurpose(newPlan(), { id: 'p', text: 'cpr 010190-1234', receivedOn: '2026-11-01' }, 'u1', now);
    expect(cpr.ok ? {} : cpr.errors['text']?.da).toMatch(/CPR/);
  });

  it('requires a revisionsdato that is not in the past and not after the end date', () => {
    const plan = newPlan();
    const base = { id: 'g1', themeId: 'th1', text: 'Peter smører selv sin madpakke', ownerId: 'u1' };
    expect(addGoal(plan, { ...base, revisionDate: '' }, 'u1', now).ok).toBe(false);
    expect(addGoal(plan, { ...base, revisionDate: '2026-11-01' }, 'u1', now).ok).toBe(false);
    expect(addGoal(plan, { ...base, revisionDate: '2027-06-01', endDate: '2027-03-01' }, 'u1', now).ok).toBe(false);
    const ok = addGoal(plan, { ...base, revisionDate: '2027-03-01' }, 'u1', now);
    expect(ok.ok && ok.value.goals[0]).toMatchObject({ id: 'g1', state: 'active', revisionDate: '2027-03-01' });
  });

  it('files a sub-goal under its goal and its theme', () => {
    const withGoal = addGoal(newPlan(), { id: 'g1', themeId: 'th2', text: 'Mål', ownerId: 'u1', revisionDate: '2027-01-01' }, 'u1', now);
    if (!withGoal.ok) throw new Error('goal');
    const sub = addGoal(withGoal.value, { id: 's1', parentId: 'g1', themeId: '', text: 'Delmål', ownerId: 'u1', revisionDate: '2027-01-01' }, 'u1', now);
    expect(sub.ok && sub.value.goals[1]).toMatchObject({ parentId: 'g1', themeId: 'th2' });
    const orphan = addGoal(withGoal.value, { id: 's2', parentId: 'nope', themeId: 'th1', text: 'Delmål', ownerId: 'u1', revisionDate: '2027-01-01' }, 'u1', now);
    expect(orphan.ok).toBe(false);
  });

  it('refuses an owner who is not in the team', () => {
    const result = addGoal(newPlan(), { id: 'g', themeId: 'th1', text: 'x', ownerId: 'stranger', revisionDate: '2027-01-01' }, 'u1', now, ['u1']);
    expect(result.ok ? undefined : result.errors['ownerId']).toBeDefined();
  });
});

describe('diary entries', () => {
  const settings = createDefaultSettings();
  const withSub = (() => {
    const a = addGoal(newPlan(), { id: 'g1', themeId: 'th1', text: 'Mål', ownerId: 'u1', revisionDate: '2027-01-01' }, 'u1', now);
    if (!a.ok) throw new Error('a');
    const b = addGoal(a.value, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'Delmål', ownerId: 'u1', revisionDate: '2027-01-01' }, 'u1', now);
    if (!b.ok) throw new Error('b');
    return b.value;
  })();
  const common = { id: 'e1', tenantId: 't', teamId: 'team', citizenId: 'c1', actorId: 'u1', submissionId: 's' };

  it('needs both a score and a note in the delmålsdagbog', () => {
    const result = createSubGoalEntry(withSub, settings, { ...common, goalId: 's1', score: '', note: ' ' }, now);
    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual(['note', 'score']);
  });

  it('accepts "ikke vurderet" as a score of null', () => {
    const result = createSubGoalEntry(withSub, settings, { ...common, goalId: 's1', score: 'na', note: 'Sov længe' }, now);
    expect(result.ok && result.value.score).toBeNull();
  });

  it('refuses a score outside the scale', () => {
    const result = createSubGoalEntry(withSub, settings, { ...common, goalId: 's1', score: '7', note: 'x' }, now);
    expect(result.ok).toBe(false);
  });

  it('needs a kontekst with a type that belongs to it in the beboerdagbog', () => {
    expect(createResidentEntry(settings, { ...common, contextId: 'sundhed', entryTypeId: 'samvaer', note: 'x' }, now).ok).toBe(false);
    const ok = createResidentEntry(settings, { ...common, contextId: 'sundhed', entryTypeId: 'medicin', note: 'Tog medicin selv' }, now);
    expect(ok.ok && ok.value).toMatchObject({ kind: 'resident', contextId: 'sundhed', entryTypeId: 'medicin' });
  });
});
