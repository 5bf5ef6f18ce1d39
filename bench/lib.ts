import { loadavg } from "node:os";

/** Shared helpers for the benchmarks: timing, statistics, progress output. */

export type Figures = Record<string, number | string>;

/** What a benchmark module exports (as named exports): bench/run.ts loads it by name. */
export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Figures>;
}

/** Nanoseconds since an arbitrary origin, as a JS number (exact below 2^53 ns ≈ 104 days). */
export function now(): number {
  return Number(process.hrtime.bigint());
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds to `digits` significant digits (figures are reported, not computed with). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** Progress goes to stderr, so that stdout carries only the results (and, with --json, ends with the JSON line). */
export function progress(msg: string): void {
  process.stderr.write(`  · ${msg}\n`);
}

export function heapMB(): number {
  return round(process.memoryUsage().heapUsed / 1e6, 4);
}

/** The 1-minute load average, to show how contended the machine was while a benchmark ran. */
export function load1(): number {
  return round(loadavg()[0] ?? Number.NaN, 3);
}
