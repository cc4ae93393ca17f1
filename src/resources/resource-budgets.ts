// What a journey may cost each service: `resourceBudgets: { inventory: { memory: '300MB', cpu: '2s' } }`.
// A journey over a budget fails as PRODUCT (a leak, or work the service should not be doing, is a
// product bug) and says by how much.

import { formatBytes, parseBytes } from '../util/bytes.ts';
import type { ServiceUsage } from './resource-usage.ts';

export interface ResourceBudget {
  /** Peak memory in use during the journey: bytes, or `'300MB'`, `'1.5GB'`, `'512MiB'`, `'512m'`. */
  readonly memory?: number | string;
  /** CPU time the service spends during the journey: ms, or `'1500ms'`, `'2s'`. */
  readonly cpu?: number | string;
}

/** Per Compose service. */
export type ResourceBudgets = Readonly<Record<string, ResourceBudget>>;

/** A budget in bytes and ms, as the verdict, the table and the chart read it. */
export interface ParsedBudget {
  memoryBytes?: number;
  cpuMs?: number;
}

const OPTION = 'resourceBudgets';

/** Budgets in bytes and ms; a clear error naming the service and the field for anything else. */
export function parseBudgets(
  budgets: ResourceBudgets | undefined,
  services: readonly string[],
): Map<string, ParsedBudget> {
  const parsed = new Map<string, ParsedBudget>();
  if (budgets === undefined) return parsed;
  if (typeof budgets !== 'object' || budgets === null || Array.isArray(budgets))
    throw new Error(`${OPTION}: an object of budgets per service, e.g. { inventory: { memory: '300MB', cpu: '2s' } }.`);
  for (const [service, budget] of Object.entries(budgets)) {
    if (!services.includes(service))
      throw new Error(
        `${OPTION}: no service "${service}" in the stack; its services: ${services.join(', ')}. Fix the name in test.use({ ${OPTION} }) or the config's use.`,
      );
    if (typeof budget !== 'object' || budget === null)
      throw new Error(`${OPTION}.${service}: { memory, cpu }, e.g. { memory: '300MB', cpu: '2s' }.`);
    const unknown = Object.keys(budget).filter((key) => key !== 'memory' && key !== 'cpu');
    if (unknown.length > 0)
      throw new Error(
        `${OPTION}.${service}: unknown ${unknown.map((key) => `"${key}"`).join(', ')}; a budget has memory and cpu.`,
      );
    const memoryBytes = budget.memory === undefined ? undefined : sizeOf(budget.memory);
    if (budget.memory !== undefined && memoryBytes === undefined)
      throw new Error(
        `${OPTION}.${service}.memory: a size such as '300MB', '1.5GB', '512MiB' or bytes; got ${JSON.stringify(budget.memory)}.`,
      );
    const cpuMs = budget.cpu === undefined ? undefined : durationOf(budget.cpu);
    if (budget.cpu !== undefined && cpuMs === undefined)
      throw new Error(
        `${OPTION}.${service}.cpu: CPU time such as '1500ms', '2s' or ms; got ${JSON.stringify(budget.cpu)}.`,
      );
    parsed.set(service, { ...(memoryBytes !== undefined && { memoryBytes }), ...(cpuMs !== undefined && { cpuMs }) });
  }
  return parsed;
}

const sizeOf = (value: number | string) =>
  typeof value === 'number' ? (value > 0 ? value : undefined) : parseBytes(value);

function durationOf(value: number | string): number | undefined {
  if (typeof value === 'number') return value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/i.exec(value);
  if (!match) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000 }[match[2]!.toLowerCase() as 'ms' | 's' | 'm'];
  return Number(match[1]) * factor;
}

/** One sentence per budget the journey went over. */
export function overBudget(usage: readonly ServiceUsage[], budgets: Map<string, ParsedBudget>): string[] {
  const lines: string[] = [];
  for (const [service, budget] of budgets) {
    const used = usage.find((entry) => entry.service === service);
    if (!used) continue;
    if (budget.memoryBytes !== undefined && used.peakMemoryBytes > budget.memoryBytes) {
      const over = used.peakMemoryBytes - budget.memoryBytes;
      lines.push(
        `${service} peaked at ${formatBytes(used.peakMemoryBytes)} of memory during this journey: ${formatBytes(over)} (${percent(over, budget.memoryBytes)}) over its budget of ${formatBytes(budget.memoryBytes)}`,
      );
    }
    if (budget.cpuMs !== undefined && used.cpuMs > budget.cpuMs) {
      const over = used.cpuMs - budget.cpuMs;
      lines.push(
        `${service} used ${formatMs(used.cpuMs)} of CPU time during this journey: ${formatMs(over)} (${percent(over, budget.cpuMs)}) over its budget of ${formatMs(budget.cpuMs)}`,
      );
    }
  }
  return lines;
}

const percent = (over: number, of: number) => `+${Math.round((over / of) * 100)} %`;

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
