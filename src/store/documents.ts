/**
 * How a stored document becomes its domain value, shared by every repository: the storage fields
 * dropped, the schema applied, and a document that fails it named (never its content).
 */
import type { z } from 'zod';
import { CorruptDocumentError, type StoredDocument, type VersionedDocument } from './ports.js';

export interface Versioned<T> {
  value: T;
  etag: string;
}

const DOC_FIELDS = new Set(['id', 'pk', 'type', '_rid', '_self', '_etag', '_attachments', '_ts', '_id']);

export function stripStorageFields(doc: StoredDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!DOC_FIELDS.has(key)) out[key] = value;
  }
  return out;
}

/** Field paths and zod codes of a failed parse: never a value, so no content reaches a log. */
export function reasonOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.code}`)
    .join('; ');
}

/** Parses a stored document as its type (`id`: the domain id, where the document id carries a prefix); one that fails is a CorruptDocumentError naming it. */
export function parseAs<S extends z.ZodType>(schema: S, versioned: VersionedDocument, id?: string): Versioned<z.infer<S>> {
  const body = stripStorageFields(versioned.doc);
  if (id !== undefined) body['id'] = id;
  const result = schema.safeParse(body);
  if (!result.success) throw new CorruptDocumentError(versioned.doc.type, versioned.doc.pk, versioned.doc.id, reasonOf(result.error));
  return { value: result.data as z.infer<S>, etag: versioned.etag };
}
