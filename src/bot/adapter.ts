/**
 * The botbuilder CloudAdapter with a bounded authentication step and bounded calls to the Bot
 * Connector. botbuilder fetches the Bot Framework OpenID metadata with no timeout; offline it
 * hangs or fails with internal text. Here it fails within `authTimeoutMs` with
 * AuthUnavailableError (→ HTTP 503).
 *
 * Each turn has a budget for the Bot Connector (`connectorBudgetMs`: replies, card updates,
 * roster reads together). botbuilder's clients retry a refused or silent connector three times
 * with back-off (a turn held 15 s or more); here every call is tried once, within what is left
 * of the budget, and once the connector has not answered nothing more is tried in that turn:
 * ConnectorUnavailableError, so no apology follows a reply that could not be sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationError,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Logger } from '../logger.js';

export class AuthUnavailableError extends Error {
  override readonly name = 'AuthUnavailableError';
}

/**
 * How a call to the Bot Connector failed, without content: what a caller that decides on the
 * connector's answer needs (the reminder sender: a 429's Retry-After, a 5xx to back off from).
 */
export interface ConnectorFailure {
  /** The HTTP status, when the connector answered. */
  statusCode?: number;
  /** The answer's Retry-After header, as sent (seconds or an HTTP date). */
  retryAfter?: string;
  /** The error code in the answer's body (`Status500`, `ConversationBlockedByUser`): a token, at most 60 characters. */
  errorCode?: string;
  /** A system error code (`ECONNREFUSED`), when there was no answer. */
  systemCode?: string;
  /** Cut off at the end of the budget (or the budget was spent before the call). */
  timedOut?: boolean;
}

/**
 * The Bot Connector did not answer (refused, silent past the budget, 5xx, throttled), or it did
 * not earlier in this turn, or the turn's budget for it is spent. The message holds no content;
 * `failure` says how it failed (for a failure earlier in the turn, how that one did).
 */
export class ConnectorUnavailableError extends Error {
  override readonly name = 'ConnectorUnavailableError';

  constructor(
    message: string,
    readonly failure: ConnectorFailure = {},
  ) {
    super(message);
  }
}

interface HttpishError {
  statusCode?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: unknown; bodyAsText?: string | null };
}

function headerOf(error: HttpishError, name: string): string | undefined {
  const headers = error.response?.headers as { get?: unknown } | Record<string, unknown> | undefined;
  if (!headers || typeof headers !== 'object') return undefined;
  const value = typeof headers.get === 'function' ? (headers as { get: (n: string) => unknown }).get(name) : ((headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()]);
  return typeof value === 'string' && value.length <= 100 ? value : undefined;
}

const TOKEN = /^[A-Za-z0-9_.-]{1,60}$/;

function errorCodeOf(error: HttpishError): string | undefined {
  const body = error.response?.bodyAsText;
  if (!body || body.length > 64 * 1024) return undefined;
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' && TOKEN.test(code) ? code : undefined;
  } catch {
    return undefined; // not JSON: the status says enough
  }
}

/** What a failed connector call says about the connector's answer (status, Retry-After, error code), without content. */
export function connectorFailureOf(error: unknown): ConnectorFailure {
  const e = (error ?? {}) as HttpishError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.response?.status === 'number' ? e.response.status : undefined;
  const retryAfter = headerOf(e, 'retry-after');
  const errorCode = errorCodeOf(e);
  const systemCode = typeof e.code === 'string' && /^[A-Z_]{1,40}$/.test(e.code) ? e.code : undefined;
  return {
    ...(status !== undefined ? { statusCode: status } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(systemCode !== undefined ? { systemCode } : {}),
  };
}

/** What a turn may still spend on the Bot Connector, and whether the connector has failed it. */
class ConnectorBudget {
  private spentMs = 0;
  unavailable = false;
  /** How the connector failed the turn (given to every later call's error). */
  failure: ConnectorFailure = {};

  constructor(readonly totalMs: number) {}

  remainingMs(): number {
    return this.totalMs - this.spentMs;
  }

  spend(ms: number): void {
    this.spentMs += ms;
  }
}

const turnBudget = new AsyncLocalStorage<ConnectorBudget>();

/** Runs a turn with its own connector budget. */
export function withConnectorBudget<T>(budgetMs: number, work: () => Promise<T>): Promise<T> {
  return turnBudget.run(new ConnectorBudget(budgetMs), work);
}

interface OperationClient {
  sendOperationRequest(args: { options?: Record<string, unknown> }, spec: unknown, callback?: unknown): Promise<unknown>;
  client?: { pipeline?: { removePolicy(options: { name: string }): unknown } };
}

/** A 4xx other than 408 and 429: the connector answered, and said no (the caller decides what then). */
function isRefusal(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Why a call failed, without content: a status, a system error code, a timeout, or the error's name. */
function failureOf(failure: ConnectorFailure, error: unknown): string {
  if (failure.statusCode !== undefined) return `status ${failure.statusCode}`;
  if (failure.systemCode !== undefined) return failure.systemCode;
  if (failure.timedOut) return 'timeout';
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && TOKEN.test(name) ? name : 'unknown';
}

/**
 * Makes a Bot Connector client (ConnectorClient, TeamsConnectorClient) try each call once,
 * within the current turn's budget (or `budgetMs` outside a turn).
 */
export function boundToTurn<T extends object>(client: T, budgetMs: number): T {
  const target = client as unknown as OperationClient;
  // One attempt per call: the retry policy's back-off is what held a turn for 15 s.
  target.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
  const send = target.sendOperationRequest.bind(target);
  target.sendOperationRequest = async (args, spec, callback) => {
    const budget = turnBudget.getStore() ?? new ConnectorBudget(budgetMs);
    if (budget.unavailable) throw new ConnectorUnavailableError('the Bot Connector did not answer earlier in this turn', budget.failure);
    const remaining = budget.remainingMs();
    if (remaining <= 0) {
      budget.unavailable = true;
      budget.failure = { timedOut: true };
      throw new ConnectorUnavailableError('the turn has spent its time for the Bot Connector', budget.failure);
    }
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(remaining)));
    const own = args.options?.['abortSignal'] as AbortSignal | undefined;
    const signal = own ? AbortSignal.any([own, timeout]) : timeout;
    const started = performance.now();
    // The signal aborts the HTTP request; the race also ends a wait that does not heed it (a token fetch).
    let onAbort: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const call = send({ ...args, options: { ...args.options, abortSignal: signal } }, spec, callback);
    call.catch(() => undefined);
    expired.catch(() => undefined);
    try {
      return await Promise.race([call, expired]);
    } catch (error) {
      if (isRefusal(error)) throw error;
      const failure: ConnectorFailure = { ...connectorFailureOf(error), ...(timeout.aborted && !own?.aborted ? { timedOut: true } : {}) };
      budget.unavailable = true;
      budget.failure = failure;
      throw new ConnectorUnavailableError(`the Bot Connector did not answer (${failureOf(failure, error)})`, failure);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      budget.spend(performance.now() - started);
    }
  };
  return client;
}

/** Connector clients made by this factory are bound to the turn (see boundToTurn). */
class BoundConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly budgetMs: number,
  ) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return boundToTurn(await this.inner.create(serviceUrl, audience), this.budgetMs);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthUnavailableError('authentication metadata timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** 401 for a genuinely bad token; everything else from the auth step (metadata down, timeout) is "unavailable". */
function classify(error: unknown): Error {
  if (error instanceof AuthUnavailableError) return error;
  if (error instanceof AuthenticationError && error.statusCode === 401) return error;
  const message = error instanceof Error ? error.message : '';
  if (/unauthori[sz]ed|token|audience|issuer|signature|expired/i.test(message) && !/openid|keys|metadata|fetch|ENOTFOUND|ECONN|ETIMEDOUT/i.test(message)) {
    return new AuthenticationError('Unauthorized', 401);
  }
  return new AuthUnavailableError('authentication metadata unavailable');
}

class TimeBoundAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly timeoutMs: number,
    private readonly connectorBudgetMs: number,
  ) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    let result: AuthenticateRequestResult;
    try {
      result = await withTimeout(this.inner.authenticateRequest(activity, authHeader), this.timeoutMs);
    } catch (error) {
      throw classify(error);
    }
    return result.connectorFactory ? { ...result, connectorFactory: new BoundConnectorFactory(result.connectorFactory, this.connectorBudgetMs) } : result;
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await withTimeout(this.inner.authenticateStreamingRequest(authHeader, channelIdHeader), this.timeoutMs);
    } catch (error) {
      throw classify(error);
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new BoundConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), this.connectorBudgetMs);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return withTimeout(this.inner.authenticateChannelRequest(authHeader), this.timeoutMs);
  }
}

export interface AdapterSettings {
  appId?: string | undefined;
  appPassword?: string | undefined;
  appType?: 'SingleTenant' | 'UserAssignedMSI' | 'MultiTenant' | undefined;
  tenantId?: string | undefined;
  authTimeoutMs: number;
  /** How long one turn may spend on the Bot Connector in all (replies, card updates, roster reads). */
  connectorBudgetMs: number;
  /** Overrides the OpenID metadata URL (tests point it at a dead local port). */
  openIdMetadataUrl?: string | undefined;
}

/** CloudAdapter with a public entry point for an already parsed and validated activity. */
export class RefleksAdapter extends CloudAdapter {
  constructor(
    auth: BotFrameworkAuthentication,
    readonly connectorBudgetMs: number,
  ) {
    super(auth);
  }

  /** Runs the turn with its own connector budget. */
  handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return withConnectorBudget(this.connectorBudgetMs, () => this.processActivity(authHeader, activity, logic));
  }
}

export function createAdapter(settings: AdapterSettings, logger: Logger): RefleksAdapter {
  const config = settings.appId
    ? {
        MicrosoftAppId: settings.appId,
        MicrosoftAppPassword: settings.appPassword,
        MicrosoftAppType: settings.appType ?? 'SingleTenant',
        MicrosoftAppTenantId: settings.tenantId,
      }
    : {};
  const credentials = new ConfigurationServiceClientCredentialFactory(config as never);
  const inner = new ConfigurationBotFrameworkAuthentication(
    (settings.openIdMetadataUrl
      ? {
          ...config,
          // Overriding one endpoint makes botbuilder take every public-cloud value from config.
          ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: settings.openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
          ToChannelFromBotLoginUrl: `https://login.microsoftonline.com/${settings.tenantId ?? 'botframework.com'}`,
          ToChannelFromBotOAuthScope: 'https://api.botframework.com',
          ValidateAuthority: true,
        }
      : config) as never,
    credentials,
  );
  const adapter = new RefleksAdapter(new TimeBoundAuthentication(inner, settings.authTimeoutMs, settings.connectorBudgetMs), settings.connectorBudgetMs);
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    if (error instanceof ConnectorUnavailableError) {
      // The reply could not be sent: an apology could not be either.
      logger.warn({ activityId: context.activity.id, type: context.activity.type, reason: error.message }, 'reply not sent');
      return;
    }
    logger.error({ err: error, activityId: context.activity.id, type: context.activity.type }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity('Beklager, noget gik galt. Prøv igen om lidt.').catch((sendError: unknown) => {
        logger.warn({ err: sendError }, 'could not send the apology');
      });
    }
  };
  return adapter;
}
