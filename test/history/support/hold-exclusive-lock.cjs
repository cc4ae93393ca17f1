// Usage: node hold-exclusive-lock.cjs <file>: holds an EXCLUSIVE write transaction on a SQLite file
// (as a stuck writer or a `sqlite3` shell after BEGIN EXCLUSIVE would) until stdin closes, then
// rolls back, so the file is exactly as it was. (Node 22 warns that node:sqlite is experimental:
// the spec starts it with --disable-warning=ExperimentalWarning.)
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[2]);
db.exec('BEGIN EXCLUSIVE');
db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (1000, 'held', 'now')").run();
process.stdout.write('locked\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\n');
});
