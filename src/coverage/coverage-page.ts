import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { escapeMarkup } from '../util/escape-markup.ts';
import { COVERAGE_KINDS, type CoverageKind, type RunCoverage } from './coverage-item.ts';

export interface CoveragePageInput {
  coverage: RunCoverage;
  run: { runId: string; startedAt: string; gitSha?: string };
  /** Item keys (`endpoint orders POST /orders`) covered now and not in the run before, and the reverse. */
  change: { gained: string[]; lost: string[]; since?: { runId: string; startedAt: string } };
}

const TITLES: Record<CoverageKind, string> = {
  endpoint: 'HTTP endpoints',
  topic: 'Kafka topics',
  exchange: 'RabbitMQ exchanges (routing keys seen)',
  queue: 'RabbitMQ queues',
  table: 'Database tables',
  stub: 'Provider stubs (WireMock)',
};

/**
 * The coverage page: one static HTML file, no script and no network, beside the trends page. Per kind,
 * every item the stack has (and every one a journey touched), with the journeys that touched it, or
 * "not covered"; what the newest run gained and lost against the run before.
 */
export function writeCoveragePage(dir: string, input: CoveragePageInput): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(path.resolve(dir), 'coverage.html');
  writeFileSync(file, renderCoveragePage(input));
  return file;
}

export function renderCoveragePage({ coverage, run, change }: CoveragePageInput): string {
  const sections = COVERAGE_KINDS.map((kind) => {
    const items = coverage.items.filter((item) => item.kind === kind);
    if (items.length === 0) return '';
    const covered = items.filter((item) => item.journeys.length > 0).length;
    const rows = items
      .map(
        (
          item,
        ) => `<tr class="${item.journeys.length ? 'covered' : 'uncovered'}" data-kind="${kind}" data-item="${escapeMarkup(item.name)}">
<td>${escapeMarkup(item.service)}</td><td><code>${escapeMarkup(item.name)}</code>${item.known ? '' : ' <span class="tag" title="not in the stack\'s catalog: seen during the run">seen only</span>'}</td>
<td>${item.seen.map((seen) => `<span class="seen">${escapeMarkup(seen)}</span>`).join(' ')}</td>
<td>${item.journeys.length ? `<ul>${item.journeys.map((journey) => `<li>${escapeMarkup(journey)}</li>`).join('')}</ul>` : '<span class="none">not covered</span>'}</td></tr>`,
      )
      .join('\n');
    return `<section id="${kind}"><h2>${TITLES[kind]}: ${covered} of ${items.length} covered</h2>
<table><thead><tr><th>service</th><th>${kind}</th><th>${kind === 'endpoint' ? 'statuses' : kind === 'exchange' ? 'routing keys' : 'seen'}</th><th>journeys</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
  }).join('\n');
  const total = coverage.items.length;
  const covered = coverage.items.filter((item) => item.journeys.length > 0).length;
  const list = (keys: string[]) =>
    keys.length
      ? `<ul>${keys.map((key) => `<li><code>${escapeMarkup(key)}</code></li>`).join('')}</ul>`
      : '<p class="none">none</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Journey coverage</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
  .meta { color: #59636e; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; border-bottom: 1px solid #d1d9e0; padding: 4px 8px; vertical-align: top; }
  tr.uncovered td { background: #fff8f0; }
  td ul { margin: 0; padding-left: 16px; }
  .none { color: #bc4c00; font-style: italic; }
  .tag { font-size: 11px; color: #59636e; border: 1px solid #d1d9e0; border-radius: 8px; padding: 0 6px; }
  .seen { font-family: monospace; background: #f6f8fa; border-radius: 4px; padding: 0 4px; }
  .change { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
</style>
</head>
<body>
<h1>Journey coverage</h1>
<p class="meta">Run ${escapeMarkup(run.runId)} of ${escapeMarkup(run.startedAt.replace('T', ' ').slice(0, 19))} UTC${run.gitSha ? ` at ${escapeMarkup(run.gitSha.slice(0, 7))}` : ''}: ${covered} of ${total} items covered by at least one journey.
Compared with: ${coverage.sources.length ? coverage.sources.map((text) => escapeMarkup(text)).join('; ') : 'no catalog (only what the journeys touched)'}.</p>
${coverage.problems.length ? `<p class="none">Catalogs that could not be read: ${coverage.problems.map((text) => escapeMarkup(text)).join('; ')}</p>` : ''}
<div class="change" id="change">
<div><h2>Gained${change.since ? ` since run ${escapeMarkup(change.since.runId.slice(0, 8))}` : ''}</h2>${change.since ? list(change.gained) : '<p class="meta">no earlier run with coverage</p>'}</div>
<div><h2>Lost${change.since ? ` since run ${escapeMarkup(change.since.runId.slice(0, 8))}` : ''}</h2>${change.since ? list(change.lost) : '<p class="meta">no earlier run with coverage</p>'}</div>
</div>
${sections}
</body>
</html>
`;
}
