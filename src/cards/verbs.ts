/** Card action verbs. A verb names the intention; ids and versions travel in the action's data. */
export const VERBS = {
  helpShow: 'help.show',
  citizenList: 'citizen.list',
  citizenNew: 'citizen.new',
  citizenSave: 'citizen.save',
  planShow: 'plan.show',
  purposeEdit: 'purpose.edit',
  purposeSave: 'purpose.save',
  goalNew: 'goal.new',
  diaryStart: 'diary.start',
  diaryPickCitizen: 'diary.pickCitizen',
  diaryPickTarget: 'diary.pickTarget',
  diarySave: 'diary.save',
  goalWizardNext: 'goal.wizardNext',
  goalWizardBack: 'goal.wizardBack',
  goalWizardSave: 'goal.wizardSave',
  goalWizardRestart: 'goal.wizardRestart',
  goalEdit: 'goal.edit',
  evalStart: 'eval.start',
  evalOpen: 'eval.open',
  evalSave: 'eval.save',
  reminderDone: 'reminder.done',
  reminderSnooze: 'reminder.snooze',
  statusEdit: 'status.edit',
  statusSave: 'status.save',
  meetingView: 'meeting.view',
  meetingTick: 'meeting.tick',
  meetingMove: 'meeting.move',
  meetingHide: 'meeting.hide',
  meetingNote: 'meeting.note',
  meetingAgreement: 'meeting.agreement',
  meetingFinish: 'meeting.finish',
  meetingActions: 'meeting.actions',
  meetingParticipants: 'meeting.participants',
  meetingActionDone: 'meeting.actionDone',
  cycleCreate: 'cycle.create',
  cycleView: 'cycle.view',
  cycleIdea: 'cycle.idea',
  cycleTrial: 'cycle.trial',
  cycleSave: 'cycle.save',
  cycleMove: 'cycle.move',
  cycleDecide: 'cycle.decide',
  cycleNext: 'cycle.next',
  cycleStage: 'cycle.stage',
  cycleBoard: 'cycle.board',
  cycleBoardIdea: 'cycle.boardIdea',
  cycleCatalogue: 'cycle.catalogue',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly Verb[] = Object.values(VERBS);

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (ALL_VERBS as readonly string[]).includes(value);
}
