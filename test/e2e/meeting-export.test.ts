/**
 * `@Refleks eksportér` over real HTTP on both stores: under the Markdown the bot posts a card
 * with a signed link to the meeting as a Word file; the link, fetched from the bot, gives the
 * .docx (read back with mammoth) with the meeting's notes, for an hour. A changed token is
 * refused (403), an expired one is gone (410), and the access is checked again when the link is
 * used: a user removed from the team, someone outside it or in another tenant gets 403; a meeting
 * not finished (or gone) is 404. Neither
 * the token nor a name or a note reaches the log.
 */
import mammoth from 'mammoth';
import { beforeAll, describe, expect, it } from 'vitest';
import { cardOf, TEAM_ID, TENANT_B, user, USERS, type CardJson, type Harness, type TestUser } from '../support/e2e.js';
import { useApp } from '../support/lifecycle.js';
import { inChannel, meetingRef, newCitizen, runMeeting, sendInChannel } from '../support/meeting-flows.js';
import type { StoreKind } from '../support/stores.js';
import type { DownloadGrant } from '../../src/http/downloads.js';

const KINDS: StoreKind[] = ['embedded', 'cosmos'];
/** The address the bot is reached at from a browser (a proxy in front of it): the links start with it. */
const PUBLIC_BASE_URL = 'https://refleks.example.test';
const DIANA = user('diana', 'Diana Dokument');
const TEAM = [USERS.anna, USERS.bo, DIANA, USERS.emma];

const NOTES = [
  [{ by: USERS.bo, text: 'Aftalen om indkøb blev holdt hver uge' }],
  [{ by: DIANA, text: 'Gode dage når dagen er planlagt' }, { by: USERS.anna, text: 'Svært efter weekendbesøg' }],
  [{ by: USERS.bo, text: 'Faste rammer giver ro' }],
  [{ by: USERS.anna, text: 'Ugeplan på køleskabet' }],
];

/** What the bot posted for `@Refleks eksportér`: the Markdown text, and the link card. */
async function exportInChannel(h: Harness, from: TestUser): Promise<{ markdown: string; card: CardJson }> {
  const sent = await sendInChannel(h, from, 'eksportér');
  expect(sent).toHaveLength(2);
  return { markdown: String(sent[0]!.body['text']), card: cardOf(sent[1]) };
}

/** The link of the card's "Hent som Word (.docx)" button. */
function linkOf(card: CardJson, title = 'Hent som Word (.docx)'): string {
  const actions = (card['actions'] as Array<Record<string, unknown>> | undefined) ?? [];
  const open = actions.find((a) => a['type'] === 'Action.OpenUrl' && a['title'] === title);
  if (!open) throw new Error(`no Action.OpenUrl "${title}" in ${JSON.stringify(card).slice(0, 300)}`);
  return String(open['url']);
}

/** Opens the link as a browser would, at the bot (the public base URL is a proxy in front of it). */
async function download(h: Harness, link: string): Promise<Response> {
  expect(link.startsWith(`${PUBLIC_BASE_URL}/api/files/`)).toBe(true);
  return fetch(`${h.url}${link.slice(PUBLIC_BASE_URL.length)}`);
}

const tokenOf = (link: string): string => link.slice(link.lastIndexOf('/') + 1);

async function wordText(res: Response): Promise<{ text: string; html: string }> {
  const buffer = Buffer.from(await res.arrayBuffer());
  const [text, html] = await Promise.all([mammoth.extractRawText({ buffer }), mammoth.convertToHtml({ buffer })]);
  return { text: text.value, html: html.value };
}

describe.each(KINDS)('the meeting as a Word file, by a signed link, on the %s store', (kind) => {
  let h: Harness;
  let meetingId = '';
  useApp(
    kind,
    async (started) => {
      h = started.h;
    },
    { env: { PUBLIC_BASE_URL } },
  );
  beforeAll(async () => {
    await h.setupTeam(USERS.anna, TEAM);
    await newCitizen(h, USERS.anna, 'Eksportborger CD');
    ({ meetingId } = await runMeeting(h, {
      leader: USERS.anna,
      participants: [USERS.bo, DIANA],
      subject: 'borger Eksportborger CD',
      notes: NOTES,
      agreement: { shortTermGoal: 'CD handler selv ind en gang om ugen', longTermGoal: 'CD planlægger selv sin uge', longTermMonths: '4', progressData: 'Beboerdagbogen om indkøb' },
      actions: [
        { what: 'Indkøbsliste med CD om mandagen', who: [USERS.bo], followUp: USERS.anna, when: '2026-11-30' },
        { what: 'Ugeplan på køleskabet', who: [DIANA, USERS.anna], followUp: USERS.bo, when: '2026-12-04' },
        { what: 'Tal med pårørende om weekenden', who: [USERS.anna], followUp: DIANA, when: '2026-12-11' },
      ],
    }));
  });

  let bosLink = '';

  it('posts a link under the Markdown; the link gives the .docx with the meeting’s notes and actions', async () => {
    const { markdown, card } = await exportInChannel(h, USERS.bo);
    expect(markdown).toContain('**Refleksionsmøde: Borger Eksportborger CD**');
    expect(JSON.stringify(card)).toContain('Linket virker i 1 time');
    bosLink = linkOf(card);
    const res = await download(h, bosLink);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="refleksionsmoede-2026-11-23.docx"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { text, html } = await wordText(res);
    expect(text).toContain('Refleksionsmøde: Borger Eksportborger CD');
    expect(html).toContain('<p><strong>Mødeleder:</strong> Anna Medarbejder</p>');
    expect(html).toContain('<p><strong>Deltagere:</strong> Anna Medarbejder, Bo Kollega, Diana Dokument</p>');
    for (const step of NOTES) for (const note of step) expect(html).toContain(`<strong>${note.by.name}:</strong> ${note.text}`);
    expect(html).toMatch(/<h2>Udforsk<\/h2><p><strong>Diana Dokument:<\/strong> Gode dage når dagen er planlagt<\/p><p><strong>Anna Medarbejder:<\/strong> Svært efter weekendbesøg<\/p>/);
    expect(html).toContain('<td><p>Ugeplan på køleskabet</p></td><td><p>Diana Dokument, Anna Medarbejder</p></td><td><p>Bo Kollega</p></td><td><p>4. dec. 2026</p></td><td><p>åben</p></td>');
    expect(text).toContain('Hvad vil vi opnå på længere sigt? (om 4 måneder) CD planlægger selv sin uge');
    expect(text).not.toMatch(/\d{6}-?\d{4}/);
    // The same link again within the hour: the document again.
    expect((await download(h, bosLink)).status).toBe(200);
    // Nothing of it in the log: not the token, not a name, not a note.
    const logs = h.logs.join('\n');
    expect(logs).not.toContain(tokenOf(bosLink));
    expect(logs).not.toContain('Gode dage når dagen er planlagt');
    expect(logs).not.toContain('Diana Dokument');
    expect(logs).toContain('document downloaded');
  });

  it('gives an English-speaking member the document in English', async () => {
    const { card } = await exportInChannel(h, USERS.emma);
    const res = await download(h, linkOf(card, 'Download as Word (.docx)'));
    expect(res.status).toBe(200);
    const { text } = await wordText(res);
    expect(text).toContain('Reflection meeting: Citizen Eksportborger CD');
    expect(text).toContain('Notes from the dialogue');
    expect(text).toContain('Bo Kollega: Aftalen om indkøb blev holdt hver uge');
  });

  it('refuses a changed token with 403 and a short Danish sentence', async () => {
    const token = tokenOf(bosLink);
    const [body, signature] = token.split('.') as [string, string];
    const json = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const asAnna = `${Buffer.from(JSON.stringify({ ...json, oid: USERS.anna.aadObjectId })).toString('base64url')}.${signature}`;
    for (const bad of [asAnna, `${body}.${signature.slice(0, -2)}xx`, 'not-a-token', `${body}`]) {
      const res = await fetch(`${h.url}/api/files/${bad}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('Linket er ugyldigt. Bed om et nyt med @Refleks eksportér i teamets kanal.');
    }
  });

  it('answers 410 once the hour has passed, whether the clock moved on or the token was made long ago', async () => {
    const at = h.now.value;
    try {
      h.now.value = new Date(at.getTime() + 61 * 60_000);
      const res = await download(h, bosLink);
      expect(res.status).toBe(410);
      expect(await res.text()).toBe('Linket er udløbet. Bed om et nyt med @Refleks eksportér i teamets kanal.');
    } finally {
      h.now.value = at;
    }
    const grant: DownloadGrant = { tenantId: USERS.bo.tenantId, teamId: TEAM_ID, aadObjectId: USERS.bo.aadObjectId, kind: 'meeting', id: meetingId, locale: 'da' };
    const old = h.app.downloads.signer.sign(grant, new Date(at.getTime() - 3 * 3_600_000), 2 * 3_600_000);
    expect((await fetch(`${h.url}/api/files/${old}`)).status).toBe(410);
    // The same grant, made now: the document.
    expect((await fetch(`${h.url}/api/files/${h.app.downloads.signer.sign(grant, at)}`)).status).toBe(200);
  });

  it('refuses a token for someone outside the team or in another tenant, signed by the bot itself', async () => {
    const grant = (u: TestUser): DownloadGrant => ({ tenantId: u.tenantId, teamId: TEAM_ID, aadObjectId: u.aadObjectId, kind: 'meeting', id: meetingId, locale: 'da' });
    for (const outsider of [USERS.eve, USERS.carl]) {
      const res = await fetch(`${h.url}/api/files/${h.app.downloads.signer.sign(grant(outsider), h.now.value)}`);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(body).toBe('Du har ikke adgang til dette dokument.');
    }
    expect(USERS.eve.tenantId).toBe(TENANT_B);
    // Outside the team, `eksportér` gives no link at all.
    const sent = await sendInChannel(h, USERS.carl, 'eksportér');
    expect(JSON.stringify(sent.map((s) => s.body))).not.toContain('/api/files/');
  });

  it('answers 404 for a meeting that is not finished or no longer there', async () => {
    const [posted] = await inChannel(h, USERS.anna, 'refleksionsmøde organisation');
    const open = meetingRef(posted!.card).meetingId;
    for (const id of [open, 'no-such-meeting']) {
      const token = h.app.downloads.signer.sign({ tenantId: USERS.anna.tenantId, teamId: TEAM_ID, aadObjectId: USERS.anna.aadObjectId, kind: 'meeting', id, locale: 'da' }, h.now.value);
      const res = await fetch(`${h.url}/api/files/${token}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Dokumentet findes ikke længere.');
    }
  });

  it('refuses the link of a user who has since left the team, and still serves the others', async () => {
    const { card } = await exportInChannel(h, USERS.anna);
    const annasLink = linkOf(card);
    expect((await download(h, bosLink)).status).toBe(200);
    // Bo leaves the team; the roster is read again (opsæt).
    await h.setupTeam(USERS.anna, TEAM.filter((u) => u !== USERS.bo));
    const res = await download(h, bosLink);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('Du har ikke adgang til dette dokument.');
    expect((await download(h, annasLink)).status).toBe(200);
    // Each use of a link is an access decision in the audit trail, like any other.
    await h.app.repos.audit.flush();
    const audit = await h.app.repos.audit.list(USERS.anna.tenantId, h.now.value.toISOString().slice(0, 7), TEAM_ID);
    expect(audit).toContainEqual(expect.objectContaining({ actor: USERS.bo.aadObjectId, action: 'meeting.download', outcome: 'denied', reason: 'not-a-member', resourceId: meetingId }));
    expect(audit).toContainEqual(expect.objectContaining({ actor: USERS.anna.aadObjectId, action: 'meeting.download', outcome: 'allowed', resourceId: meetingId }));
  });
});
