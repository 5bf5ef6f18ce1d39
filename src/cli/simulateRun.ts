import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import { createWorld } from "../node/world.ts";
import { SimChain } from "../sim/chain.ts";
import { loadScenario } from "../sim/load.ts";
import { sweepScenarios } from "../sim/mc/sweep.ts";
import { deterministicResult, type MonteCarloResult, monteCarlo } from "../sim/montecarlo.ts";
import { buildNetwork, networkWorldParams } from "../sim/network/build.ts";
import { deterministicSummary, finishRunDir, openRunDir, plainJson, type SeriesFormat } from "../sim/output.ts";
import { RunRecorder, replayRun } from "../sim/record.ts";
import { ethText } from "../sim/report/html.ts";
import { writeReport } from "../sim/report.ts";
import { simulate } from "../sim/run/simulate.ts";
import type { RunSummary } from "../sim/run/types.ts";
import { isScenarioError } from "../sim/scenario/errors.ts";
import { openStore } from "../store/index.ts";

/** The implementations behind src/cli/simulate.ts. */

class UsageError extends Error {}

interface Bar {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

/** A progress bar on stderr, only on a terminal and without --quiet. */
function bar(show: boolean, format: string, total: number): Bar {
  if (!show || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const b = new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 }, Presets.shades_classic);
  b.start(total, 0, {});
  return { update: (v, p) => b.update(v, p ?? {}), stop: () => b.stop() };
}

function parseInteger(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** Runs `body`; a bad scenario exits 2 (before anything ran), a usage error 2, anything else 1. */
async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (isScenarioError(e)) {
      console.error(`error: ${e.toString()}`);
      process.exitCode = 2;
    } else if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
    } else {
      console.error(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    }
  }
}

const pct = (f: number): string => `${(f * 100).toFixed(2)} %`;

export function summaryLines(s: RunSummary, dir: string): string[] {
  const lrts = Object.entries(s.lrts).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const gamma = (g: RunSummary["security"]["before"]): string =>
    g.gammaStar === null
      ? `— (${g.method})`
      : `${g.gammaStar}${g.secure === null ? "" : g.secure ? " (secure)" : " (insecure)"}`;
  return [
    `scenario ${s.scenario}, seed ${s.seed}: ${s.blocks.toLocaleString("en-US")} blocks in ${s.steps} steps` +
      (s.timing === undefined
        ? ""
        : ` (build ${(s.timing.buildMs / 1000).toFixed(1)} s, run ${(s.timing.runMs / 1000).toFixed(1)} s)`),
    `  hash           ${s.hash}`,
    `  slashed        ${ethText(s.slashed)}   stolen ${ethText(s.stolen)}`,
    `  losses         stakers ${ethText(s.losses.stakers)} · LRT holders ${ethText(s.losses.lrtHolders)} · lenders ${ethText(s.losses.lenders)}`,
    `  bad debt       ${ethText(s.badDebt)}`,
    `  liquidations   ${s.liquidations} (${ethText(s.liquidatedValue)})`,
    `  max depeg      ${lrts.map(([id, l]) => `${id} ${pct(l.maxDepeg)}`).join(" · ") || "—"}`,
    `  γ*             before ${gamma(s.security.before)} → after ${gamma(s.security.after)}`,
    `  commands       ${s.applied} applied, ${s.reverted} reverted`,
    ...s.notes.map((n) => `  note           ${n}`),
    `  run directory  ${dir}`,
  ];
}

interface SimulateFlags {
  seed?: string;
  out?: string;
  format: SeriesFormat;
  security: boolean;
  check?: boolean;
  db?: string;
  pgSchema?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function simulateCommand(file: string, flags: SimulateFlags): Promise<void> {
  await guarded(async () => {
    const { scenario, text } = loadScenario(file);
    const seed = parseInteger(flags.seed, "--seed", 0) ?? scenario.seed;
    const dir = flags.out ?? join("runs", `${scenario.name}-${seed}`);
    // open the store first: a bad --db fails before the run, not after it
    const store = flags.db === undefined ? null : await openStore({ db: flags.db, schema: flags.pgSchema });
    try {
      if (store !== null && (await store.head()) !== 0)
        throw new UsageError(`${flags.db} already holds a log: give an empty database`);
      const recorder = store === null ? null : new RunRecorder();
      const t0 = performance.now();
      let network: ReturnType<typeof buildNetwork> | undefined;
      let setupHash = "";
      if (recorder !== null) {
        // our own chain, so the recorder sees the set-up's first command and every one after it
        const chain = new SimChain(createWorld(networkWorldParams(scenario.network)));
        chain.onApply(recorder.sink);
        network = buildNetwork(scenario.network, scenario.seed, { chain });
        recorder.endSetup();
        setupHash = network.chain.hash();
      }
      const steps = Math.ceil(scenario.run.blocks / Math.max(1, scenario.run.step));
      const progress = bar(
        flags.quiet !== true,
        "simulate [{bar}] {percentage}% | step {value}/{total} | block {block} | {eta_formatted} left",
        steps,
      );
      const writer = openRunDir(dir, flags.format);
      let result: Awaited<ReturnType<typeof simulate>>;
      try {
        result = await simulate(scenario, {
          seed,
          ...(network === undefined ? {} : { network }),
          keepSeries: false,
          onStep: (m) => writer.write(m),
          onProgress: (p) => progress.update(p.step, { block: p.block }),
          ...(flags.security === false ? { security: false } : {}),
          ...(flags.check === true ? { checkConservation: true } : {}),
        });
      } finally {
        progress.stop();
        writer.close();
      }
      const summary = result.summary;
      if (network !== undefined && summary.timing !== undefined) {
        // the network was built here, before simulate started its clock
        summary.timing.buildMs = Math.round(performance.now() - t0 - summary.timing.runMs);
      }
      finishRunDir(dir, { scenarioText: text, summary });
      if (store !== null && recorder !== null) {
        const n = await recorder.write(store, {
          worldParams: networkWorldParams(scenario.network),
          scenario: text,
          seed,
          setupHash,
          hash: summary.hash,
        });
        if (flags.json !== true)
          console.log(
            `recorded ${n.toLocaleString("en-US")} commands (${recorder.setupEntries.toLocaleString("en-US")} setup) into ${store.kind}`,
          );
      }
      if (flags.json === true) console.log(plainJson(deterministicSummary(summary)));
      else console.log(summaryLines(summary, dir).join("\n"));
    } finally {
      await store?.close();
    }
  });
}

export async function simulateVerifyCommand(flags: { db: string; pgSchema?: string; json?: boolean }): Promise<void> {
  await guarded(async () => {
    const store = await openStore({ db: flags.db, schema: flags.pgSchema });
    try {
      const head = await store.head();
      const progress = bar(
        flags.json !== true,
        "replay   [{bar}] {percentage}% | {value}/{total} entries | {eta_formatted} left",
        head,
      );
      let r: Awaited<ReturnType<typeof replayRun>>;
      try {
        r = await replayRun(store, (seq) => progress.update(seq));
      } finally {
        progress.stop();
      }
      if (flags.json === true) console.log(plainJson(r));
      else {
        console.log(`replayed ${r.entries.toLocaleString("en-US")} commands from ${store.kind}`);
        console.log(`  setup hash  ${r.setupHash} (recorded ${r.expectedSetupHash ?? "—"})`);
        console.log(`  final hash  ${r.hash} (recorded ${r.expected ?? "—"})`);
        console.log(r.ok ? "OK: the replay reproduces the run" : "MISMATCH: the replay does not reproduce the run");
      }
      if (!r.ok) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });
}

interface MonteCarloFlags {
  paths: string;
  workers?: string;
  seed?: string;
  sweep?: string;
  out?: string;
  checkRollback?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function monteCarloLines(r: MonteCarloResult, dir: string): string[] {
  const out = [
    `scenario ${r.scenario}: ${r.paths.toLocaleString("en-US")} paths${r.sweep === null ? "" : ` × ${r.variants.length} values of ${r.sweep.key}`}, base seed ${r.baseSeed}, ${r.timing.workers} worker(s)`,
    `  ${(r.timing.totalMs / 1000).toFixed(1)} s, ${r.timing.pathsPerSecond.toFixed(1)} paths/s (worker start-up ${r.timing.startupMs} ms, network build ${r.timing.buildMs} ms)`,
    `  aggregate hash ${r.hash}`,
  ];
  for (const v of r.variants) {
    const f = v.figures;
    if (r.sweep !== null) out.push(`${r.sweep.key} = ${v.label}`);
    out.push(
      `  VaR95 ${ethText(f.var95)} · VaR99 ${ethText(f.var99)}`,
      `  LaR95 ${ethText(f.lar95)} · LaR99 ${ethText(f.lar99)}`,
      `  P(bad debt) ${pct(f.pBadDebt)} · mean bad debt ${ethText(f.mean.badDebt)} · max depeg p95 ${pct(f.maxDepeg.p95)}`,
      `  mean losses: stakers ${ethText(f.mean.stakers)} · LRT holders ${ethText(f.mean.lrtHolders)} · lenders ${ethText(f.mean.lenders)}`,
      `  worst seeds: ${f.worst
        .slice(0, 5)
        .map((w) => `${w.seed} (bad debt ${ethText(w.badDebt)})`)
        .join(", ")}`,
    );
  }
  out.push(`  output ${dir}`);
  return out;
}

export async function monteCarloCommand(file: string, flags: MonteCarloFlags): Promise<void> {
  await guarded(async () => {
    const { scenario, text } = loadScenario(file);
    const paths = parseInteger(flags.paths, "--paths", 1)!;
    const workers = parseInteger(flags.workers, "--workers", 0);
    const baseSeed = parseInteger(flags.seed, "--seed", 0) ?? scenario.seed;
    let sweep: { key: string; variants: { label: string; scenario: typeof scenario }[] } | undefined;
    if (flags.sweep !== undefined) {
      const eq = flags.sweep.indexOf("=");
      if (eq <= 0 || eq === flags.sweep.length - 1) throw new UsageError("--sweep takes key=value1,value2,…");
      const key = flags.sweep.slice(0, eq);
      const values = flags.sweep.slice(eq + 1).split(",");
      sweep = { key, variants: sweepScenarios(text, file, key, values) };
    }
    const dir = flags.out ?? join("runs", `${scenario.name}-mc-${baseSeed}`);
    const total = paths * (sweep?.variants.length ?? 1);
    const progress = bar(
      flags.quiet !== true,
      "montecarlo [{bar}] {percentage}% | {value}/{total} paths | {rate} paths/s | {eta_formatted} left",
      total,
    );
    let result: MonteCarloResult;
    try {
      result = await monteCarlo(scenario, {
        paths,
        baseSeed,
        ...(workers === undefined ? {} : { workers }),
        ...(sweep === undefined ? {} : { sweep }),
        ...(flags.checkRollback === true ? { checkRollback: true } : {}),
        onProgress: (p) => progress.update(p.done, { rate: (p.done / Math.max(1e-3, p.elapsedMs / 1000)).toFixed(1) }),
      });
    } finally {
      progress.stop();
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "montecarlo.json"), `${plainJson(deterministicResult(result), 2)}\n`);
    writeFileSync(join(dir, "timing.json"), `${plainJson(result.timing, 2)}\n`);
    writeFileSync(join(dir, "scenario.yaml"), text);
    if (flags.json === true) console.log(plainJson(result));
    else console.log(monteCarloLines(result, dir).join("\n"));
  });
}

export function reportCommand(dir: string): void {
  try {
    const r = writeReport(dir);
    console.log(`wrote ${r.path} (${r.kind} report)`);
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
