import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Benchmark, Figures } from "./lib.ts";

/**
 * The benchmark harness.
 *
 *   npm run bench                     every benchmark, a table of figures
 *   npm run bench -- slash            one benchmark
 *   npm run bench -- slash --json     its figures as one JSON object, the last line of stdout
 *   npm run bench -- --json           one JSON line per benchmark
 *
 * Progress goes to stderr. When several benchmarks run, each runs in its own child process, so that one
 * benchmark's heap (the slash benchmark keeps a million stakers alive) cannot slow another down.
 */

/** Name → loader. Loaded lazily, so a benchmark whose dependencies are missing fails alone. */
const REGISTRY: Record<string, () => Promise<Benchmark>> = {
  slash: () => import("./slash.ts"),
  ops: () => import("./ops.ts"),
  "node-deposits": () => import("./node-deposits.ts"),
  "node-replay": () => import("./node-replay.ts"),
  risk: () => import("./risk.ts"),
  rewards: () => import("./rewards.ts"),
  "sim-mainnet": () => import("./sim-mainnet.ts"),
  "sim-montecarlo": () => import("./sim-montecarlo.ts"),
};

function usage(): string {
  return `usage: npm run bench [-- [${Object.keys(REGISTRY).join("|")} ...] [--json]]`;
}

function formatValue(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return v.toLocaleString("en-US", { maximumSignificantDigits: 4 });
}

function table(name: string, description: string, figures: Figures): string {
  const rows = Object.entries(figures).map(([k, v]) => [k, formatValue(v)] as const);
  const w0 = Math.max("figure".length, ...rows.map(([k]) => k.length));
  const w1 = Math.max("value".length, ...rows.map(([, v]) => v.length));
  const line = `  ${"-".repeat(w0)}  ${"-".repeat(w1)}`;
  return [
    `${name}: ${description}`,
    `  ${"figure".padEnd(w0)}  ${"value".padStart(w1)}`,
    line,
    ...rows.map(([k, v]) => `  ${k.padEnd(w0)}  ${v.padStart(w1)}`),
    "",
  ].join("\n");
}

async function runInProcess(name: string, json: boolean): Promise<boolean> {
  const load = REGISTRY[name]!;
  try {
    const m = await load();
    process.stderr.write(`running ${m.name}: ${m.description}\n`);
    const figures = await m.run();
    if (json) process.stdout.write(`${JSON.stringify({ benchmark: m.name, ...figures })}\n`);
    else process.stdout.write(`\n${table(m.name, m.description, figures)}`);
    return true;
  } catch (e) {
    process.stderr.write(`${name}: FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return false;
  }
}

/** Runs one benchmark in a child process (this script, one name, --json) and returns its JSON line. */
function runInChild(name: string): Promise<Record<string, number | string> | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, "--json"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) {
        resolve(null);
        return;
      }
      resolve(JSON.parse(last) as Record<string, number | string>);
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const json = args.includes("--json");
  const unknownFlags = args.filter((a) => a.startsWith("-") && a !== "--json");
  const names = args.filter((a) => !a.startsWith("-"));
  const unknown = names.filter((n) => !(n in REGISTRY));
  if (unknownFlags.length > 0 || unknown.length > 0) {
    process.stderr.write(`unknown ${[...unknownFlags, ...unknown].join(", ")}\n${usage()}\n`);
    return 2;
  }
  const selected = names.length > 0 ? [...new Set(names)] : Object.keys(REGISTRY);
  process.stderr.write(`node ${process.version}, ${process.platform}/${process.arch}\n`);

  if (selected.length === 1) return (await runInProcess(selected[0]!, json)) ? 0 : 1;

  let failed = 0;
  for (const name of selected) {
    const result = await runInChild(name);
    if (result === null) {
      failed++;
      process.stderr.write(`${name}: FAILED (see above)\n`);
      continue;
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const { benchmark, ...figures } = result;
      const m = await REGISTRY[name]!();
      process.stdout.write(`\n${table(String(benchmark), m.description, figures)}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
