/**
 * Looking for a CPR number where it must never be: in what the bot stored and in what it
 * logged. Independent of the bot's own guard (src/domain/cpr.ts): the test knows the number it
 * typed and looks for its ten digits in order, whatever the writing between or around them
 * (separators, escapes, zero-width characters, full-width or Arabic-Indic digits).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CrossPartitionScan, DocumentStore, PartitionQuery, StoredDocument, VersionedDocument } from '../../src/store/ports.js';
import type { OpenedStore } from './stores.js';

/** Text as a reader sees it: JSON escapes undone, NFKC, format characters and marks dropped, any decimal digit as 0-9. */
export function readable(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\[nrtbf]/g, ' ')
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{M}]/gu, '')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
}

/** A test that finds these ten digits in order, with at most a few non-alphanumeric characters between each two. */
export function cprFinder(digits: string): (text: string) => boolean {
  const find = cprExcerpt(digits);
  return (text) => find(text) !== undefined;
}

/** Where those digits are in the text (a short excerpt of the readable text around them), or undefined. */
export function cprExcerpt(digits: string): (text: string) => string | undefined {
  if (!/^\d{10}$/.test(digits)) throw new Error('ten digits');
  const pattern = new RegExp(`(?<![0-9])${[...digits].join('[^0-9A-Za-z]{0,6}')}(?![0-9])`);
  return (text) => {
    const read = readable(text);
    const match = pattern.exec(read);
    return match ? read.slice(Math.max(0, match.index - 120), match.index + match[0].length + 60) : undefined;
  };
}

/**
 * A DocumentStore that passes every call to a real store and keeps the JSON of every document
 * written (created, replaced, upserted), so a test sees each version ever stored, not only the
 * last. Instrumentation only: nothing is changed or faked.
 */
export class RecordingStore implements DocumentStore {
  readonly kind: DocumentStore['kind'];
  readonly written: string[] = [];
  /** Type, partition and id of each written document. */
  readonly labels: string[] = [];

  constructor(readonly inner: DocumentStore) {
    this.kind = inner.kind;
  }

  private keep(doc: StoredDocument): void {
    this.written.push(JSON.stringify(doc));
    this.labels.push(`${String(doc.type)} ${String(doc.pk)} ${String(doc.id)}`);
  }

  read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    return this.inner.read(pk, id);
  }

  query(query: PartitionQuery): Promise<VersionedDocument[]> {
    return this.inner.query(query);
  }

  scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    return this.inner.scan(scan);
  }

  create(doc: StoredDocument): Promise<VersionedDocument> {
    this.keep(doc);
    return this.inner.create(doc);
  }

  replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    this.keep(doc);
    return this.inner.replace(doc, ifMatch);
  }

  createMany(docs: StoredDocument[]): Promise<void> {
    for (const doc of docs) this.keep(doc);
    return this.inner.createMany(docs);
  }

  upsert(doc: StoredDocument): Promise<VersionedDocument> {
    this.keep(doc);
    return this.inner.upsert(doc);
  }

  delete(pk: string, id: string, ifMatch?: string): Promise<void> {
    return this.inner.delete(pk, id, ifMatch);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const DOCUMENT_TYPES = ['institution', 'plan', 'diary', 'conversationRef', 'membership', 'draft', 'audit', 'diarySummary', 'citizenIndex', 'planArchive'];

/**
 * Everything the store holds, as text: each document written (from the recorder), every
 * document of every type there now (a scan of each type), and for the embedded store the raw
 * bytes of every file in its data dir (the SQLite file and its WAL).
 */
export async function storedTexts(opened: OpenedStore, recorder: RecordingStore): Promise<Array<{ where: string; text: string }>> {
  const out: Array<{ where: string; text: string }> = recorder.written.map((text, i) => ({ where: `write #${i} (${recorder.labels[i]})`, text }));
  for (const type of DOCUMENT_TYPES) {
    for (const row of await recorder.inner.scan({ type })) out.push({ where: `${type} ${row.doc.pk} ${row.doc.id}`, text: JSON.stringify(row.doc) });
  }
  if (opened.dataDir) {
    for (const file of await readdir(opened.dataDir, { recursive: true })) {
      const content = await readFile(join(opened.dataDir, String(file))).catch(() => undefined);
      if (content) out.push({ where: `file ${String(file)}`, text: content.toString('utf8') });
    }
  }
  return out;
}

/** Where a number was found (empty when nowhere), naming the place and a short excerpt around it. */
export function whereFound(found: (text: string) => boolean, texts: Array<{ where: string; text: string }>, excerpt?: (text: string) => string | undefined): string[] {
  return texts.filter((t) => found(t.text)).map((t) => `${t.where}: ${excerpt?.(t.text) ?? (t.text.length > 400 ? '(long)' : t.text)}`);
}
