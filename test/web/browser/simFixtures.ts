import { type ApiClient, ApiError } from "../../../web/src/api/client.ts";
import type {
  Figures,
  Histogram,
  RunSummary,
  SimAccepted,
  SimMonteCarloAnswer,
  SimRunAnswer,
  SimScenarios,
  StepRow,
} from "../../../web/src/sim/types.ts";
import { fakeApi } from "./fixtures.ts";

/**
 * A scripted simulation lab behind the fake API: every GET of a run advances it by `stepsPerPoll` steps (6 in all)
 * and answers only the rows after `since`; a Monte Carlo batch advances by 25 paths per GET. A posted scenario
 * that names `avs-99` is rejected as the node would (ScenarioReference at line 18, timeline[1].avs).
 */

const E18 = 10n ** 18n;
export const STEPS = 6;

export const scenarios: SimScenarios = {
  scenarios: [
    {
      name: "small-cascade",
      description: "Correlated AVS slashing and an ezETH depeg on the small preset.",
      preset: "small",
      blocks: 60,
      step: 10,
      steps: STEPS,
      seed: 7,
      file: "examples/small-cascade.yaml",
    },
    {
      name: "points-exit",
      description: "A mass exit after a points program ends.",
      preset: "mid",
      blocks: 60,
      step: 10,
      steps: STEPS,
      seed: 3,
      file: "points-exit.yaml",
    },
  ],
  invalid: [],
};

const eth = (x: number) => ((BigInt(Math.round(x * 1000)) * E18) / 1000n).toString();

/** Step k of a run with `seed`: ezETH depegs deeper each step, losses and bad debt grow. */
export function row(k: number, seed: number): StepRow {
  const d = (k + 1) * 0.01 * (1 + (seed % 3));
  return {
    step: k,
    block: 100 + (k + 1) * 10,
    lrts: {
      ezeth: {
        rate: E18.toString(),
        price: eth(1 - d),
        depeg: d,
        queueCount: k * 2,
        queueValue: eth(k * 3),
        bridgeGap: "0",
        supply: eth(1000),
      },
      eeth: { rate: E18.toString(), depeg: 0, queueCount: 0, queueValue: "0", bridgeGap: "0", supply: eth(2000) },
    },
    losses: { stakers: eth(k * 1.5), lrtHolders: eth(k * 2.5 * (1 + (seed % 2))), lenders: eth(k * 0.25) },
    slashed: eth(k * 4),
    stolen: "0",
    liquidations: k % 2,
    liquidatedValue: eth(k),
    badDebt: eth(k * 0.25),
    hf: [0, 0, 1, 2, 0, 0, 3],
    applied: 3,
    reverted: 0,
  };
}

export const hashOf = (seed: number) => `0x${seed.toString(16).padStart(2, "0").repeat(32)}`;

export function summary(scenario: string, seed: number): RunSummary {
  const last = row(STEPS - 1, seed);
  return {
    scenario,
    seed,
    hash: hashOf(seed),
    blocks: 60,
    steps: STEPS,
    slashed: last.slashed,
    stolen: "0",
    losses: last.losses,
    badDebt: last.badDebt,
    liquidations: 3,
    liquidatedValue: eth(9),
    lrts: {
      ezeth: { maxDepeg: last.lrts.ezeth!.depeg, depegBlocks: 50, maxWaitBlocks: 30, maxBridgeGap: "0" },
      eeth: { maxDepeg: 0, depegBlocks: 0, maxWaitBlocks: 0, maxBridgeGap: "0" },
    },
    security: {
      before: { gammaStar: "0.125", secure: true, claim1: true, method: "milp" },
      after: { gammaStar: "0.05", secure: true, claim1: false, method: "milp" },
    },
    applied: 18,
    reverted: 1,
    reverts: { "market.liquidateAndSwap:Unprofitable": 1 },
    injected: "0",
    beaconPenalties: "0",
    notes: ["bridgeMint: the attacker's borrow was rejected"],
  };
}

const hist = (counts: number[], zeros: number, unit: Histogram["unit"] = "ETH"): Histogram => ({
  unit,
  edges: Array.from({ length: counts.length + 1 }, (_, i) => (unit === "ETH" ? i * 10 : i * 0.02)),
  counts,
  zeros,
});

export function figures(paths: number): Figures {
  return {
    paths,
    var95: eth(30),
    var99: eth(42.5),
    lar95: eth(120),
    lar99: eth(150),
    pBadDebt: 0.37,
    mean: {
      badDebt: eth(6),
      liquidatedValue: eth(40),
      slashed: eth(20),
      stakers: eth(5),
      lrtHolders: eth(7),
      lenders: eth(6),
    },
    maxDepeg: { p50: 0.031, p95: 0.08, p99: 0.095, max: 0.1 },
    histograms: {
      badDebt: hist([20, 10, 4, 3], paths - 37),
      liquidatedValue: hist([40, 30, 20, 10], 0),
      maxDepeg: hist([10, 50, 30, 10], 0, "fraction"),
    },
    worst: [
      {
        index: 17,
        seed: 9001,
        badDebt: eth(45),
        liquidatedValue: eth(160),
        totalLoss: eth(80),
        maxDepeg: 0.1,
        digest: `0x${"01".repeat(32)}`,
        stateHash: hashOf(9001 % 256),
      },
      {
        index: 4,
        seed: 4242,
        badDebt: eth(41),
        liquidatedValue: eth(150),
        totalLoss: eth(77),
        maxDepeg: 0.09,
        digest: `0x${"02".repeat(32)}`,
        stateHash: hashOf(4242 % 256),
      },
    ],
    hash: `0x${"ab".repeat(32)}`,
  };
}

interface FakeRun {
  id: string;
  scenario: string;
  seed: number;
  step: number;
}

interface FakeMc {
  id: string;
  scenario: string;
  seed: number;
  paths: number;
  done: number;
}

export interface SimFake extends ApiClient {
  calls: string[];
  posts: { path: string; body: Record<string, unknown> }[];
  runs: Map<string, FakeRun>;
}

export function fakeSimApi(opts: { stepsPerPoll?: number; scenarios?: () => SimScenarios } = {}): SimFake {
  const base = fakeApi();
  const per = opts.stepsPerPoll ?? 2;
  const runs = new Map<string, FakeRun>();
  const batches = new Map<string, FakeMc>();
  const posts: SimFake["posts"] = [];
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${(++n).toString().padStart(12, "0")}`;
  const nameOf = (b: Record<string, unknown>) => {
    if (typeof b.scenario === "string") {
      const s = scenarios.scenarios.find((x) => x.name === b.scenario);
      if (!s) throw new ApiError(404, "ScenarioNotFound", `no shipped scenario is named "${b.scenario}"`);
      return s;
    }
    const yaml = String(b.yaml);
    if (yaml.includes("avs-99")) {
      throw new ApiError(400, "ScenarioReference", 'unknown AVS "avs-99" (the network has avs-0 … avs-3)', {
        file: "posted.yaml",
        line: 18,
        column: 10,
        path: "timeline[1].avs",
      });
    }
    return { name: /name: (\S+)/.exec(yaml)?.[1] ?? "posted", seed: 1 };
  };
  const job = (id: string, status: SimRunAnswer["status"], scenario: string, seed: number) => ({
    id,
    status,
    scenario,
    file: null,
    seed,
    queuePosition: null,
    createdAt: "2026-11-21T00:00:00.000Z",
    startedAt: "2026-11-21T00:00:00.000Z",
    finishedAt: status === "done" ? "2026-11-21T00:00:01.000Z" : null,
    error: null,
  });

  return {
    calls: base.calls,
    posts,
    runs,
    async get<T>(path: string, signal?: AbortSignal): Promise<T> {
      if (path === "/sim/scenarios") {
        base.calls.push(path);
        await new Promise((r) => setTimeout(r, 5));
        return structuredClone(opts.scenarios?.() ?? scenarios) as T;
      }
      let m = /^\/sim\/runs\/([^?]+)\?since=(\d+)$/.exec(path);
      if (m) {
        base.calls.push(path);
        await new Promise((r) => setTimeout(r, 5));
        const r = runs.get(m[1]!);
        if (!r) throw new ApiError(404, "SimRunNotFound", `no simulation run ${m[1]}`);
        r.step = Math.min(STEPS, r.step + per);
        const since = Math.min(Number(m[2]), r.step);
        const status = r.step >= STEPS ? "done" : "running";
        const answer: SimRunAnswer = {
          ...job(r.id, status, r.scenario, r.seed),
          kind: "run",
          progress: { step: r.step, steps: STEPS, block: 100 + r.step * 10 },
          since,
          seriesLength: r.step,
          series: Array.from({ length: r.step - since }, (_, i) => row(since + i, r.seed)),
          summary: status === "done" ? summary(r.scenario, r.seed) : null,
        };
        return answer as T;
      }
      m = /^\/sim\/montecarlo\/(.+)$/.exec(path);
      if (m) {
        base.calls.push(path);
        await new Promise((r) => setTimeout(r, 5));
        const b = batches.get(m[1]!);
        if (!b) throw new ApiError(404, "SimRunNotFound", `no Monte Carlo batch ${m[1]}`);
        b.done = Math.min(b.paths, b.done + 25);
        const status = b.done >= b.paths ? "done" : "running";
        const answer: SimMonteCarloAnswer = {
          ...job(b.id, status, b.scenario, b.seed),
          kind: "montecarlo",
          workers: 2,
          progress: { done: b.done, total: b.paths, elapsedMs: 100, etaMs: status === "done" ? 0 : 4000 },
          result:
            status === "done"
              ? {
                  scenario: b.scenario,
                  baseSeed: b.seed,
                  paths: b.paths,
                  sweep: null,
                  variants: [{ label: "base", figures: figures(b.paths) }],
                  hash: `0x${"cd".repeat(32)}`,
                }
              : null,
        };
        return answer as T;
      }
      return base.get<T>(path, signal);
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      const b = body as Record<string, unknown>;
      posts.push({ path, body: b });
      base.calls.push(`POST ${path}`);
      await new Promise((r) => setTimeout(r, 5));
      const s = nameOf(b);
      const seed = typeof b.seed === "number" ? b.seed : s.seed;
      const id = newId();
      if (path === "/sim/runs") runs.set(id, { id, scenario: s.name, seed, step: 0 });
      else if (path === "/sim/montecarlo") {
        batches.set(id, { id, scenario: s.name, seed, paths: Number(b.paths), done: 0 });
      } else throw new ApiError(404, "NotFound", `no route for POST ${path}`);
      const a: SimAccepted = {
        id,
        kind: path === "/sim/runs" ? "run" : "montecarlo",
        status: "running",
        scenario: s.name,
        seed,
        queuePosition: null,
        location: `/api${path}/${id}`,
      };
      return a as T;
    },
  };
}
