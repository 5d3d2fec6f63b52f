import { formatDateTime } from './format.js';

export interface StackedBucket {
  start: string;
  /** Segment values, in the order of `series`. */
  values: number[];
}

/**
 * Stacked bars, one per bucket, drawn with CSS heights. Screen readers get the same numbers as a
 * table (visually hidden), so nothing is only in the picture.
 */
export function StackedBars({
  label,
  series,
  buckets,
  formatStart = formatDateTime,
}: {
  label: string;
  series: { name: string; className: string }[];
  buckets: StackedBucket[];
  formatStart?: (iso: string) => string;
}) {
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.values.reduce((a, b) => a + b, 0)));
  return (
    <figure className="chart">
      <div className="chart-bars" aria-hidden="true">
        {buckets.map((bucket) => (
          <div key={bucket.start} className="chart-col" title={`${formatStart(bucket.start)}: ${bucket.values.map((v, i) => `${v} ${series[i]?.name}`).join(', ')}`}>
            {bucket.values.map((value, index) =>
              value > 0 ? <span key={index} className={`chart-seg ${series[index]?.className ?? ''}`} style={{ height: `${(value / peak) * 100}%` }} /> : null,
            )}
          </div>
        ))}
      </div>
      <figcaption>
        <ul className="legend">
          {series.map((entry) => (
            <li key={entry.name}>
              <span className={`legend-swatch ${entry.className}`} aria-hidden="true" />
              {entry.name}
            </li>
          ))}
        </ul>
      </figcaption>
      <table className="visually-hidden">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {series.map((entry) => (
              <th key={entry.name} scope="col">
                {entry.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket) => (
            <tr key={bucket.start}>
              <th scope="row">{formatStart(bucket.start)}</th>
              {bucket.values.map((value, index) => (
                <td key={index}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A small inline trend (e.g. 24 hourly request counts) with its total as the accessible name. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const peak = Math.max(1, ...values);
  return (
    <span className="sparkline" role="img" aria-label={label}>
      {values.map((value, index) => (
        <span key={index} className="spark" style={{ height: `${Math.max(value > 0 ? 12 : 4, (value / peak) * 100)}%` }} />
      ))}
    </span>
  );
}
