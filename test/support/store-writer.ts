/**
 * A second process on the same data dir, for the embedded store's multi-process tests:
 * `node --import tsx test/support/store-writer.ts <dataDir> <prefix> <count> [full|normal]`
 * opens the store, creates `count` documents one by one (ids `<prefix>-<i>`, in partitions of
 * its own and in one shared partition), prints each id once its create resolved (so a printed
 * id is an acknowledged write), then closes the store and prints `done`.
 */
import { createEmbeddedDocumentStore } from '../../src/store/embedded/embedded-document-store.js';

const [dataDir, prefix, countText, synchronous = 'full'] = process.argv.slice(2);
if (!dataDir || !prefix || !countText || (synchronous !== 'full' && synchronous !== 'normal')) {
  process.stderr.write('usage: store-writer.ts <dataDir> <prefix> <count> [full|normal]\n');
  process.exit(2);
}
const count = Number(countText);
const store = await createEmbeddedDocumentStore({ dataDir, synchronous, busyTimeoutMs: 20_000 });
for (let i = 0; i < count; i++) {
  const id = `${prefix}-${i}`;
  // Every other document goes to the partition all writers share.
  const pk = i % 2 === 0 ? 't|shared|team|all' : `t|${prefix}|team|own`;
  await store.create({ id, pk, type: 'burst', writer: prefix, i, note: 'x'.repeat(200) });
  process.stdout.write(`${pk} ${id}\n`);
}
await store.close();
process.stdout.write('done\n');
