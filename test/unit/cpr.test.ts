import { describe, expect, it } from 'vitest';
import { containsCpr, findCprFields } from '../../src/domain/cpr.js';

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
});
