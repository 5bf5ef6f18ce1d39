import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { HF_BUCKETS, type RunSummary, type StepMetrics } from "./run/types.ts";

/**
 * A run directory: `series.jsonl` or `series.csv` (one row per step), `summary.json`, `scenario.yaml` (the file the
 * run came from, byte for byte) and `timing.json`. Everything but `timing.json` is deterministic: the same scenario
 * and seed write the same bytes, so two runs can be compared with `cmp`.
 */

export type SeriesFormat = "jsonl" | "csv";

export const SERIES_FILE: Record<SeriesFormat, string> = { jsonl: "series.jsonl", csv: "series.csv" };

/** JSON with bigints as decimal strings (the outputs people and scripts read). */
export function plainJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), space);
}

/** The summary without its wall-clock timing: what is compared and hashed. */
export function deterministicSummary(s: RunSummary): Omit<RunSummary, "timing"> {
  const { timing: _timing, ...rest } = s;
  return rest;
}

/** Per-LRT columns, in this order, after `<lrt>.` */
const LRT_COLUMNS = [
  "rate",
  "price",
  "depeg",
  "queueCount",
  "queueValue",
  "waitBlocks",
  "bridgeGap",
  "supply",
] as const;

export function csvHeader(lrts: readonly string[]): string[] {
  return [
    "step",
    "block",
    ...lrts.flatMap((id) => LRT_COLUMNS.map((c) => `${id}.${c}`)),
    "losses.stakers",
    "losses.lrtHolders",
    "losses.lenders",
    "slashed",
    "stolen",
    "liquidations",
    "liquidatedValue",
    "badDebt",
    ...HF_BUCKETS.map((b) => `hf.${b}`),
    "applied",
    "reverted",
  ];
}

export function csvRow(m: StepMetrics, lrts: readonly string[]): string[] {
  const cells: string[] = [String(m.step), String(m.block)];
  for (const id of lrts) {
    const l = m.lrts[id];
    for (const c of LRT_COLUMNS) {
      const v = l?.[c];
      cells.push(v === undefined ? "" : String(v));
    }
  }
  cells.push(
    String(m.losses.stakers),
    String(m.losses.lrtHolders),
    String(m.losses.lenders),
    String(m.slashed),
    String(m.stolen),
    String(m.liquidations),
    String(m.liquidatedValue),
    String(m.badDebt),
    ...HF_BUCKETS.map((_, i) => String(m.hf[i] ?? 0)),
    String(m.applied),
    String(m.reverted),
  );
  return cells;
}

/** Writes the series row by row as the run produces it, so a long run never holds its series in memory. */
export class SeriesWriter {
  private readonly fd: number;
  private lrts: string[] | null = null;
  rows = 0;

  constructor(
    readonly path: string,
    readonly format: SeriesFormat,
  ) {
    this.fd = openSync(path, "w");
  }

  write(m: StepMetrics): void {
    if (this.format === "jsonl") {
      writeSync(this.fd, `${plainJson(m)}\n`);
    } else {
      if (this.lrts === null) {
        // the LRTs are fixed when the network is built: the first row names the columns
        this.lrts = Object.keys(m.lrts).sort();
        writeSync(this.fd, `${csvHeader(this.lrts).join(",")}\n`);
      }
      writeSync(this.fd, `${csvRow(m, this.lrts).join(",")}\n`);
    }
    this.rows++;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface RunFiles {
  /** the scenario file's text, copied as `scenario.yaml` */
  scenarioText: string;
  summary: RunSummary;
}

/** Creates the run directory (and parents) and returns the series writer; `finishRunDir` writes the rest. */
export function openRunDir(dir: string, format: SeriesFormat): SeriesWriter {
  mkdirSync(dir, { recursive: true });
  return new SeriesWriter(join(dir, SERIES_FILE[format]), format);
}

export function finishRunDir(dir: string, files: RunFiles): void {
  writeFileSync(join(dir, "scenario.yaml"), files.scenarioText);
  writeFileSync(join(dir, "summary.json"), `${plainJson(deterministicSummary(files.summary), 2)}\n`);
  writeFileSync(join(dir, "timing.json"), `${plainJson(files.summary.timing ?? {}, 2)}\n`);
}

/** Writes a whole run directory from a finished run (tests, and callers that kept the series). */
export function writeRunDir(
  dir: string,
  files: RunFiles & { series: readonly StepMetrics[]; format: SeriesFormat },
): void {
  const w = openRunDir(dir, files.format);
  try {
    for (const m of files.series) w.write(m);
  } finally {
    w.close();
  }
  finishRunDir(dir, files);
}

/** A series row as read back from a run directory: amounts as bigints again, numbers as numbers. */
export type SeriesRow = StepMetrics;

const big = (v: unknown): bigint => BigInt(v as string);

function rowFromJson(o: Record<string, unknown>): StepMetrics {
  const lrts: StepMetrics["lrts"] = {};
  for (const [id, raw] of Object.entries(o.lrts as Record<string, Record<string, unknown>>)) {
    lrts[id] = {
      rate: big(raw.rate),
      ...(raw.price === undefined ? {} : { price: big(raw.price) }),
      depeg: raw.depeg as number,
      queueCount: raw.queueCount as number,
      queueValue: big(raw.queueValue),
      ...(raw.waitBlocks === undefined ? {} : { waitBlocks: raw.waitBlocks as number }),
      bridgeGap: big(raw.bridgeGap),
      supply: big(raw.supply),
    };
  }
  const losses = o.losses as Record<string, unknown>;
  return {
    step: o.step as number,
    block: o.block as number,
    lrts,
    losses: { stakers: big(losses.stakers), lrtHolders: big(losses.lrtHolders), lenders: big(losses.lenders) },
    slashed: big(o.slashed),
    stolen: big(o.stolen),
    liquidations: o.liquidations as number,
    liquidatedValue: big(o.liquidatedValue),
    badDebt: big(o.badDebt),
    hf: o.hf as number[],
    applied: o.applied as number,
    reverted: o.reverted as number,
  };
}

function rowFromCsv(header: string[], cells: string[]): StepMetrics {
  const at = new Map(header.map((h, i) => [h, cells[i] ?? ""]));
  const get = (k: string): string => at.get(k) ?? "";
  const lrts: StepMetrics["lrts"] = {};
  const ids = [...new Set(header.filter((h) => h.endsWith(".rate")).map((h) => h.slice(0, -".rate".length)))];
  for (const id of ids) {
    const price = get(`${id}.price`);
    const wait = get(`${id}.waitBlocks`);
    lrts[id] = {
      rate: BigInt(get(`${id}.rate`)),
      ...(price === "" ? {} : { price: BigInt(price) }),
      depeg: Number(get(`${id}.depeg`)),
      queueCount: Number(get(`${id}.queueCount`)),
      queueValue: BigInt(get(`${id}.queueValue`)),
      ...(wait === "" ? {} : { waitBlocks: Number(wait) }),
      bridgeGap: BigInt(get(`${id}.bridgeGap`)),
      supply: BigInt(get(`${id}.supply`)),
    };
  }
  return {
    step: Number(get("step")),
    block: Number(get("block")),
    lrts,
    losses: {
      stakers: BigInt(get("losses.stakers")),
      lrtHolders: BigInt(get("losses.lrtHolders")),
      lenders: BigInt(get("losses.lenders")),
    },
    slashed: BigInt(get("slashed")),
    stolen: BigInt(get("stolen")),
    liquidations: Number(get("liquidations")),
    liquidatedValue: BigInt(get("liquidatedValue")),
    badDebt: BigInt(get("badDebt")),
    hf: HF_BUCKETS.map((b) => Number(get(`hf.${b}`))),
    applied: Number(get("applied")),
    reverted: Number(get("reverted")),
  };
}

/** Reads a run directory's series back (whichever format it was written in); null when it has none. */
export function readSeries(dir: string): StepMetrics[] | null {
  for (const format of ["jsonl", "csv"] as const) {
    let text: string;
    try {
      text = readFileSync(join(dir, SERIES_FILE[format]), "utf8");
    } catch {
      continue;
    }
    const lines = text.split("\n").filter((l) => l !== "");
    if (format === "jsonl") return lines.map((l) => rowFromJson(JSON.parse(l) as Record<string, unknown>));
    const [head, ...rows] = lines;
    if (head === undefined) return [];
    const header = head.split(",");
    return rows.map((r) => rowFromCsv(header, r.split(",")));
  }
  return null;
}
