import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MonteCarloResult } from "./montecarlo.ts";
import { readSeries } from "./output.ts";
import { monteCarloReport, simulateReport } from "./report/html.ts";
import type { RunSummary } from "./run/types.ts";

/**
 * `restake report <run-dir>`: reads what `restake simulate` (summary.json + series) or `restake montecarlo`
 * (montecarlo.json) wrote and writes `report.html` next to it.
 */

export type RunDirKind = "simulate" | "montecarlo";

export function runDirKind(dir: string): RunDirKind | null {
  if (existsSync(join(dir, "montecarlo.json"))) return "montecarlo";
  if (existsSync(join(dir, "summary.json"))) return "simulate";
  return null;
}

export function reportHtml(dir: string): { kind: RunDirKind; html: string } {
  const kind = runDirKind(dir);
  if (kind === null) throw new Error(`${dir} holds neither summary.json (simulate) nor montecarlo.json (montecarlo)`);
  if (kind === "montecarlo") {
    const r = JSON.parse(readFileSync(join(dir, "montecarlo.json"), "utf8")) as Omit<MonteCarloResult, "timing">;
    return { kind, html: monteCarloReport(r) };
  }
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as RunSummary;
  return { kind, html: simulateReport(summary, readSeries(dir) ?? []) };
}

/** Writes `<dir>/report.html`; returns its path. */
export function writeReport(dir: string): { kind: RunDirKind; path: string } {
  const { kind, html } = reportHtml(dir);
  const path = join(dir, "report.html");
  writeFileSync(path, html);
  return { kind, path };
}
