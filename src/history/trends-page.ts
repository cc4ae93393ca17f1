import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HistoryReport } from './history-report.ts';

/**
 * The trends page: one self-contained HTML file (Chart.js's UMD build and the history data inlined),
 * so it opens from file:// or a CI artifact with no server and no network. Charts: runs by outcome,
 * failure rate per journey with its 95 % interval, duration per journey over runs, peak memory per service over runs, failures by
 * category and by service.
 * Each chart's instance is reachable as `window.historyCharts[name]` (and via `Chart.getChart`).
 */
export function writeTrendsPage(dir: string, report: HistoryReport): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(path.resolve(dir), 'index.html');
  writeFileSync(file, renderTrendsPage(report));
  return file;
}

export function renderTrendsPage(report: HistoryReport): string {
  const chartJs = readFileSync(chartJsUmdPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  // `<` escaped: journey titles and failure reasons are data, never markup.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Journey trends</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .meta { color: #59636e; margin-bottom: 16px; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
  .card { border: 1px solid #d1d9e0; border-radius: 6px; padding: 12px; }
  .card.wide { grid-column: 1 / -1; }
  .card h2 { font-size: 14px; margin: 0 0 8px; }
  .chart { position: relative; height: 260px; }
  .empty { color: #59636e; font-style: italic; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d1d9e0; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .tag { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; background: #fff1e5; color: #9a6700; }
</style>
</head>
<body>
<h1>Journey trends</h1>
<div class="meta" id="meta"></div>
<div class="grid">
  <div class="card wide"><h2>Runs over time, by outcome</h2><div class="chart"><canvas id="runs-by-outcome"></canvas></div></div>
  <div class="card"><h2>Failure rate per journey, with its 95 % interval</h2><div class="chart"><canvas id="flake-rate"></canvas></div></div>
  <div class="card"><h2>Duration per journey (passing runs, ms)</h2><div class="chart"><canvas id="duration-trend"></canvas></div></div>
  <div class="card"><h2>Peak memory per service (one journey, MB)</h2><div class="chart"><canvas id="peak-memory-trend"></canvas></div></div>
  <div class="card"><h2>Failures by category</h2><div class="chart"><canvas id="failures-by-category"></canvas></div></div>
  <div class="card"><h2>Failures by service</h2><div class="chart"><canvas id="failures-by-service"></canvas></div></div>
  <div class="card wide"><h2>Journeys</h2><div id="journeys"></div></div>
</div>
<script>${chartJs}</script>
<script type="application/json" id="history-data">${data}</script>
<script>
(function () {
  var report = JSON.parse(document.getElementById('history-data').textContent);
  var colors = { passed: '#1a7f37', flaky: '#d4a72c', failed: '#cf222e', notRun: '#8c959f' };
  var palette = ['#0969da', '#8250df', '#bf3989', '#1a7f37', '#d4a72c', '#cf222e', '#57606a', '#0550ae', '#953800', '#116329'];
  var text = function (value) { var span = document.createElement('span'); span.textContent = value; return span.innerHTML; };
  var runLabel = function (run, i) {
    return '#' + (i + 1) + ' ' + run.startedAt.slice(5, 16).replace('T', ' ') + (run.shard ? ' s' + run.shard.current + '/' + run.shard.total : '');
  };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var charts = {};
  var make = function (id, config, hasData) {
    var canvas = document.getElementById(id);
    if (!hasData) { canvas.parentElement.outerHTML = '<p class="empty">Nothing to show in these runs.</p>'; return; }
    charts[id] = new Chart(canvas, config);
  };
  var labels = report.runs.map(runLabel);
  document.getElementById('meta').textContent = report.runs.length + ' runs (window: the newest ' + report.window + ') from ' + report.database +
    ' · generated ' + report.generatedAt.replace('T', ' ').slice(0, 19) + ' UTC · quarantine: window ' + report.quarantinePolicy.window +
    ', flake rate ≥ ' + report.quarantinePolicy.flakeRate + ', released after ' + report.quarantinePolicy.releaseAfter + ' clean runs' +
    (report.quarantinePolicy.max === undefined ? '' : ', at most ' + report.quarantinePolicy.max + ' quarantined');

  make('runs-by-outcome', {
    type: 'bar',
    data: { labels: labels, datasets: ['passed', 'flaky', 'failed', 'notRun'].map(function (k) {
      return { label: k === 'notRun' ? 'not run' : k, data: report.runs.map(function (r) { return r.counts[k]; }), backgroundColor: colors[k] };
    }) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'journeys' } } } },
  }, report.runs.length > 0);

  // Long ids lose their file first (the title says which journey), then their end.
  var short = function (id) {
    if (id.length <= 48) return id;
    var title = id.indexOf(' › ') > 0 ? id.slice(id.indexOf(' › ') + 3) : id;
    return title.length > 48 ? title.slice(0, 47) + '…' : title;
  };
  // The rate with its 95 % Wilson interval as a floating bar beside it: 1 of 4 and 25 of 100 differ.
  var pct = function (v) { return Math.round(v * 1000) / 10; };
  make('flake-rate', {
    type: 'bar',
    data: { labels: report.journeys.map(function (j) { return short(j.journeyId); }),
      datasets: [
        { label: 'failure rate %', data: report.journeys.map(function (j) { return pct(j.failureRate.rate); }), backgroundColor: colors.flaky },
        { label: '95 % interval', data: report.journeys.map(function (j) { return [pct(j.failureRate.low), pct(j.failureRate.high)]; }), backgroundColor: 'rgba(212, 167, 44, 0.3)' },
      ] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, max: 100, title: { display: true, text: '% of samples that failed an attempt (incidents aside)' } } },
      plugins: { tooltip: { callbacks: { afterLabel: function (ctx) { var r = report.journeys[ctx.dataIndex].failureRate; return r.count + ' of ' + r.samples + ' samples'; } } } } },
  }, report.journeys.length > 0);

  make('duration-trend', {
    type: 'line',
    data: { labels: labels, datasets: report.journeys.map(function (j, i) {
      return { label: short(j.journeyId), data: report.runs.map(function (r) { return r.durations[j.journeyId] === undefined ? null : r.durations[j.journeyId]; }),
        borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0.2 };
    }) },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
  }, report.runs.some(function (r) { return Object.keys(r.durations).length > 0; }));

  // A service that grows run after run (a leak) shows as a rising line.
  var measured = [];
  report.runs.forEach(function (r) { Object.keys(r.peakMemory || {}).forEach(function (s) { if (measured.indexOf(s) < 0) measured.push(s); }); });
  measured.sort();
  make('peak-memory-trend', {
    type: 'line',
    data: { labels: labels, datasets: measured.map(function (s, i) {
      return { label: s, data: report.runs.map(function (r) { var b = (r.peakMemory || {})[s]; return b === undefined ? null : Math.round(b / 1e5) / 10; }),
        borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0.2 };
    }) },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'MB' } } } },
  }, measured.length > 0);

  var categories = Object.keys(report.failuresByCategory);
  make('failures-by-category', {
    type: 'doughnut',
    data: { labels: categories, datasets: [{ data: categories.map(function (c) { return report.failuresByCategory[c]; }),
      backgroundColor: categories.map(function (c) { return { INFRA: '#8250df', PRODUCT: '#cf222e', TEST: '#d4a72c' }[c] || '#8c959f'; }) }] },
    options: { plugins: { legend: { position: 'right' } } },
  }, categories.length > 0);

  var services = Object.keys(report.failuresByService).sort(function (a, b) { return report.failuresByService[b] - report.failuresByService[a]; });
  make('failures-by-service', {
    type: 'bar',
    data: { labels: services, datasets: [{ label: 'failures', data: services.map(function (s) { return report.failuresByService[s]; }), backgroundColor: '#cf222e' }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  }, services.length > 0);

  var rows = report.journeys.map(function (j) {
    var d = j.duration;
    return '<tr><td>' + text(j.journeyId) + (j.quarantine.quarantined ? ' <span class="tag" title="' + text((j.quarantine.owner ? 'owner ' + j.quarantine.owner + (j.quarantine.until ? ', until ' + j.quarantine.until : '') + ': ' : '') + j.quarantine.reason) + '">quarantined</span>' : '') +
      (j.drift.length ? ' <span class="tag" title="' + text(j.drift.join('\\n')) + '">drift</span>' : '') + '</td>' +
      '<td class="num">' + j.passed + '</td><td class="num">' + j.flaky + '</td><td class="num">' + j.failed + '</td>' +
      '<td>' + text(j.verdict.kind + (j.verdict.kind === 'broken' ? ' since ' + j.verdict.brokenSince.startedAt.slice(0, 16).replace('T', ' ') : '')) +
      (j.verdict.incidents.length ? ' <span class="tag">' + j.verdict.incidents.length + ' in incidents</span>' : '') + '</td>' +
      '<td class="num">' + (j.failureRate.samples ? Math.round(j.failureRate.rate * 100) + '% [' + Math.round(j.failureRate.low * 100) + '–' + Math.round(j.failureRate.high * 100) + '%] n=' + j.failureRate.samples : '–') + '</td>' +
      '<td>' + text(j.lastFailure ? (j.lastFailure.category || '?') + (j.lastFailure.services.length ? ' (' + j.lastFailure.services.join(', ') + ')' : '') : '–') + '</td>' +
      '<td>' + text(j.failingSince ? j.failingSince.startedAt.slice(0, 16).replace('T', ' ') + ' (' + j.failingSince.runs + ' runs)' : '–') + '</td>' +
      '<td class="num">' + (d.medianMs === undefined ? '–' : d.medianMs) + '</td><td class="num">' + (d.p95Ms === undefined ? '–' : d.p95Ms) + '</td>' +
      '<td>' + d.trend.direction + (d.trend.changePct === undefined ? '' : ' (' + (d.trend.changePct > 0 ? '+' : '') + d.trend.changePct + '%)') + '</td></tr>';
  });
  document.getElementById('journeys').innerHTML = '<table><thead><tr><th>journey</th><th>pass</th><th>flaky</th><th>fail</th><th>verdict</th><th>failure rate [95% CI]</th>' +
    '<th>last failure</th><th>failing since</th><th>median ms</th><th>p95 ms</th><th>trend</th></tr></thead><tbody>' + rows.join('') + '</tbody></table>';
  window.historyCharts = charts;
})();
</script>
</body>
</html>
`;
}

/** chart.js exports only its module builds; the UMD file sits beside them in dist/. */
function chartJsUmdPath(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(entry), 'chart.umd.min.js');
}
