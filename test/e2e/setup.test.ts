/** `opsæt` on a team that is already a tilbud: the roster is refreshed; the demo tilbud keeps its marked name. */
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import { createDefaultSettings } from '../../src/domain/defaults.js';
import { TEAM_ID, TENANT_A, USERS, type Harness } from '../support/e2e.js';

describe('opsæt on the demo tilbud', () => {
  let h: Harness;
  useApp('embedded', async (app) => {
    h = app.h;
    const at = new Date().toISOString();
    await h.app.repos.institutions.create({
      tenantId: TENANT_A,
      teamId: TEAM_ID,
      name: 'My Team (DEMO)',
      demo: true,
      members: [],
      settings: createDefaultSettings(),
      createdAt: at,
      createdBy: USERS.anna.aadObjectId,
      updatedAt: at,
    });
  });

  it('refreshes the roster and keeps the name with "(DEMO)"', async () => {
    const replies = await h.setupTeam(USERS.anna);
    expect(String(replies[0]?.body['text'])).toContain('"My Team (DEMO)"');
    const stored = await h.app.repos.institutions.get(TENANT_A, TEAM_ID, { fresh: true });
    expect(stored?.value.name).toBe('My Team (DEMO)');
    expect(stored?.value.demo).toBe(true);
    expect(stored?.value.members.map((m) => m.name)).toEqual(['Anna Medarbejder', 'Bo Kollega']);
  });
});
