import { describe, expect, it } from 'vitest';
import { containsCpr, removeCpr, findCprFields } from '../../src/domain/cpr.js';

describe('CPR guard', () => {
  it.each([
    ['DDMMYY-SSSS', 'Borger 010190-1234 var glad'],
    ['DDMMYYSSSS', 'cpr 0101901234'],
    ['with a space', 'nr 010190 1234'],
    ['with an en dash', '010190–1234'],
    ['a leap day in 2000', '290200-4321'],
    ['a number failing modulus 11', '311299-0000'],
    ['at the start of the text', '150387-1111 har været ude'],
  ])('finds a CPR number: %s', (_label, text) => {
    expect(containsCpr(text)).toBe(true);
  });

  it.each([
    ['an invalid day', '320190-1234'],
    ['an invalid month', '011390-1234'],
    ['29 February in a year that is never leap', '290201-1234'],
    ['a phone number', 'ring 12345678'],
    ['eleven digits', '01019012345'],
    ['a date and a time', '01-01-1990 kl. 12:34'],
    ['plain text', 'Peter smører selv sin madpakke 3 gange om ugen'],
    ['a code in the middle of a longer number', 'ref 9901019012345'],
  ])('does not flag %s', (_label, text) => {
    expect(containsCpr(text)).toBe(false);
  });

  it('names the fields that hold a CPR number', () => {
    expect(findCprFields({ note: 'ok', intervention: 'se 010190-1234', other: undefined })).toEqual(['intervention']);
  });

  it('takes CPR numbers out of a text and keeps the rest (for a refused field shown again)', () => {
    expect(removeCpr('Ringede til 010190-1234 i dag')).toBe('Ringede til i dag');
    expect(removeCpr('AB (0101901234) smører selv')).toBe('AB smører selv');
    expect(removeCpr('Tlf. 12345678 og 010190 1234')).toBe('Tlf. 12345678 og');
    // A number that is not a CPR number stays.
    expect(removeCpr('Bestilling 999999-1234')).toBe('Bestilling 999999-1234');
    expect(containsCpr(removeCpr('010190-1234 010190-1235 320190-1234'))).toBe(false);
  });
});

describe('CPR guard: the formats an attacker (or a copy-paste) brings', () => {
  it.each([
    ['dots in the date, a hyphen before the serial', '01.01.90-1234'],
    ['slashes in the date', 'født 01/01/90-1234'],
    ['hyphens in the date', '01-01-90-1234'],
    ['spaces in the date', '01 01 90 1234'],
    ['a slash before the serial', 'nr. 010190/1234'],
    ['a dot before the serial', 'nr. 010190.1234'],
    ['a newline before the serial', 'nr.\n010190\n1234'],
    ['CR LF before the serial', '010190\r\n1234'],
    ['a tab before the serial', '010190\t1234'],
    ['spaces around the hyphen', '010190 - 1234'],
    ['a minus sign', '010190\u22121234'],
    ['full-width digits', '０１０１９０１２３４'],
    ['full-width digits and hyphen', '０１０１９０－１２３４'],
    ['a zero-width space before the hyphen', '010190\u200b-1234'],
    ['zero-width spaces between all digits', '0\u200b1\u200b0\u200b1\u200b9\u200b0\u200b1\u200b2\u200b3\u200b4'],
    ['a soft hyphen', '010190\u00ad1234'],
    ['a word joiner', '0101\u206090-1234'],
    ['a byte order mark', '010190\ufeff1234'],
    ['a left-to-right mark', '010190\u200e-\u200e1234'],
    ['Arabic-Indic digits', '٠١٠١٩٠١٢٣٤'],
    ['mathematical bold digits', '𝟎𝟏𝟎𝟏𝟗𝟎-𝟏𝟐𝟑𝟒'],
    ['keycap digits (a digit, a variation selector, a combining keycap)', '0\ufe0f\u20e31\ufe0f\u20e30\ufe0f\u20e31\ufe0f\u20e39\ufe0f\u20e30\ufe0f\u20e3-1\ufe0f\u20e32\ufe0f\u20e33\ufe0f\u20e34\ufe0f\u20e3'],
  ])('finds a CPR number: %s', (_label, text) => {
    expect(containsCpr(text)).toBe(true);
    expect(containsCpr(removeCpr(text))).toBe(false);
  });

  it.each([
    ['a date written with a four-digit year and a time', '01.01.1990 kl. 12.34'],
    ['a date range', '01.01.90-02.02.90'],
    ['a phone number in pairs', 'tlf. +45 20 30 40 50'],
    ['a time range', 'kl. 10.30-12.00'],
    ['an ISO time stamp', '2026-11-23T09:30:00.000Z'],
    ['a date and eleven digits', '01.01.90-12345'],
    ['a week and a year', 'uge 12/13 2026'],
    ['numbers far apart', 'mellem 010190 og senere 1234'],
  ])('does not flag %s', (_label, text) => {
    expect(containsCpr(text)).toBe(false);
  });

  it('gives back the user’s own text, as typed, without the number', () => {
    expect(removeCpr('Ring … 01.01.90-1234 i morgen')).toBe('Ring … i morgen');
    expect(removeCpr('AB ﬁk ０１０１９０１２３４ i dag – ½ time')).toBe('AB ﬁk i dag – ½ time');
    expect(removeCpr('Se 0\u200b10190-1234 nu')).toBe('Se nu');
    expect(removeCpr('Første linje\n010190\n1234\nAnden linje')).toBe('Første linje\n\nAnden linje');
    expect(removeCpr('Mød 010190/1234 og 01.01.90 1234 kl. 10.30-12.00')).toBe('Mød og kl. 10.30-12.00');
    expect(removeCpr('Æbler 𝟎𝟏𝟎𝟏𝟗𝟎-𝟏𝟐𝟑𝟒 og pærer')).toBe('Æbler og pærer');
  });

  it('survives text that is not well-formed UTF-16 (lone surrogates)', () => {
    expect(containsCpr('\ud800010190-1234\udc00')).toBe(true);
    expect(removeCpr('a \ud800 010190-1234 b')).toBe('a \ud800 b');
    expect(containsCpr('\ud800\udc00\udfff')).toBe(false);
  });
});
