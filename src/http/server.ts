/**
 * restify server: POST /api/messages through the CloudAdapter, GET /healthz, GET /readyz, and
 * GET /api/files/:token (signed download links, see downloads.ts).
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
import { idContainsCpr } from '../domain/cpr.js';
import type { DownloadAnswer } from './downloads.js';

export interface HttpDeps {
  adapter: RefleksAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  /** Resolves when the store answers; rejects otherwise. */
  checkReady: () => Promise<{ store: string }>;
  /** Body size limit in bytes. */
  maxBodyBytes?: number;
  /** Answers a signed download link (the token as it is in the path). */
  download?: (token: string) => Promise<DownloadAnswer>;
}

/** An id Teams gives an activity, a user or a conversation (see bot/ids.ts): never a CPR number. */
const activityId = (max: number) => z.string().refine((v) => isActivityId(v, max), { message: 'not an id' });
/** An id that becomes part of a partition key or a document id (a tenant, an Entra user, a team). */
const keyId = z.string().refine((v) => isCardId(v, 128), { message: 'not an id' });

/** Where the replies go: an http(s) URL with a host. Without one, botbuilder falls back to the public Bot Framework host. */
const ServiceUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      // Stored with the conversation, so no CPR number either (a random id in its path is fine).
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !idContainsCpr(value);
    } catch {
      return false;
    }
  }, { message: 'not an http(s) URL' });

/** A word Teams uses for a kind of thing (a channel, a conversation type); stored with the conversation. */
const token = z
  .string()
  .max(100)
  .refine((v) => /^[A-Za-z0-9_.-]*$/.test(v) && !idContainsCpr(v), { message: 'not a token' })
  .nullish();
/** A BCP 47 language tag ("da-DK", "en-US", "zh-Hans-CN"); stored with the conversation. */
const localeTag = z
  .string()
  .max(50)
  .refine((v) => v === '' || (/^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(v) && !idContainsCpr(v)), { message: 'not a language tag' })
  .nullish();

/** Free text of a bounded length (a name); absent or null is fine. */
const text = (max: number) => z.string().max(max).nullish();
/** A list of objects (entities, attachments, members). */
const objects = <T extends z.ZodRawShape>(shape: T, max: number) => z.array(z.object(shape).passthrough()).max(max).nullish();

/**
 * The minimum an activity must have before botbuilder may see it, and the type of every field
 * the bot or botbuilder reads (a text or locale of the wrong type is a 400, not a 200 and an
 * error in the log). Ids are checked as ids (they are logged and stored as they are), so an
 * activity with a CPR number in one is refused before anything is written.
 */
const ActivityShapeSchema = z
  .object({
    type: z.string().min(1).max(100),
    id: activityId(500).optional(),
    serviceUrl: ServiceUrlSchema,
    channelId: token,
    from: z.object({ id: activityId(500), aadObjectId: keyId.nullish(), name: text(1000) }).passthrough().optional(),
    conversation: z.object({ id: activityId(2000), tenantId: keyId.nullish(), conversationType: token, name: text(1000) }).passthrough(),
    recipient: z.object({ id: activityId(500), name: text(1000) }).passthrough().optional(),
    replyToId: activityId(500).nullish(),
    text: text(100_000),
    textFormat: text(100),
    locale: localeTag,
    timestamp: text(100),
    localTimestamp: text(100),
    deliveryMode: text(100),
    channelData: z
      .object({
        tenant: z.object({ id: keyId }).passthrough().nullish(),
        team: z.object({ id: keyId, name: text(1000) }).passthrough().nullish(),
        channel: z.object({ id: text(500), name: text(1000) }).passthrough().nullish(),
        eventType: text(100),
      })
      .passthrough()
      .nullish(),
    membersAdded: objects({ id: z.string().max(500) }, 1000),
    membersRemoved: objects({ id: z.string().max(500) }, 1000),
    entities: objects({ type: text(200) }, 100),
    attachments: objects({ contentType: text(200) }, 50),
    name: z.string().max(200).optional(),
  })
  .passthrough();

function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.status(status);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Headers of every answer to a download link: never stored, never sniffed, the link never passed on as a referrer. */
function downloadHeaders(res: restify.Response): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

export function createHttpServer(deps: HttpDeps): restify.Server {
  // find-my-way (restify's router) takes no path parameter longer than 100 characters unless told;
  // a download token is about 350 (the route refuses one over MAX_TOKEN_LENGTH itself).
  const routerOptions = { maxParamLength: 4096 } as Partial<restify.ServerOptions>;
  const server = restify.createServer({ name: 'refleks', handleUncaughtExceptions: false, ...routerOptions });
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

  // A signed download link. The token is in the path and is never logged (the error handler above
  // logs the route's pattern only).
  const download = deps.download;
  if (download) {
    server.get('/api/files/:token', async (req, res) => {
      downloadHeaders(res);
      let answer: DownloadAnswer;
      try {
        answer = await download(String((req.params as Record<string, unknown>)['token'] ?? ''));
      } catch (error) {
        deps.logger.error({ err: error }, 'download failed');
        answer = { status: 500, message: 'Intern fejl.' };
      }
      if (answer.status === 200) {
        res.status(200);
        res.setHeader('content-type', answer.contentType);
        res.setHeader('content-disposition', `attachment; filename="${answer.fileName}"`);
        res.setHeader('content-length', String(answer.body.length));
        res.end(answer.body);
        return;
      }
      res.status(answer.status);
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(answer.message);
    });
  }

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
