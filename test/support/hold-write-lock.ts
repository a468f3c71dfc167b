/**
 * Holds SQLite's write lock on a database file until its stdin closes, for the embedded
 * store's busy-timeout test: `node --import tsx test/support/hold-write-lock.ts <file>`
 * prints `locked` once it holds the lock. (better-sqlite3 directly: no Refleks code.)
 */
import Database from 'better-sqlite3';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: hold-write-lock.ts <file>\n');
  process.exit(2);
}
const db = new Database(file, { fileMustExist: true });
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.exec('ROLLBACK');
  db.close();
  process.exit(0);
});
