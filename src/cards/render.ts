/**
 * Binds an Adaptive Card template to data with adaptivecards-templating. A result that still
 * holds `${` means a property was missing from the data: that is a bug, so it throws.
 */
import * as ACData from 'adaptivecards-templating';

const TemplateCtor = (ACData as unknown as { Template?: typeof ACData.Template }).Template ?? (ACData as unknown as { default: typeof ACData }).default.Template;

function findUnbound(node: unknown, path: string): string | undefined {
  if (typeof node === 'string') return node.includes('${') ? path : undefined;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = findUnbound(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const found = findUnbound(value, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** A Template parses its expressions once; it can then be bound to data many times. */
const prepared = new WeakMap<object, InstanceType<typeof TemplateCtor>>();

export function renderTemplate(template: object, data: object): Record<string, unknown> {
  let compiled = prepared.get(template);
  if (!compiled) {
    compiled = new TemplateCtor(template);
    prepared.set(template, compiled);
  }
  const expanded = compiled.expand({ $root: data }) as Record<string, unknown>;
  const unbound = findUnbound(expanded, '$');
  if (unbound) throw new Error(`card template left an unbound expression at ${unbound}`);
  return expanded;
}

export function cardAttachment(card: Record<string, unknown>): { contentType: string; content: Record<string, unknown> } {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

export function cardSizeBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
