/**
 * The botbuilder CloudAdapter with a bounded authentication step. botbuilder fetches the
 * Bot Framework OpenID metadata with no timeout; offline it hangs or fails with internal
 * text. Here it fails within `authTimeoutMs` with AuthUnavailableError (→ HTTP 503).
 */
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
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Logger } from '../logger.js';

export class AuthUnavailableError extends Error {
  override readonly name = 'AuthUnavailableError';
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
  ) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await withTimeout(this.inner.authenticateRequest(activity, authHeader), this.timeoutMs);
    } catch (error) {
      throw classify(error);
    }
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await withTimeout(this.inner.authenticateStreamingRequest(authHeader, channelIdHeader), this.timeoutMs);
    } catch (error) {
      throw classify(error);
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
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
  /** Overrides the OpenID metadata URL (tests point it at a dead local port). */
  openIdMetadataUrl?: string | undefined;
}

/** CloudAdapter with a public entry point for an already parsed and validated activity. */
export class RefleksAdapter extends CloudAdapter {
  handleActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
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
  const adapter = new RefleksAdapter(new TimeBoundAuthentication(inner, settings.authTimeoutMs));
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    logger.error({ err: error, activityId: context.activity.id, type: context.activity.type }, 'unhandled turn error');
    if (context.activity.type === 'message') {
      await context.sendActivity('Beklager, noget gik galt. Prøv igen om lidt.').catch((sendError: unknown) => {
        logger.warn({ err: sendError }, 'could not send the apology');
      });
    }
  };
  return adapter;
}
