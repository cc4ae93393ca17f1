// The resources fixture's pure parts: samples from the engine's stats documents, a journey's window
// of them, budgets and their verdicts, the run's peaks. When the CI limits profile applies: run-mode.spec.ts.
import { expect, test } from '@playwright/test';
import { parseCliStatsLine, parseStatsSample } from '../../src/engine/stats-sample.ts';
import { runResourcePeaks } from '../../src/history/run-summary.ts';
import { overBudget, parseBudgets } from '../../src/resources/resource-budgets.ts';
import { formatUsageTable, usageChartSvg } from '../../src/resources/resource-report.ts';
import { ResourceSamples } from '../../src/resources/resource-usage.ts';
import { parseBytes } from '../../src/util/bytes.ts';

const MB = 1e6;
const sample = (at: number, memoryMb: number, cpuMs: number) => ({
  at,
  memoryBytes: memoryMb * MB,
  cpuNs: cpuMs * 1e6,
});

test('a stats document: memory without the page cache (cgroup v2 and v1), CPU ns, a real limit only', () => {
  const v2 = {
    read: '2026-12-07T10:00:00.5Z',
    cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
    memory_stats: { usage: 120 * MB, limit: 192 * 1024 * 1024, stats: { inactive_file: 20 * MB } },
  };
  expect(parseStatsSample(v2, 24e9)).toEqual({
    at: Date.parse('2026-12-07T10:00:00.5Z'),
    memoryBytes: 100 * MB,
    memoryLimitBytes: 192 * 1024 * 1024,
    cpuNs: 2_500_000_000,
  });
  const v1 = { ...v2, memory_stats: { usage: 50 * MB, limit: 24e9, stats: { total_inactive_file: 10 * MB } } };
  // No limit set: the engine reports the host's memory, which is not a limit.
  expect(parseStatsSample(v1, 24e9)).toEqual({ at: expect.any(Number), memoryBytes: 40 * MB, cpuNs: 2_500_000_000 });
  // A stopped container's document is zeroed.
  expect(parseStatsSample({ read: '0001-01-01T00:00:00Z', memory_stats: {}, cpu_stats: {} })).toBeUndefined();
});

test('sizes as users, Compose and the docker CLI write them', () => {
  expect(parseBytes('300MB')).toBe(300e6);
  expect(parseBytes('1.5 GB')).toBe(1.5e9);
  expect(parseBytes('512MiB')).toBe(512 * 1024 ** 2);
  expect(parseBytes('512m')).toBe(512 * 1024 ** 2);
  expect(parseBytes('12.5MiB ')).toBe(Math.round(12.5 * 1024 ** 2));
  expect(parseBytes('lots')).toBeUndefined();
  expect(parseBytes('10 parsecs')).toBeUndefined();
  expect(parseCliStatsLine('{"ID":"abc","MemUsage":"12.5MiB / 1.9GiB","CPUPerc":"3.25%"}', 1000)).toMatchObject({
    container: 'abc',
    memoryBytes: Math.round(12.5 * 1024 ** 2),
    cpuPercent: 3.25,
  });
});

test("a journey's window: peak of the samples inside it, CPU between its ends, the sample before it when none fell inside", () => {
  const samples = new ResourceSamples();
  for (const [at, mb, cpu] of [
    [1000, 50, 100],
    [2000, 80, 150],
    [3000, 140, 400],
    [4000, 60, 700],
    [5000, 55, 710],
  ] as const)
    samples.add('inventory', sample(at, mb, cpu));
  const [usage] = samples.usage(1500, 4200);
  expect(usage).toMatchObject({
    service: 'inventory',
    peakMemoryBytes: 140 * MB,
    peakAt: 3000,
    cpuMs: 600,
    samples: 3,
  });
  // Shorter than the interval: the moment before it stands in.
  expect(samples.usage(4100, 4300)[0]).toMatchObject({ peakMemoryBytes: 60 * MB, cpuMs: 0, samples: 0 });
  // A peak before the journey is an earlier journey's, not this one's.
  expect(samples.usage(3500, 5000)[0]).toMatchObject({ peakMemoryBytes: 60 * MB });
  // The container restarted (its CPU counter starts again): what the new one used counts.
  samples.add('inventory', sample(6000, 30, 20));
  expect(samples.usage(5000, 6000)[0]!.cpuMs).toBe(20);
  expect(samples.usage(0, 500)).toEqual([]);
});

test('budgets: parsed per service, refused with the service and the field named, judged with by how much', () => {
  const budgets = parseBudgets({ inventory: { memory: '100MB', cpu: '2s' }, orders: { cpu: 500 } }, [
    'inventory',
    'orders',
  ]);
  expect([...budgets]).toEqual([
    ['inventory', { memoryBytes: 100e6, cpuMs: 2000 }],
    ['orders', { cpuMs: 500 }],
  ]);
  const usage = [
    { service: 'inventory', peakMemoryBytes: 150e6, peakAt: 0, cpuMs: 1200, samples: 3 },
    { service: 'orders', peakMemoryBytes: 10e6, peakAt: 0, cpuMs: 800, samples: 3 },
  ];
  expect(overBudget(usage, budgets)).toEqual([
    'inventory peaked at 150 MB of memory during this journey: 50.0 MB (+50 %) over its budget of 100 MB',
    'orders used 800 ms of CPU time during this journey: 300 ms (+60 %) over its budget of 500 ms',
  ]);
  expect(overBudget(usage, parseBudgets({ inventory: { memory: '200MB' } }, ['inventory']))).toEqual([]);
  expect(() => parseBudgets({ invntory: { memory: '1GB' } }, ['inventory', 'orders'])).toThrow(
    'resourceBudgets: no service "invntory" in the stack; its services: inventory, orders.',
  );
  expect(() => parseBudgets({ inventory: { memory: 'lots' } }, ['inventory'])).toThrow(
    /resourceBudgets\.inventory\.memory: a size such as '300MB'.*got "lots"/,
  );
  expect(() => parseBudgets({ inventory: { cpu: '2 fortnights' } }, ['inventory'])).toThrow(
    /resourceBudgets\.inventory\.cpu: CPU time/,
  );
  expect(() => parseBudgets({ inventory: { memroy: '1GB' } as never }, ['inventory'])).toThrow(
    'resourceBudgets.inventory: unknown "memroy"; a budget has memory and cpu.',
  );
});

test('the report: a table with limit and budgets, a chart whose over-budget bars are red', () => {
  const usage = [
    { service: 'inventory', peakMemoryBytes: 150e6, peakAt: 0, cpuMs: 1200, memoryLimitBytes: 256e6, samples: 3 },
    { service: 'orders', peakMemoryBytes: 10e6, peakAt: 0, cpuMs: 80, samples: 3 },
  ];
  const marks = new Map([['inventory', { memoryBytes: 100e6 }]]);
  expect(formatUsageTable(usage, marks).split('\n')).toEqual([
    'service    peak memory  limit   budget  CPU time  budget  samples',
    'inventory  150 MB       256 MB  100 MB  1.2 s     -       3',
    'orders     10.0 MB      -       -       80 ms     -       3',
  ]);
  const svg = usageChartSvg(usage, marks);
  expect(svg.match(/fill="#d9534f"/g)).toHaveLength(1);
  expect(svg).toContain('>inventory<');
  expect(svg).toContain('stroke="#b00"'); // the budget's tick
});

test("the run's peaks: per service the journey with the most memory and the one with the most CPU", () => {
  expect(
    runResourcePeaks([
      { journeyId: 'a', resources: [{ service: 'inventory', peakMemoryBytes: 90, cpuMs: 500 }] },
      { journeyId: 'b', resources: [{ service: 'inventory', peakMemoryBytes: 120, cpuMs: 100 }] },
      { journeyId: 'c' },
    ]),
  ).toEqual([{ service: 'inventory', peakMemoryBytes: 120, peakJourneyId: 'b', cpuMs: 500, cpuJourneyId: 'a' }]);
});
