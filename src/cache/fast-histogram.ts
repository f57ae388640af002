import type { Registry } from 'prom-client';

// A labelled histogram cheap enough for the cache's hot path: prom-client's observe() hashes
// its labels on every call (~2 µs here, as much as the rest of an L2 read's own work), this
// one resolves a series once and then increments an array slot. It is registered on the
// prom-client registry as a plain metric object, so /metrics prints it like any histogram.

export interface HistogramSeries {
  observe(seconds: number): void;
}

interface Series extends HistogramSeries {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
  count: number;
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    (registry as unknown as { registerMetric(metric: unknown): void }).registerMetric(this);
  }

  /** The series for these labels; keep it and call observe() on it. */
  labels(labels: Record<string, string>): HistogramSeries {
    const id = JSON.stringify(labels);
    let series = this.series.get(id);
    if (!series) {
      const buckets = this.buckets;
      const created: Series = {
        labels,
        counts: new Array<number>(buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
        observe(seconds: number) {
          let i = 0;
          while (i < buckets.length && seconds > buckets[i]!) i++;
          created.counts[i]!++;
          created.sum += seconds;
          created.count++;
        },
      };
      this.series.set(id, (series = created));
    }
    return series;
  }

  /** What prom-client's registry reads when /metrics is scraped. */
  async get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += series.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...series.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
