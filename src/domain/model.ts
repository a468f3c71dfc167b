/**
 * The plan model: tilbud (institution), borger (citizen) with the individual plan,
 * formål (purpose), temaer (themes), mål/delmål (goals/sub-goals) and the two diaries.
 * Pure: zod schemas and types only. Stored documents are parsed with these schemas.
 */
import { z } from 'zod';
import { ScoreStatsSchema } from './scores.js';

export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd');
export const IsoDateTimeSchema = z.string().datetime({ offset: true });
/** An id (or a person's AAD object id) in a stored meeting or learning cycle. */
export const StoredIdSchema = z.string().min(1).max(200);

export const TargetGroupSchema = z.enum(['adult', 'child']);
export type TargetGroup = z.infer<typeof TargetGroupSchema>;

export const GoalStateSchema = z.enum([
  'active', // aktiv
  'achieved', // opnået
  'partlyAchieved', // delvist opnået
  'notAchieved', // ikke opnået
  'revised', // revideret
  'closed', // afsluttet
]);
export type GoalState = z.infer<typeof GoalStateSchema>;

export const RepresentativeRoleSchema = z.enum(['guardian', 'relative', 'custodyHolder']);
export type RepresentativeRole = z.infer<typeof RepresentativeRoleSchema>;

/** A Teams user as the bot knows it. The name is for display only: never logged. */
export const MemberSchema = z.object({
  aadObjectId: z.string().min(1),
  teamsUserId: z.string().min(1).optional(),
  name: z.string().default(''),
  role: z.enum(['owner', 'member']).default('member'),
});
export type Member = z.infer<typeof MemberSchema>;

export const SupportScaleStepSchema = z.object({
  value: z.number().int().min(0).max(10),
  label: z.object({ da: z.string(), en: z.string() }),
});
export type SupportScaleStep = z.infer<typeof SupportScaleStepSchema>;

export const ResidentContextSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  types: z.array(z.object({ id: z.string().min(1), name: z.string().min(1) })).min(1),
});
export type ResidentContext = z.infer<typeof ResidentContextSchema>;

// ---------------------------------------------------------------- deadlines and reminders (DOMAIN.md section 5)

/**
 * The kinds of deadline the bot reminds of (see domain/deadlines.ts). More kinds come later
 * (the tilbud's yearly method evaluation): add the name here and its default lead times in
 * deadlines.ts.
 */
export const DeadlineKindSchema = z.enum([
  'goalRevision', // revisionsdato of an active goal or sub-goal
  'statusReport', // status til myndighed
  'statusMeetingInvitation', // the yearly statusmøde: invite the municipality
  'purposeMissing', // formål fra handleplanen not yet in the plan
  'meetingAction', // an action of a refleksionsmøde's aftalepapir
  'trialStep', // a step of a læringscirkel's prøvehandling
]);
export type DeadlineKind = z.infer<typeof DeadlineKindSchema>;

const LOCAL_TIME = '([01]\\d|2[0-3]):[0-5]\\d';
/** A time of day in Copenhagen, HH:mm (24 h). */
export const LocalTimeSchema = z.string().regex(new RegExp(`^${LOCAL_TIME}$`), 'expected HH:mm, e.g. 07:30');
export type LocalTime = z.infer<typeof LocalTimeSchema>;

/**
 * Quiet hours in Copenhagen time, "HH:mm-HH:mm" (from-to, may run over midnight, e.g.
 * "17:00-07:30"), or "off". A reminder that falls inside waits for the end of them.
 */
export const QuietHoursSchema = z
  .string()
  .regex(new RegExp(`^(off|${LOCAL_TIME}-${LOCAL_TIME})$`), 'expected HH:mm-HH:mm in Copenhagen time (e.g. 17:00-07:30) or off')
  .refine((v) => v === 'off' || v.slice(0, 5) !== v.slice(6), 'quiet hours must start and end at different times');
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** Weekends (Saturday and Sunday, Copenhagen): skip = a reminder waits for Monday morning; send = no difference. */
export const WeekendPolicySchema = z.enum(['skip', 'send'], { error: 'expected skip (wait for Monday morning) or send' });
export type WeekendPolicy = z.infer<typeof WeekendPolicySchema>;

/**
 * A tilbud's lead times for one kind of deadline; a missing field keeps the default.
 * `before`: days before the due date a reminder goes out (0 = on the day);
 * `overdueEveryDays`: while the deadline is overdue, a reminder every this many days after the
 * due date (0 = none).
 */
export const LeadOverrideSchema = z.object({
  before: z.array(z.number().int().min(0).max(400)).max(10).optional(),
  overdueEveryDays: z.number().int().min(0).max(400).optional(),
});
export type LeadOverride = z.infer<typeof LeadOverrideSchema>;

/** Per kind of deadline; unknown kinds (from a newer version) are ignored. */
export const LeadDaysOverrideSchema = z
  .object(Object.fromEntries(DeadlineKindSchema.options.map((k) => [k, LeadOverrideSchema.optional()])) as Record<DeadlineKind, z.ZodOptional<typeof LeadOverrideSchema>>);
export type LeadDaysOverride = z.infer<typeof LeadDaysOverrideSchema>;

/**
 * A tilbud's own reminder settings; every field is optional and falls back to the bot's
 * (config REMINDER_QUIET_HOURS, REMINDER_WEEKENDS) or the domain defaults (lead times,
 * DOMAIN.md section 5). `sendTime`: the time of day a reminder "on day X" is planned for
 * (default: the end of the quiet hours, 07:30 when they are off).
 */
export const ReminderOverridesSchema = z.object({
  leadDays: LeadDaysOverrideSchema.optional(),
  quietHours: QuietHoursSchema.optional(),
  weekends: WeekendPolicySchema.optional(),
  sendTime: LocalTimeSchema.optional(),
});
export type ReminderOverrides = z.infer<typeof ReminderOverridesSchema>;

export const InstitutionSettingsSchema = z.object({
  supportScale: z.array(SupportScaleStepSchema).min(2),
  residentContexts: z.array(ResidentContextSchema).min(1),
  themesAdult: z.array(z.string().min(1)).min(1),
  themesChild: z.array(z.string().min(1)).min(1),
  trialCycleLimitDays: z.number().int().positive().default(14),
  /** The tilbud's reminder settings (absent = the bot's defaults). */
  reminders: ReminderOverridesSchema.optional(),
  /**
   * The tilbud's ledere (AAD object ids, members of the team): they get the escalation of a
   * deadline a week overdue and the weekly digest. Set with `@Refleks ledere @navn …`.
   */
  managers: z.array(z.string().min(1)).max(20).optional(),
});
export type InstitutionSettings = z.infer<typeof InstitutionSettingsSchema>;

/** Tilbud = one Teams team in one tenant: the team id is its id. */
export const InstitutionSchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  name: z.string().default(''),
  demo: z.boolean().default(false),
  members: z.array(MemberSchema).default([]),
  membersRefreshedAt: IsoDateTimeSchema.optional(),
  settings: InstitutionSettingsSchema,
  createdAt: IsoDateTimeSchema,
  createdBy: z.string(),
  updatedAt: IsoDateTimeSchema,
});
export type Institution = z.infer<typeof InstitutionSchema>;

export const PurposeRevisionSchema = z.object({
  text: z.string(),
  receivedOn: IsoDateSchema,
  recordedAt: IsoDateTimeSchema,
  recordedBy: z.string(),
});
export type PurposeRevision = z.infer<typeof PurposeRevisionSchema>;

/** Formål fra handleplanen. Absent = "mangler" (a visible state on the plan). */
export const PurposeSchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  receivedOn: IsoDateSchema,
  recordedAt: IsoDateTimeSchema,
  recordedBy: z.string(),
  revisions: z.array(PurposeRevisionSchema).default([]),
});
export type Purpose = z.infer<typeof PurposeSchema>;

export const ThemeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  resources: z.string().default(''),
  challenges: z.string().default(''),
  latestEvaluation: z.string().optional(),
});
export type Theme = z.infer<typeof ThemeSchema>;

export const GoalChangeSchema = z.object({
  at: IsoDateTimeSchema,
  by: z.string(),
  /** Which fields changed; the values themselves stay in the plan, never in logs. */
  fields: z.array(z.string()),
  fromState: GoalStateSchema.optional(),
  toState: GoalStateSchema.optional(),
  previous: z.record(z.string(), z.unknown()).optional(),
});
export type GoalChange = z.infer<typeof GoalChangeSchema>;

/**
 * Mål (parentId absent) or delmål (parentId = the goal's id). Fields beyond the
 * core (text, theme, owner, revisionsdato, state) are optional here and filled
 * by the SMORTE wizard.
 */
export const GoalSchema = z.object({
  id: z.string().min(1),
  parentId: z.string().optional(),
  themeId: z.string().min(1),
  purposeLinked: z.boolean().default(false),
  text: z.string().min(1),
  ownerId: z.string().min(1),
  revisionDate: IsoDateSchema,
  endDate: IsoDateSchema.optional(),
  state: GoalStateSchema.default('active'),
  kind: z.enum(['progression', 'maintenance']).optional(),
  indicator: z.string().optional(),
  /** Borgerens medvirken: how the citizen took part, or that a representative did. */
  participationMode: z.enum(['citizen', 'representative', 'declined']).optional(),
  participation: z.string().optional(),
  /** The goal this one revises (the old one is kept with state "revideret"). */
  revisionOf: z.string().optional(),
  /** SMORTE finding codes when the goal was last saved (the plan card's badges). */
  smorteCodes: z.array(z.string()).optional(),
  interventions: z.array(z.string()).default([]),
  externalActors: z.array(z.string()).default([]),
  createdAt: IsoDateTimeSchema,
  createdBy: z.string(),
  updatedAt: IsoDateTimeSchema,
  history: z.array(GoalChangeSchema).default([]),
});
export type Goal = z.infer<typeof GoalSchema>;

// ---------------------------------------------------------------- evaluation (seed 001, section 3)

export const AssessmentSchema = z.enum(['achieved', 'partlyAchieved', 'maintained', 'notAchieved', 'worsened']);
export type Assessment = z.infer<typeof AssessmentSchema>;

export const DecisionSchema = z.enum(['continue', 'revise', 'close']);
export type Decision = z.infer<typeof DecisionSchema>;

export const GasScoreSchema = z.number().int().min(-2).max(2);

export const EvidenceSchema = z.object({
  periodFrom: IsoDateTimeSchema,
  periodTo: IsoDateTimeSchema,
  entries: z.number().int().min(0),
  scored: z.number().int().min(0),
  notes: z.number().int().min(0),
  first: z.number().optional(),
  latest: z.number().optional(),
  average: z.number().optional(),
  trend: z.enum(['improving', 'stable', 'worsening', 'insufficient']),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const EvaluationSchema = z.object({
  id: z.string().min(1),
  goalId: z.string().min(1),
  evidence: EvidenceSchema,
  assessment: AssessmentSchema,
  whatWorked: z.string().default(''),
  decision: DecisionSchema,
  newRevisionDate: IsoDateSchema.optional(),
  gas: GasScoreSchema.optional(),
  evaluatedAt: IsoDateTimeSchema,
  evaluatedBy: z.string().min(1),
});
export type Evaluation = z.infer<typeof EvaluationSchema>;

// ---------------------------------------------------------------- status til myndighed (seed 001, section 4)

/**
 * Status til myndighed. `lastSentOn`: the day the latest status was sent to the municipality
 * (absent = none yet: the first is due a year after the formål was received).
 * `intervalMonths`: the interval agreed with the municipality (absent = 12; a two-year agreement
 * is 24 and must be recorded here, seed 001 note 5).
 */
/**
 * One registration of the status dates from the plan card ("Registrér status"): what was
 * recorded, when and by whom. The plan keeps the earlier ones (newest last, a few) as its record
 * of how the status deadline moved.
 */
export const StatusRecordSchema = z.object({
  lastSentOn: IsoDateSchema.optional(),
  intervalMonths: z.number().int().min(1).max(36).optional(),
  lastHeldOn: IsoDateSchema.optional(),
  invitedOn: IsoDateSchema.optional(),
  recordedAt: IsoDateTimeSchema,
  recordedBy: z.string(),
});
export type StatusRecord = z.infer<typeof StatusRecordSchema>;

export const StatusReportStateSchema = z.object({
  lastSentOn: IsoDateSchema.optional(),
  intervalMonths: z.number().int().min(1).max(36).optional(),
  /** The latest registration from the plan card (absent: never registered there). */
  recordedAt: IsoDateTimeSchema.optional(),
  recordedBy: z.string().optional(),
  /** The registrations before the latest one, newest last (see STATUS_HISTORY_MAX in plan.ts). */
  history: z.array(StatusRecordSchema).optional(),
});
export type StatusReportState = z.infer<typeof StatusReportStateSchema>;

/**
 * The yearly statusmøde with the municipality. `lastHeldOn`: the day of the latest one (absent =
 * none yet: the first is due a year after the formål was received). `invitedOn`: the day the
 * municipality was last invited; an invitation on or after the latest meeting (or the formål's
 * date) means the invitation for the next one is done.
 */
export const StatusMeetingStateSchema = z.object({
  lastHeldOn: IsoDateSchema.optional(),
  invitedOn: IsoDateSchema.optional(),
});
export type StatusMeetingState = z.infer<typeof StatusMeetingStateSchema>;

/** The borger with the individual plan. Stored as one document; etag guards it. */
export const PlanSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  alias: z.string().min(1),
  aliasKey: z.string().min(1),
  targetGroup: TargetGroupSchema,
  contactPersons: z.array(z.string()).default([]),
  representative: RepresentativeRoleSchema.optional(),
  purpose: PurposeSchema.optional(),
  themes: z.array(ThemeSchema),
  goals: z.array(GoalSchema).default([]),
  evaluations: z.array(EvaluationSchema).default([]),
  statusReport: StatusReportStateSchema.optional(),
  statusMeeting: StatusMeetingStateSchema.optional(),
  demo: z.boolean().default(false),
  /** Submission ids of the latest writes (newest last): a repeated delivery is a no-op. */
  recentSubmissions: z.array(z.string()).default([]),
  createdAt: IsoDateTimeSchema,
  createdBy: z.string(),
  updatedAt: IsoDateTimeSchema,
  updatedBy: z.string(),
});
export type Plan = z.infer<typeof PlanSchema>;

const DiaryBaseSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  citizenId: z.string().min(1),
  note: z.string().min(1),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  recordedBy: z.string().min(1),
  /** The card submission (or activity) that caused the write: the idempotency key. */
  submissionId: z.string().min(1),
});

/** Delmålsdagbog: støttebehov score (null = "ikke vurderet") and a note, both required. */
export const SubGoalDiaryEntrySchema = DiaryBaseSchema.extend({
  kind: z.literal('subGoal'),
  goalId: z.string().min(1),
  score: z.number().int().nullable(),
  intervention: z.string().optional(),
  externalActors: z.string().optional(),
});
export type SubGoalDiaryEntry = z.infer<typeof SubGoalDiaryEntrySchema>;

/** Beboerdagbog: a note with a kontekst and a type, both required. */
export const ResidentDiaryEntrySchema = DiaryBaseSchema.extend({
  kind: z.literal('resident'),
  contextId: z.string().min(1),
  entryTypeId: z.string().min(1),
});
export type ResidentDiaryEntry = z.infer<typeof ResidentDiaryEntrySchema>;

export const DiaryEntrySchema = z.discriminatedUnion('kind', [SubGoalDiaryEntrySchema, ResidentDiaryEntrySchema]);
export type DiaryEntry = z.infer<typeof DiaryEntrySchema>;

/** One goal's running diary figures: for its own period, and, for a sub-goal, its share of the parent's period. */
export const GoalStatsSchema = z.object({
  own: ScoreStatsSchema,
  parentId: z.string().optional(),
  parent: ScoreStatsSchema.optional(),
});
export type GoalStats = z.infer<typeof GoalStatsSchema>;

/**
 * What the plan card and the evaluation need from a citizen's diaries, kept up to date as
 * entries arrive, so no card reads the diary history. One document per citizen.
 */
export const DiarySummarySchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  citizenId: z.string().min(1),
  /** By goal id: the goals of the plan that took entries. */
  goals: z.record(z.string(), GoalStatsSchema).default({}),
  resident: z.object({ entries: z.number().int().min(0), latestAt: z.string().optional() }).default({ entries: 0 }),
  /** Ids of the latest entries counted (newest last): a repeated delivery is not counted twice. */
  recentEntryIds: z.array(z.string()).default([]),
  updatedAt: IsoDateTimeSchema,
});
export type DiarySummary = z.infer<typeof DiarySummarySchema>;

/** One citizen in the tilbud's citizen index: what the lists show, without reading the plan. */
export const CitizenIndexEntrySchema = z.object({
  id: z.string().min(1),
  alias: z.string().min(1),
  aliasKey: z.string().min(1),
  targetGroup: TargetGroupSchema,
  contactPersons: z.array(z.string()).default([]),
  /** Who owns the citizen's active goals and delmål (their own citizens come first in the lists). */
  goalOwners: z.array(z.string()).default([]),
  hasPurpose: z.boolean().default(false),
  demo: z.boolean().default(false),
});
export type CitizenIndexEntry = z.infer<typeof CitizenIndexEntrySchema>;

/** The tilbud's citizens (one small document per tilbud): `borgere` and `dagbog` read only this. */
export const CitizenIndexSchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  citizens: z.array(CitizenIndexEntrySchema).default([]),
  updatedAt: IsoDateTimeSchema,
});
export type CitizenIndex = z.infer<typeof CitizenIndexSchema>;

/** Older parts of a citizen's plan (see domain/plan-retention.ts): one document per citizen and year. */
export const PlanArchiveSchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  citizenId: z.string().min(1),
  year: z.string().regex(/^\d{4}$/),
  goals: z.array(GoalSchema).default([]),
  evaluations: z.array(EvaluationSchema).default([]),
  goalHistory: z.array(z.object({ goalId: z.string().min(1), change: GoalChangeSchema })).default([]),
  purposeRevisions: z.array(PurposeRevisionSchema).default([]),
  updatedAt: IsoDateTimeSchema,
});
export type PlanArchive = z.infer<typeof PlanArchiveSchema>;

/** Where the bot can reach a user or a conversation later (reminders). No message content. */
export const ConversationRefSchema = z.object({
  tenantId: z.string().min(1),
  aadObjectId: z.string().optional(),
  teamsUserId: z.string().optional(),
  conversationId: z.string().min(1),
  conversationType: z.string().default('personal'),
  serviceUrl: z.string().min(1),
  botId: z.string().optional(),
  channelId: z.string().default('msteams'),
  teamId: z.string().optional(),
  locale: z.string().optional(),
  updatedAt: IsoDateTimeSchema,
});
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

/** A user's membership of a tilbud, kept in the user's own partition to list "my" tilbud. */
export const MembershipSchema = z.object({
  tenantId: z.string().min(1),
  aadObjectId: z.string().min(1),
  teamId: z.string().min(1),
  teamName: z.string().default(''),
  updatedAt: IsoDateTimeSchema,
});
export type Membership = z.infer<typeof MembershipSchema>;

export const AuditEventSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  at: IsoDateTimeSchema,
  actor: z.string(),
  action: z.string(),
  teamId: z.string().optional(),
  resourceType: z.string(),
  resourceId: z.string().optional(),
  outcome: z.enum(['allowed', 'denied']),
  reason: z.string().optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** Audit events as stored: a batch of one partition (a tilbud and month), written together. */
export const AuditBatchSchema = z.object({
  tenantId: z.string().min(1),
  /** The earliest event's time (the batches are listed in this order). */
  at: IsoDateTimeSchema,
  events: z.array(AuditEventSchema).min(1),
});
export type AuditBatch = z.infer<typeof AuditBatchSchema>;

/** The citizens a user opened last (newest first, a few): the diary's citizen picker starts with them. In the user's own partition. */
export const RecentCitizensSchema = z.object({
  tenantId: z.string().min(1),
  aadObjectId: z.string().min(1),
  citizens: z.array(z.object({ teamId: z.string().min(1), citizenId: z.string().min(1), at: IsoDateTimeSchema })).default([]),
  updatedAt: IsoDateTimeSchema,
});
export type RecentCitizens = z.infer<typeof RecentCitizensSchema>;

/** A card flow in progress (wizard drafts): survives a closed chat. */
export const DraftSchema = z.object({
  tenantId: z.string().min(1),
  aadObjectId: z.string().min(1),
  key: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  updatedAt: IsoDateTimeSchema,
});
export type Draft = z.infer<typeof DraftSchema>;
