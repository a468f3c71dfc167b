import { describe, expect, it } from 'vitest';
import { ConfigError, isLocalMode, loadConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('defaults to local mode on the embedded store', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, DATA_DIR: './data', COSMOS_DATABASE: 'refleks', LOG_LEVEL: 'info' });
    expect(config.COSMOS_ENDPOINT).toBeUndefined();
    expect(isLocalMode(config)).toBe(true);
  });

  it('reports every bad key on its own line, without echoing secrets', () => {
    try {
      loadConfig({ PORT: 'abc', MicrosoftAppId: 'app', MicrosoftAppPassword: 'supersecret', COSMOS_ENDPOINT: 'not a url', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const lines = (error as ConfigError).lines;
      expect(lines.some((l) => l.includes('PORT'))).toBe(true);
      expect(lines.some((l) => l.includes('COSMOS_ENDPOINT'))).toBe(true);
      expect(lines.some((l) => l.includes('LOG_LEVEL'))).toBe(true);
      expect(lines.some((l) => l.includes('MicrosoftAppTenantId'))).toBe(true);
      expect(lines.join('\n')).not.toContain('supersecret');
    }
  });

  it('accepts a SingleTenant bot and a managed identity bot', () => {
    expect(isLocalMode(loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't' }))).toBe(false);
    expect(loadConfig({ MicrosoftAppId: 'a', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' }).MicrosoftAppType).toBe('UserAssignedMSI');
  });

  it('selects Cosmos when an endpoint is set, with or without a key', () => {
    expect(loadConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' }).COSMOS_ENDPOINT).toBe('https://acct.documents.azure.com:443/');
  });

  it('parses the embedded store settings: synchronous mode and busy timeout', () => {
    expect(loadConfig({})).toMatchObject({ EMBEDDED_SYNC: 'normal', EMBEDDED_BUSY_TIMEOUT_MS: 5000 });
    expect(loadConfig({ EMBEDDED_SYNC: ' FULL ', EMBEDDED_BUSY_TIMEOUT_MS: '250' })).toMatchObject({ EMBEDDED_SYNC: 'full', EMBEDDED_BUSY_TIMEOUT_MS: 250 });
    expect(loadConfig({ EMBEDDED_SYNC: '' }).EMBEDDED_SYNC).toBe('normal');
    try {
      loadConfig({ EMBEDDED_SYNC: 'off', EMBEDDED_BUSY_TIMEOUT_MS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const lines = (error as ConfigError).lines;
      expect(lines.some((l) => l.includes('EMBEDDED_SYNC'))).toBe(true);
      expect(lines.some((l) => l.includes('EMBEDDED_BUSY_TIMEOUT_MS'))).toBe(true);
    }
  });

  it('parses the reminder engine settings: interval, attempts and the global rate ceiling', () => {
    expect(loadConfig({})).toMatchObject({ REMINDER_INTERVAL_MS: 60000, REMINDER_MAX_ATTEMPTS: 5, REMINDER_RATE_PER_SECOND: 30, REMINDER_CLAIM_TIMEOUT_MS: 120000, REMINDER_LEASE_MS: 60000 });
    expect(loadConfig({ REMINDER_CLAIM_TIMEOUT_MS: '3000', REMINDER_LEASE_MS: '1500' })).toMatchObject({ REMINDER_CLAIM_TIMEOUT_MS: 3000, REMINDER_LEASE_MS: 1500 });
    expect(loadConfig({ REMINDER_INTERVAL_MS: '0', REMINDER_MAX_ATTEMPTS: '3', REMINDER_RATE_PER_SECOND: '12.5' })).toMatchObject({ REMINDER_INTERVAL_MS: 0, REMINDER_MAX_ATTEMPTS: 3, REMINDER_RATE_PER_SECOND: 12.5 });
    for (const env of [{ REMINDER_INTERVAL_MS: '-1' }, { REMINDER_MAX_ATTEMPTS: '0' }, { REMINDER_RATE_PER_SECOND: '51' }, { REMINDER_CLAIM_TIMEOUT_MS: '10' }, { REMINDER_LEASE_MS: 'long' }, { REMINDER_RATE_PER_SECOND: 'fast' }]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });

  it('parses the reminder settings: quiet hours (HH:mm-HH:mm or off) and weekends (skip or send)', () => {
    expect(loadConfig({})).toMatchObject({ REMINDER_QUIET_HOURS: '17:00-07:30', REMINDER_WEEKENDS: 'skip' });
    expect(loadConfig({ REMINDER_QUIET_HOURS: '', REMINDER_WEEKENDS: ' ' })).toMatchObject({ REMINDER_QUIET_HOURS: '17:00-07:30', REMINDER_WEEKENDS: 'skip' });
    expect(loadConfig({ REMINDER_QUIET_HOURS: ' 18:00 – 08:00 ', REMINDER_WEEKENDS: 'SEND' })).toMatchObject({ REMINDER_QUIET_HOURS: '18:00-08:00', REMINDER_WEEKENDS: 'send' });
    expect(loadConfig({ REMINDER_QUIET_HOURS: 'Off' }).REMINDER_QUIET_HOURS).toBe('off');
    expect(loadConfig({ REMINDER_QUIET_HOURS: '12:00-13:00' }).REMINDER_QUIET_HOURS).toBe('12:00-13:00');
    for (const [env, key, says] of [
      [{ REMINDER_QUIET_HOURS: '17-7' }, 'REMINDER_QUIET_HOURS', 'HH:mm-HH:mm'],
      [{ REMINDER_QUIET_HOURS: '25:00-07:30' }, 'REMINDER_QUIET_HOURS', 'HH:mm-HH:mm'],
      [{ REMINDER_QUIET_HOURS: '08:00-08:00' }, 'REMINDER_QUIET_HOURS', 'different times'],
      [{ REMINDER_WEEKENDS: 'never' }, 'REMINDER_WEEKENDS', 'skip'],
    ] as const) {
      try {
        loadConfig(env);
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).lines).toEqual([expect.stringMatching(new RegExp(`^  ${key}: .*${says}`))]);
      }
    }
  });
});
