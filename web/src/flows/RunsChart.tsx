// Records ingested per run, drawn as bars at each run's window start: runs created together after
// downtime start at the same time but cover different windows. Only the runs loaded on the page are
// drawn, so the chart costs nothing extra to fetch.

import type { Run } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { runStartedAt } from './runs.ts';

// The view box is about as wide as the chart's column, so text keeps its size when it scales.
const width = 960;
const height = 150;
const padding = { top: 10, right: 10, bottom: 22, left: 48 };

export function RunsChart({ runs }: { runs: Run[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const points = runs
    .filter((run) => runStartedAt(run))
    .map((run) => ({
      run,
      time: Date.parse(run.params.windowStartTime),
      ingested: run.metrics?.recordSummary?.outputRecordCount ?? 0,
      failed: run.metrics?.recordSummary?.failedRecordCount ?? 0,
    }))
    .sort((a, b) => a.time - b.time);

  if (points.length === 0) return <p className="muted chart-empty">{t('activity.chartEmpty')}</p>;

  const minTime = points[0]!.time;
  const maxTime = points.at(-1)!.time;
  const maxValue = Math.max(1, ...points.map((point) => point.ingested + point.failed));
  const plotWidth = width - padding.left - padding.right;
  const plotHeight = height - padding.top - padding.bottom;
  const barWidth = Math.max(2, Math.min(24, plotWidth / points.length - 2));
  const x = (time: number) =>
    padding.left +
    (maxTime === minTime ? plotWidth / 2 : ((time - minTime) / (maxTime - minTime)) * (plotWidth - barWidth));
  const y = (value: number) => padding.top + plotHeight - (value / maxValue) * plotHeight;

  return (
    <figure className="chart">
      <figcaption>{t('activity.chartTitle')}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('activity.chartTitle')}>
        <line x1={padding.left} x2={width - padding.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <text x={padding.left - 6} y={y(maxValue) + 4} textAnchor="end" className="chart-label">
          {i18n.number(maxValue)}
        </text>
        <text x={padding.left - 6} y={y(0)} textAnchor="end" className="chart-label">
          0
        </text>
        <text x={padding.left} y={height - 4} className="chart-label" data-axis="first">
          {i18n.shortDateTime(new Date(minTime).toISOString())}
        </text>
        {maxTime > minTime && (
          <text x={width - padding.right} y={height - 4} textAnchor="end" className="chart-label" data-axis="last">
            {i18n.shortDateTime(new Date(maxTime).toISOString())}
          </text>
        )}
        {points.map((point) => (
          <g key={point.run.id}>
            <title>
              {`${i18n.shortDateTimeRange(point.run.params.windowStartTime, point.run.params.windowEndTime)}: ${i18n.number(point.ingested)} / ${i18n.number(point.failed)}`}
            </title>
            <rect
              x={x(point.time)}
              y={y(point.ingested)}
              width={barWidth}
              height={Math.max(0, y(0) - y(point.ingested))}
              className="chart-bar"
            />
            {point.failed > 0 && (
              <rect
                x={x(point.time)}
                y={y(point.ingested + point.failed)}
                width={barWidth}
                height={Math.max(0, y(point.ingested) - y(point.ingested + point.failed))}
                className="chart-bar-failed"
              />
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
