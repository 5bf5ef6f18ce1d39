import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { replayVector, type Vector } from "../conformance/eigenlayerVectors.ts";

/** Expands directories into their .json/.json.gz files, sorted, so runs are reproducible. */
export function vectorFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) {
        if (f.endsWith(".json") || f.endsWith(".json.gz")) out.push(join(p, f));
      }
    } else {
      out.push(p);
    }
  }
  return out;
}

export function readVector(file: string): Vector {
  const raw = readFileSync(file);
  const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  return JSON.parse(text) as Vector;
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  lines: string[];
}

export function runConformance(paths: string[]): ConformanceSummary {
  const files = vectorFiles(paths);
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let report: ReturnType<typeof replayVector>;
    try {
      report = replayVector(readVector(file));
    } catch (e) {
      failed++;
      lines.push(`FAIL ${file}: unreadable vector: ${(e as Error).message}`);
      continue;
    }
    if (report.mismatch === null) {
      passed++;
    } else {
      failed++;
      const m = report.mismatch;
      lines.push(`FAIL ${file}: step ${m.step} (${m.op}) ${m.quantity}: expected ${m.expected}, actual ${m.actual}`);
    }
  }
  return { passed, failed, lines };
}

export function conformanceCommand(paths: string[]): void {
  const summary = runConformance(paths);
  for (const line of summary.lines) console.log(line);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  if (summary.failed > 0 || summary.passed === 0) process.exitCode = 1;
}
