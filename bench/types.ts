// One line of the bench table: a measurement, optionally against a baseline and a target.
export interface BenchRow {
  part: string;
  name: string;
  value: number;
  unit: string;
  /** The same measurement for the baseline it is compared with, in the same unit. */
  baseline?: number;
  /** value / baseline (or the measure the target is stated in). */
  ratio?: number;
  /** The target as text, e.g. "≤ 1.25×". */
  target?: string;
  pass?: boolean;
}

export interface BenchPart {
  /** Services the part needs; run.ts refuses to start without them. */
  needs?: ReadonlyArray<'redis' | 'postgresql'>;
  run(): Promise<BenchRow[]>;
}
