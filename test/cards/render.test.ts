import { afterAll, describe, expect, it } from 'vitest';
import { cardAttachment, cardSizeBytes, renderTemplate, renderWithLibrary, templateBindings } from '../../src/cards/render.js';
import { compileTemplate } from '../../src/cards/compiled-template.js';
import { closeAdaptiveCardValidator, validateAdaptiveCard } from '../support/adaptive-card-validator.js';

afterAll(closeAdaptiveCardValidator);

const listTemplate = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', $when: "${notice != ''}", text: '${notice}', color: 'Attention', wrap: true },
    {
      type: 'Container',
      $data: '${goals}',
      id: 'goal-${$index}',
      items: [
        { type: 'TextBlock', text: '${$index}. ${text} (${$root.citizen})', wrap: true },
        { type: 'TextBlock', $when: '${done}', text: 'Opnået', color: 'Good' },
      ],
    },
    { type: 'TextBlock', $when: '${count(goals) == 0}', text: 'Ingen mål endnu' },
  ],
  actions: [{ type: 'Action.Execute', title: 'Opdater', verb: 'plan.refresh', data: '${data}' }],
};

describe('renderTemplate', () => {
  it('repeats $data arrays with $index and $root, and applies $when', () => {
    const card = renderTemplate(listTemplate, {
      title: 'Handleplan',
      notice: '',
      citizen: 'A.B.',
      goals: [
        { text: 'Handle ind', done: true },
        { text: 'Lave mad', done: false },
      ],
      data: { planId: 'p1' },
    });
    expect(card['body']).toEqual([
      { type: 'TextBlock', text: 'Handleplan', weight: 'Bolder', wrap: true },
      {
        type: 'Container',
        id: 'goal-0',
        items: [
          { type: 'TextBlock', text: '0. Handle ind (A.B.)', wrap: true },
          { type: 'TextBlock', text: 'Opnået', color: 'Good' },
        ],
      },
      { type: 'Container', id: 'goal-1', items: [{ type: 'TextBlock', text: '1. Lave mad (A.B.)', wrap: true }] },
    ]);
    // A whole-string expression keeps the value's type: the payload object, not a string.
    expect(card['actions']).toEqual([{ type: 'Action.Execute', title: 'Opdater', verb: 'plan.refresh', data: { planId: 'p1' } }]);
  });

  it('drops an element bound to an empty array, and keeps a $when that is true', () => {
    const card = renderTemplate(listTemplate, { title: 'T', notice: 'Bemærk', citizen: 'x', goals: [], data: {} });
    expect(card['body']).toEqual([
      { type: 'TextBlock', text: 'T', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: 'Bemærk', color: 'Attention', wrap: true },
      { type: 'TextBlock', text: 'Ingen mål endnu' },
    ]);
  });

  it('binds the same template object to different data (the parsed template is reused)', () => {
    const template = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hej ${name}' }] };
    expect(renderTemplate(template, { name: 'A' })['body']).toEqual([{ type: 'TextBlock', text: 'Hej A' }]);
    expect(renderTemplate(template, { name: 'B' })['body']).toEqual([{ type: 'TextBlock', text: 'Hej B' }]);
  });

  it('keeps number types for whole-string expressions (use string() where the card wants text)', () => {
    const template = { value: '${n}', text: '${string(n)}', inText: 'n=${n}' };
    expect(renderTemplate(template, { n: 3 })).toEqual({ value: 3, text: '3', inText: 'n=3' });
  });

  describe('unbound expressions throw', () => {
    it('a missing field', () => {
      expect(() => renderTemplate({ text: 'Hej ${name}' }, {})).toThrow(/missing data: name.*\$\{name\} at \$\.text/);
    });

    it('a missing field inside a $data item', () => {
      const template = { body: [{ $data: '${items}', text: '${label}' }] };
      expect(() => renderTemplate(template, { items: [{ label: 'a' }, {}] })).toThrow(/missing data: label.*at \$\.body\[1\]\.text/);
    });

    it('a missing $data array', () => {
      expect(() => renderTemplate({ body: [{ $data: '${items}', text: 'x' }] }, {})).toThrow(/missing data: items/);
    });

    it('a missing field consumed by a function (coalesce does not help)', () => {
      expect(() => renderTemplate({ text: "${coalesce(name, 'ukendt')}" }, {})).toThrow(/missing data: name/);
    });

    it('an expression that fails inside a longer string (unknown function)', () => {
      expect(() => renderTemplate({ text: 'x ${frobnicate(a)}' }, { a: 1 })).toThrow(/left unbound: \$\{frobnicate\(a\)\} at \$\.text/);
    });

    it('a null inside a longer string is a clear error', () => {
      expect(() => renderTemplate({ text: 'x ${n}' }, { n: null })).toThrow(/could not be expanded.*null/);
    });

    it('a root that does not expand to an object', () => {
      expect(() => renderTemplate({ $when: '${show}', type: 'AdaptiveCard' }, { show: false })).toThrow(/did not expand to an object/);
    });
  });

  it('does not treat ${ typed by a user (data) as unbound, and does not evaluate it', () => {
    const card = renderTemplate({ body: [{ type: 'TextBlock', text: 'Notat: ${note}' }] }, { note: 'koster ${5} og ${x}' });
    expect(card['body']).toEqual([{ type: 'TextBlock', text: 'Notat: koster ${5} og ${x}' }]);
  });

  it('a missing $when field drops the element without counting as missing data', () => {
    expect(renderTemplate({ body: [{ $when: '${flag}', text: 'x' }, { text: 'y' }] }, {})).toEqual({ body: [{ text: 'y' }] });
  });

  it('expands to a card that passes the 1.5 validator', async () => {
    const card = renderTemplate(listTemplate, {
      title: 'Handleplan',
      notice: 'Bemærk',
      citizen: 'A.B.',
      goals: [{ text: 'Handle ind', done: true }],
      data: { planId: 'p1' },
    });
    expect(await validateAdaptiveCard(card)).toEqual({ errors: [], warnings: [] });
  });
});

describe('the compiled binder', () => {
  /** Everything cards/*.json uses: paths, comparisons, count(), $when, $data with $index and $root. */
  const template = {
    type: 'AdaptiveCard',
    $schema: 'x',
    body: [
      { type: 'TextBlock', text: '${title}', wrap: true, size: '${size}', isSubtle: '${flag}' },
      { type: 'TextBlock', $when: "${notice != ''}", text: '${notice}' },
      { type: 'TextBlock', $when: "${kind == 'text'}", text: 'tekst' },
      { type: 'TextBlock', $when: "${missing != ''}", text: 'a missing field is not empty' },
      { type: 'TextBlock', $when: '${flag}', text: 'flag' },
      { type: 'TextBlock', $when: '${count(items) > 0}', text: 'has items' },
      { type: 'TextBlock', $when: '${count(items) == 0}', text: 'no items' },
      { type: 'Container', $data: '${items}', id: '${id}', items: [{ type: 'TextBlock', text: '${label}' }, { type: 'TextBlock', $when: "${$root.kind == 'text'}", text: '${$root.title}' }] },
      { type: 'TextBlock', $data: '${words}', text: '${$data}' },
      { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
      { type: 'TextBlock', text: '${nested.deep.value}' },
    ],
    purpose: { $when: '${flag}', style: '${nested.style}' },
    actions: [{ $data: '${actions}', type: 'Action.Execute', title: '${title}', data: '${data}' }],
  };
  const datas = [
    { title: 'T', size: 3, flag: true, notice: 'N', kind: 'text', items: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], words: ['x', 'y'], facts: [{ title: 'f', value: 'v' }], nested: { deep: { value: 'd' }, style: 's' }, actions: [{ title: 'Gem', data: { a: '1' } }] },
    { title: '', size: 0, flag: false, notice: '', kind: 'date', items: [{ id: 'a', label: 'A' }], words: [], facts: [], nested: { deep: { value: '' }, style: '' }, actions: [] },
    { title: 'U', size: 1, flag: 'true', notice: 'x ${y}', kind: 'text', items: [], words: ['only'], facts: [{ title: 'f', value: 'v' }, { title: 'g', value: 'w' }], nested: { deep: { value: 'e' }, style: 's' }, actions: [{ title: 'A', data: {} }, { title: 'B', data: { b: '2' } }] },
  ];

  it('compiles every template the bot uses', async () => {
    const { readFileSync } = await import('node:fs');
    for (const name of ['menu', 'form', 'plan', 'saved', 'deadlines']) expect(compileTemplate(JSON.parse(readFileSync(new URL(`../../cards/${name}.json`, import.meta.url), 'utf8'))), name).toBeDefined();
  });

  it.each(datas.map((d, i) => [i, d] as const))('binds data %i exactly as adaptivecards-templating does', (_i, data) => {
    const before = templateBindings.compiled;
    expect(renderTemplate(template, data)).toEqual(renderWithLibrary(template, data));
    expect(templateBindings.compiled).toBe(before + 1);
  });

  it('leaves to the library what it does not compile, and data it does not bind the library’s way', () => {
    expect(compileTemplate({ text: 'Hej ${name}' })).toBeUndefined();
    expect(compileTemplate({ text: "${coalesce(name, 'x')}" })).toBeUndefined();
    const library = templateBindings.library;
    // A null where a value is bound: the library's answer (JSON null).
    expect(renderTemplate({ value: '${n}', other: '${m}' }, { n: null, m: 1 })).toEqual(renderWithLibrary({ value: '${n}', other: '${m}' }, { n: null, m: 1 }));
    expect(templateBindings.library).toBeGreaterThan(library);
  });
});

describe('cardAttachment', () => {
  it('wraps a card as an Adaptive Card attachment', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [] };
    expect(cardAttachment(card)).toEqual({ contentType: 'application/vnd.microsoft.card.adaptive', content: card });
    expect(cardAttachment(card).content).toBe(card);
  });
});

describe('cardSizeBytes', () => {
  it('counts UTF-8 bytes of the JSON', () => {
    expect(cardSizeBytes({ a: 'b' })).toBe('{"a":"b"}'.length);
    // æ, ø and å are 2 bytes each in UTF-8.
    expect(cardSizeBytes({ t: 'æøå' })).toBe('{"t":""}'.length + 6);
    expect(cardSizeBytes({ t: '😀' })).toBe('{"t":""}'.length + 4);
  });
});
