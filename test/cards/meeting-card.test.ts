/**
 * The refleksionsmøde's card in every phase: valid Adaptive Card 1.5, every Action.Execute with
 * its Action.Submit fallback, no field named `key` in an action's data, and under Teams' 28 KB
 * with the most it can be asked to hold (200 members, twenty notes of 4,000 characters a step,
 * an aftalepapir at its limits); long notes fold.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { meetingCard, meetingDownloadCard, meetingMarkdown, MEETING_CARD_MAX_BYTES, type MeetingCardView } from '../../src/cards/meeting-views.js';
import { cardSizeBytes } from '../../src/cards/render.js';
import { VERBS } from '../../src/cards/verbs.js';
import { DIALOG_STEPS, finishMeeting, nextStep, recordAgreement, startMeeting, type Meeting, type MeetingNote } from '../../src/domain/reflection-meeting.js';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import type { Institution, Plan } from '../../src/domain/model.js';
import { addGoal, createPlan, recordPurpose } from '../../src/domain/plan.js';
import { closeAdaptiveCardValidator, validateAdaptiveCard } from '../support/adaptive-card-validator.js';
import { actionsOf, textOf } from '../support/e2e.js';

const now = new Date('2026-11-23T09:30:00Z');
const members = Array.from({ length: 200 }, (_, i) => ({ aadObjectId: `aad-${i}`, name: `Medarbejder Nummer ${i} Med Et Langt Efternavn` }));
const LEAD = 'aad-0';

function meetingAt(phase: 'preparation' | 'dialog' | 'prepareAction' | 'action' | 'finished'): Meeting {
  let m = startMeeting({ id: 'm1', tenantId: 't', teamId: 'team', level: 'indsats', actorId: LEAD, participantIds: members.map((x) => x.aadObjectId) }, now);
  if (phase === 'preparation') return m;
  m = nextStep(m, LEAD);
  if (phase === 'dialog') return m;
  for (let i = 0; i < 3; i++) m = nextStep(m, LEAD);
  const recorded = recordAgreement(
    m,
    {
      shortTermGoal: 'k'.repeat(1000),
      longTermGoal: 'l'.repeat(1000),
      longTermMonths: '12',
      progressData: 'd'.repeat(1000),
      actions: [0, 1, 2].map((i) => ({ id: `a${i + 1}`, what: 'w'.repeat(200), ownerIds: members.slice(5 * i, 5 * i + 5).map((x) => x.aadObjectId), followUpBy: `aad-${150 + i}`, dueDate: '2026-12-07' })),
    },
    members.map((x) => x.aadObjectId),
    now,
  );
  if (!recorded.ok) throw new Error('agreement');
  m = recorded.value;
  if (phase === 'prepareAction') return m;
  m = nextStep(m, LEAD);
  return phase === 'action' ? m : finishMeeting(m, LEAD, now);
}

const notes: MeetingNote[] = DIALOG_STEPS.flatMap((step) =>
  members.slice(0, 20).map((x, i) => ({ id: `${step}-${i}`, meetingId: 'm1', step, text: `${step} ${i} `.padEnd(4000, 'x'), authorId: x.aadObjectId, authorName: x.name, createdAt: new Date(now.getTime() + i).toISOString() })),
);

function view(meeting: Meeting, over: Partial<MeetingCardView> = {}): MeetingCardView {
  return { meeting, agreementVersion: 'v', ticks: [], notes, members, viewerId: LEAD, now, noteSubmissionId: 'sub-1', ...over };
}

afterAll(async () => {
  await closeAdaptiveCardValidator();
});

describe('the refleksionsmøde card', () => {
  for (const phase of ['preparation', 'dialog', 'prepareAction', 'action', 'finished'] as const) {
    it(`in phase ${phase} is valid, under 28 KB at the most it holds, and every action also works as Action.Submit`, async () => {
      const card = meetingCard(view(meetingAt(phase)), 'da');
      expect(cardSizeBytes(card)).toBeLessThanOrEqual(MEETING_CARD_MAX_BYTES);
      const result = await validateAdaptiveCard(card);
      expect(result.errors).toEqual([]);
      const actions = actionsOf(card);
      // A finished meeting has nothing left to do on its card.
      expect(actions.length > 0).toBe(phase !== 'finished');
      for (const a of actions) {
        expect(a.submitData?.['verb']).toBe(a.verb);
        expect(Object.keys(a.data)).not.toContain('key');
      }
    });
  }

  it('folds a long note, and with little room shows the newest notes and says how many are left out', () => {
    const short = notes.filter((n) => n.step === 'sinceLast').slice(0, 2).map((n, i) => ({ ...n, text: i === 0 ? 'Kort note' : `Lang note ${'y'.repeat(1000)}` }));
    const roomy = textOf(meetingCard(view(meetingAt('dialog'), { notes: short }), 'da'));
    expect(roomy).toContain('Kort note');
    expect(roomy).toMatch(/Lang note y+…/);
    // A hundred long notes on one step: the newest are shown, the count of the rest is named.
    const many = Array.from({ length: 100 }, (_, i) => ({ ...notes[0]!, id: `n${i}`, text: `Note ${i} `.padEnd(4000, 'z'), createdAt: new Date(now.getTime() + i).toISOString() }));
    const crowdedCard = meetingCard(view(meetingAt('dialog'), { notes: many }), 'da');
    expect(cardSizeBytes(crowdedCard)).toBeLessThanOrEqual(MEETING_CARD_MAX_BYTES);
    const crowded = textOf(crowdedCard);
    expect(crowded).toMatch(/\d+ ældre noter vises ikke her/);
    expect(crowded).toContain('Note 99');
    expect(crowded).not.toContain('Note 0 ');
  });

  it('offers the participants in the aftalepapir’s pickers, not a whole large team six times over', () => {
    const small = { ...meetingAt('prepareAction'), participantIds: ['aad-0', 'aad-1'] };
    const card = meetingCard(view(small, { notes: [] }), 'da');
    const pickers = JSON.stringify(card).match(/Medarbejder Nummer \d+ /g) ?? [];
    // Leader, one participant, and the 15 owners plus 3 follow-ups already chosen.
    expect(new Set(pickers).size).toBeLessThanOrEqual(2 + 15 + 3);
    expect(actionsOf(card).some((a) => a.verb === VERBS.meetingAgreement)).toBe(true);
  });

  it('exports as Markdown that shows a note as it was typed (no accidental bold, lists or headings)', () => {
    const typed: MeetingNote = { ...notes[0]!, step: 'explore', text: '*vigtigt* # ikke en overskrift\n- et punkt\n1. første' };
    const text = meetingMarkdown({ meeting: meetingAt('finished'), notes: [typed], members }, 'da');
    expect(text).toContain('- Medarbejder Nummer 0 Med Et Langt Efternavn: \\*vigtigt\\* \\# ikke en overskrift  \n\\- et punkt  \n1\\. første');
    expect(text).toContain('**Aftalepapir**');
    expect(text).toContain('7. dec. 2026');
  });

  it('offers the meeting’s .docx in a small valid card with one Action.OpenUrl, in Danish and English', async () => {
    const url = 'https://refleks.example.dk/api/files/abc.def';
    for (const [locale, title, says] of [['da', 'Hent som Word (.docx)', 'Linket virker i 1 time'], ['en', 'Download as Word (.docx)', 'The link works for 1 hour']] as const) {
      const card = meetingDownloadCard(url, 1, locale);
      expect((await validateAdaptiveCard(card)).errors).toEqual([]);
      expect(card['actions']).toEqual([{ type: 'Action.OpenUrl', title, url }]);
      expect(textOf(card)).toContain(says);
    }
  });

  it('shows the data basis of a meeting about a citizen: the formål and each active delmål’s latest score and trend', () => {
    const ok = <T,>(o: { ok: true; value: T } | { ok: false; errors: unknown }): T => {
      if (!o.ok) throw new Error('refused');
      return o.value;
    };
    let plan: Plan = ok(createPlan({ id: 'c1', tenantId: 't', teamId: 'team', alias: 'AB', targetGroup: 'adult', contactPersons: [LEAD], actorId: LEAD }, now));
    plan = ok(recordPurpose(plan, { id: 'p1', text: 'AB skal bo i egen bolig med bostøtte', receivedOn: '2026-10-01' }, LEAD, now));
    plan = ok(addGoal(plan, { id: 'g1', themeId: 'th1', text: 'AB laver selv aftensmad', ownerId: LEAD, revisionDate: '2027-03-01' }, LEAD, now));
    plan = ok(addGoal(plan, { id: 's1', parentId: 'g1', themeId: 'th1', text: 'AB skriver selv indkøbsliste', ownerId: LEAD, revisionDate: '2027-02-01' }, LEAD, now));
    plan = ok(addGoal(plan, { id: 's2', parentId: 'g1', themeId: 'th1', text: 'AB handler selv ind', ownerId: LEAD, revisionDate: '2027-02-01' }, LEAD, now));
    const institution = { tenantId: 't', teamId: 'team', name: 'Bostedet', members: [], settings: createDefaultSettings(), createdAt: now.toISOString(), createdBy: LEAD, updatedAt: now.toISOString() } as unknown as Institution;
    const basis = { institution, plan: { value: plan, etag: 'e' }, scores: { s1: { entries: 4, scored: 4, first: 3, latest: 2, average: 2.5, slope: -0.1, trend: 'improving' as const } }, resident: { count: 0 } } as unknown as MeetingCardView['basis'];
    const meeting = startMeeting({ id: 'm2', tenantId: 't', teamId: 'team', level: 'citizen', citizenId: 'c1', actorId: LEAD }, now);
    const card = textOf(meetingCard(view(meeting, { notes: [], alias: 'AB', ...(basis ? { basis } : {}) }), 'da'));
    expect(card).toContain('Borger: AB');
    expect(card).toContain('Formål: AB skal bo i egen bolig med bostøtte');
    expect(card).toMatch(/• AB skriver selv indkøbsliste: seneste 2 \S.* · ↘ mindre støttebehov/);
    expect(card).toContain('• AB handler selv ind: ingen scorer endnu');
  });
});
