/**
 * The team's own deadlines, end to end on both stores: an action agreed in a refleksionsmøde
 * becomes a deadline for its owner when the meeting is finished. The reminder engine reminds the
 * owner the day before and on the day (DOMAIN.md section 5), "frister" lists it, and "Markér som
 * klaret" on the reminder marks the action done in the meeting: the channel's `aftaler` no longer
 * lists it and no further reminder comes. A læringscirkel's prøvehandling reminds the people its
 * plan names of the step it is at (and the steps after it), and moves on with the trial.
 *
 * The harness clock starts Monday 2026-11-23 09:30 UTC (10:30 in Copenhagen).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, findAction, invokeCardOf, textOf, USERS, type CardJson, type Harness, type TestUser } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import { act, inChannel } from '../support/meeting-flows.js';
import type { StoreKind } from '../support/stores.js';

const KINDS: StoreKind[] = ['embedded', 'cosmos'];
const FAST = { backoffBaseMs: 60_000, backoffMaxMs: 600_000, sendTimeoutMs: 1_500, claimTimeoutMs: 120_000, perConversationMs: 50, ratePerSecond: 50 };

const next = (card: CardJson) => findAction(card, VERBS.meetingMove, (a) => a.data['direction'] === 'next').data;

/** An indsats-level meeting run to its end by Anna, with one action for `owner` due on `dueDate`. */
async function finishedMeetingWithAction(h: Harness, owner: TestUser, what: string, dueDate: string): Promise<void> {
  const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde indsats');
  const id = posted!.id;
  let card = posted!.card;
  for (let step = 0; step < 4; step++) card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, next(card)));
  const save = findAction(card, VERBS.meetingAgreement);
  card = invokeCardOf(
    await act(h, USERS.anna, id, VERBS.meetingAgreement, {
      ...save.data,
      shortTermGoal: 'Fælles aftensmad fire dage om ugen',
      longTermGoal: 'Alle beboere er med i madplanen',
      longTermMonths: '6',
      progressData: 'Antal fælles aftensmåltider om ugen',
      action0What: what,
      action0Who: owner.aadObjectId,
      action0FollowUp: USERS.anna.aadObjectId,
      action0When: dueDate,
    }),
  );
  expect(textOf(card)).toContain('Aftalepapiret er gemt.');
  card = invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingMove, next(card)));
  expect(textOf(invokeCardOf(await act(h, USERS.anna, id, VERBS.meetingFinish, findAction(card, VERBS.meetingFinish).data)))).toContain('Mødet blev afsluttet');
}

function remindersTo(h: Harness, who: TestUser, from = 0): CardJson[] {
  return h.connector.sent.slice(from).flatMap((s) => {
    const card = (s.body['attachments'] as Array<{ content?: CardJson }> | undefined)?.[0]?.content;
    const to = JSON.stringify(s.body['recipient'] ?? '') + s.conversationId;
    return card && /Påmindelse/.test(textOf(card)) && (to.includes(who.id) || to.includes(who.aadObjectId)) ? [card] : [];
  });
}

/** A fresh app with Anna and Bo in the team (Bo has a personal chat with the bot), for the tests of a describe. */
function useTeam(kind: StoreKind): () => Harness {
  let h: Harness | undefined;
  useApp(
    kind,
    async (started) => {
      h = started.h;
      await h.setupTeam(USERS.anna, [USERS.anna, USERS.bo]);
      await h.message(USERS.bo, 'hjælp');
    },
    { reminderEngine: FAST },
  );
  return () => h!;
}

describe.each(KINDS)('an aftalepapir action as a deadline on the %s store', (kind) => {
  const team = useTeam(kind);
  let h: Harness;
  beforeEach(() => {
    h = team();
  });

  it('reminds its owner the day before and on the day; done from the reminder, it is done in the meeting', async () => {
    await finishedMeetingWithAction(h, USERS.bo, 'Lav en madplan for december med beboerne', '2026-11-25');
    // Nothing is due yet on Monday (the day before is Tuesday).
    expect(await h.app.reminders.runOnce()).toMatchObject({ sent: 0 });

    // Tuesday 07:30 in Copenhagen: the day before.
    h.now.value = new Date('2026-11-24T06:30:00Z');
    const before = h.connector.sent.length;
    expect(await h.app.reminders.runOnce()).toMatchObject({ sent: 1 });
    const [reminder] = remindersTo(h, USERS.bo, before);
    expect(reminder).toBeDefined();
    const text = textOf(reminder!);
    expect(text).toContain('Aftale fra refleksionsmøde');
    expect(text).toContain('Lav en madplan for december med beboerne');
    expect(text).toContain('indsatsniveau');
    expect(text).toContain('Om 1 dag (25. nov. 2026)');
    expect(text).toContain('Se aftalerne');
    expect(text).not.toContain('Åbn planen');

    // Bo's own list of deadlines has it, named by the meeting's subject.
    const frister = textOf(cardOf((await h.message(USERS.bo, 'frister')).replies[0]));
    expect(frister).toContain('indsatsniveau · Aftale fra refleksionsmøde');
    expect(frister).toContain('Aftale: Lav en madplan for december med beboerne');
    // "Se aftalerne" opens the team's open actions.
    const sentBefore = h.connector.sent.length;
    const opened = await h.invoke(USERS.bo, VERBS.meetingActions, findAction(reminder!, VERBS.meetingActions).data);
    expect(opened.status).toBe(200);
    const list = h.connector.sent.slice(sentBefore).find((x) => x.body['attachments']);
    expect(textOf(cardOf(list))).toContain('Åbne aftaler fra møderne');
    expect(textOf(cardOf(list))).toContain('Lav en madplan for december med beboerne');

    // Anna, who follows up, has no reminder of Bo's action; Bo marks it done from his reminder.
    expect(remindersTo(h, USERS.anna, before)).toHaveLength(0);
    const done = invokeCardOf(await h.invoke(USERS.bo, VERBS.reminderDone, findAction(reminder!, VERBS.reminderDone).data));
    expect(textOf(done)).toContain('Markeret som klaret');
    // A double click answers the same, and changes nothing.
    expect(textOf(invokeCardOf(await h.invoke(USERS.bo, VERBS.reminderDone, findAction(reminder!, VERBS.reminderDone).data)))).not.toMatch(/fejl|error/i);
    const [channelList] = await inChannel(h, USERS.anna, 'aftaler');
    expect(textOf(channelList!.card)).not.toContain('Lav en madplan for december');

    // Wednesday, the day itself: no reminder of a done action.
    h.now.value = new Date('2026-11-25T06:30:00Z');
    const later = h.connector.sent.length;
    await h.app.reminders.runOnce();
    expect(remindersTo(h, USERS.bo, later)).toHaveLength(0);
    expect(textOf(cardOf((await h.message(USERS.bo, 'frister')).replies[0]))).not.toContain('Lav en madplan for december');
  });

  it('an action left open is reminded on its day too, and snoozing it brings it back a day later', async () => {
    h.now.value = new Date('2026-11-25T09:30:00Z');
    await finishedMeetingWithAction(h, USERS.bo, 'Ring til kommunen om ferieturen', '2026-11-27');
    h.now.value = new Date('2026-11-26T06:30:00Z');
    const dayBefore = h.connector.sent.length;
    await h.app.reminders.runOnce();
    expect(remindersTo(h, USERS.bo, dayBefore).map(textOf).join('\n')).toContain('Om 1 dag (27. nov. 2026)');
    h.now.value = new Date('2026-11-27T06:30:00Z');
    const from = h.connector.sent.length;
    await h.app.reminders.runOnce();
    const [onDay] = remindersTo(h, USERS.bo, from);
    expect(textOf(onDay!)).toContain('I dag (27. nov. 2026)');
    expect(textOf(onDay!)).toContain('Ring til kommunen om ferieturen');
    const snooze = findAction(onDay!, VERBS.reminderSnooze, (a) => a.data['days'] === '1');
    expect(textOf(invokeCardOf(await h.invoke(USERS.bo, VERBS.reminderSnooze, snooze.data)))).toContain('Udsat.');
    // Still open in the meeting: a snooze is the owner's, not the team's.
    const [list] = await inChannel(h, USERS.anna, 'aftaler');
    expect(textOf(list!.card)).toContain('Ring til kommunen om ferieturen');
    // Friday's snooze ends on the next working morning: Monday 07:30.
    h.now.value = new Date('2026-11-30T06:31:00Z');
    const again = h.connector.sent.length;
    await h.app.reminders.runOnce();
    expect(remindersTo(h, USERS.bo, again).map(textOf).join('\n')).toContain('Ring til kommunen om ferieturen');
  });

  it('a week overdue, the managers get an escalation that names the action and opens the team’s actions, not a plan', async () => {
    h.now.value = new Date('2026-12-01T09:30:00Z');
    await inChannel(h, USERS.bo, 'ledere', [USERS.anna]);
    await finishedMeetingWithAction(h, USERS.bo, 'Aftal tandlægetider for december', '2026-12-02');
    // Eight days after the due date (Thursday 10 December, 07:30 in Copenhagen).
    h.now.value = new Date('2026-12-10T06:30:00Z');
    const from = h.connector.sent.length;
    await h.app.reminders.runOnce();
    await h.app.reminders.runOnce();
    const escalations = h.connector.sent.slice(from).flatMap((x) => {
      const card = (x.body['attachments'] as Array<{ content?: CardJson }> | undefined)?.[0]?.content;
      return card && textOf(card).includes('Overskredet frist') && textOf(card).includes('Aftal tandlægetider') ? [card] : [];
    });
    expect(escalations).toHaveLength(1);
    const text = textOf(escalations[0]!);
    expect(text).toContain('Aftale fra refleksionsmøde');
    expect(text).toContain('Bo Kollega');
    expect(text).toContain('Se aftalerne');
    expect(text).not.toContain('Åbn planen');
  });
});

describe.each(KINDS)('a prøvehandling’s steps as deadlines on the %s store', (kind) => {
  const team = useTeam(kind);
  let h: Harness;
  beforeEach(() => {
    h = team();
  });

  it('reminds the people the plan names of the step it is at, opens the board, and moves on with the trial', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'læringscirkel Morgenmad med piktogrammer');
    const id = posted!.id;
    let card = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleCreate, { ...findAction(posted!.card, VERBS.cycleCreate).data, title: 'Morgenmad med piktogrammer', aim: 'Beboerne vælger selv pålæg', measure: 'Vi tæller de dage, de selv vælger' }));
    card = invokeCardOf(await act(h, USERS.anna, id, VERBS.cycleTrial, findAction(card, VERBS.cycleTrial, (a) => a.title === 'Ny prøvehandling').data));
    const save = (c: CardJson) => findAction(c, VERBS.cycleSave, (a) => a.data['advance'] === '1').data;
    card = invokeCardOf(
      await act(h, USERS.anna, id, VERBS.cycleSave, {
        ...save(card),
        hypothesis: 'Hvis vi bruger piktogrammer ved morgenmaden, så vælger beboerne selv pålæg mindst fire dage om ugen',
        what: 'Piktogrammer ved morgenmaden',
        who: USERS.bo.aadObjectId,
        where: 'Køkkenet',
        startDate: '2026-11-24',
        endDate: '2026-11-30',
        data: 'Dage med eget valg',
        collection: 'Bo tæller hver morgen',
      }),
    );
    expect(textOf(card)).toContain('Prøvehandlingen er nu ved "Afprøv".');

    // Afprøv ends Monday 30 November (the day before is a Sunday: one reminder, on the day).
    h.now.value = new Date('2026-11-30T06:30:00Z');
    const from = h.connector.sent.length;
    await h.app.reminders.runOnce();
    const [reminder] = remindersTo(h, USERS.bo, from);
    const text = textOf(reminder!);
    expect(text).toContain('Trin i en prøvehandling');
    expect(text).toContain('Piktogrammer ved morgenmaden');
    expect(text).toContain('Afprøv');
    expect(text).toContain('I dag (30. nov. 2026)');
    expect(remindersTo(h, USERS.anna, from)).toHaveLength(0);
    // It opens the fremdriftsmøde board, where the trial runs with its step and owner.
    const before = h.connector.sent.length;
    expect((await h.invoke(USERS.bo, VERBS.cycleBoard, findAction(reminder!, VERBS.cycleBoard).data)).status).toBe(200);
    const board = h.connector.sent.slice(before).find((x) => x.body['attachments']);
    expect(textOf(cardOf(board))).toContain('Piktogrammer ved morgenmaden');

    // The trial moves on to Reflektér: Afprøv's reminders go; Reflektér (Wednesday 2 December) comes the day before.
    card = invokeCardOf(await act(h, USERS.bo, id, VERBS.cycleSave, { ...save(card), happened: 'Brugt hver morgen', surprises: '', data: 'Fem af syv dage' }));
    expect(textOf(card)).toContain('Prøvehandlingen er nu ved "Reflektér".');
    h.now.value = new Date('2026-12-01T06:30:00Z');
    const next = h.connector.sent.length;
    await h.app.reminders.runOnce();
    const texts = remindersTo(h, USERS.bo, next).map(textOf).join('\n');
    expect(texts).toContain('Reflektér');
    expect(texts).toContain('Om 1 dag (2. dec. 2026)');
    expect(texts).not.toContain('Afprøv');
  });
});

