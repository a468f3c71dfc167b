/**
 * Acceptance in a real client: each user flow through the Microsoft 365 Agents Playground's web
 * UI in headless Chromium, against the bot as `npm run dev` starts it (a fresh data dir with the
 * demo tilbud). The flows type, click and fill as a person does, and assert on what the page
 * shows; each saves a PNG of its final card in test/acceptance/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chat, startPlayground, type Playground } from './playground.js';

const CPR = '010190-1234';

describe('Refleks in the Agents Playground (headless Chromium)', () => {
  let playground: Playground;
  let chat: Chat;

  beforeAll(async () => {
    playground = await startPlayground();
    chat = new Chat(playground.page);
  }, 180_000);

  afterAll(async () => {
    await playground?.close();
  });

  it('answers hjælp with what it can do', async () => {
    await chat.send('hjælp', 'Refleks – hvad kan jeg?');
    const text = await chat.cardText();
    expect(text).toContain('dagbog [alias]');
    expect(text).toContain('skriv aldrig CPR-nummer');
    await chat.screenshot('help');
  });

  it('lists the citizens with borgere', async () => {
    await chat.send('borgere', 'Mine borgere');
    const text = await chat.cardText();
    expect(text).toContain('Demo AB');
    expect(text).toContain('Demo CD');
    await chat.screenshot('citizens');
  });

  it('shows a demo citizen’s plan: formål, goals, delmål with their latest score and trend', async () => {
    await chat.send('plan demo ab', 'Plan: Demo AB');
    const text = await chat.cardText();
    expect(text).toContain('Formål fra handleplanen');
    expect(text).toContain('AB laver selv aftensmad to gange om ugen');
    expect(text).toMatch(/Seneste: 2 Moderat støttebehov · ↘ mindre støttebehov/);
    await chat.screenshot('plan');
  });

  it('saves a delmålsdagbog entry and a beboerdagbog entry from dagbog', async () => {
    await chat.send('dagbog', 'Hvem skriver du om?');
    await chat.click('Skriv i dagbog', 'Hvad vil du skrive om?');
    await chat.click('Delmålsdagbog', 'Støttebehov i dag');
    await chat.choose('1 Let støttebehov');
    await chat.fill(/Notat/, 'Skrev selv indkøbslisten efter aftensmaden.');
    await chat.click('Gem', 'Gemt i dagbogen');
    let text = await chat.cardText();
    expect(text).toContain('Delmålsdagbog · Demo AB');
    expect(text).toContain('1 Let støttebehov');
    await chat.screenshot('diary-subgoal');

    await chat.click('Ny registrering', 'Hvad vil du skrive om?');
    await chat.click('Beboerdagbog', 'Kontekst og type');
    await chat.choose('Sundhed – Medicin', { in: /Kontekst og type/ });
    await chat.fill(/Notat/, 'Tog selv sin medicin efter morgenmaden.');
    await chat.click('Gem', 'Gemt i dagbogen');
    text = await chat.cardText();
    expect(text).toContain('Beboerdagbog · Demo AB');
    expect(text).toContain('Sundhed – Medicin');
    await chat.screenshot('diary-resident');
  });
});
