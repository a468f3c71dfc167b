/**
 * A DocumentStore that passes every call to a real store and counts what the bot reads:
 * round trips and documents returned. Instrumentation only (nothing is changed or faked),
 * so tests and benchmarks can show that a card's reads do not grow with history.
 */
import type { CrossPartitionScan, DocumentStore, PartitionQuery, StoredDocument, VersionedDocument } from '../../src/store/ports.js';

export interface ReadCounts {
  /** Point reads, queries and scans. */
  calls: number;
  /** Documents those calls returned. */
  documents: number;
}

export class CountingStore implements DocumentStore {
  readonly kind: DocumentStore['kind'];
  private counts: ReadCounts = { calls: 0, documents: 0 };

  constructor(readonly inner: DocumentStore) {
    this.kind = inner.kind;
  }

  /** The counts since the last reset, and a fresh start. */
  take(): ReadCounts {
    const counts = this.counts;
    this.counts = { calls: 0, documents: 0 };
    return counts;
  }

  private note(documents: number): void {
    this.counts.calls += 1;
    this.counts.documents += documents;
  }

  async read(pk: string, id: string): Promise<VersionedDocument | undefined> {
    const found = await this.inner.read(pk, id);
    this.note(found ? 1 : 0);
    return found;
  }

  async query(query: PartitionQuery): Promise<VersionedDocument[]> {
    const found = await this.inner.query(query);
    this.note(found.length);
    return found;
  }

  async scan(scan: CrossPartitionScan): Promise<VersionedDocument[]> {
    const found = await this.inner.scan(scan);
    this.note(found.length);
    return found;
  }

  create(doc: StoredDocument): Promise<VersionedDocument> {
    return this.inner.create(doc);
  }

  replace(doc: StoredDocument, ifMatch: string): Promise<VersionedDocument> {
    return this.inner.replace(doc, ifMatch);
  }

  createMany(docs: StoredDocument[]): Promise<void> {
    return this.inner.createMany(docs);
  }

  upsert(doc: StoredDocument): Promise<VersionedDocument> {
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
