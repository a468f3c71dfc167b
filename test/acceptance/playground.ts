/**
 * The acceptance suite's client: `npm run dev` (the bot on a fresh data dir with the demo tilbud,
 * and the Microsoft 365 Agents Playground, both on free loopback ports) and the Playground's web UI
 * in headless Chromium, driven the way a person uses it: typing in the compose box, clicking the
 * buttons on the cards, filling their inputs and reading what the page shows. Nothing here talks to
 * the bot's HTTP endpoint.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, spawnTs, type Child } from '../support/processes.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

/** The browser: Debian's `chromium` (installed by `npm test`, see scripts/ensure-chromium.mjs), or CHROMIUM_PATH. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Where each flow's final card is saved as a PNG. */
export const SCREENSHOTS = join(REPO_ROOT, 'test', 'acceptance', 'screenshots');

/** A card the bot sent, as the Playground renders it. */
export const CARD_SELECTOR = '.ac-adaptiveCard';
const CARD = CARD_SELECTOR;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Playground {
  page: Page;
  url: string;
  /** Lines the bot and the Playground printed (for a failing test's message). */
  output(): string;
  close(): Promise<void>;
}

export async function startPlayground(): Promise<Playground> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: \`npm test\` installs Debian's chromium (scripts/ensure-chromium.mjs); or set CHROMIUM_PATH.`);
  const dataDir = await makeTempDir('refleks-acceptance-');
  const [botPort, playgroundPort] = [await freePort(), await freePort()];
  const dev: Child = spawnTs('scripts/dev.ts', [], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(botPort), PLAYGROUND_PORT: String(playgroundPort), LOG_LEVEL: 'warn', MicrosoftAppId: '' },
  });
  let browser: Browser | undefined;
  try {
    const ready = await dev.waitForLine((line) => line.includes('Refleks kører'), 120_000);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(ready)![0];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // No network beyond loopback here: without these, Chromium keeps trying Google's hosts.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    page.setDefaultTimeout(20_000);
    await page.goto(url, { waitUntil: 'networkidle' });
    // The log panel repeats the bot's texts; hidden, what the page shows is the conversation.
    await page.getByTitle('Hide log panel').click();
    await page.getByText('Log Panel').waitFor({ state: 'hidden' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const opened = browser;
    return {
      page,
      url,
      output: () => `${dev.lines.slice(-40).join('\n')}\n${dev.stderr().slice(-2000)}`,
      close: async () => {
        await opened.close();
        dev.process.kill('SIGTERM');
        await dev.exited(20_000).catch(() => dev.process.kill('SIGKILL'));
        await removeTempDir(dataDir);
      },
    };
  } catch (error) {
    await browser?.close();
    dev.process.kill('SIGKILL');
    await removeTempDir(dataDir);
    throw new Error(`${(error as Error).message}\n${dev.lines.slice(-20).join('\n')}\n${dev.stderr().slice(-1500)}`);
  }
}

/** A conversation in the Playground (the personal chat, or a team channel), as a person sees it. */
export class Chat {
  /** A team channel lists its posts newest first; a chat, newest last. */
  private inChannel = false;

  constructor(readonly page: Page) {}

  /** Opens a conversation from the left rail ("Personal Chat", "General"). */
  async open(name: string): Promise<void> {
    await this.page.getByText(name, { exact: true }).first().click();
    this.inChannel = !/Chat$/.test(name);
    await this.page.waitForTimeout(300);
  }

  /** The compose box of the personal chat (or a channel's "Start a new post"). */
  private compose(): Locator {
    return this.page.locator('[contenteditable="true"][role="textbox"]').first();
  }

  /** The bot's newest card (in a channel: the card of the newest post). */
  card(): Locator {
    return this.inChannel ? this.page.locator(CARD).first() : this.page.locator(CARD).last();
  }

  /** The card `n` places from the end (1 is the newest, 2 the one before it). */
  async cardFromEnd(n: number): Promise<Locator> {
    return this.page.locator(CARD).nth((await this.cardCount()) - n);
  }

  /** How many cards the conversation shows. */
  async cardCount(): Promise<number> {
    return this.page.locator(CARD).count();
  }

  async cardText(): Promise<string> {
    return this.card().innerText();
  }

  /** Types a message and sends it with Enter; waits until a new `expect` shows on the page (a card or a text reply). */
  async send(text: string, expect: string | RegExp): Promise<void> {
    const before = await this.page.getByText(expect).count();
    await this.compose().click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
    await this.appears(expect, before);
  }

  /** Waits until the page shows `expect` more often than `before` times. */
  private async appears(expect: string | RegExp, before: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await this.page.getByText(expect).count()) <= before) {
      if (Date.now() > deadline) throw new Error(`"${String(expect)}" did not appear; the newest card says: ${(await this.card().innerText().catch(() => '')).slice(0, 400)}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Types `@Test Bot <text>` in a channel post, picking the bot from the mention list, and posts it. */
  async post(text: string, expect: string | RegExp): Promise<void> {
    await this.compose().click();
    await this.page.keyboard.type('@Test');
    await this.page.getByRole('option', { name: 'Test Bot' }).or(this.page.locator('[role="listbox"]').getByText('Test Bot')).first().click();
    await this.page.keyboard.type(` ${text}`);
    const before = await this.page.getByText(expect).count();
    await this.page.getByRole('button', { name: 'Post' }).click();
    await this.appears(expect, before);
  }

  /**
   * Clicks a button on the newest card and waits until the card shows `expect`: an
   * Action.Execute answer replaces the card where it is, so the new content is what counts.
   */
  async click(button: string | RegExp, expect: string | RegExp, options: { nth?: number } = {}): Promise<void> {
    const buttons = this.card().getByRole('button', { name: button, exact: typeof button === 'string' });
    await buttons.nth(options.nth ?? 0).click();
    await this.card().getByText(expect).first().waitFor();
  }

  /**
   * Waits until the newest card has not been redrawn for a moment. A change on a shared channel
   * card comes back twice: the clicker's own card (the invoke's answer) and the posted card
   * updated for everyone; what is typed before the second lands is drawn over. (So does an
   * element screenshot of a card taller than the window: take it after a save, not while typing.)
   */
  async settle(quietMs = 800): Promise<void> {
    const deadline = Date.now() + 15_000;
    let last = await this.card().innerHTML();
    let since = Date.now();
    while (Date.now() - since < quietMs && Date.now() < deadline) {
      await this.page.waitForTimeout(100);
      const now = await this.card().innerHTML();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
    }
  }

  /** Fills a text input or text area on the newest card, found by its label. */
  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.card().getByLabel(label).first().fill(value);
  }

  /** Picks a choice: a radio button or a check box by its title, or an option of a drop-down (a combo box) found by its label. */
  async choose(choice: string | RegExp, options: { in?: string | RegExp } = {}): Promise<void> {
    if (options.in !== undefined) {
      await this.card().getByLabel(options.in).first().click();
      const exact = typeof choice === 'string';
      // A single choice is an option; a multi-select lists check boxes (menuitemcheckbox) and stays open.
      const multi = this.page.getByRole('menuitemcheckbox', { name: choice, exact });
      await this.page.getByRole('option', { name: choice, exact }).or(multi).first().click();
      if ((await multi.count()) > 0) await this.page.keyboard.press('Escape');
      return;
    }
    await this.card().getByLabel(choice, { exact: typeof choice === 'string' }).first().check();
  }

  /**
   * Picks the 15th of the month `monthsAhead` from now in a date input's calendar (the
   * Playground's date picker takes no typing), and returns what the field then shows.
   */
  async pickDate(label: string | RegExp, monthsAhead: number): Promise<string> {
    const field = this.card().getByLabel(label).first();
    await field.click();
    const header = this.page.getByRole('button', { name: /^[A-Z][a-z]+ \d{4}$/ }).first();
    await header.waitFor();
    // The header's arrows: previous month, next month.
    const next = header.locator('xpath=following-sibling::*//button').last();
    for (let i = 0; i < monthsAhead; i++) await next.click();
    const target = new Date();
    target.setMonth(target.getMonth() + monthsAhead, 15);
    await this.page.getByRole('button', { name: `15, ${target.toLocaleString('en-US', { month: 'long' })}, ${target.getFullYear()}`, exact: true }).click();
    return field.inputValue();
  }

  /** What an input on the newest card holds. */
  async inputValue(label: string | RegExp): Promise<string> {
    return this.card().getByLabel(label).first().inputValue();
  }

  /** Saves a PNG of the newest card. */
  async screenshot(name: string): Promise<void> {
    await this.card().screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }
}
