/**
 * Acceptance in a real client: each user flow through the Microsoft 365 Agents Playground's web
 * UI in headless Chromium, against the bot as `npm run dev` starts it (a fresh data dir with the
 * demo tilbud). The flows type, click and fill as a person does, and assert on what the page
 * shows; each saves a PNG of its final card in test/acceptance/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_SELECTOR, Chat, SCREENSHOTS, startPlayground, type Playground } from './playground.js';

const CPR = '010190-1234';

// A flow clicks through a real browser while the rest of the suite runs beside it: time enough.
describe('Refleks in the Agents Playground (headless Chromium)', { timeout: 120_000 }, () => {
  let playground: Playground;
  let chat: Chat;

  beforeAll(async () => {
    playground = await startPlayground();
    chat = new Chat(playground.page);
  }, 180_000);

  afterAll(async () => {
    await playground?.close();
  });

  it('puts the demo reminder in the personal chat; Markér som klaret updates it in place, and it does not come again', async () => {
    // The demo's due deadline (Demo AB's first delmål, Alex's, revisionsdato today) reaches the
    // personal chat on the bot's first reminder passes, without anyone writing to the bot first.
    const reminder = playground.page.locator(CARD_SELECTOR).filter({ hasText: 'Påmindelse' });
    await reminder.first().waitFor({ timeout: 60_000 });
    expect(await reminder.count()).toBe(1);
    const text = await chat.cardText();
    expect(text).toContain('Revision af mål');
    expect(text).toContain('Demo AB');
    expect(text).toContain('AB skriver selv en indkøbsliste hver søndag');
    expect(text).toMatch(/I dag \(\d{1,2}\. \S+ \d{4}\)/);
    for (const button of ['Markér som klaret', 'Udsæt 1 dag', 'Udsæt 1 uge', 'Åbn planen', 'Evaluér nu']) {
      await expect(chat.card().getByRole('button', { name: button, exact: true }).count()).resolves.toBe(1);
    }
    await chat.screenshot('reminder');
    const cardsBefore = await chat.cardCount();
    await chat.click('Markér som klaret', 'Markeret som klaret.');
    // In place: the same card now says what was done, and it cannot be acted on again.
    expect(await chat.cardCount()).toBe(cardsBefore);
    expect(await chat.card().getByRole('button', { name: 'Markér som klaret' }).count()).toBe(0);
    await chat.screenshot('reminder-done');
    // Two more reminder passes (every 10 s in npm run dev): no second reminder of it.
    await playground.page.waitForTimeout(22_000);
    expect(await reminder.count()).toBe(1);
    expect(await chat.cardCount()).toBe(cardsBefore);
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
    // Each delmål has its own button, named after it.
    await chat.click(/^Delmålsdagbog: AB skriver selv/, 'Støttebehov i dag');
    await chat.choose('1 Let støttebehov');
    await chat.fill(/Notat/, 'Skrev selv indkøbslisten efter aftensmaden.');
    await chat.click('Gem', 'Gemt i dagbogen');
    let text = await chat.cardText();
    expect(text).toContain('Delmålsdagbog · Demo AB');
    expect(text).toContain('1 Let støttebehov');
    expect(text).toContain('Skrev selv indkøbslisten efter aftensmaden.');
    // The time ("2. dec. 2026 08:37") is shown as it is, not as item 2 of a numbered list.
    expect(text).toMatch(/Tidspunkt\s+\d{1,2}\. \w+\.? \d{4} \d\d:\d\d/);
    expect(await chat.card().locator('ol, li').count()).toBe(0);
    await chat.screenshot('diary-subgoal');

    // The confirmation stays in the chat; the next step opens as a new card below it.
    const cardsBefore = await chat.cardCount();
    await chat.click('Ny registrering', 'Hvad vil du skrive om?');
    expect(await chat.cardCount()).toBe(cardsBefore + 1);
    expect(await (await chat.cardFromEnd(2)).innerText()).toContain('Gemt i dagbogen');
    await chat.click('Beboerdagbog', 'Kontekst og type');
    await chat.choose('Sundhed – Medicin', { in: /Kontekst og type/ });
    // Written the way people type on a phone: Markdown characters shown as typed, not as italics or a list.
    await chat.fill(/Notat/, '- tog selv sin medicin *uden* påmindelse_kl. 8');
    await chat.click('Gem', 'Gemt i dagbogen');
    text = await chat.cardText();
    expect(text).toContain('Beboerdagbog · Demo AB');
    expect(text).toContain('Sundhed – Medicin');
    expect(text).toContain('- tog selv sin medicin *uden* påmindelse_kl. 8');
    expect(await chat.card().locator('em, strong, ul, li').count()).toBe(0);
    await chat.screenshot('diary-resident');
  });

  it('walks the whole SMORTE wizard: advice on a weak goal, Tilbage, a good goal, Gem målet, and the plan shows it', async () => {
    await chat.send('nyt mål demo ab', 'Trin 1 af 6');
    // No advice before anything was chosen.
    expect(await chat.cardText()).not.toContain('intet tema');
    await chat.choose('Praktiske opgaver', { in: /^Tema/ });
    await chat.click('Næste', 'Trin 2 af 6');

    // A goal phrased as something to avoid: the step stays, with the advice beside the text.
    await chat.fill(/Hvad skal borgeren kunne/, 'Demo AB skal ikke råbe i køkkenet');
    await chat.click('Næste', /skal undgås/);
    expect(await chat.cardText()).toContain('Trin 2 af 6');
    await chat.screenshot('wizard-advice');

    const goal = 'Demo AB vasker selv sit tøj hver lørdag formiddag';
    await chat.fill(/Hvad skal borgeren kunne/, goal);
    await chat.click('Næste', 'Trin 3 af 6');
    // Tilbage keeps what was typed.
    await chat.click('Tilbage', 'Trin 2 af 6');
    expect(await chat.inputValue(/Hvad skal borgeren kunne/)).toBe(goal);
    await chat.click('Næste', 'Trin 3 af 6');

    await chat.fill(/Indikator/, 'Antal lørdage om måneden, hvor AB selv starter vaskemaskinen');
    await chat.click('Næste', 'Trin 4 af 6');
    await chat.fill(/Beskriv kort hvordan/, 'Aftalt med AB ved morgenmaden; AB valgte selv lørdag.');
    await chat.click('Næste', 'Trin 5 af 6');
    await chat.fill(/Indsatser og metoder/, 'Guidning ved vaskemaskinen, piktogram');
    await chat.click('Næste', 'Trin 6 af 6');
    expect(await chat.cardText()).not.toContain('ingen slutdato');
    const end = await chat.pickDate(/Slutdato/, 6);
    const revision = await chat.pickDate(/Revisionsdato/, 3);
    expect(end).toMatch(/^15\. \S+ \d{4}$/);
    expect(revision).toMatch(/^15\. \S+ \d{4}$/);
    await chat.screenshot('wizard-time');
    await chat.click('Gem målet', 'Målet er gemt.');
    const plan = await chat.cardText();
    expect(plan).toContain('Plan: Demo AB');
    expect(plan).toContain(goal);
    await chat.screenshot('wizard-saved');
  });

  it('evaluates a delmål with a decision, from the diaries’ evidence, and the plan shows the evaluation', async () => {
    await chat.send('evaluér demo ab', 'Hvilket mål vil du evaluere?');
    await chat.click('Evaluér', 'Dagbogsnotater');
    const form = await chat.cardText();
    expect(form).toMatch(/Dagbogsnotater\s+\d+ \(/);
    expect(form).toContain('Udvikling');
    await chat.choose('Delvist opnået');
    await chat.fill(/Hvad virkede/, 'Faste tider og en indkøbsliste på køleskabet.');
    await chat.choose('Fortsæt (med ny revisionsdato)');
    await chat.pickDate(/Ny revisionsdato/, 2);
    await chat.screenshot('evaluation');
    await chat.click('Gem evaluering', 'Evalueringen er skrevet ind i planen.');
    expect(await chat.cardText()).toMatch(/Evalueret .*delvist opnået → fortsætter/);
    await chat.screenshot('evaluation-saved');
  });

  it('refuses a CPR number in a note, says so next to the field, and keeps the rest of the note', async () => {
    // A word of the alias is enough: "cd" finds "Demo CD".
    await chat.send('dagbog cd', 'Hvad vil du skrive om?');
    expect(await chat.cardText()).toContain('Demo CD');
    await chat.click(/^Delmålsdagbog: /, 'Støttebehov i dag');
    await chat.choose('2 Moderat støttebehov');
    await chat.fill(/Notat/, `Ringede selv til skolen ${CPR} og sagde, at hun var syg.`);
    await chat.click('Gem', 'Teksten indeholdt et CPR-nummer');
    expect(await chat.inputValue(/Notat/)).toBe('Ringede selv til skolen og sagde, at hun var syg.');
    expect(await playground.page.content()).not.toContain(CPR);
    await chat.screenshot('cpr-refused');
    // Saving again, without the number, saves.
    await chat.click('Gem', 'Gemt i dagbogen');
  });

  it('registers the team as a tilbud with @Test Bot opsæt in the channel', async () => {
    await chat.open('General');
    // The demo tilbud keeps its name, which says it is a demo.
    await chat.post('opsæt', /Tilbuddet "My Team \(DEMO\)" er opdateret/);
    await playground.page.screenshot({ path: `${SCREENSHOTS}/channel-setup.png` });
    await chat.open('Personal Chat');
  });

  it('runs a short refleksionsmøde in the team channel: start, tick, a note, the next steps, the aftalepapir and finish', async () => {
    await chat.open('General');
    await chat.post('refleksionsmøde indsats', 'Forberedelse');
    expect(await chat.cardText()).toContain('Der er reserveret lokale.');
    // Each item is ticked by itself, and the card says by whom.
    await chat.click('Afkryds', '✓ Alex Wilber');
    await chat.screenshot('meeting-preparation');
    await chat.click('Start dialogen', 'Dialog, trin 1 af 4: Siden sidst');
    expect(await chat.cardText()).toContain('Hvad blev der aftalt sidst?');
    await chat.fill(/Din note/, 'Madplanen blev fulgt tre af fire uger.');
    await chat.click('Tilføj note', 'Alex Wilber: Madplanen blev fulgt tre af fire uger.');
    await chat.click('Næste trin', 'Dialog, trin 2 af 4: Udforsk');
    await chat.click('Næste trin', 'Dialog, trin 3 af 4: Fortolk');
    await chat.click('Næste trin', 'Dialog, trin 4 af 4: Forbered handling');
    await chat.screenshot('meeting-dialog');
    await chat.fill(/Hvad vil vi opnå inden næste møde/, 'Flere borgere laver selv madplan');
    await chat.fill(/Hvad vil vi opnå på længere sigt/, 'Alle borgere handler selv ind en gang om ugen');
    await chat.fill(/Hvilke data viser/, 'Delmålsdagbøgernes støttebehov ved indkøb');
    await chat.fill(/Hvad skal gøres/, 'Madplan med hver borger søndag');
    await chat.choose('Alex Wilber', { in: /Hvem gør det/ });
    await chat.choose('Alex Wilber', { in: /Hvem følger op/ });
    await chat.pickDate(/Hvornår/, 1);
    await chat.click('Gem aftalepapir', 'Aftalepapiret er gemt.');
    await chat.click('Næste trin', 'Afslut mødet');
    await chat.click('Afslut mødet', 'Mødet blev afsluttet');
    expect(await chat.cardText()).toContain('Madplan med hver borger søndag');
    await chat.screenshot('meeting-finished');
    await chat.open('Personal Chat');
  });

  it('runs a læringscirkel in the team channel: udviklingspunkt, an idea, Planlæg → Afprøv → Reflektér → Justér; the board and the katalog', async () => {
    await chat.open('General');
    await chat.post('læringscirkel Morgenmad med piktogrammer', 'Nyt udviklingspunkt');
    await chat.fill(/^1\. Hvad skal vi opnå/, 'Beboerne vælger selv pålæg ved morgenmaden');
    await chat.fill(/^2\. Hvordan ved vi/, 'Vi tæller de morgener, hvor beboerne selv vælger');
    await chat.click('Opret udviklingspunkt', 'Udviklingspunktet er oprettet.');
    await chat.settle();
    await chat.fill(/^Ny idé/, 'Piktogrammer ved morgenmaden');
    await chat.click('Tilføj idé', 'Idéen er tilføjet forandringskataloget.');
    await chat.settle();
    await chat.click('Afprøv', 'Prøvehandlingen er startet.');
    // The posted card is updated for everyone too: type once it has landed.
    await chat.settle();
    await chat.fill(/^Hypotese/, 'Hvis vi bruger piktogrammer ved morgenmaden, så vælger beboerne selv pålæg mindst fire dage om ugen');
    await chat.choose('Alex Wilber', { in: /^Hvem gør det/ });
    await chat.fill(/^Hvor\?/, 'Køkkenet i bo-enheden');
    await chat.pickDate(/^Hvornår: fra/, 0);
    await chat.pickDate(/^til/, 0);
    await chat.fill(/^Hvilke data viser/, 'Antal morgener med eget valg');
    await chat.fill(/^Hvordan, hvor og hvornår/, 'Morgenvagten krydser af i skemaet');
    // A draft first: the card comes back with the plan as saved (a screenshot of a card being
    // typed in redraws it, and what was typed is gone).
    await chat.click('Gem udkast', 'Gemt.');
    await chat.settle();
    expect(await chat.inputValue(/^Hvor\?/)).toBe('Køkkenet i bo-enheden');
    await chat.screenshot('cycle-plan');
    await chat.click('Gem og gå videre til Afprøv', 'Prøvehandlingen er nu ved "Afprøv".');
    await chat.settle();
    await chat.fill(/^Hvad skete der/, 'Piktogrammerne blev brugt hver morgen');
    await chat.fill(/^Data: hvad viste/, 'Fem af syv morgener');
    await chat.click('Gem og gå videre til Reflektér', 'Prøvehandlingen er nu ved "Reflektér".');
    await chat.settle();
    await chat.fill(/^Data holdt op mod hypotesen/, 'Fem morgener mod de fire, vi forventede');
    await chat.choose('Hypotesen holdt');
    await chat.click('Gem og gå videre til Justér', 'Prøvehandlingen er nu ved "Justér".');
    await chat.settle();
    await chat.choose('Justér');
    await chat.fill(/^Hvorfor/, 'Piktogrammerne skal også bruges til aftensmaden');
    await chat.click('Afslut læringscirklen', 'Den næste læringscirkel er startet.');
    await chat.settle();
    await chat.screenshot('cycle-next');
    // The channel shows the newest post first: the board and the katalog are found by their titles.
    await chat.post('fremdrift', 'Tavlen: prøvehandlinger i gang');
    const board = playground.page.locator(CARD_SELECTOR).filter({ hasText: 'Tavlen: prøvehandlinger i gang' }).first();
    expect(await board.innerText()).toMatch(/Prøvehandlinger i gang[\s\S]*Piktogrammer ved morgenmaden/);
    expect(await board.innerText()).toContain('Log over afsluttede læringscirkler');
    await board.screenshot({ path: `${SCREENSHOTS}/cycle-board.png` });
    await chat.post('katalog', 'Forbedringskatalog');
    const catalogue = playground.page.locator(CARD_SELECTOR).filter({ hasText: 'Forbedringskatalog' }).filter({ hasNotText: 'Tavlen' }).first();
    expect(await catalogue.innerText()).toContain('Piktogrammer ved morgenmaden');
    await catalogue.screenshot({ path: `${SCREENSHOTS}/cycle-catalogue.png` });
    await chat.open('Personal Chat');
  });

  // Last: the new citizen has no formål, so its contact person (Alex) gets a "formål mangler"
  // reminder on a later pass, a card that would otherwise land in the middle of another flow.
  it('creates a citizen with ny borger and opens the new plan (after an Annullér that saves nothing)', async () => {
    await chat.send('ny borger', 'Brug et alias');
    await chat.click('Annullér', 'Mine borgere');
    expect(await chat.cardText()).not.toContain('Stue 7');
    await chat.send('ny borger', 'Brug et alias');
    await chat.fill(/^Alias/, 'Stue 7');
    await chat.choose('Voksen (VUM-temaer)');
    await chat.click('Gem', 'Plan: Stue 7');
    const plan = playground.page.locator(CARD_SELECTOR).filter({ hasText: 'Plan: Stue 7' }).last();
    expect(await plan.innerText()).toContain('Formål fra handleplanen mangler');
    await plan.screenshot({ path: `${SCREENSHOTS}/new-citizen.png` });
    // Its contact person (Alex, who made it) is reminded to get the formål from the municipality.
    const reminder = playground.page.locator(CARD_SELECTOR).filter({ hasText: 'Markér som klaret' }).filter({ hasText: 'Stue 7' });
    await reminder.first().waitFor({ timeout: 30_000 });
    expect(await reminder.first().innerText()).toContain('Formål fra handleplanen mangler');
  });
});
