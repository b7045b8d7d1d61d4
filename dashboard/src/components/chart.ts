/**
 * Time series charts drawn by uPlot: the log volume stacked by level and a single line (error
 * rate). Each chart follows its container's width, and a text summary next to it carries the
 * numbers for people who do not see the canvas.
 */
import uPlot from 'uplot';
import { stackVolume, type VolumeBucket } from '../chart-data.js';
import { formatCount, h } from '../dom.js';

/** Fill and stroke colours per level (chosen to stay apart for common colour-vision deficiencies). */
export const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  FATAL: '#7b1fa2',
  ERROR: '#d32f2f',
  WARN: '#f0a30a',
  NOTICE: '#0097a7',
  INFO: '#1976d2',
  DEBUG: '#78909c',
  TRACE: '#b0bec5',
  UNKNOWN: '#9e9e9e',
};

/** A chart bound to an element; `destroy` releases it (and its resize observer). */
export interface Chart {
  readonly element: HTMLElement;
  destroy(): void;
}

const HEIGHT = 240;

function sized(element: HTMLElement, plot: uPlot): () => void {
  const observer = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(element.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  observer.observe(element);
  return () => observer.disconnect();
}

/** A stacked area chart of event counts by level. */
export function volumeChart(label: string, buckets: readonly VolumeBucket[]): Chart {
  const columns = stackVolume(buckets);
  const element = h('figure', { class: 'chart', 'aria-label': label });
  const series: uPlot.Series[] = [
    {},
    ...columns.levels.map((level, i) => ({
      label: level,
      stroke: LEVEL_COLOURS[level] ?? '#555',
      fill: `${LEVEL_COLOURS[level] ?? '#555555'}cc`,
      width: 1,
      points: { show: false },
      // The legend shows this level's own count, not the running total drawn.
      value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx === null ? '-' : formatCount(columns.raw[i]![idx] ?? 0)),
    })),
  ];
  const width = 600;
  const plot = new uPlot({ width, height: HEIGHT, series, scales: { x: { time: true } }, axes: [{}, { size: 60 }], cursor: { drag: { x: false, y: false } } }, [columns.x, ...columns.stacked], element);
  const total = buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  element.appendChild(h('figcaption', {}, buckets.length === 0 ? `${label}: no data in this range.` : `${label}: ${formatCount(total)} events in ${buckets.length} buckets.`));
  const stop = sized(element, plot);
  return {
    element,
    destroy: () => {
      stop();
      plot.destroy();
    },
  };
}

/** A line chart of one series over time; `format` renders values in the legend and caption. */
export function lineChart(label: string, points: ReadonlyArray<{ t: number; v: number | null }>, format: (v: number) => string, colour = '#d32f2f'): Chart {
  const element = h('figure', { class: 'chart', 'aria-label': label });
  const x = points.map((p) => p.t / 1000);
  const y = points.map((p) => p.v);
  const plot = new uPlot(
    {
      width: 600,
      height: HEIGHT,
      series: [{}, { label, stroke: colour, width: 2, spanGaps: false, value: (_u, v) => (v === null ? '-' : format(v)) }],
      scales: { x: { time: true } },
      axes: [{}, { size: 60, values: (_u, values) => values.map((v) => format(v)) }],
      cursor: { drag: { x: false, y: false } },
    },
    [x, y],
    element,
  );
  const known = y.filter((v): v is number => v !== null);
  const last = known.at(-1);
  element.appendChild(h('figcaption', {}, known.length === 0 ? `${label}: no data in this range.` : `${label}: latest ${format(last!)}, highest ${format(Math.max(...known))}.`));
  const stop = sized(element, plot);
  return {
    element,
    destroy: () => {
      stop();
      plot.destroy();
    },
  };
}

/** A backtest preview: a count per bucket (errors, events) with the spans where the rule would have been firing shaded over it. */
export function episodeChart(label: string, points: ReadonlyArray<{ t: number; v: number }>, episodes: ReadonlyArray<{ startMs: number; endMs: number | null }>, nowMs: number): Chart {
  const element = h('figure', { class: 'chart', 'aria-label': label });
  const x = points.map((p) => p.t / 1000);
  const values = points.map((p) => p.v);
  const top = Math.max(1, ...values);
  // The firing series sits at the top of the scale wherever a bucket overlaps an episode.
  const firing = points.map((p) => (episodes.some((e) => p.t < (e.endMs ?? nowMs) && p.t >= e.startMs - 1) ? top : null));
  const plot = new uPlot(
    {
      width: 600,
      height: HEIGHT,
      series: [
        {},
        { label, stroke: '#1565c0', width: 2, value: (_u, v) => (v === null ? '-' : formatCount(v)) },
        { label: 'Would fire', stroke: '#c62828', fill: '#c6282833', width: 1, paths: uPlot.paths.stepped!({ align: 1 }), value: (_u, v) => (v === null ? 'no' : 'yes') },
      ],
      scales: { x: { time: true } },
      axes: [{}, { size: 60 }],
      cursor: { drag: { x: false, y: false } },
    },
    [x, values, firing],
    element,
  );
  element.appendChild(h('figcaption', {}, `${label}; shaded: when the rule would have been firing (${episodes.length} episode${episodes.length === 1 ? '' : 's'}).`));
  const stop = sized(element, plot);
  return {
    element,
    destroy: () => {
      stop();
      plot.destroy();
    },
  };
}
