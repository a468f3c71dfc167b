import { describe, expect, it } from 'vitest';
import { cleanText, parseCommand } from '../../src/bot/commands.js';

describe('text commands', () => {
  it.each([
    ['hjælp', { kind: 'help' }],
    ['Help', { kind: 'help' }],
    ['ny borger', { kind: 'newCitizen' }],
    ['new citizen', { kind: 'newCitizen' }],
    ['borgere', { kind: 'citizens' }],
    ['citizens', { kind: 'citizens' }],
    ['frister', { kind: 'deadlines' }],
    ['Frister', { kind: 'deadlines' }],
    ['mine frister', { kind: 'deadlines' }],
    ['deadlines', { kind: 'deadlines' }],
    ['my deadlines', { kind: 'deadlines' }],
    ['frister AB', { kind: 'unknown' }],
    ['plan AB', { kind: 'plan', alias: 'AB' }],
    ['plan  Stue 3 ', { kind: 'plan', alias: 'Stue 3' }],
    ['formål AB', { kind: 'purpose', alias: 'AB' }],
    ['formaal AB', { kind: 'purpose', alias: 'AB' }],
    ['nyt mål AB', { kind: 'newGoal', alias: 'AB' }],
    ['new goal AB', { kind: 'newGoal', alias: 'AB' }],
    ['nyt delmål AB', { kind: 'newSubGoal', alias: 'AB' }],
    ['new subgoal AB', { kind: 'newSubGoal', alias: 'AB' }],
    ['dagbog', { kind: 'diary', alias: '' }],
    ['log Demo AB', { kind: 'diary', alias: 'Demo AB' }],
    ['evaluér AB', { kind: 'evaluate', alias: 'AB' }],
    ['evaluate AB', { kind: 'evaluate', alias: 'AB' }],
    ['opsæt', { kind: 'setup' }],
    ['setup', { kind: 'setup' }],
    ['plan', { kind: 'aliasMissing' }],
    ['nyt mål', { kind: 'aliasMissing' }],
    ['hvad er klokken', { kind: 'unknown' }],
    ['læringscirkel', { kind: 'cycle', title: '' }],
    ['Læringscirkel Morgenmad med piktogrammer', { kind: 'cycle', title: 'Morgenmad med piktogrammer' }],
    ['laeringscirkel Aftenro', { kind: 'cycle', title: 'Aftenro' }],
    ['fremdrift', { kind: 'board' }],
    ['Fremdriftsmøde', { kind: 'board' }],
    ['katalog', { kind: 'catalogue' }],
    ['forbedringskatalog', { kind: 'catalogue' }],
  ])('reads "%s"', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('ignores the bot mention and markup in a channel', () => {
    expect(cleanText('<at>Refleks</at>&nbsp;opsæt')).toBe('opsæt');
    expect(parseCommand('<at>Refleks</at> <p>opsæt</p>')).toEqual({ kind: 'setup' });
  });

  it('keeps the alias as typed (look-ups are case-insensitive elsewhere)', () => {
    expect(parseCommand('PLAN Øje-Bo')).toEqual({ kind: 'plan', alias: 'Øje-Bo' });
  });
});
