import { afterAll, describe, expect, it } from 'vitest';
import {
  closeAdaptiveCardValidator,
  renderAdaptiveCardHtml,
  validateAdaptiveCard,
} from '../support/adaptive-card-validator.js';

afterAll(closeAdaptiveCardValidator);

function card(body: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, ...extra };
}

const validCard = card(
  [
    {
      type: 'Container',
      style: 'emphasis',
      items: [{ type: 'TextBlock', text: 'Ny delmålsevaluering', weight: 'Bolder', size: 'Medium', wrap: true }],
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Borger', value: 'A.B.' },
        { title: 'Mål', value: 'Selv handle ind' },
      ],
    },
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: 'Venstre' }] },
        { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: 'Højre', wrap: true }] },
      ],
    },
    {
      type: 'Input.Text',
      id: 'note',
      label: 'Notat',
      isRequired: true,
      errorMessage: 'Skriv et notat',
      isMultiline: true,
      maxLength: 2000,
    },
    {
      type: 'Input.ChoiceSet',
      id: 'score',
      label: 'Score',
      style: 'expanded',
      value: '3',
      choices: [
        { title: '1', value: '1' },
        { title: '3', value: '3' },
        { title: '5', value: '5' },
      ],
    },
    { type: 'Input.Date', id: 'date', label: 'Dato', value: '2026-11-23' },
    {
      type: 'ActionSet',
      actions: [
        {
          type: 'Action.Execute',
          title: 'Gem',
          verb: 'evaluation.save',
          data: { goalId: 'g1' },
          associatedInputs: 'auto',
          style: 'positive',
          fallback: { type: 'Action.Submit', title: 'Gem', data: { goalId: 'g1', verb: 'evaluation.save' } },
        },
      ],
    },
  ],
  { actions: [{ type: 'Action.Execute', title: 'Annullér', verb: 'evaluation.cancel', associatedInputs: 'none' }] },
);

describe('validateAdaptiveCard', () => {
  it('accepts a valid 1.5 card with inputs, Action.Execute (+ Submit fallback) and layout elements', async () => {
    const started = performance.now();
    const result = await validateAdaptiveCard(validCard);
    const elapsed = performance.now() - started;
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    // First call loads the bundle into happy-dom (~50-150 ms); later calls are fast.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('renders the card into the happy-dom document', async () => {
    const html = await renderAdaptiveCardHtml(validCard);
    expect(html).toContain('ac-adaptiveCard');
    expect(html).toContain('Ny delmålsevaluering');
    expect(html).toContain('Gem');
    expect(html).toMatch(/<textarea|<input/);
  });

  it('reports an unknown element type', async () => {
    const result = await validateAdaptiveCard(card([{ type: 'Banana', text: 'x' }]));
    expect(result.errors.join('\n')).toMatch(/Unknown element type "Banana"/);
  });

  it('reports an unknown action type', async () => {
    const result = await validateAdaptiveCard(card([], { actions: [{ type: 'Action.Teleport', title: 'x' }] }));
    expect(result.errors.join('\n')).toMatch(/Action\.Teleport/);
  });

  it('reports an input without id', async () => {
    const result = await validateAdaptiveCard(card([{ type: 'Input.Text', label: 'Notat' }]));
    expect(result.errors.join('\n')).toMatch(/Input\.Text: .*unique Id/i);
  });

  it('reports a required input without label or errorMessage', async () => {
    const result = await validateAdaptiveCard(card([{ type: 'Input.Text', id: 'n', isRequired: true }]));
    const text = result.errors.join('\n');
    expect(text).toMatch(/RequiredInputsShouldHaveLabel/);
    expect(text).toMatch(/RequiredInputsShouldHaveErrorMessage/);
  });

  it('reports duplicate ids', async () => {
    const result = await validateAdaptiveCard(
      card([
        { type: 'Input.Text', id: 'same', label: 'a' },
        { type: 'Input.Date', id: 'same', label: 'b' },
      ]),
    );
    expect(result.errors.join('\n')).toMatch(/Duplicate Id "same"/);
  });

  it('reports Action.Execute without verb, also inside an ActionSet', async () => {
    const result = await validateAdaptiveCard(
      card([{ type: 'ActionSet', actions: [{ type: 'Action.Execute', title: 'Gem', data: { a: 1 } }] }]),
    );
    expect(result.errors.join('\n')).toMatch(/Action\.Execute has no "verb"/);
  });

  it('reports invalid property values and missing required properties', async () => {
    const result = await validateAdaptiveCard(
      card([
        { type: 'Input.ChoiceSet', id: 'c', label: 'c', style: 'sideways', choices: [] },
        { type: 'TextBlock' },
        { type: 'Image' },
      ], { actions: [{ type: 'Action.OpenUrl', title: 'x' }] }),
    );
    const text = result.errors.join('\n');
    expect(text).toMatch(/sideways/);
    expect(text).toMatch(/CollectionCantBeEmpty/);
    expect(text).toMatch(/TextBlock: property "text" must be set/);
    expect(text).toMatch(/Image: property "url" must be set/);
    expect(text).toMatch(/Action\.OpenUrl: .*url/);
  });

  it('validates the fallback of a known action (which the library itself never parses)', async () => {
    const result = await validateAdaptiveCard(
      card([], {
        actions: [
          {
            type: 'Action.Execute',
            title: 'Gem',
            verb: 'save',
            fallback: { type: 'Action.Submit', title: 'Gem', data: { verb: 'save' }, associatedInputs: 'bogus' },
          },
        ],
      }),
    );
    expect(result.errors.join('\n')).toMatch(/fallback at \$\.actions\[0\]\.fallback: .*"bogus" for property "associatedInputs"/);

    const unknown = await validateAdaptiveCard(
      card([{ type: 'ActionSet', actions: [{ type: 'Action.Execute', title: 'Gem', verb: 'save', fallback: { type: 'Action.Bogus' } }] }]),
    );
    expect(unknown.errors.join('\n')).toMatch(/fallback at \$\.body\[0\]\.actions\[0\]\.fallback: .*Unknown action type "Action\.Bogus"/);
  });

  it('reports more than 6 actions (Teams host config)', async () => {
    const actions = Array.from({ length: 7 }, (_, i) => ({ type: 'Action.Execute', title: `a${i}`, verb: `v${i}` }));
    const result = await validateAdaptiveCard(card([], { actions }));
    expect(result.errors.join('\n')).toMatch(/TooManyActions/);
  });

  describe('features newer than 1.5', () => {
    it('reports a card declaring version 1.6', async () => {
      const result = await validateAdaptiveCard({ ...card([{ type: 'TextBlock', text: 'x' }]), version: '1.6' });
      expect(result.errors.join('\n')).toMatch(/UnsupportedCardVersion/);
    });

    it('reports the 1.6 Carousel element as unknown at 1.5, even with a fallback', async () => {
      const carousel = {
        type: 'Carousel',
        pages: [{ type: 'CarouselPage', items: [{ type: 'TextBlock', text: 'side 1' }] }],
      };
      const bare = await validateAdaptiveCard(card([carousel]));
      expect(bare.errors.join('\n')).toMatch(/Unknown element type "Carousel"/);

      const withFallback = await validateAdaptiveCard(
        card([{ ...carousel, fallback: { type: 'TextBlock', text: 'ingen karrusel' } }]),
      );
      expect(withFallback.errors.join('\n')).toMatch(/Unknown element type "Carousel"/);
      expect(await renderAdaptiveCardHtml(card([{ ...carousel, fallback: { type: 'TextBlock', text: 'ingen karrusel' } }]))).toContain('ingen karrusel');
    });

    it('reports a 1.6-only property (Action "role") as unsupported', async () => {
      const result = await validateAdaptiveCard(
        card([], { actions: [{ type: 'Action.Execute', title: 'Gem', verb: 'save', role: 'Button' }] }),
      );
      expect(result.errors.join('\n')).toMatch(/Action\.Execute: .*"role".*\[UnsupportedProperty\]/);
    });

    it('accepts the 1.5 Table element', async () => {
      const result = await validateAdaptiveCard(
        card([
          {
            type: 'Table',
            columns: [{ width: 1 }, { width: 2 }],
            rows: [
              {
                type: 'TableRow',
                cells: [
                  { type: 'TableCell', items: [{ type: 'TextBlock', text: 'a' }] },
                  { type: 'TableCell', items: [{ type: 'TextBlock', text: 'b' }] },
                ],
              },
            ],
          },
        ]),
      );
      expect(result.errors).toEqual([]);
    });
  });

  it('rejects something that is not a card object', async () => {
    expect((await validateAdaptiveCard('nope')).errors).toEqual(['card is not a JSON object']);
    expect((await validateAdaptiveCard({ type: 'HeroCard', version: '1.5' })).errors.join('\n')).toMatch(/MissingCardType/);
  });
});
