import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import { SimJobs } from "../../src/node/sim/jobs.ts";
import { parseScenarioText } from "../../src/node/sim/scenarios.ts";
import { simulate } from "../../src/sim/run/simulate.ts";
import { type Body, openTestNode, type TestNode } from "./api-helpers.ts";

/**
 * The simulation lab's API in-process: shipped scenarios, a run polled to the end on a real worker thread (its hash
 * and series equal `simulate` run here with the same seed), scenario errors with line and path, unknown ids and
 * names, and the job queue's bounds (a stand-in worker, so no simulation is needed to fill the queue).
 */

/** A tiny scenario: the small preset, 60 blocks in 6 steps, a depeg and a slash (no security analysis: fast). */
const TINY = `name: tiny-api
description: A depeg and a slash on the small preset, for the API tests.
seed: 5
network:
  preset: small
run:
  blocks: 60
  step: 10
  security: false
  checkConservation: false
timeline:
  - at: 10
    event: depeg
    lrt: ezeth
    toPrice: 0.95
  - at: 30
    event: avsSlash
    avs: avs-0
    operators: { random: 1 }
    fraction: "20%"
agents:
  liquidators:
    minProfit: "0"
`;

/** The same file with an AVS the network lacks, on line 18 (`avs: avs-99`). */
const BAD_REF = TINY.replace("avs: avs-0", "avs: avs-99");

let dir: string;
let node: TestNode;
let jobs: SimJobs;

const poll = async (path: string, until: (b: Body) => boolean, ms = 90_000): Promise<Body> => {
  const end = Date.now() + ms;
  for (;;) {
    const r = await node.client.get<Body>(path);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    if (until(r.body)) return r.body;
    if (Date.now() > end) throw new Error(`timed out polling ${path}: ${JSON.stringify(r.body).slice(0, 400)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "restake-sim-api-"));
  mkdirSync(join(dir, "stress"));
  writeFileSync(join(dir, "stress", "tiny.yaml"), TINY);
  writeFileSync(join(dir, "broken.yaml"), "name: [unclosed\n");
  jobs = new SimJobs({ maxActive: 2, maxQueued: 4 });
  node = await openTestNode({ sim: { jobs, scenariosDir: dir } });
});

afterAll(async () => {
  await jobs?.close();
  await node?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/sim/scenarios", () => {
  it("lists every .yaml under the folder with its name, description, preset and length; broken files apart", async () => {
    const r = await node.client.get<Body>("/api/sim/scenarios");
    expect(r.status).toBe(200);
    expect(r.body.scenarios).toEqual([
      {
        name: "tiny-api",
        description: "A depeg and a slash on the small preset, for the API tests.",
        preset: "small",
        blocks: 60,
        step: 10,
        steps: 6,
        seed: 5,
        file: "stress/tiny.yaml",
      },
    ]);
    expect(r.body.invalid).toHaveLength(1);
    expect(r.body.invalid[0]).toMatchObject({ file: "broken.yaml", code: "ScenarioSyntax" });
  });

  it("the repository's shipped scenarios include the small example", async () => {
    const other = await openTestNode({ sim: { jobs: new SimJobs({ maxActive: 1, maxQueued: 0 }) } });
    try {
      const r = await other.client.get<Body>("/api/sim/scenarios");
      expect(r.status).toBe(200);
      const names = r.body.scenarios.map((s: { name: string }) => s.name);
      expect(names).toContain("small-cascade");
      expect(r.body.invalid).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("a run through the API", () => {
  it("runs on a worker thread, serves the series as it grows, and ends with simulate's hash for that seed", async () => {
    const seed = 11;
    const start = await node.client.post("/api/sim/runs", { scenario: "tiny-api", seed });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    expect(start.body).toMatchObject({
      kind: "run",
      scenario: "tiny-api",
      seed,
      location: `/api/sim/runs/${start.body.id}`,
    });
    const id: string = start.body.id;

    const done = await poll(`/api/sim/runs/${id}`, (b) => b.status === "done" || b.status === "failed");
    expect(done.error).toBeNull();
    expect(done.status).toBe("done");
    expect(done.file).toBe("stress/tiny.yaml");
    expect(done.progress).toMatchObject({ step: 6, steps: 6 });
    expect(done.seriesLength).toBe(6);

    // the same scenario and seed, run here on this thread
    const direct = await simulate(parseScenarioText(TINY, "tiny.yaml"), { seed });
    expect(done.summary.hash).toBe(direct.summary.hash);
    const { timing: _a, ...apiSummary } = done.summary;
    const { timing: _b, ...directSummary } = direct.summary;
    expect(apiSummary).toEqual(JSON.parse(toPlainJson(directSummary)));
    // the series as JSON with decimal strings, row for row
    expect(done.series).toEqual(JSON.parse(toPlainJson(direct.series)));
    expect(typeof done.series[0].losses.stakers).toBe("string");

    // `since` skips the rows a poller has
    const tail = await node.client.get<Body>(`/api/sim/runs/${id}?since=4`);
    expect(tail.body.since).toBe(4);
    expect(tail.body.series).toEqual(done.series.slice(4));

    // another seed, another outcome
    const other = await node.client.post("/api/sim/runs", { yaml: TINY, seed: seed + 1 });
    expect(other.status).toBe(202);
    const od = await poll(`/api/sim/runs/${other.body.id}`, (b) => b.status === "done" || b.status === "failed");
    expect(od.status).toBe("done");
    expect(od.file).toBeNull();
    expect(od.summary.hash).toBe((await simulate(parseScenarioText(TINY, "x"), { seed: seed + 1 })).summary.hash);
  }, 120_000);

  it("a bad scenario is a 400 with its code, line, column and path, before anything is queued", async () => {
    const before = jobs.counts.kept;
    const ref = await node.client.post("/api/sim/runs", { yaml: BAD_REF });
    expect(ref.status).toBe(400);
    expect(ref.body.code).toBe("ScenarioReference");
    expect(ref.body.message).toContain("avs-99");
    expect(ref.body.context).toMatchObject({ line: 18, path: "timeline[1].avs" });
    expect(ref.body.context.column).toBeGreaterThan(0);

    const syntax = await node.client.post("/api/sim/runs", { yaml: "name: x\nrun: [1, 2\n" });
    expect(syntax.status).toBe(400);
    expect(syntax.body.code).toBe("ScenarioSyntax");
    expect(syntax.body.context.line).toBeGreaterThanOrEqual(2);

    const schema = await node.client.post("/api/sim/montecarlo", {
      yaml: TINY.replace("step: 10", "step: 10\n  speed: 2"),
      paths: 5,
    });
    expect(schema.status).toBe(400);
    expect(schema.body.code).toBe("ScenarioSchema");
    expect(schema.body.context).toMatchObject({ line: 9, path: "run.speed" });
    expect(jobs.counts.kept).toBe(before);
  });

  it("a network beyond the API's bounds is refused before its names are listed", async () => {
    const huge = TINY.replace("preset: small", "preset: small\n  params:\n    operators: 1000000000");
    const r = await node.client.post("/api/sim/runs", { yaml: huge });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("ScenarioTooLarge");
    expect(r.body.context).toMatchObject({ path: "network.params.operators", value: 1e9, max: 4000 });
    const long = TINY.replace("blocks: 60", "blocks: 300000").replace("step: 10", "step: 1");
    const l = await node.client.post("/api/sim/runs", { yaml: long });
    expect(l.status).toBe(400);
    expect(l.body).toMatchObject({ code: "ScenarioTooLarge", context: { steps: 300000, max: 20000 } });
  });

  it("requests name exactly one source, and bounded numbers", async () => {
    for (const bad of [
      {},
      { scenario: "tiny-api", yaml: TINY },
      { scenario: "tiny-api", seed: -1 },
      { scenario: "tiny-api", seed: 2 ** 32 },
      { scenario: "tiny-api", extra: 1 },
    ]) {
      const r = await node.client.post("/api/sim/runs", bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.code).toBe("InvalidRequest");
    }
    for (const paths of [0, 2001, 1.5]) {
      const r = await node.client.post("/api/sim/montecarlo", { scenario: "tiny-api", paths });
      expect(r.status, String(paths)).toBe(400);
    }
    const w = await node.client.post("/api/sim/montecarlo", { scenario: "tiny-api", paths: 2, workers: 9 });
    expect(w.status).toBe(400);
  });

  it("unknown scenarios and ids are 404 with a code", async () => {
    const s = await node.client.post("/api/sim/runs", { scenario: "no-such-scenario" });
    expect(s.status).toBe(404);
    expect(s.body.code).toBe("ScenarioNotFound");
    const m = await node.client.post("/api/sim/montecarlo", { scenario: "no-such-scenario", paths: 3 });
    expect(m.status).toBe(404);
    expect(m.body.code).toBe("ScenarioNotFound");
    const id = "00000000-0000-4000-8000-000000000000";
    for (const path of [`/api/sim/runs/${id}`, `/api/sim/montecarlo/${id}`]) {
      const r = await node.client.get<Body>(path);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("SimRunNotFound");
    }
    expect((await node.client.get<Body>("/api/sim/runs/not-an-id")).status).toBe(400);
  });

  it("a run's id is not a Monte Carlo batch's", async () => {
    const start = await node.client.post("/api/sim/runs", { scenario: "tiny-api" });
    expect(start.status).toBe(202);
    const r = await node.client.get<Body>(`/api/sim/montecarlo/${start.body.id}`);
    expect(r.status).toBe(404);
  });
});

describe("the job queue", () => {
  const fake = new URL("./fixtures/fake-sim-worker.mjs", import.meta.url);

  it("runs a bounded number at once, queues a bounded number more, and refuses the rest with 429 SimQueueFull", async () => {
    const q = new SimJobs({ maxActive: 1, maxQueued: 1, workerUrl: fake });
    const n = await openTestNode({ sim: { jobs: q, scenariosDir: dir } });
    try {
      const hang = TINY.replace("A depeg", "A hanging depeg");
      const a = await n.client.post("/api/sim/runs", { yaml: hang });
      const b = await n.client.post("/api/sim/runs", { yaml: hang });
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body.status).toBe("running");
      expect(b.body).toMatchObject({ status: "queued", queuePosition: 0 });
      const c = await n.client.post("/api/sim/montecarlo", { yaml: hang, paths: 10 });
      expect(c.status).toBe(429);
      expect(c.body.code).toBe("SimQueueFull");
      expect(c.body.context).toMatchObject({ running: 1, queued: 1, maxQueued: 1 });
      const polled = await n.client.get<Body>(`/api/sim/runs/${b.body.id}`);
      expect(polled.body).toMatchObject({ status: "queued", queuePosition: 0, series: [] });
    } finally {
      await q.close();
      await n.close();
    }
  });

  it("keeps a bounded number of finished jobs, forgetting the least recently read first", async () => {
    const q = new SimJobs({ maxActive: 1, maxQueued: 8, keepFinished: 2, workerUrl: fake });
    try {
      const sub = (seed: number) =>
        q.submit({ task: { kind: "run", text: "", file: "f", seed }, scenario: "fake", file: null, seed, total: 1 });
      const settle = async (id: string) => {
        while (!["done", "failed"].includes(q.get(id)?.status ?? "")) await new Promise((r) => setTimeout(r, 10));
      };
      const a = sub(1);
      await settle(a.id);
      const b = sub(2);
      await settle(b.id);
      expect(q.get(a.id)?.status).toBe("done"); // reading a makes b the least recently used
      const c = sub(3);
      await settle(c.id);
      expect(q.get(b.id)).toBeUndefined();
      expect(q.get(a.id)).toMatchObject({ kind: "run", status: "done", summary: { hash: "0x1" } });
      expect(q.get(c.id)).toMatchObject({ status: "done", summary: { hash: "0x3" } });
      expect(q.counts).toEqual({ running: 0, queued: 0, kept: 2 });
    } finally {
      await q.close();
    }
  });
});

describe("Monte Carlo through the API", () => {
  it("runs seeded paths on worker threads and reports VaR, LaR, histograms and the worst seeds", async () => {
    const start = await node.client.post("/api/sim/montecarlo", {
      scenario: "tiny-api",
      paths: 3,
      workers: 1,
      seed: 3,
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    expect(start.body.kind).toBe("montecarlo");
    const done = await poll(
      `/api/sim/montecarlo/${start.body.id}`,
      (b) => b.status === "done" || b.status === "failed",
    );
    expect(done.error).toBeNull();
    expect(done.progress).toMatchObject({ done: 3, total: 3 });
    const f = done.result.variants[0].figures;
    expect(f.paths).toBe(3);
    for (const k of ["var95", "var99", "lar95", "lar99"]) expect(f[k]).toMatch(/^\d+$/);
    for (const h of [f.histograms.badDebt, f.histograms.liquidatedValue, f.histograms.maxDepeg]) {
      // every path is in a bin or among the zeros
      expect(h.zeros + h.counts.reduce((a: number, b: number) => a + b, 0)).toBe(3);
      expect(h.edges.length).toBe(h.counts.length === 0 ? 0 : h.counts.length + 1);
    }
    expect(f.worst.length).toBeGreaterThan(0);

    // a worst path reruns as a single run with the same hash
    const w = f.worst[0];
    const rerun = await node.client.post("/api/sim/runs", { scenario: "tiny-api", seed: w.seed });
    const r = await poll(`/api/sim/runs/${rerun.body.id}`, (b) => b.status === "done" || b.status === "failed");
    expect(w.stateHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(r.summary.hash).toBe(w.stateHash);
    expect(r.summary.badDebt).toBe(w.badDebt);
  }, 120_000);
});
