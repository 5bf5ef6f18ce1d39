import { availableParallelism } from "node:os";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isScenarioError } from "../../sim/scenario/errors.ts";
import type { Scenario } from "../../sim/scenario/types.ts";
import { type MonteCarloJob, type RunJob, type SimJob, SimJobs, type Submission } from "../sim/jobs.ts";
import { findScenario, listScenarios, parseForApi, SHIPPED_SCENARIOS_DIR, stepsOf } from "../sim/scenarios.ts";
import { errors, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { ErrorBody } from "./schemas.ts";

/**
 * The simulation lab over HTTP (docs/simulation.md):
 *   GET  /api/sim/scenarios          the shipped scenarios (every .yaml under scenarios/)
 *   POST /api/sim/runs               run one path of a shipped or posted scenario → 202 {id}
 *   GET  /api/sim/runs/{id}          status, progress, the series so far (from `since`), the summary when done
 *   POST /api/sim/montecarlo         run seeded paths → 202 {id}
 *   GET  /api/sim/montecarlo/{id}    progress, then the distributions (VaR/LaR, histograms, worst seeds)
 * A scenario is validated before it is queued (a bad one is a 400 naming its line, column and path). Jobs run on
 * worker threads, never on the node's event loop, a bounded number at a time behind a bounded queue (429
 * SimQueueFull beyond it); finished jobs are kept in memory, the least recently read forgotten first (../sim/jobs.ts).
 */

export interface SimRouteOptions {
  /** the job runner (tests pass their own, with small bounds, and close it) */
  jobs?: SimJobs;
  /** where the shipped scenarios live (default the repository's scenarios/) */
  scenariosDir?: string;
}

/** A run's steps through the API: each step is a row kept in memory until the job is forgotten. */
export const MAX_API_STEPS = 20_000;
/** Monte Carlo through the API: paths and worker threads per request (the CLI has no such bound). */
export const MAX_API_PATHS = 2_000;
export const MAX_API_WORKERS = 4;
/** A posted scenario's YAML text, characters. */
export const MAX_YAML_CHARS = 256 * 1024;

const Seed = z
  .number()
  .int()
  .min(0)
  .max(0xffff_ffff)
  .openapi({ description: "the path's seed (default: the scenario's)", example: 7 });

const Source = {
  scenario: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: "a shipped scenario's name (GET /api/sim/scenarios)", example: "small-cascade" }),
  yaml: z
    .string()
    .min(1)
    .max(MAX_YAML_CHARS)
    .optional()
    .openapi({ description: "a scenario file's text (docs/scenarios.md)" }),
};
const oneSource = (b: { scenario?: string; yaml?: string }) => (b.scenario === undefined) !== (b.yaml === undefined);
const ONE_SOURCE = { message: 'give exactly one of "scenario" (a shipped name) or "yaml" (a scenario file\'s text)' };

const RunRequest = z
  .object({ ...Source, seed: Seed.optional() })
  .strict()
  .refine(oneSource, ONE_SOURCE)
  .openapi("SimRunRequest");

const MonteCarloRequest = z
  .object({
    ...Source,
    paths: z
      .number()
      .int()
      .min(1)
      .max(MAX_API_PATHS)
      .openapi({ description: `at most ${MAX_API_PATHS}` }),
    workers: z
      .number()
      .int()
      .min(1)
      .max(MAX_API_WORKERS)
      .optional()
      .openapi({
        description: `worker threads for the paths (default 2 or fewer on a small machine; at most ${MAX_API_WORKERS})`,
      }),
    seed: Seed.optional().openapi({
      description: "the base seed each path's seed is drawn from (default the scenario's)",
    }),
  })
  .strict()
  .refine(oneSource, ONE_SOURCE)
  .openapi("SimMonteCarloRequest");

const IdPath = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, "expected a job id")
    .openapi({ param: { name: "id", in: "path" } }),
});

const RunQuery = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,9}$/, "expected a step index")
    .optional()
    .openapi({
      param: { name: "since", in: "query" },
      description: "return the series from this row on (the rows a poller already has are skipped); default 0",
    }),
});

const ShippedOut = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    preset: z.string().openapi({ description: 'the network preset, or "explicit"' }),
    blocks: z.number().int(),
    step: z.number().int(),
    steps: z.number().int(),
    seed: z.number().int(),
    file: z.string().openapi({ description: "path under scenarios/" }),
  })
  .openapi("SimScenario");

const Accepted = z
  .object({
    id: z.string(),
    kind: z.enum(["run", "montecarlo"]),
    status: z.enum(["queued", "running"]),
    scenario: z.string(),
    seed: z.number().int(),
    queuePosition: z.number().int().nullable(),
    location: z.string().openapi({ description: "where to poll" }),
  })
  .openapi("SimAccepted");

const JobFields = {
  id: z.string(),
  status: z.enum(["queued", "running", "done", "failed"]),
  scenario: z.string(),
  file: z.string().nullable().openapi({ description: "the shipped file, or null for a posted scenario" }),
  seed: z.number().int(),
  queuePosition: z.number().int().nullable().openapi({ description: "0 = next to start; null unless queued" }),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
};

const Row = z.record(z.string(), z.unknown()).openapi("SimStepMetrics", {
  description:
    "One step's metrics (src/sim/run/types.ts StepMetrics): per LRT rate, price, depeg, queue and bridge gap; " +
    "cumulative losses by layer; slashed and stolen; liquidations, liquidated value, bad debt; the HF histogram. " +
    "Amounts are wei as decimal strings.",
});

const RunOut = z
  .object({
    ...JobFields,
    kind: z.literal("run"),
    progress: z.object({ step: z.number().int(), steps: z.number().int(), block: z.number().int().nullable() }),
    since: z.number().int().openapi({ description: "index of the first row in `series`" }),
    seriesLength: z.number().int().openapi({ description: "rows recorded so far" }),
    series: z.array(Row),
    summary: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "RunSummary when done: hash, slashed, stolen, losses, bad debt, γ* before/after, …" }),
  })
  .openapi("SimRun");

const MonteCarloOut = z
  .object({
    ...JobFields,
    kind: z.literal("montecarlo"),
    workers: z.number().int(),
    progress: z.object({
      done: z.number().int(),
      total: z.number().int(),
      elapsedMs: z.number(),
      etaMs: z.number().nullable().openapi({ description: "estimated ms left; null until a path has finished" }),
    }),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({
        description:
          "When done: VaR and LaR at 95 % and 99 %, the probability of bad debt, histograms of bad debt, liquidated " +
          "value and max depeg, and the worst paths with their seeds (each reproducible with POST /api/sim/runs).",
      }),
  })
  .openapi("SimMonteCarlo");

const err = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

function valid<T>(c: Context, target: "json" | "param" | "query"): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function jobFields(job: SimJob, jobs: SimJobs) {
  return {
    id: job.id,
    status: job.status,
    scenario: job.scenario,
    file: job.file,
    seed: job.seed,
    queuePosition: jobs.queuePosition(job.id),
    createdAt: iso(job.createdAt)!,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    error: job.error,
  };
}

export function registerSimRoutes(app: OpenAPIHono, opts: SimRouteOptions = {}): SimJobs {
  const jobs = opts.jobs ?? new SimJobs();
  const dir = opts.scenariosDir ?? SHIPPED_SCENARIOS_DIR;
  const defaultWorkers = Math.max(1, Math.min(2, availableParallelism()));

  /** The scenario a request names or carries, parsed; or the 4xx response saying why not. */
  const resolve = (
    c: Context,
    body: { scenario?: string; yaml?: string },
  ): Response | { s: Scenario; text: string; file: string; shipped: boolean } => {
    let text: string;
    let file: string;
    let shipped = false;
    if (body.scenario !== undefined) {
      const f = findScenario(body.scenario, dir);
      if (f === undefined) {
        return sendError(c, 404, "ScenarioNotFound", `no shipped scenario is named ${JSON.stringify(body.scenario)}`, {
          scenario: body.scenario,
        });
      }
      ({ text, file } = f);
      shipped = true;
    } else {
      text = body.yaml!;
      file = "posted.yaml";
    }
    try {
      return { s: parseForApi(text, file), text, file, shipped };
    } catch (e) {
      if (isScenarioError(e)) {
        return sendError(c, 400, e.code, e.message, { file: e.file, line: e.line, column: e.column, path: e.path });
      }
      throw e;
    }
  };

  const accepted = (c: Context, job: SimJob, where: string) =>
    sendJson(
      c,
      {
        id: job.id,
        kind: job.kind,
        status: job.status,
        scenario: job.scenario,
        seed: job.seed,
        queuePosition: jobs.queuePosition(job.id),
        location: `${where}/${job.id}`,
      },
      202,
    );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/sim/scenarios",
      tags: ["simulation"],
      summary: "The shipped scenarios: every .yaml under scenarios/ with its name, description, preset and length",
      description: "Files that do not parse are listed under `invalid` with their error, not silently left out.",
      responses: {
        200: json(
          z.object({
            scenarios: z.array(ShippedOut),
            invalid: z.array(z.object({ file: z.string(), code: z.string(), message: z.string() })),
          }),
          "The scenarios",
        ),
        ...errors(),
      },
    }),
    ((c: Context) => sendJson(c, listScenarios(dir))) as never,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/sim/runs",
      tags: ["simulation"],
      summary: "Run one path of a scenario (shipped by name, or posted as YAML) on a worker thread",
      description:
        "The scenario is validated first; the run is queued and answered 202 with its id. Poll GET " +
        `/api/sim/runs/{id}. A run may have at most ${MAX_API_STEPS} steps through the API. The same scenario and ` +
        "seed give the same summary hash as `restake simulate --seed`.",
      request: { body: { required: true, content: { "application/json": { schema: RunRequest } } } },
      responses: {
        202: json(Accepted, "Queued (or already running)"),
        400: err(
          "Malformed request (InvalidRequest), a bad scenario — its code (ScenarioSyntax, ScenarioSchema, " +
            "ScenarioReference, ScenarioNetwork), message and context {file, line, column, path} — or " +
            "ScenarioTooLarge (too many steps, or a network beyond the API's bounds: twice mainnet-2026's counts)",
        ),
        404: err("No shipped scenario has that name (ScenarioNotFound)"),
        429: err("Too many requests (RateLimited), or the simulation queue is full (SimQueueFull)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      const body = valid<{ scenario?: string; yaml?: string; seed?: number }>(c, "json");
      const r = resolve(c, body);
      if (r instanceof Response) return r;
      const steps = stepsOf(r.s);
      if (steps > MAX_API_STEPS) {
        return sendError(
          c,
          400,
          "ScenarioTooLarge",
          `${steps} steps; the API runs at most ${MAX_API_STEPS} (use restake simulate)`,
          {
            steps,
            max: MAX_API_STEPS,
          },
        );
      }
      const seed = body.seed ?? r.s.seed;
      const sub: Submission = {
        task: { kind: "run", text: r.text, file: r.file, seed },
        scenario: r.s.name,
        file: r.shipped ? r.file : null,
        seed,
        total: steps,
      };
      return accepted(c, jobs.submit(sub), "/api/sim/runs");
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/sim/runs/{id}",
      tags: ["simulation"],
      summary: "A run: status (queued, running, done, failed), progress, the series so far, the summary when done",
      description:
        "Pass `since` (the rows already read) to receive only the new rows. Finished runs and batches are kept in " +
        `memory, at most ${jobs.keepFinished} of them: the least recently read is forgotten first, after which ` +
        "its id is 404 (SimRunNotFound).",
      request: { params: IdPath, query: RunQuery },
      responses: {
        200: json(RunOut, "The run"),
        400: err("Malformed id or query"),
        404: err("No such run, or it has been forgotten (SimRunNotFound)"),
        ...errors(),
      },
    }),
    ((c: Context) => {
      const { id } = valid<{ id: string }>(c, "param");
      const job = jobs.get(id);
      if (job === undefined || job.kind !== "run") {
        return sendError(c, 404, "SimRunNotFound", `no simulation run ${id} (finished runs are kept for a while)`, {
          id,
        });
      }
      const since = Math.min(Number(valid<{ since?: string }>(c, "query").since ?? 0), job.series.length);
      const run = job as RunJob;
      return sendJson(c, {
        ...jobFields(run, jobs),
        kind: "run",
        progress: run.progress,
        since,
        seriesLength: run.series.length,
        series: run.series.slice(since),
        summary: run.summary,
      });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/sim/montecarlo",
      tags: ["simulation"],
      summary: "Run seeded Monte Carlo paths of a scenario on worker threads",
      description:
        `At most ${MAX_API_PATHS} paths and ${MAX_API_WORKERS} workers through the API (the CLI has no such bound). ` +
        "Paths share one network and differ in their seeds; poll GET /api/sim/montecarlo/{id}.",
      request: { body: { required: true, content: { "application/json": { schema: MonteCarloRequest } } } },
      responses: {
        202: json(Accepted, "Queued (or already running)"),
        400: err(
          "Malformed request, a bad scenario (its code, message and context {file, line, column, path}), or a " +
            "network beyond the API's bounds (ScenarioTooLarge)",
        ),
        404: err("No shipped scenario has that name (ScenarioNotFound)"),
        429: err("Too many requests (RateLimited), or the simulation queue is full (SimQueueFull)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      const body = valid<{ scenario?: string; yaml?: string; paths: number; workers?: number; seed?: number }>(
        c,
        "json",
      );
      const r = resolve(c, body);
      if (r instanceof Response) return r;
      const seed = body.seed ?? r.s.seed;
      const workers = body.workers ?? defaultWorkers;
      const sub: Submission = {
        task: { kind: "montecarlo", text: r.text, file: r.file, paths: body.paths, workers, seed },
        scenario: r.s.name,
        file: r.shipped ? r.file : null,
        seed,
        total: body.paths,
      };
      return accepted(c, jobs.submit(sub), "/api/sim/montecarlo");
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/sim/montecarlo/{id}",
      tags: ["simulation"],
      summary: "A Monte Carlo batch: progress (paths done, ETA), then its distributions",
      description: `Kept like runs: at most ${jobs.keepFinished} finished jobs, the least recently read forgotten first.`,
      request: { params: IdPath },
      responses: {
        200: json(MonteCarloOut, "The batch"),
        400: err("Malformed id"),
        404: err("No such batch, or it has been forgotten (SimRunNotFound)"),
        ...errors(),
      },
    }),
    ((c: Context) => {
      const { id } = valid<{ id: string }>(c, "param");
      const job = jobs.get(id);
      if (job === undefined || job.kind !== "montecarlo") {
        return sendError(c, 404, "SimRunNotFound", `no Monte Carlo batch ${id} (finished ones are kept for a while)`, {
          id,
        });
      }
      const mc = job as MonteCarloJob;
      return sendJson(c, {
        ...jobFields(mc, jobs),
        kind: "montecarlo",
        workers: mc.workers,
        progress: mc.progress,
        result: mc.result,
      });
    }) as never,
  );

  return jobs;
}
