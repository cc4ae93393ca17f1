import { escapeMarkup } from '../util/escape-markup.ts';
import type { JourneyPicture, PictureEffect, Tone } from './journey-picture.ts';
import { pictureList } from './journey-picture.ts';

/**
 * Draws a journey picture as one SVG, with Apache ECharts' server-side SVG renderer: no browser, no
 * DOM, no native module, a few ms per picture. ECharts lays out the lanes (a category axis), the time
 * order (a value axis, one row per effect), the arrows (a `lines` series), the marks (a `scatter`
 * series) and the failure line (a `markLine`). An SVG is an image: the HTML report shows it inline,
 * and an image runs no script and loads nothing, so it opens offline. Its `<desc>` is the same
 * effects as numbered text (pictureList), for a screen reader, a search, a test.
 * ECharts is imported when a picture is drawn, never by a journey that passes without one.
 */
export async function renderJourneyPictureSvg(picture: JourneyPicture): Promise<string> {
  const echarts = await loadEcharts();
  const rows = Math.max(picture.effects.length, 1);
  const width = Math.max(720, 140 + picture.lanes.length * 160);
  const height = 110 + rows * 34;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(optionOf(picture, rows));
    return withDescription(chart.renderToSVGString(), picture);
  } finally {
    chart.dispose();
  }
}

type Echarts = typeof import('echarts/core');
let loaded: Promise<Echarts> | undefined;

function loadEcharts(): Promise<Echarts> {
  loaded ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    core.use([
      charts.LinesChart,
      charts.ScatterChart,
      components.GridComponent,
      components.TitleComponent,
      components.MarkLineComponent,
      renderers.SVGRenderer,
    ]);
    return core;
  })();
  return loaded;
}

const COLOURS: Record<Tone, string> = {
  ok: '#2e7d32',
  info: '#455a64',
  warn: '#ef6c00',
  bad: '#c62828',
  intended: '#6a1b9a',
};

const SYMBOLS: Record<PictureEffect['kind'], string> = {
  call: 'none',
  stub: 'none',
  message: 'diamond',
  row: 'rect',
  request: 'triangle',
  container: 'pin',
  fault: 'roundRect',
  failure: 'circle',
  other: 'circle',
};

/** Long URLs and payload keys would run over the next lane: the picture cuts, the description keeps all. */
function short(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function optionOf(picture: JourneyPicture, rows: number) {
  const laneIndex = new Map(picture.lanes.map((lane, index) => [lane.name, index]));
  const x = (lane: string) => laneIndex.get(lane) ?? 0;
  const arrows = picture.effects.filter((effect) => effect.to !== undefined);
  const marks = picture.effects.filter((effect) => effect.to === undefined);
  const failure = picture.effects.find((effect) => effect.kind === 'failure');
  const elapsed = (n: number) => {
    const effect = picture.effects[n - 1];
    return effect ? `#${n} +${effect.at.getTime() - picture.since.getTime()} ms` : '';
  };
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'sans-serif' },
    title: {
      text: short(`Journey: ${picture.title}`, 110),
      left: 10,
      top: 6,
      textStyle: { fontSize: 14 },
    },
    grid: { left: 110, right: 40, top: 78, bottom: 16 },
    xAxis: {
      type: 'category',
      position: 'top',
      data: picture.lanes.map((lane) => ({
        value: lane.name === lane.kind ? lane.name : `${lane.name}\n${lane.kind}`,
      })),
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { interval: 0, fontSize: 12, lineHeight: 15, color: '#263238' },
    },
    yAxis: {
      type: 'value',
      inverse: true,
      min: 0,
      max: rows + 1,
      interval: 1,
      splitLine: { show: false },
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { fontSize: 10, color: '#607d8b', formatter: (value: number) => elapsed(value) },
    },
    series: [
      {
        // Each participant's lifeline, top to bottom.
        name: 'lanes',
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        silent: true,
        symbol: 'none',
        lineStyle: { color: '#cfd8dc', width: 1, type: 'dashed', opacity: 1 },
        data: picture.lanes.map((_, index) => ({
          coords: [
            [index, 0.3],
            [index, rows + 0.7],
          ],
        })),
      },
      {
        name: 'calls',
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        symbol: ['none', 'arrow'],
        symbolSize: 9,
        lineStyle: { width: 2, opacity: 1 },
        label: { show: true, position: 'middle', fontSize: 11, color: '#212121' },
        data: arrows.map((effect) => ({
          coords: [
            [x(effect.lane), effect.n],
            [x(effect.to!), effect.n],
          ],
          lineStyle: { color: COLOURS[effect.tone] },
          label: { formatter: short(effect.label, 44) },
        })),
      },
      {
        name: 'marks',
        type: 'scatter',
        symbolSize: 12,
        label: { show: true, position: 'right', fontSize: 11 },
        data: marks.map((effect) => ({
          value: [x(effect.lane), effect.n],
          symbol: SYMBOLS[effect.kind],
          itemStyle: { color: COLOURS[effect.tone], opacity: 1 },
          label: {
            formatter: short(effect.label, effect.kind === 'failure' ? 110 : 56),
            color: COLOURS[effect.tone],
            // Right of the mark, but left of it on the right half (it would leave the picture), and
            // the failure above its line.
            ...(effect.kind === 'failure'
              ? { position: [14, -16], fontWeight: 'bold' }
              : x(effect.lane) > (picture.lanes.length - 1) / 2 && { position: 'left' }),
          },
        })),
        ...(failure && {
          // Across every lane, where the journey failed: what came before it, it saw; what after, it did not.
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: COLOURS.bad, type: 'dashed', width: 1.5 },
            label: { show: true, position: 'insideEndTop', formatter: 'failed here', color: COLOURS.bad, fontSize: 11 },
            data: [{ yAxis: failure.n }],
          },
        }),
      },
    ],
  };
}

/** The SVG with a `<title>` and a `<desc>` holding every effect in order (SVG's own text alternative). */
function withDescription(svg: string, picture: JourneyPicture): string {
  const opening = /<svg\b[^>]*>/.exec(svg);
  if (!opening) return svg;
  const at = opening.index + opening[0].length;
  const text = `<title>${escapeMarkup(`Journey picture: ${picture.title}`)}</title><desc>${escapeMarkup(pictureList(picture))}</desc>`;
  return `${svg.slice(0, at)}\n${text}${svg.slice(at)}`;
}
