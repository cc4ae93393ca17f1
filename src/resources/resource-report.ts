// The journey's resource figures as the report shows them: a table (text, for the terminal and the
// history) and a small bar chart per service (SVG: an image attachment Playwright's HTML report shows
// inline, no script, no network). Bars are simple enough that a charting library would add a browser
// to the worker for nothing.

import { formatBytes } from '../util/bytes.ts';
import { escapeMarkup } from '../util/escape-markup.ts';
import { formatMs, type ParsedBudget } from './resource-budgets.ts';
import type { ServiceUsage } from './resource-usage.ts';

export function formatUsageTable(usage: readonly ServiceUsage[], budgets: ReadonlyMap<string, ParsedBudget>): string {
  const rows = usage.map((entry) => {
    const budget = budgets.get(entry.service);
    return [
      entry.service,
      formatBytes(entry.peakMemoryBytes),
      entry.memoryLimitBytes ? formatBytes(entry.memoryLimitBytes) : '-',
      budget?.memoryBytes ? formatBytes(budget.memoryBytes) : '-',
      formatMs(entry.cpuMs),
      budget?.cpuMs ? formatMs(budget.cpuMs) : '-',
      String(entry.samples),
    ];
  });
  const header = ['service', 'peak memory', 'limit', 'budget', 'CPU time', 'budget', 'samples'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One line for the annotation every journey carries: `inventory 85 MB 120 ms · orders 61 MB 40 ms`. */
export function formatUsageLine(usage: readonly ServiceUsage[]): string {
  return usage
    .map((entry) => `${entry.service} ${formatBytes(entry.peakMemoryBytes)} ${formatMs(entry.cpuMs)}`)
    .join(' · ');
}

/** Two bar groups (peak memory, CPU time), one bar per service; a budget is a red tick, a limit a grey one. */
export function usageChartSvg(usage: readonly ServiceUsage[], budgets: ReadonlyMap<string, ParsedBudget>): string {
  const rowHeight = 18;
  const labelWidth = 130;
  const barWidth = 220;
  const valueWidth = 80;
  const panelWidth = barWidth + valueWidth;
  const width = labelWidth + 2 * panelWidth + 20;
  const height = 30 + usage.length * rowHeight + 10;
  const memoryMax = Math.max(
    1,
    ...usage.flatMap((entry) => [entry.peakMemoryBytes, budgets.get(entry.service)?.memoryBytes ?? 0]),
  );
  const cpuMax = Math.max(1, ...usage.flatMap((entry) => [entry.cpuMs, budgets.get(entry.service)?.cpuMs ?? 0]));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${labelWidth}" y="16" font-weight="bold">peak memory</text>`,
    `<text x="${labelWidth + panelWidth + 10}" y="16" font-weight="bold">CPU time</text>`,
  ];
  usage.forEach((entry, index) => {
    const y = 26 + index * rowHeight;
    const budget = budgets.get(entry.service);
    const memoryOver = budget?.memoryBytes !== undefined && entry.peakMemoryBytes > budget.memoryBytes;
    const cpuOver = budget?.cpuMs !== undefined && entry.cpuMs > budget.cpuMs;
    parts.push(`<text x="4" y="${y + 12}">${escapeMarkup(entry.service)}</text>`);
    const bar = (x: number, value: number, max: number, over: boolean, label: string, mark?: number) => {
      const w = Math.max(1, Math.round((value / max) * barWidth));
      parts.push(
        `<rect x="${x}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" fill="${over ? '#d9534f' : '#5b8def'}"/>`,
        `<text x="${x + w + 4}" y="${y + 12}">${escapeMarkup(label)}</text>`,
      );
      if (mark !== undefined) {
        const mx = x + Math.round((mark / max) * barWidth);
        parts.push(`<line x1="${mx}" x2="${mx}" y1="${y}" y2="${y + rowHeight}" stroke="#b00" stroke-width="2"/>`);
      }
    };
    bar(
      labelWidth,
      entry.peakMemoryBytes,
      memoryMax,
      memoryOver,
      formatBytes(entry.peakMemoryBytes),
      budget?.memoryBytes,
    );
    bar(labelWidth + panelWidth + 10, entry.cpuMs, cpuMax, cpuOver, formatMs(entry.cpuMs), budget?.cpuMs);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
