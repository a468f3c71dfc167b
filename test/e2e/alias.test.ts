/**
 * Finding a citizen by what a care worker types: the whole alias, its start, or a word of it,
 * in any case; several matches give the candidates to choose from.
 */
import { describe, expect, it } from 'vitest';
import { useApp } from '../support/lifecycle.js';
import { VERBS } from '../../src/cards/verbs.js';
import { actionsOf, cardOf, invokeCardOf, textOf, USERS, type Harness } from '../support/e2e.js';
import { createCitizen } from '../support/flows.js';

describe('aliases typed in part', () => {
  let h: Harness;
  useApp('embedded', async (app) => {
    h = app.h;
    await h.setupTeam(USERS.anna);
    for (const alias of ['Demo AB', 'Demo CD', 'Karl', 'Kaj']) await createCitizen(h, USERS.anna, alias);
  });

  async function reply(text: string) {
    return cardOf((await h.message(USERS.anna, text)).replies[0]);
  }

  it('opens the plan of the one citizen whose alias has a word starting with what was typed', async () => {
    expect(textOf(await reply('plan ab'))).toContain('Plan: Demo AB');
    expect(textOf(await reply('plan AB'))).toContain('Plan: Demo AB');
  });

  it('opens the diary targets from the start of an alias', async () => {
    const card = await reply('dagbog karl');
    expect(textOf(card)).toContain('Karl');
    expect(textOf(card)).not.toContain('Flere borgere');
  });

  it('offers the candidates when several aliases match, and a click opens the chosen one', async () => {
    const card = await reply('plan demo');
    const choices = actionsOf(card).filter((a) => a.verb === VERBS.planShow);
    expect(choices.map((a) => a.title)).toEqual(expect.arrayContaining([expect.stringContaining('Demo AB'), expect.stringContaining('Demo CD')]));
    expect(choices).toHaveLength(2);
    const chosen = choices.find((a) => a.title.includes('Demo CD'))!;
    const plan = invokeCardOf(await h.invoke(USERS.anna, VERBS.planShow, chosen.data));
    expect(textOf(plan)).toContain('Plan: Demo CD');
  });

  it('prefers the exact alias over longer ones that start with it', async () => {
    await createCitizen(h, USERS.anna, 'Demo');
    expect(textOf(await reply('plan demo'))).toContain('Plan: Demo\n');
  });

  it('says so when nothing matches, and does not match inside a word', async () => {
    expect(textOf(await reply('plan rl'))).toMatch(/ikke fundet|Ingen borger/i);
  });
});
