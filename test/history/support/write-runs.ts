// Usage: tsx test/history/support/write-runs.ts <url> <writer> <runs> <journeys> <startAtEpochMs>
// One writer of many runs, started with others at the same instant (shards that finish together).
import { setTimeout as sleep } from 'node:timers/promises';
import { openHistoryStore } from 'compose-journeys/history';

const [url, writer, runs, journeys, startAt] = process.argv.slice(2);
const store = await openHistoryStore({ url: url! });
while (Date.now() < Number(startAt)) await sleep(2);
for (let r = 0; r < Number(runs); r++) {
  const now = new Date().toISOString();
  await store.recordRun({
    runId: `${writer}-run-${r}`,
    startedAt: now,
    endedAt: now,
    status: 'passed',
    passedByQuarantine: false,
    shard: { current: Number(writer!.replace(/\D/g, '')) || 1, total: 4 },
    images: {},
    journeys: Array.from({ length: Number(journeys) }, (_, j) => ({
      journeyId: `${writer}.journey.ts › journey ${j}`,
      project: 'journeys',
      file: `${writer}.journey.ts`,
      title: `journey ${j}`,
      status: 'passed' as const,
      flaky: j % 7 === 0,
      retries: j % 7 === 0 ? 1 : 0,
      durationMs: j,
      failureServices: [],
      quarantined: false,
      drift: [],
    })),
    shapes: [{ journeyId: `${writer}.journey.ts › journey 0`, shapes: { [`kafka run-${r}`]: { id: 'string' } } }],
  });
}
await store.close();
process.stdout.write(`${writer}: ${runs} runs written\n`);
