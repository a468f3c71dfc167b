/**
 * The Teams adapter of Refleks: text commands, card actions (Action.Execute invokes and
 * the Action.Submit fallback), team registration and roster events, and conversation
 * references for the reminders. All real work happens in the use cases.
 */
import { meetingDownloadCard, meetingDownloadUnavailable, meetingMarkdown } from '../cards/meeting-views.js';
import { meetingAnswer, openActionsAnswer, sharedCardOf } from './meeting-actions.js';
import { boardAnswer, catalogueAnswer, newPointAnswer } from './cycle-actions.js';
import { viewBoard } from '../usecases/run-cycle.js';
import { latestFinishedMeeting, startReflectionMeeting } from '../usecases/run-meeting.js';
import { DEFAULT_LINK_TTL_MS, type DownloadLinks } from '../http/downloads.js';
import {
  ActivityTypes,
  CardFactory,
  TeamsActivityHandler,
  type Activity,
  type InvokeResponse,
  type TeamsChannelAccount,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from '../logger.js';
import { containsCpr, CPR_REFUSAL } from '../domain/cpr.js';
import { strings, type Locale } from '../cards/i18n.js';
import { ambiguousCitizenCard, helpCard, messageCard, OPENS_NEW_CARD, type Card } from '../cards/views.js';
import { isVerb, VERBS, type Verb } from '../cards/verbs.js';
import { CorruptDocumentError } from '../store/ports.js';
import type { Repositories } from '../store/repositories.js';
import type { Actor, Call, Deps } from '../usecases/context.js';
import { deriveId, newId } from '../usecases/context.js';
import type { RetryPolicy } from '../store/retry.js';
import { findCitizensByAlias } from '../usecases/manage-citizens.js';
import { registerInstitution, updateRoster } from '../usecases/manage-institution.js';
import { setManagers, showManagers } from '../usecases/manage-managers.js';
import { AccessDeniedError } from '../usecases/errors.js';
import { MAX_MANAGERS } from '../domain/managers.js';
import { actorOf, mentionsOf, teamOf, tenantOf } from './actor.js';
import { BadPayloadError } from './action-types.js';
import { HANDLERS, openCitizenForm, openDiaryTargets, openGoalForm, refusalCard, startDiary } from './card-actions.js';
import { parseCommand, type Command } from './commands.js';
import { openEvaluationList } from './goal-actions.js';
import { openDeadlines } from './reminder-actions.js';
import { deadlineStrings } from '../cards/deadline-views.js';
import { readTeamName, readTeamRoster, turnRosterProvider } from './roster.js';
import { ConnectorUnavailableError } from './adapter.js';
import { ConversationRefCache } from './conversation-refs.js';

export interface BotOptions {
  repos: Repositories;
  logger: Logger;
  clock?: () => Date;
  /** Answer in this language whatever the Teams locale says (the Playground always says en-US). */
  forceLocale?: 'da' | 'en';
  /** How plan writes retry under contention (defaults in store/retry.ts). */
  writeRetry?: Partial<RetryPolicy>;
  /** Signed download links (a meeting's .docx); without them, or without a public base URL, none is offered. */
  downloads?: Pick<DownloadLinks, 'linkFor'>;
}

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

function invokeCard(card: Card): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } };
}

function invokeMessage(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } };
}

/** Takes the "open as a new card" flag out of action data (the handlers never see it). */
function splitOpensNew(data: Record<string, unknown>): { opensNew: boolean; data: Record<string, unknown> } {
  const { [OPENS_NEW_CARD]: flag, ...rest } = data;
  return { opensNew: flag === '1', data: rest };
}

/** Invoke names Teams sends that Refleks does not handle (logged by name; any other name as "other"). */
const KNOWN_INVOKES: ReadonlySet<string> = new Set([
  'task/fetch',
  'task/submit',
  'config/fetch',
  'config/submit',
  'signin/verifyState',
  'signin/tokenExchange',
  'fileConsent/invoke',
  'actionableMessage/executeAction',
  'tab/fetch',
  'tab/submit',
  'application/search',
  'healthCheck',
  'handoff/action',
  'composeExtension/query',
  'composeExtension/queryLink',
  'composeExtension/anonymousQueryLink',
  'composeExtension/selectItem',
  'composeExtension/submitAction',
  'composeExtension/fetchTask',
  'composeExtension/querySettingUrl',
  'composeExtension/setting',
  'composeExtension/onCardButtonClicked',
]);

function invokeError(status: 400 | 403 | 500, code: string, message: string): InvokeResponse {
  return { status, body: { statusCode: status, type: 'application/vnd.microsoft.error', value: { code, message } } };
}

export class RefleksBot extends TeamsActivityHandler {
  private readonly clock: () => Date;
  private readonly refs: ConversationRefCache;

  constructor(private readonly options: BotOptions) {
    super();
    this.clock = options.clock ?? (() => new Date());
    this.refs = new ConversationRefCache(options.repos);
  }

  private actor(context: TurnContext): Actor | undefined {
    return actorOf(context.activity, this.options.forceLocale);
  }

  private log(context: TurnContext, verb?: string): Logger {
    return this.options.logger.child({ activityId: context.activity.id, tenantId: tenantOf(context.activity), verb });
  }

  private call(context: TurnContext, actor: Actor, logger: Logger): Call {
    const deps: Deps = { repos: this.options.repos, roster: turnRosterProvider(context), logger, ...(this.options.writeRetry ? { writeRetry: this.options.writeRetry } : {}) };
    return { actor, now: this.clock(), deps };
  }

  override async run(context: TurnContext): Promise<void> {
    await this.captureReference(context);
    await super.run(context);
  }

  /** Remembers where to reach this user and conversation (for reminders). Never blocks the turn on failure. */
  private async captureReference(context: TurnContext): Promise<void> {
    const a = context.activity;
    const tenantId = tenantOf(a);
    if (!tenantId || !a.conversation?.id || !a.serviceUrl || !a.from) return;
    const team = teamOf(a);
    try {
      await this.refs.remember({
        tenantId,
        ...(a.from.aadObjectId ? { aadObjectId: a.from.aadObjectId } : {}),
        ...(a.from.id ? { teamsUserId: a.from.id } : {}),
        conversationId: a.conversation.id,
        conversationType: a.conversation.conversationType ?? 'personal',
        serviceUrl: a.serviceUrl,
        ...(a.recipient?.id ? { botId: a.recipient.id } : {}),
        channelId: a.channelId ?? 'msteams',
        ...(team ? { teamId: team.id } : {}),
        ...(a.locale ? { locale: a.locale } : {}),
        updatedAt: this.clock().toISOString(),
      });
      if ((a.type === 'message' || a.type === 'invoke') && a.from.aadObjectId && (await this.refs.reachable(tenantId, a.from.aadObjectId))) {
        this.log(context).info('reminder recipient reachable again');
      }
    } catch (error) {
      this.log(context).warn({ err: error }, 'conversation reference not stored');
    }
  }

  // ------------------------------------------------------------------ messages

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const value = context.activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && 'verb' in value) {
      await this.onSubmitFallback(context, value);
      return;
    }
    const actor = this.actor(context);
    const locale: Locale = actor?.locale ?? 'da';
    const text = context.activity.text ?? '';
    if (containsCpr(text)) {
      // Refused before anything else; the text is neither stored nor logged.
      this.log(context, 'message').info({ refused: 'cpr' }, 'message refused');
      await context.sendActivity(CPR_REFUSAL[locale]);
      return;
    }
    const command = parseCommand(text);
    const logger = this.log(context, `cmd.${command.kind}`);
    if (!actor) {
      logger.warn('message without tenant or user');
      await context.sendActivity(strings(locale).errorGeneric);
      return;
    }
    const isChannel = context.activity.conversation?.conversationType === 'channel' || !!teamOf(context.activity);
    try {
      if (isChannel) {
        await this.onChannelCommand(context, actor, command, logger);
        return;
      }
      const card = await this.cardForCommand(this.call(context, actor, logger), command);
      if (typeof card === 'string') await context.sendActivity(card);
      else await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
    } catch (error) {
      // The Bot Connector did not answer: neither the reply nor an apology can reach the user.
      if (error instanceof ConnectorUnavailableError) throw error;
      const refusal = refusalCard(this.call(context, actor, logger), error);
      if (refusal) {
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(refusal)] });
        return;
      }
      logger.error({ err: error }, 'command failed');
      await context.sendActivity(strings(locale).errorGeneric);
    }
  }

  private async resolveAlias(
    call: Call,
    alias: string,
    verb: Verb,
    open: (teamId: string, citizenId: string) => Promise<Card>,
    extra: Record<string, string> = {},
  ): Promise<Card> {
    const found = await findCitizensByAlias(call, alias);
    const s = strings(call.actor.locale);
    if (found.length === 0) return messageCard(call.actor.locale, s.errorNotFound);
    if (found.length > 1) return ambiguousCitizenCard(call.actor.locale, found, verb, extra, alias);
    const only = found[0]!;
    return open(only.institution.teamId, only.citizen.id);
  }

  private async cardForCommand(call: Call, command: Command): Promise<Card | string> {
    const l = call.actor.locale;
    const s = strings(l);
    switch (command.kind) {
      case 'help':
        return helpCard(l);
      case 'citizens':
        return HANDLERS[VERBS.citizenList](call, {});
      case 'deadlines':
        return openDeadlines(call);
      case 'newCitizen':
        return openCitizenForm(call);
      case 'plan':
        return this.resolveAlias(call, command.alias, VERBS.planShow, (teamId, citizenId) => HANDLERS[VERBS.planShow](call, { teamId, citizenId }));
      case 'purpose':
        return this.resolveAlias(call, command.alias, VERBS.purposeEdit, (teamId, citizenId) => HANDLERS[VERBS.purposeEdit](call, { teamId, citizenId }));
      case 'newGoal':
        return this.resolveAlias(call, command.alias, VERBS.goalNew, (teamId, citizenId) => openGoalForm(call, teamId, citizenId, false), { kind: 'goal' });
      case 'newSubGoal':
        return this.resolveAlias(call, command.alias, VERBS.goalNew, (teamId, citizenId) => openGoalForm(call, teamId, citizenId, true), { kind: 'sub' });
      case 'diary':
        return command.alias
          ? this.resolveAlias(call, command.alias, VERBS.diaryPickCitizen, (teamId, citizenId) => openDiaryTargets(call, teamId, citizenId))
          : startDiary(call);
      case 'evaluate':
        return this.resolveAlias(call, command.alias, VERBS.evalStart, (teamId, citizenId) => openEvaluationList(call, teamId, citizenId));
      case 'setup':
      case 'managers':
      case 'meeting':
      case 'agreements':
      case 'exportMeeting':
      case 'cycle':
      case 'board':
      case 'catalogue':
        return s.teamOnly;
      case 'aliasMissing':
        return s.errorAliasMissing;
      case 'unknown':
        return s.errorUnknownCommand;
    }
  }

  private async onChannelCommand(context: TurnContext, actor: Actor, command: Command, logger: Logger): Promise<void> {
    const s = strings(actor.locale);
    const team = teamOf(context.activity);
    if (command.kind === 'setup' && team) {
      const { institution, created } = await this.registerTeam(context, actor, team, logger);
      const count = institution.members.length;
      await context.sendActivity(created ? s.setupDone(institution.name, count) : s.setupRefreshed(institution.name, count));
      return;
    }
    if (command.kind === 'help') {
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(helpCard(actor.locale))] });
      return;
    }
    if (command.kind === 'managers' && team) {
      await context.sendActivity(await this.managersReply(context, actor, team.id, command.clear, logger));
      return;
    }
    if (command.kind === 'exportMeeting' && team) {
      await this.answerInChannel(context, actor, logger, async (call) => {
        const state = await latestFinishedMeeting(call, team.id);
        if (!state) return actor.locale === 'en' ? 'No reflection meeting of this team has finished yet.' : 'Intet refleksionsmøde i dette tilbud er afsluttet endnu.';
        const members = state.institution.members.map((x) => ({ aadObjectId: x.aadObjectId, name: x.name }));
        const markdown: Partial<Activity> = { type: ActivityTypes.Message, textFormat: 'markdown', text: meetingMarkdown({ meeting: state.meeting.value, notes: state.notes, members, ...(state.citizen ? { alias: state.citizen.alias } : {}) }, actor.locale) };
        // The same meeting as a Word file: a link signed for this user, checked again when it is used.
        const link = this.options.downloads?.linkFor({ tenantId: actor.tenantId, teamId: team.id, aadObjectId: actor.aadObjectId, kind: 'meeting', id: state.meeting.value.id, locale: actor.locale }, call.now, DEFAULT_LINK_TTL_MS);
        logger.info({ meetingId: state.meeting.value.id, docxLink: link !== undefined }, 'meeting exported');
        return [
          markdown,
          link
            ? { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(meetingDownloadCard(link, DEFAULT_LINK_TTL_MS / 3_600_000, actor.locale))] }
            : { type: ActivityTypes.Message, text: meetingDownloadUnavailable(actor.locale) },
        ];
      });
      return;
    }
    if (command.kind === 'agreements' && team) {
      await this.answerInChannel(context, actor, logger, async (call) => ({ attachments: [CardFactory.adaptiveCard(await openActionsAnswer(call, team.id))] }));
      return;
    }
    if (command.kind === 'cycle' && team) {
      await this.answerInChannel(context, actor, logger, async (call) => ({ attachments: [CardFactory.adaptiveCard(await newPointAnswer(call, team.id, command.title))] }));
      return;
    }
    if (command.kind === 'board' && team) {
      await this.answerInChannel(context, actor, logger, async (call) => {
        // The posted board is the shared view (no notice, refreshing itself for the members).
        const card = boardAnswer(call, await viewBoard(call, team.id));
        return { attachments: [CardFactory.adaptiveCard(sharedCardOf(card) ?? card)] };
      });
      return;
    }
    if (command.kind === 'catalogue' && team) {
      await this.answerInChannel(context, actor, logger, async (call) => ({ attachments: [CardFactory.adaptiveCard(await catalogueAnswer(call, team.id))] }));
      return;
    }
    if (command.kind === 'meeting' && team) {
      await this.startMeetingInChannel(context, actor, team.id, command, logger);
      return;
    }
    // A person's deadlines are theirs: never listed where the team reads along.
    await context.sendActivity(command.kind === 'deadlines' ? deadlineStrings(actor.locale).channelOnly : s.personalOnly);
  }

  /**
   * `@Refleks refleksionsmøde borger <alias>` | `indsats` | `organisation`: posts the meeting's card
   * in the channel; the people mentioned are the participants, the one who starts it the
   * mødeleder. The meeting's id comes from the message, so a retried message starts it once.
   */
  private async startMeetingInChannel(context: TurnContext, actor: Actor, teamId: string, command: Extract<Command, { kind: 'meeting' }>, logger: Logger): Promise<void> {
    const en = actor.locale === 'en';
    if (!command.level || (command.level === 'citizen' && command.alias === '')) {
      await context.sendActivity(
        en
          ? 'Start a reflection meeting with @Refleks refleksionsmøde borger <alias>, … indsats or … organisation, and @mention the participants.'
          : 'Start et refleksionsmøde med @Refleks refleksionsmøde borger <alias>, … indsats eller … organisation, og @nævn deltagerne.',
      );
      return;
    }
    const level = command.level;
    await this.answerInChannel(context, actor, logger, async (call) => {
      let citizenId: string | undefined;
      if (level === 'citizen') {
        const found = (await findCitizensByAlias(call, command.alias)).filter((c) => c.institution.teamId === teamId);
        if (found.length === 0) return en ? 'No citizen of this team has that alias. Check it with borgere in your chat with Refleks.' : 'Ingen borger i dette tilbud har det alias. Tjek det med borgere i din chat med Refleks.';
        if (found.length > 1) return en ? 'Several citizens match. Write more of the alias.' : 'Flere borgere passer. Skriv mere af aliaset.';
        citizenId = found[0]!.citizen.id;
      }
      const state = await startReflectionMeeting(call, {
        teamId,
        meetingId: deriveId('meeting', actor.tenantId, teamId, context.activity.id ?? newId()),
        level,
        ...(citizenId ? { citizenId } : {}),
        mentioned: mentionsOf(context.activity).map((m) => m.id),
      });
      logger.info({ meetingId: state.meeting.value.id, level, participants: state.meeting.value.participantIds.length }, 'meeting card posted');
      const card = meetingAnswer(call, state);
      return { attachments: [CardFactory.adaptiveCard(sharedCardOf(card) ?? card)] };
    });
  }

  /** Sends what `answer` makes; a refusal (access, state) is answered with its card, anything else propagates. */
  private async answerInChannel(context: TurnContext, actor: Actor, logger: Logger, answer: (call: Call) => Promise<string | Partial<Activity> | Array<Partial<Activity>>>): Promise<void> {
    const call = this.call(context, actor, logger);
    try {
      const reply = await answer(call);
      if (Array.isArray(reply)) for (const activity of reply) await context.sendActivity(activity);
      else await context.sendActivity(reply);
    } catch (error) {
      if (error instanceof ConnectorUnavailableError) throw error;
      const refusal = refusalCard(call, error);
      if (!refusal) throw error;
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(refusal)] });
    }
  }

  /** Puts the shared view of a channel card in place of the posted one (everyone else sees it). */
  private async updateSharedCard(context: TurnContext, card: Card, logger: Logger): Promise<boolean> {
    const shared = sharedCardOf(card);
    const replyToId = context.activity.replyToId;
    if (!shared || !replyToId) return false;
    try {
      await context.updateActivity({ id: replyToId, type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(shared)] } as Partial<Activity>);
      return true;
    } catch (error) {
      if (error instanceof ConnectorUnavailableError) throw error;
      logger.warn({ err: error }, 'shared card not updated');
      return false;
    }
  }

  /** `@Refleks ledere` (show), `@Refleks ledere @navn …` (set to the people mentioned), `@Refleks ledere ingen` (clear). */
  private async managersReply(context: TurnContext, actor: Actor, teamId: string, clear: boolean, logger: Logger): Promise<string> {
    const s = strings(actor.locale);
    const call = this.call(context, actor, logger);
    const mentioned = mentionsOf(context.activity);
    const names = (list: Array<{ name: string }>): string => list.map((m) => m.name || s.unnamed).join(', ');
    try {
      if (!clear && mentioned.length === 0) {
        const view = await showManagers(call, teamId);
        return view.managers.length > 0 ? s.managersShown(view.institutionName, names(view.managers)) : s.managersNone(view.institutionName);
      }
      const institution = await call.deps.repos.institutions.get(actor.tenantId, teamId, { fresh: true });
      if (!institution) return s.managersNotSetUp;
      // A mention names a Teams user id (29:…) or an AAD object id: either finds the member.
      const members = institution.value.members;
      const wanted: string[] = [];
      const strangers: string[] = [];
      for (const m of mentioned) {
        const member = members.find((x) => x.teamsUserId === m.id || x.aadObjectId === m.id);
        if (member) wanted.push(member.aadObjectId);
        else strangers.push(typeof m.name === 'string' && m.name ? m.name : s.unnamed);
      }
      if (strangers.length > 0) return s.managersNotMembers(strangers.join(', '));
      const result = await setManagers(call, teamId, clear ? [] : wanted);
      if (result.ok) return result.view.managers.length > 0 ? s.managersSet(result.view.institutionName, names(result.view.managers)) : s.managersCleared(result.view.institutionName);
      if (result.reason === 'notAllowed') return s.managersNotAllowed(names(result.view.managers));
      if (result.reason === 'tooMany') return s.managersTooMany(MAX_MANAGERS);
      return s.managersNotMembers(s.unnamed);
    } catch (error) {
      if (error instanceof AccessDeniedError) return error.reason === 'unknown-institution' ? s.managersNotSetUp : s.personalOnly;
      throw error;
    }
  }

  private async registerTeam(context: TurnContext, actor: Actor, team: { id: string; name: string }, logger: Logger) {
    const members = await readTeamRoster(context, team.id);
    let name = team.name;
    if (!name) {
      // A nameless team event: ask Teams for the name, and fall back to the id.
      name = (await readTeamName(context, team.id).catch((error: unknown) => {
        if (error instanceof ConnectorUnavailableError) throw error;
        return undefined;
      })) ?? team.id;
    }
    const { institution, created } = await registerInstitution(this.call(context, actor, logger), { teamId: team.id, teamName: name, members });
    logger.info({ teamId: team.id, created, members: members.length }, 'tilbud registered');
    return { institution: institution.value, created };
  }

  // ------------------------------------------------------------------ team events

  protected override async onInstallationUpdateAddActivity(context: TurnContext): Promise<void> {
    const team = teamOf(context.activity);
    const actor = this.actor(context);
    if (team && actor) {
      const logger = this.log(context, 'install');
      try {
        const { institution, created } = await this.registerTeam(context, actor, team, logger);
        const s = strings(actor.locale);
        await context.sendActivity(created ? s.setupDone(institution.name, institution.members.length) : s.setupRefreshed(institution.name, institution.members.length));
      } catch (error) {
        if (error instanceof ConnectorUnavailableError) throw error;
        logger.error({ err: error }, 'install registration failed');
      }
    }
  }

  protected override async onTeamsMembersAdded(context: TurnContext): Promise<void> {
    const added: TeamsChannelAccount[] = context.activity.membersAdded ?? [];
    const botAdded = added.some((m) => m.id === context.activity.recipient?.id);
    if (botAdded && !teamOf(context.activity) && context.activity.conversation?.conversationType !== 'groupChat') {
      // Installed in a personal chat: say what the bot can do.
      const locale: Locale = this.actor(context)?.locale ?? 'da';
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(helpCard(locale))] });
      return;
    }
    await this.onRosterChange(context, botAdded);
  }

  protected override async onTeamsMembersRemoved(context: TurnContext): Promise<void> {
    await this.onRosterChange(context, false);
  }

  private async onRosterChange(context: TurnContext, botAdded: boolean): Promise<void> {
    const team = teamOf(context.activity);
    const actor = this.actor(context);
    if (!team || !actor) return;
    const logger = this.log(context, 'roster');
    try {
      if (botAdded) {
        await this.registerTeam(context, actor, team, logger);
        return;
      }
      const members = await readTeamRoster(context, team.id);
      await updateRoster(this.call(context, actor, logger), team.id, members);
    } catch (error) {
      if (error instanceof ConnectorUnavailableError) throw error;
      logger.error({ err: error }, 'roster update failed');
    }
  }

  // ------------------------------------------------------------------ card actions

  /** Runs a verb's handler and maps refusals to cards; BadPayloadError propagates (→ 400). */
  private async runAction(context: TurnContext, verb: Verb, data: Record<string, unknown>, actor: Actor, logger: Logger): Promise<Card> {
    const call = this.call(context, actor, logger);
    try {
      return await HANDLERS[verb](call, data);
    } catch (error) {
      const refusal = refusalCard(call, error);
      if (refusal) {
        if (error instanceof CorruptDocumentError) logger.error({ document: { type: error.type, pk: error.pk, id: error.id }, reason: error.reason }, 'stored document cannot be read');
        else logger.info({ refused: (error as Error).name }, 'action refused');
        return refusal;
      }
      throw error;
    }
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') {
      // Task modules, configuration, sign-in, messaging extensions, a nameless invoke: none is
      // Refleks's (botbuilder would answer 501 with no body). The name is not logged as sent.
      const name = context.activity.name;
      this.log(context, 'invoke').info({ invoke: typeof name === 'string' && KNOWN_INVOKES.has(name) ? name : 'other' }, 'unsupported invoke');
      return invokeError(400, 'NotSupported', 'Refleks understøtter ikke denne handling.');
    }
    const value = context.activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined;
    const verb = value?.action?.verb;
    const logger = this.log(context, typeof verb === 'string' && isVerb(verb) ? verb : 'invalid');
    if (!value || typeof value !== 'object' || !value.action || typeof value.action !== 'object') {
      return invokeError(400, 'BadRequest', 'Ugyldig handling: mangler action.');
    }
    if (value.action.type !== undefined && value.action.type !== 'Action.Execute') {
      return invokeError(400, 'NotSupported', 'Kun Action.Execute understøttes.');
    }
    if (!isVerb(verb)) return invokeError(400, 'BadRequest', 'Ukendt handling.');
    const data = value.action.data ?? {};
    if (typeof data !== 'object' || Array.isArray(data) || data === null) return invokeError(400, 'BadRequest', 'Ugyldige data i handlingen.');
    const actor = this.actor(context);
    if (!actor) return invokeError(400, 'BadRequest', 'Handlingen mangler tenant eller bruger.');
    const { opensNew, data: actionData } = splitOpensNew(data as Record<string, unknown>);
    try {
      const card = await this.runAction(context, verb, actionData, actor, logger);
      if (opensNew) {
        // The card clicked stays as it is (a confirmation is the chat's record); the answer comes below it.
        try {
          await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
        } catch (error) {
          if (!(error instanceof ConnectorUnavailableError)) throw error;
          // The connector did not take the new card: the answer replaces the clicked card instead.
          logger.warn({ reason: error.message }, 'new card not sent; answered in place');
          return invokeCard(card);
        }
        return invokeMessage(strings(actor.locale).openedBelow);
      }
      // A shared channel card (a meeting): everyone else's copy is brought up to date too.
      await this.updateSharedCard(context, card, logger);
      return invokeCard(card);
    } catch (error) {
      if (error instanceof BadPayloadError) {
        logger.info({ fields: error.message }, 'malformed action data');
        return invokeError(400, 'BadRequest', 'Ugyldige data i handlingen.');
      }
      logger.error({ err: error }, 'action failed');
      return invokeCard(messageCard(actor.locale, strings(actor.locale).errorGeneric));
    }
  }

  /** Action.Submit fallback: a message whose value carries the verb. The card is replaced in place when possible. */
  private async onSubmitFallback(context: TurnContext, value: Record<string, unknown>): Promise<void> {
    const verb = value['verb'];
    const actor = this.actor(context);
    const logger = this.log(context, typeof verb === 'string' && isVerb(verb) ? verb : 'invalid');
    const locale: Locale = actor?.locale ?? 'da';
    if (!isVerb(verb) || !actor) {
      await context.sendActivity(strings(locale).errorUnknownCommand);
      return;
    }
    const { verb: _omit, ...submitted } = value;
    const { opensNew, data } = splitOpensNew(submitted);
    let card: Card;
    try {
      card = await this.runAction(context, verb, data, actor, logger);
    } catch (error) {
      if (error instanceof ConnectorUnavailableError) throw error;
      if (error instanceof BadPayloadError) {
        logger.info({ fields: error.message }, 'malformed submit data');
        await context.sendActivity(strings(locale).errorBadAction);
        return;
      }
      logger.error({ err: error }, 'submit failed');
      await context.sendActivity(strings(locale).errorGeneric);
      return;
    }
    // A shared channel card: the shared view replaces the posted card (the clicker's own view would show their hidden notes to all).
    if (await this.updateSharedCard(context, card, logger)) return;
    const attachment = CardFactory.adaptiveCard(card);
    const replyToId = context.activity.replyToId;
    if (replyToId && !opensNew) {
      try {
        await context.updateActivity({ id: replyToId, type: ActivityTypes.Message, attachments: [attachment] } as Partial<Activity>);
        return;
      } catch (error) {
        // Not answered: a new card would not be either. Answered with a refusal (an old card): send a new one.
        if (error instanceof ConnectorUnavailableError) throw error;
        logger.warn({ err: error }, 'card update failed; sending a new card');
      }
    }
    await context.sendActivity({ attachments: [attachment] });
  }
}
