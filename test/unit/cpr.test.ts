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
