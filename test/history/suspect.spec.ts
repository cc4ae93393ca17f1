import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { historyReportSchema, runHistoryCommand } from 'compose-journeys/history';
import { loadSqliteDriver } from '../../src/history/store/sqlite-driver.ts';
import { REPO, runNested } from './support/nested-history-run.ts';

/**
 * The suspect, over four nights of a small stack kept in a git repository of its own, as a team's
 * nightly sees it: night 1 passes; before night 2 the bookings service's source changes (it answers
 * CONFIRMED where the journey says BOOKED) and its image is rebuilt; night 3 is back to passing;
 * night 4 fails once with nothing changed.
 */
const CONFIG = 'test/history/nested/suspect.config.ts';
const JOURNEY = 'a booking is booked';

const server = (status: string) => `import http from 'node:http';
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/health') return res.end('{"ok":true}');
  res.statusCode = 201;
  res.end(JSON.stringify({ id: 'b-1', status: ${JSON.stringify(status)} }));
}).listen(8080);
process.on('SIGTERM', () => process.exit(0));
`;

function writeStack(dir: string): void {
  for (const service of ['bookings', 'audit']) {
    mkdirSync(path.join(dir, service), { recursive: true });
    writeFileSync(
      path.join(dir, service, 'Dockerfile'),
      'FROM compose-journeys/node:24\nCOPY server.mjs /app/server.mjs\nCMD ["node", "/app/server.mjs"]\n',
    );
    writeFileSync(path.join(dir, service, 'server.mjs'), server('BOOKED'));
  }
  const health = `["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`;
  writeFileSync(
    path.join(dir, 'compose.yml'),
    ['bookings', 'audit']
      .map(
        (service) =>
          `  ${service}:\n    build: ./${service}\n    ports: ["127.0.0.1::8080"]\n    healthcheck:\n      test: ${health}\n      interval: 500ms\n      retries: 60\n`,
      )
      .reduce((yaml, block) => yaml + block, 'services:\n'),
  );
}

// @once: nothing here depends on the Node major; the other majors' lanes (npm run test:node) skip it.
test(
  'night 2 fails after a service changed: the suspect names it and its build context first; a night with nothing changed says so',
  { tag: '@once' },
  async ({}, testInfo) => {
    test.setTimeout(10 * 60_000);
    const repo = mkdtempSync(path.join(tmpdir(), 'cj-suspect-'));
    const db = testInfo.outputPath('history.sqlite');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=night', '-c', 'user.email=night@example.invalid', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    const night = (name: string, env: Record<string, string> = {}) =>
      runNested(
        { HISTORY_OUT: testInfo.outputPath(name), JOURNEYS_HISTORY_URL: db, SUSPECT_STACK: repo, ...env },
        [],
        CONFIG,
      );
    try {
      writeStack(repo);
      git('init', '-q');
      git('add', '.');
      git('commit', '-qm', 'bookings and audit');

      const first = await night('night1');
      expect(first.exitCode, first.output).toBe(0);

      writeFileSync(path.join(repo, 'bookings/server.mjs'), server('CONFIRMED'));
      git('commit', '-qam', 'bookings answers CONFIRMED');
      const changed = git('rev-parse', '--short=7', 'HEAD');
      const second = await night('night2');
      expect(second.exitCode, second.output).toBe(1);
      const failed = second.report().get(JOURNEY)!;
      expect(failed.annotations['failure-category']).toEqual(['PRODUCT']);
      const suspects = failed.annotations.suspect ?? [];
      expect(suspects[0], suspects.join('\n')).toMatch(
        new RegExp(
          `^bookings: image changed \\(build context bookings changed in 1 commit: ${changed} bookings answers CONFIRMED\\) between run \\w{8} \\(.+\\) \\(passed\\) and this run \\(.+\\) \\(failed\\)$`,
        ),
      );
      expect(suspects.join('\n')).not.toContain('audit'); // unchanged: not a suspect at all
      expect(second.summary().suspects).toEqual([{ journeyId: `booking.journey.ts › ${JOURNEY}`, suspects }]);
      expect(second.output).toContain(`suspects for booking.journey.ts › ${JOURNEY}: (1) bookings: image changed`);

      writeFileSync(path.join(repo, 'bookings/server.mjs'), server('BOOKED'));
      git('commit', '-qam', 'bookings answers BOOKED again');
      const third = await night('night3');
      expect(third.exitCode, third.output).toBe(0);

      const fourth = await night('night4', { SUSPECT_FLAKE: '1' });
      expect(fourth.exitCode, fourth.output).toBe(1);
      expect(fourth.report().get(JOURNEY)?.annotations.suspect).toEqual([
        expect.stringMatching(
          /^nothing changed between run \w{8} \(.+\) \(passed\) and this run \(.+\) \(failed\): same images, build sources, config, engine and commit\. A failure on the same inputs is a flake signal, not a regression$/,
        ),
      ]);

      const afterNight4: string[] = [];
      await runHistoryCommand({ url: db, out: (line) => afterNight4.push(line), log: () => {} });
      expect(afterNight4.join('\n')).toContain(`booking.journey.ts › ${JOURNEY}: suspect: nothing changed between run`);

      // Night 5 as the recommended SQLite nightly runs it: a read-only shard, then the report step records
      // the merged run. No stack runs any more when it records: the fingerprint comes from the blob.
      const merged = testInfo.outputPath('night5');
      const nightly = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(REPO, 'bin/journeys.js'), 'nightly', ...args], {
          cwd: REPO,
          encoding: 'utf8',
          env: {
            ...Object.fromEntries(
              Object.entries(process.env).filter(([name]) => !/^(JOURNEYS_|PW_|PLAYWRIGHT_|TEST_)/.test(name)),
            ),
            JOURNEYS_HISTORY_URL: db,
            SUSPECT_STACK: repo,
            HISTORY_OUT: merged,
            PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(merged, 'blob'),
          },
        });
      const shard = nightly('shard', '1/1', '-c', CONFIG, '--reports', merged);
      expect(shard.status, shard.stdout + shard.stderr).toBe(0);
      const report5 = nightly('report', path.join(merged, 'blob'), '-c', CONFIG, '--reports', merged);
      expect(report5.status, report5.stdout + report5.stderr).toBe(0);

      // `journeys history` shows the suspects of the failing nights.
      const lines: string[] = [];
      expect(await runHistoryCommand({ url: db, json: true, out: (line) => lines.push(line), log: () => {} })).toBe(0);
      const report = historyReportSchema.parse(JSON.parse(lines.join('\n')));
      expect(report.runs).toHaveLength(5);
      expect(report.runs.every((run) => run.fingerprint?.services.bookings?.build?.context === 'bookings')).toBe(true);
      const text: string[] = [];
      await runHistoryCommand({ url: db, out: (line) => text.push(line), log: () => {} });
      expect(text.join('\n')).not.toContain('suspect:'); // night 5 passed: no journey fails in its newest run

      // Bad input: night 5's fingerprint as an older compose-journeys wrote it. Night 6 fails: its suspect
      // says it cannot compare, and why; the history is read and written as before, nothing lost.
      const connection = loadSqliteDriver().open(db, { busyTimeoutMs: 1_000, readOnly: false });
      connection
        .prepare('UPDATE runs SET fingerprint = ? WHERE run_id = ?')
        .run(JSON.stringify({ schema: 0, images: { bookings: 'sha256:old' } }), report.runs.at(-1)!.runId);
      connection.close();
      const sixth = await night('night6', { SUSPECT_FLAKE: '1' });
      expect(sixth.exitCode, sixth.output).toBe(1);
      expect(sixth.output).not.toContain('[journeys history] warning'); // the history reads it as before
      expect(sixth.report().get(JOURNEY)?.annotations.suspect).toEqual([
        expect.stringMatching(
          /^cannot compare between run (\w{8}) \(.+\) \(passed\) and this run \(.+\) \(failed\): run \1 \(.+\): its fingerprint has form 0, this compose-journeys reads form 1$/,
        ),
      ]);
      const after: string[] = [];
      expect(await runHistoryCommand({ url: db, json: true, out: (line) => after.push(line), log: () => {} })).toBe(0);
      expect(historyReportSchema.parse(JSON.parse(after.join('\n'))).runs).toHaveLength(6);
    } finally {
      // The images built from this repository go with it.
      const ids = execFileSync(
        'docker',
        ['images', '-q', '--filter', `label=dev.compose-journeys.built-from=${path.join(repo, 'compose.yml')}`],
        { encoding: 'utf8' },
      ).trim();
      if (ids) execFileSync('docker', ['image', 'rm', '--force', ...new Set(ids.split('\n'))], { stdio: 'ignore' });
      rmSync(repo, { recursive: true, force: true });
    }
  },
);
