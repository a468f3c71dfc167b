/**
 * Signed download links served by the bot: `GET /api/files/<token>`.
 *
 * A token is `<payload>.<signature>`: the payload is base64url JSON with the tenant, the team,
 * the requesting user's AAD object id, the document's kind and id, the user's language, when it
 * was made and when it expires; the signature is HMAC-SHA256 over the payload's text with the
 * key from DOWNLOAD_SECRET (or a random key of this process). A link lasts one hour unless asked
 * otherwise, and never more than 24 hours.
 *
 * Serving a link checks everything again, now: the signature (a bad or changed token → 403), the
 * expiry (→ 410), and the user's access through the same use case check as the meeting cards
 * (`requireMember`: still a member of the team, in the same tenant → else 403). Only then is the
 * document made, on the fly, and sent with `Cache-Control: no-store`. The access check reads the
 * stored roster, which Teams' member-removed events and `@Refleks opsæt` keep current; a link
 * carries no turn, so no roster is fetched from Teams here (a removed user stays refused).
 *
 * Never logged: the token, a name, a note.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Repositories } from '../store/repositories.js';
import type { Call, Locale, RosterProvider } from '../usecases/context.js';
import { AccessDeniedError, NotFoundError } from '../usecases/errors.js';
import { finishedMeeting } from '../usecases/run-meeting.js';
import { meetingDocx, meetingFileName } from '../export/meeting-docx.js';
import { DOCX_CONTENT_TYPE } from '../export/docx-parts.js';

/** The kinds of document a link can name (the status report comes later). */
export const DOCUMENT_KINDS = ['meeting'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What a link grants: one document, to one user, until it expires. */
export interface DownloadGrant {
  tenantId: string;
  teamId: string;
  /** The user who asked for the link: their access is checked again when it is used. */
  aadObjectId: string;
  kind: DocumentKind;
  /** The document's id (a meeting's id). */
  id: string;
  /** The document's language. */
  locale: Locale;
}

export const DEFAULT_LINK_TTL_MS = 60 * 60 * 1000;
export const MAX_LINK_TTL_MS = 24 * 60 * 60 * 1000;
/** Longer than any token Refleks makes; a longer one is refused before it is read. */
const MAX_TOKEN_LENGTH = 2048;
/** A clock of another instance a little ahead is tolerated for a token's issue time. */
const CLOCK_SKEW_MS = 60 * 1000;

const id = z.string().min(1).max(256);
const PayloadSchema = z
  .object({
    v: z.literal(1),
    tid: id,
    team: id,
    oid: id,
    kind: z.enum(DOCUMENT_KINDS),
    id,
    lc: z.enum(['da', 'en']),
    /** Issued and expires, seconds since the epoch. */
    iat: z.number().int().nonnegative(),
    exp: z.number().int().nonnegative(),
  })
  .strict();
type Payload = z.infer<typeof PayloadSchema>;

export type TokenCheck = { ok: true; grant: DownloadGrant; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

/** Signs and checks download tokens. */
export class DownloadSigner {
  private readonly key: Buffer;

  /** `secret`: DOWNLOAD_SECRET; without one a random key of this process. */
  constructor(secret?: string) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  /** A token for the grant, valid from `now` for `ttlMs` (default one hour, at most 24 hours). */
  sign(grant: DownloadGrant, now: Date, ttlMs: number = DEFAULT_LINK_TTL_MS): string {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > MAX_LINK_TTL_MS) throw new RangeError('a download link lasts more than 0 and at most 24 hours');
    const iat = Math.floor(now.getTime() / 1000);
    const payload: Payload = { v: 1, tid: grant.tenantId, team: grant.teamId, oid: grant.aadObjectId, kind: grant.kind, id: grant.id, lc: grant.locale, iat, exp: iat + Math.floor(ttlMs / 1000) };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The grant of a token, if it is one of ours, unchanged, and not expired at `now`. */
  verify(token: string, now: Date): TokenCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
    const parts = token.split('.');
    if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: 'invalid' };
    const [body, signature] = parts as [string, string];
    // Compared as text: base64url ignores the last character's spare bits, so bytes alone would take a changed token.
    const given = Buffer.from(signature, 'utf8');
    const expected = Buffer.from(this.mac(body).toString('base64url'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    let payload: Payload;
    try {
      const parsed = PayloadSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (!parsed.success) return { ok: false, reason: 'invalid' };
      payload = parsed.data;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    // Ours, but not as we make them: longer than a link may last, or issued in the future.
    if (payload.exp <= payload.iat || (payload.exp - payload.iat) * 1000 > MAX_LINK_TTL_MS || payload.iat * 1000 > now.getTime() + CLOCK_SKEW_MS) return { ok: false, reason: 'invalid' };
    if (now.getTime() >= payload.exp * 1000) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      grant: { tenantId: payload.tid, teamId: payload.team, aadObjectId: payload.oid, kind: payload.kind, id: payload.id, locale: payload.lc },
      expiresAt: new Date(payload.exp * 1000),
    };
  }
}

/** Makes the links the bot posts: the signer and the public base URL (no base URL: no links). */
export class DownloadLinks {
  constructor(
    readonly signer: DownloadSigner,
    private readonly baseUrl: string | undefined,
  ) {}

  /** Whether links can be made in this setup (PUBLIC_BASE_URL is set). */
  get available(): boolean {
    return this.baseUrl !== undefined;
  }

  /** The link to the document for this user, or undefined without a base URL. */
  linkFor(grant: DownloadGrant, now: Date, ttlMs: number = DEFAULT_LINK_TTL_MS): string | undefined {
    if (!this.baseUrl) return undefined;
    return `${this.baseUrl}/api/files/${this.signer.sign(grant, now, ttlMs)}`;
  }
}

/** What the route answers: a file, or a status with a short Danish sentence. */
export type DownloadAnswer =
  | { status: 200; contentType: string; fileName: string; body: Buffer }
  | { status: 403 | 404 | 410 | 500; message: string };

export const DOWNLOAD_MESSAGES = {
  invalid: 'Linket er ugyldigt. Bed om et nyt med @Refleks eksportér i teamets kanal.',
  expired: 'Linket er udløbet. Bed om et nyt med @Refleks eksportér i teamets kanal.',
  denied: 'Du har ikke adgang til dette dokument.',
  gone: 'Dokumentet findes ikke længere.',
  error: 'Dokumentet kunne ikke laves. Prøv igen om lidt.',
} as const;

export interface DownloadServiceDeps {
  signer: DownloadSigner;
  repos: Repositories;
  logger: Logger;
  clock: () => Date;
}

/** A link carries no turn to read Teams' roster with: the stored roster decides. */
const STORED_ROSTER_ONLY: RosterProvider = { getTeamMembers: async () => undefined };

/** Answers a download: the token, then the user's access now, then the document made on the fly. */
export async function serveDownload(deps: DownloadServiceDeps, token: string): Promise<DownloadAnswer> {
  const now = deps.clock();
  const check = deps.signer.verify(token, now);
  if (!check.ok) {
    deps.logger.info({ download: check.reason }, 'download refused');
    return { status: check.reason === 'expired' ? 410 : 403, message: DOWNLOAD_MESSAGES[check.reason] };
  }
  const { grant } = check;
  const logger = deps.logger.child({ tenantId: grant.tenantId, verb: 'download', kind: grant.kind });
  const call: Call = {
    actor: { tenantId: grant.tenantId, aadObjectId: grant.aadObjectId, locale: grant.locale },
    now,
    deps: { repos: deps.repos, roster: STORED_ROSTER_ONLY, logger },
  };
  try {
    const state = await finishedMeeting(call, grant.teamId, grant.id);
    const members = state.institution.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name }));
    const body = await meetingDocx({ meeting: state.meeting.value, notes: state.notes, members, ...(state.citizen ? { alias: state.citizen.alias } : {}), now }, grant.locale);
    logger.info({ meetingId: grant.id, bytes: body.length }, 'document downloaded');
    return { status: 200, contentType: DOCX_CONTENT_TYPE, fileName: meetingFileName(state.meeting.value), body };
  } catch (error) {
    if (error instanceof AccessDeniedError) return { status: 403, message: DOWNLOAD_MESSAGES.denied };
    if (error instanceof NotFoundError) return { status: 404, message: DOWNLOAD_MESSAGES.gone };
    logger.error({ err: error, meetingId: grant.id }, 'document not made');
    return { status: 500, message: DOWNLOAD_MESSAGES.error };
  }
}
