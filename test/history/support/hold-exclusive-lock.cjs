// Usage: node hold-exclusive-lock.cjs <file>: holds an EXCLUSIVE write transaction on a SQLite file
// (as a stuck writer or a `sqlite3` shell after BEGIN EXCLUSIVE would) until stdin closes, then
// rolls back, so the file is exactly as it was.
const Database = require('better-sqlite3');
const db = new Database(process.argv[2]);
db.exec('BEGIN EXCLUSIVE');
db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (1000, 'held', 'now')").run();
process.stdout.write('locked\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\n');
});
