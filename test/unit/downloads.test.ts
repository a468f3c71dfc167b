/**
 * Signed download tokens (src/http/downloads.ts): what a link grants comes back only from a token
 * the bot made with its key, unchanged and not expired; a link lasts an hour unless asked
 * otherwise and never more than a day. The two config keys behind them.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config/config.js';
import { DownloadLinks, DownloadSigner, MAX_LINK_TTL_MS, type DownloadGrant } from '../../src/http/downloads.js';

const SECRET = 'a-download-secret-of-at-least-32-characters';
const now = new Date('2026-12-03T10:00:00Z');
const minutes = (n: number): Date => new Date(now.getTime() + n * 60_000);
const GRANT: DownloadGrant = { tenantId: 'tenant-a', teamId: '19:team@thread.tacv2', aadObjectId: 'aad-anna', kind: 'meeting', id: 'meeting-1', locale: 'da' };

/** A token as an attacker who knows the key's format but not whether the bot would make it (signed with the real key). */
function forge(payload: Record<string, unknown>, key = SECRET): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('download tokens', () => {
  const signer = new DownloadSigner(SECRET);

  it('give back what they grant for an hour, then are expired', () => {
    const token = signer.sign(GRANT, now);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token, minutes(59))).toEqual({ ok: true, grant: GRANT, expiresAt: minutes(60) });
    expect(signer.verify(token, minutes(60))).toEqual({ ok: false, reason: 'expired' });
    // Another instance with the same DOWNLOAD_SECRET reads it too.
    expect(new DownloadSigner(SECRET).verify(token, minutes(1)).ok).toBe(true);
  });

  it('last at most 24 hours', () => {
    expect(signer.verify(signer.sign(GRANT, now, MAX_LINK_TTL_MS), minutes(24 * 60 - 1)).ok).toBe(true);
    expect(() => signer.sign(GRANT, now, MAX_LINK_TTL_MS + 1000)).toThrow(RangeError);
    expect(() => signer.sign(GRANT, now, 0)).toThrow(RangeError);
    // Even signed with the key, a token longer-lived than a day or issued in the future is not one the bot made.
    const iat = Math.floor(now.getTime() / 1000);
    const payload = { v: 1, tid: GRANT.tenantId, team: GRANT.teamId, oid: GRANT.aadObjectId, kind: 'meeting', id: GRANT.id, lc: 'da' };
    expect(signer.verify(forge({ ...payload, iat, exp: iat + 7 * 24 * 3600 }), minutes(1))).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(forge({ ...payload, iat: iat + 3600, exp: iat + 7200 }), now)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(forge({ ...payload, iat, exp: iat + 60 }), now).ok).toBe(true);
  });

  it('refuse a changed, foreign or malformed token', () => {
    const token = signer.sign(GRANT, now);
    const [body, signature] = token.split('.') as [string, string];
    // Another user or meeting in the payload, the old signature kept.
    const json = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const changed = Buffer.from(JSON.stringify({ ...json, oid: 'aad-bo' })).toString('base64url');
    expect(signer.verify(`${changed}.${signature}`, now)).toEqual({ ok: false, reason: 'invalid' });
    // One character of the signature changed.
    const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6);
    expect(signer.verify(`${body}.${flipped}`, now)).toEqual({ ok: false, reason: 'invalid' });
    // The signature's last character changed only in the bits base64url drops (the same 32 bytes decoded).
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = signature.slice(0, -1) + ALPHABET[ALPHABET.indexOf(signature.at(-1)!) ^ 1];
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
    expect(signer.verify(`${body}.${sibling}`, now)).toEqual({ ok: false, reason: 'invalid' });
    // Made with another key (another deployment, or this one before a restart without DOWNLOAD_SECRET).
    expect(new DownloadSigner().verify(token, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(forge({ ...json }, 'another-key-another-key-another-key'), now)).toEqual({ ok: false, reason: 'invalid' });
    // An expired token that was also changed is refused as changed, not as expired.
    expect(signer.verify(`${changed}.${signature}`, minutes(120))).toEqual({ ok: false, reason: 'invalid' });
    for (const bad of ['', '.', 'abc', `${body}.`, `.${signature}`, `${body}.${signature}.x`, `${body}.${signature}=`, 'a'.repeat(5000), forge({ hello: 'world' }), forge({ ...json, kind: 'plan' })]) {
      expect(signer.verify(bad, now), bad.slice(0, 40)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('become links only where the bot has a public address', () => {
    expect(new DownloadLinks(signer, undefined).linkFor(GRANT, now)).toBeUndefined();
    const link = new DownloadLinks(signer, 'https://refleks.example.dk').linkFor(GRANT, now)!;
    expect(link).toMatch(/^https:\/\/refleks\.example\.dk\/api\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(link.split('/').at(-1)!, now).ok).toBe(true);
  });
});

describe('the download settings', () => {
  it('take a public base URL without its trailing slash, and a key of at least 32 characters', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://refleks.example.dk/', DOWNLOAD_SECRET: SECRET });
    expect(config.PUBLIC_BASE_URL).toBe('https://refleks.example.dk');
    expect(config.DOWNLOAD_SECRET).toBe(SECRET);
    const unset = loadConfig({ PUBLIC_BASE_URL: '', DOWNLOAD_SECRET: ' ' });
    expect(unset.PUBLIC_BASE_URL).toBeUndefined();
    expect(unset.DOWNLOAD_SECRET).toBeUndefined();
  });

  it('refuse a short key (without echoing it) and an address that is no http(s) URL', () => {
    let error: unknown;
    try {
      loadConfig({ DOWNLOAD_SECRET: 'kort-hemmelighed', PUBLIC_BASE_URL: 'ftp://refleks.example.dk' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).lines.join('\n');
    expect(lines).toContain('DOWNLOAD_SECRET: at least 32 characters');
    expect(lines).toContain('PUBLIC_BASE_URL');
    expect(lines).not.toContain('kort-hemmelighed');
  });
});
