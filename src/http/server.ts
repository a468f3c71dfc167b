/**
 * restify server: POST /api/messages through the CloudAdapter, GET /healthz, GET /readyz.
 * Requests are validated before the adapter sees them (malformed → 400), authentication
 * is time-bound (metadata unavailable → 503), and no error text from inside leaks out.
 */
import restify from 'restify';
import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { AuthUnavailableError, type RefleksAdapter } from '../bot/adapter.js';
import { isActivityId, isCardId } from '../bot/ids.js';

export interface HttpDeps {
  adapter: RefleksAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  /** Resolves when the store answers; rejects otherwise. */
  checkReady: () => Promise<{ store: string }>;
  /** Body size limit in bytes. */
  maxBodyBytes?: number;
}

/** An id Teams gives an activity, a user or a conversation (see bot/ids.ts): never a CPR number. */
const activityId = (max: number) => z.string().refine((v) => isActivityId(v, max), { message: 'not an id' });
/** An id that becomes part of a partition key or a document id (a tenant, an Entra user, a team). */
const keyId = z.string().refine((v) => isCardId(v, 128), { message: 'not an id' });

/**
 * The minimum an activity must have before botbuilder may see it, and the type of every field
 * the bot reads. Ids are checked as ids (they are logged and stored as they are), so an
 * activity with a CPR number in one is refused before anything is written.
 */
const ActivityShapeSchema = z
  .object({
    type: z.string().min(1).max(100),
    id: activityId(500).optional(),
    serviceUrl: z.string().url().max(2000).optional(),
    channelId: z.string().max(100).optional(),
    from: z.object({ id: activityId(500), aadObjectId: keyId.nullish() }).passthrough().optional(),
    conversation: z.object({ id: activityId(2000), tenantId: keyId.nullish() }).passthrough(),
    recipient: z.object({ id: activityId(500) }).passthrough().optional(),
    replyToId: activityId(500).nullish(),
    channelData: z
      .object({
        tenant: z.object({ id: keyId }).passthrough().nullish(),
        team: z.object({ id: keyId }).passthrough().nullish(),
      })
      .passthrough()
      .nullish(),
    name: z.string().max(200).optional(),
  })
  .passthrough();

function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.status(status);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function createHttpServer(deps: HttpDeps): restify.Server {
  const server = restify.createServer({ name: 'refleks', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.maxBodyBytes ?? 256 * 1024, mapParams: false, rejectUnknown: true }));

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, next: (e?: unknown) => void) => {
    // Body-parser failures (bad JSON, too large) are client errors; say so plainly.
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      err.toJSON = () => ({ error: 'BadRequest', message: 'Ugyldig forespørgsel.' });
    } else {
      deps.logger.error({ err, route: req.getRoute()?.path }, 'request failed');
      err.toJSON = () => ({ error: 'InternalError', message: 'Intern fejl.' });
    }
    next();
  });

  server.get('/healthz', (_req, res, next) => {
    sendJson(res, 200, { status: 'ok' });
    next();
  });

  // restify 11: an async handler takes (req, res) and finishes when its promise does.
  server.get('/readyz', async (_req, res) => {
    try {
      const info = await deps.checkReady();
      sendJson(res, 200, { status: 'ready', ...info });
    } catch (error) {
      deps.logger.warn({ err: error }, 'not ready');
      sendJson(res, 503, { status: 'unavailable' });
    }
  });

  server.post('/api/messages', async (req, res) => {
    const parsed = ActivityShapeSchema.safeParse(req.body);
    if (!parsed.success) {
      deps.logger.info({ fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') }, 'malformed activity');
      sendJson(res, 400, { error: 'BadRequest', message: 'Ugyldig aktivitet.' });
      return;
    }
    const activity = parsed.data as unknown as Activity;
    const authHeader = String(req.headers.authorization ?? '');
    try {
      const invokeResponse = await deps.adapter.handleActivity(authHeader, activity, (context) => deps.bot.run(context));
      const status = invokeResponse?.status ?? 200;
      if (invokeResponse?.body !== undefined) sendJson(res, status, invokeResponse.body);
      else {
        res.status(status);
        res.end();
      }
    } catch (error) {
      if (error instanceof AuthUnavailableError) {
        deps.logger.warn({ activityId: activity.id }, 'authentication unavailable');
        res.setHeader('retry-after', '5');
        sendJson(res, 503, { error: 'ServiceUnavailable', message: 'Tjenesten er midlertidigt utilgængelig. Prøv igen.' });
      } else if (error instanceof AuthenticationError) {
        sendJson(res, 401, { error: 'Unauthorized' });
      } else {
        deps.logger.error({ err: error, activityId: activity.id, type: activity.type }, 'activity failed');
        sendJson(res, 500, { error: 'InternalError', message: 'Intern fejl.' });
      }
    }
  });

  return server;
}
