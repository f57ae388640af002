import { Counter, type Registry } from 'prom-client';
import { FastHistogram, type HistogramSeries } from './fast-histogram.ts';

// Per-module counters for /metrics (prom-client) and for stats() (/admin/cache), kept in
// one place so both always agree. Counting is a plain field increment (an L1 hit is a few
// dozen nanoseconds, a labelled prom-client inc would dominate it); prom-client picks the
// deltas up when /metrics is scraped. Latency histograms cover the Redis tier and loaders,
// where an observation is noise next to a network round trip.

export type Outcome = 'hits' | 'l1Hits' | 'misses' | 'stale' | 'sets' | 'errors' | 'invalidations';
type Counts = Record<Outcome, number>;

export type ModuleStats = Omit<Counts, 'l1Hits'> & { l1Hits: number; hitRatio: number };

const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const HELP: Record<Outcome, [string, string]> = {
  hits: ['stock_cache_hits_total', 'Cache reads answered from the cache (either tier)'],
  l1Hits: ['stock_cache_l1_hits_total', 'Cache hits answered by the in-process tier'],
  misses: ['stock_cache_misses_total', 'Cache reads that found nothing usable'],
  stale: ['stock_cache_stale_total', 'Stale values served because the loader failed'],
  sets: ['stock_cache_sets_total', 'Values written to the cache'],
  errors: ['stock_cache_errors_total', 'Cache operations that failed or skipped Redis because it was unavailable'],
  invalidations: ['stock_cache_invalidations_total', 'Module or tenant invalidations applied'],
};

const zero = (): Counts => ({ hits: 0, l1Hits: 0, misses: 0, stale: 0, sets: 0, errors: 0, invalidations: 0 });

export class CacheMetrics {
  private readonly perModule = new Map<string, Counts>();
  private readonly exported = new Map<string, Counts>();
  private readonly latency: FastHistogram;
  private readonly loaderLatency: FastHistogram;
  // By operation, then tier: both are literals, whose hashes V8 keeps (a key joined from
  // them on every observation would be hashed afresh each time).
  private readonly latencySeries = new Map<string, Map<string, HistogramSeries>>();

  constructor(registry: Registry) {
    for (const outcome of Object.keys(HELP) as Outcome[]) {
      const [name, help] = HELP[outcome];
      const exportDeltas = (counter: Counter<'module'>) => {
        for (const [module, counts] of this.perModule) {
          let seen = this.exported.get(module);
          if (!seen) this.exported.set(module, (seen = zero()));
          const delta = counts[outcome] - seen[outcome];
          if (delta > 0) counter.inc({ module }, delta);
          seen[outcome] = counts[outcome];
        }
      };
      // collect() runs on every scrape: adds what was counted since the previous one.
      new Counter({
        name,
        help,
        labelNames: ['module'] as const,
        registers: [registry],
        collect() {
          exportDeltas(this);
        },
      });
    }
    this.latency = new FastHistogram(
      'stock_cache_operation_duration_seconds',
      'Time of cache operations that reached Redis or a loader, by operation and tier that answered',
      LATENCY_BUCKETS,
      registry,
    );
    this.loaderLatency = new FastHistogram(
      'stock_cache_loader_duration_seconds',
      'Time of loaders run on a miss',
      LATENCY_BUCKETS,
      registry,
    );
  }

  private counts(module: string): Counts {
    let counts = this.perModule.get(module);
    if (!counts) this.perModule.set(module, (counts = zero()));
    return counts;
  }

  count(module: string, outcome: Outcome, by = 1): void {
    this.counts(module)[outcome] += by;
  }

  l1Hit(module: string): void {
    const counts = this.counts(module);
    counts.hits++;
    counts.l1Hits++;
  }

  /** Observe an operation's time since `startedAt` (performance.now()). */
  observe(operation: string, tier: 'l2' | 'loader' | 'none', startedAt: number): void {
    let byTier = this.latencySeries.get(operation);
    if (!byTier) this.latencySeries.set(operation, (byTier = new Map()));
    let series = byTier.get(tier);
    if (!series) byTier.set(tier, (series = this.latency.labels({ operation, tier })));
    series.observe((performance.now() - startedAt) / 1000);
  }

  observeLoader(module: string, startedAt: number): void {
    this.loaderLatency.labels({ module }).observe((performance.now() - startedAt) / 1000);
  }

  snapshot(): Record<string, ModuleStats> {
    const out: Record<string, ModuleStats> = {};
    for (const [module, counts] of this.perModule) {
      const reads = counts.hits + counts.misses;
      out[module] = { ...counts, hitRatio: reads ? counts.hits / reads : 0 };
    }
    return out;
  }
}
