/** Text commands in the 1:1 chat (Danish with English aliases) and in a team channel. */

export type Command =
  | { kind: 'help' }
  | { kind: 'newCitizen' }
  | { kind: 'citizens' }
  | { kind: 'deadlines' }
  | { kind: 'plan'; alias: string }
  | { kind: 'purpose'; alias: string }
  | { kind: 'newGoal'; alias: string }
  | { kind: 'newSubGoal'; alias: string }
  | { kind: 'diary'; alias: string }
  | { kind: 'evaluate'; alias: string }
  | { kind: 'setup' }
  /** `ledere` (show), `ledere @navn …` (set, the names are the message's mentions), `ledere ingen` (clear). */
  | { kind: 'managers'; clear: boolean }
  /** `refleksionsmøde borger <alias>` | `indsats` | `organisation` (in a team channel; participants are the mentions). */
  | { kind: 'meeting'; level?: 'citizen' | 'indsats' | 'organisation'; alias: string }
  /** `aftaler`: the open actions of the tilbud's meetings (in a team channel). */
  | { kind: 'agreements' }
  /** `eksportér`: the newest finished meeting as Markdown in the channel. */
  | { kind: 'exportMeeting' }
  /** `læringscirkel [titel]`: the form of a new udviklingspunkt, the title filled in (in a team channel). */
  | { kind: 'cycle'; title: string }
  /** `fremdrift`: the fremdriftsmøde's board (in a team channel). */
  | { kind: 'board' }
  /** `katalog`: the forbedringskatalog (in a team channel). */
  | { kind: 'catalogue' }
  | { kind: 'aliasMissing' }
  | { kind: 'unknown' };

/** Removes Teams mention markup (`<at>Refleks</at>`), HTML tags and extra white space. */
export function cleanText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const WITH_ALIAS: Array<[RegExp, 'plan' | 'purpose' | 'newGoal' | 'newSubGoal' | 'diary' | 'evaluate']> = [
  [/^(?:evaluér|evaluer|evaluate)(?:\s+(.*))?$/iu, 'evaluate'],
  [/^(?:nyt delmål|nyt delmaal|ny delmål|new sub-?goal)(?:\s+(.*))?$/iu, 'newSubGoal'],
  [/^(?:nyt mål|nyt maal|nyt maal|new goal)(?:\s+(.*))?$/iu, 'newGoal'],
  [/^(?:formål|formaal|purpose)(?:\s+(.*))?$/iu, 'purpose'],
  [/^(?:plan|vis plan|show plan)(?:\s+(.*))?$/iu, 'plan'],
  [/^(?:dagbog|log|diary)(?:\s+(.*))?$/iu, 'diary'],
];

export function parseCommand(raw: string | undefined): Command {
  const text = cleanText(raw);
  const lower = text.toLocaleLowerCase('da-DK');
  if (/^(?:hjælp|hjaelp|help|\?|hej|hi|hello|start)$/u.test(lower)) return { kind: 'help' };
  if (/^(?:ny borger|new citizen)$/u.test(lower)) return { kind: 'newCitizen' };
  if (/^(?:borgere|mine borgere|citizens|my citizens)$/u.test(lower)) return { kind: 'citizens' };
  if (/^(?:frister|mine frister|deadlines|my deadlines)$/u.test(lower)) return { kind: 'deadlines' };
  if (/^(?:opsæt|opsaet|setup|set up)$/u.test(lower)) return { kind: 'setup' };
  const managers = /^(?:ledere|leder|managers|manager)(?:\s+(.*))?$/u.exec(lower);
  if (managers) return { kind: 'managers', clear: /^(?:ingen|none)$/u.test((managers[1] ?? '').trim()) };
  if (/^(?:aftaler|agreements|actions)$/u.test(lower)) return { kind: 'agreements' };
  if (/^(?:eksportér|eksporter|eksport|export)$/u.test(lower)) return { kind: 'exportMeeting' };
  if (/^(?:fremdrift|fremdriftsmøde|fremdriftsmode|fremdriftsmoede|progress)$/u.test(lower)) return { kind: 'board' };
  if (/^(?:katalog|forbedringskatalog|catalogue|catalog)$/u.test(lower)) return { kind: 'catalogue' };
  const cycle = /^(?:læringscirkel|laeringscirkel|læringscirklen|laeringscirklen|learning cycle)(?:\s+(.*))?$/iu.exec(text);
  if (cycle) return { kind: 'cycle', title: (cycle[1] ?? '').trim() };
  const meeting = /^(?:refleksionsmøde|refleksionsmode|refleksionsmoede|reflection meeting)(?:\s+(.*))?$/iu.exec(text);
  if (meeting) {
    const rest = (meeting[1] ?? '').trim();
    const citizen = /^(?:borger|citizen)(?:\s+(.*))?$/iu.exec(rest);
    if (citizen) return { kind: 'meeting', level: 'citizen', alias: (citizen[1] ?? '').trim() };
    if (/^(?:indsats|indsatsniveau|service)$/iu.test(rest)) return { kind: 'meeting', level: 'indsats', alias: '' };
    if (/^(?:organisation|organization)$/iu.test(rest)) return { kind: 'meeting', level: 'organisation', alias: '' };
    return { kind: 'meeting', alias: rest };
  }
  for (const [pattern, kind] of WITH_ALIAS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const alias = (match[1] ?? '').trim();
    if (alias === '' && kind !== 'diary') return { kind: 'aliasMissing' };
    return { kind, alias };
  }
  return { kind: 'unknown' };
}
