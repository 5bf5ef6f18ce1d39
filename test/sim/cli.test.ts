import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { monteCarloCommand, simulateCommand } from "../../src/cli/simulateRun.ts";
import { readSeries } from "../../src/sim/output.ts";
import { replayRun } from "../../src/sim/record.ts";
import { reportHtml } from "../../src/sim/report.ts";
import type { RunSummary } from "../../src/sim/run/types.ts";
import { openStore } from "../../src/store/index.ts";
import { PG_URL } from "../store/backends.ts";
import { SHORT } from "./fixtures.ts";
import { htmlProblems } from "./html.ts";

/** `restake simulate`, `simulate verify`, `montecarlo` and `report`: in-process where it is enough, the real binary for exit codes. */

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/restake.mjs");
const EXAMPLE = join(ROOT, "scenarios/examples/small-cascade.yaml");
const tmp = mkdtempSync(join(tmpdir(), "restake-sim-"));
const SHORT_FILE = join(tmp, "short.yaml");
writeFileSync(SHORT_FILE, SHORT);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function restake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** Runs a command implementation in this process and returns what it printed and the exit code it set. */
async function inProcess(body: () => Promise<void>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await body();
    return { code: Number(process.exitCode ?? 0), out: out.join("\n"), err: err.join("\n") };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
  }
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split("\n").at(-1)!) as T;

describe("restake simulate", () => {
  it("the same seed writes the same summary and series byte for byte; another seed differs; CSV holds the same rows", async () => {
    const dirs = ["a", "b", "c", "d"].map((d) => join(tmp, d));
    const flags = { format: "jsonl" as const, security: false, quiet: true, json: true };
    const a = await inProcess(() => simulateCommand(EXAMPLE, { ...flags, seed: "21", out: dirs[0] }));
    const b = await inProcess(() => simulateCommand(EXAMPLE, { ...flags, seed: "21", out: dirs[1] }));
    const c = await inProcess(() => simulateCommand(EXAMPLE, { ...flags, seed: "22", out: dirs[2] }));
    const d = await inProcess(() => simulateCommand(EXAMPLE, { ...flags, seed: "21", out: dirs[3], format: "csv" }));
    for (const r of [a, b, c, d]) expect(r.code).toBe(0);
    const sa = lastJson<RunSummary>(a.out);
    expect(sa.seed).toBe(21);
    expect(sa.timing).toBeUndefined();
    expect(lastJson<RunSummary>(b.out)).toEqual(sa);
    expect(read(dirs[1]!, "summary.json")).toBe(read(dirs[0]!, "summary.json"));
    expect(read(dirs[1]!, "series.jsonl")).toBe(read(dirs[0]!, "series.jsonl"));
    expect(read(dirs[0]!, "scenario.yaml")).toBe(readFileSync(EXAMPLE, "utf8"));
    expect(JSON.parse(read(dirs[0]!, "timing.json")).runMs).toBeGreaterThanOrEqual(0);
    const sc = lastJson<RunSummary>(c.out);
    expect(sc.hash).not.toBe(sa.hash);
    expect(read(dirs[2]!, "series.jsonl")).not.toBe(read(dirs[0]!, "series.jsonl"));
    // the CSV run is the same run, and its rows read back to the same metrics
    expect(lastJson<RunSummary>(d.out).hash).toBe(sa.hash);
    const rows = readSeries(dirs[0]!)!;
    expect(rows.length).toBe(sa.steps);
    expect(readSeries(dirs[3]!)).toEqual(rows);
    expect(read(dirs[3]!, "series.csv").split("\n")[0]).toContain("ezeth.depeg");
  }, 120_000);

  it("records every command into SQLite and PostgreSQL; replaying either log gives the run's hash", async () => {
    const schema = `restake_sim_${randomBytes(5).toString("hex")}`;
    const targets = [
      { db: join(tmp, "run.db"), schema: undefined },
      { db: PG_URL, schema },
    ];
    const plain = await inProcess(() =>
      simulateCommand(SHORT_FILE, {
        format: "jsonl",
        security: false,
        quiet: true,
        json: true,
        seed: "5",
        out: join(tmp, "plain"),
      }),
    );
    const hash = lastJson<RunSummary>(plain.out).hash;
    try {
      for (const t of targets) {
        const r = await inProcess(() =>
          simulateCommand(SHORT_FILE, {
            format: "jsonl",
            security: false,
            quiet: true,
            json: true,
            seed: "5",
            out: join(tmp, `rec-${t.schema ?? "sqlite"}`),
            db: t.db,
            ...(t.schema === undefined ? {} : { pgSchema: t.schema }),
          }),
        );
        expect(r.code).toBe(0);
        // recording does not change the run
        expect(lastJson<RunSummary>(r.out).hash).toBe(hash);
        const store = await openStore({ db: t.db, schema: t.schema });
        try {
          expect(store.kind).toBe(t.schema === undefined ? "sqlite" : "postgres");
          const rep = await replayRun(store);
          expect(rep.ok).toBe(true);
          expect(rep.hash).toBe(hash);
          expect(rep.setupHash).toBe(rep.expectedSetupHash);
          expect(rep.entries).toBe(await store.head());
          // a store that already holds a log is refused before anything runs
          const again = await inProcess(() =>
            simulateCommand(SHORT_FILE, {
              format: "jsonl",
              security: false,
              quiet: true,
              seed: "5",
              out: join(tmp, "again"),
              db: t.db,
              ...(t.schema === undefined ? {} : { pgSchema: t.schema }),
            }),
          );
          expect(again.code).toBe(2);
          expect(again.err).toContain("already holds a log");
        } finally {
          await store.close();
        }
      }
    } finally {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await c.end();
    }
  }, 120_000);

  it("the binary: a bad scenario exits 2 with file:line:column before anything runs; --db then simulate verify --db", async () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, SHORT.replace("    event: depeg\n", "    event: depeg\n    colour: red\n"));
    const r = await restake(["simulate", bad, "--out", join(tmp, "never")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ timeline\[1\]/);
    expect(r.stderr).toContain("colour");
    expect(() => readFileSync(join(tmp, "never", "summary.json"))).toThrow();

    const db = join(tmp, "bin.db");
    const sim = await restake(["simulate", SHORT_FILE, "--seed", "9", "--out", join(tmp, "bin"), "--db", db, "--json"]);
    expect(sim.code).toBe(0);
    const summary = lastJson<RunSummary>(sim.stdout);
    const verify = await restake(["simulate", "verify", "--db", db, "--json"]);
    expect(verify.code).toBe(0);
    const rep = JSON.parse(verify.stdout) as { ok: boolean; hash: string };
    expect(rep.ok).toBe(true);
    expect(rep.hash).toBe(summary.hash);
  }, 180_000);
});

describe("restake report", () => {
  it("writes valid, self-contained HTML with an <svg> per chart for a simulate run and a Monte Carlo run", async () => {
    const runDir = join(tmp, "report-run");
    await inProcess(() =>
      simulateCommand(EXAMPLE, { format: "csv", security: true, quiet: true, seed: "3", out: runDir }),
    );
    const sim = reportHtml(runDir);
    expect(sim.kind).toBe("simulate");
    expect(htmlProblems(sim.html)).toEqual([]);
    const svgs = sim.html.match(/<svg\b/g)?.length ?? 0;
    const figures = sim.html.match(/<figure>/g)?.length ?? 0;
    // one rate chart per LRT (3), depeg, losses, liquidations, queue, HF distribution
    expect(figures).toBe(3 + 5);
    expect(svgs).toBe(figures);
    expect(sim.html.match(/<title id=/g)?.length).toBe(svgs);
    expect(sim.html).toContain("γ* before");

    const mcDir = join(tmp, "report-mc");
    const mc = await inProcess(() =>
      monteCarloCommand(SHORT_FILE, {
        paths: "6",
        workers: "0",
        seed: "4",
        sweep: "agents.fearfulStakers.threshold=1%,5%",
        out: mcDir,
        quiet: true,
      }),
    );
    expect(mc.code).toBe(0);
    expect(mc.out).toContain("VaR95");
    const json = JSON.parse(read(mcDir, "montecarlo.json")) as { variants: unknown[]; timing?: unknown };
    expect(json.variants.length).toBe(2);
    expect(json.timing).toBeUndefined();
    const mcReport = reportHtml(mcDir);
    expect(mcReport.kind).toBe("montecarlo");
    expect(htmlProblems(mcReport.html)).toEqual([]);
    // the sweep chart, then six histograms per swept value
    expect(mcReport.html.match(/<svg\b/g)?.length).toBe(1 + 2 * 6);
    expect(mcReport.html).toContain("VaR99");
    expect(mcReport.html).toContain("restake simulate scenario.yaml --seed");
  }, 120_000);
});
