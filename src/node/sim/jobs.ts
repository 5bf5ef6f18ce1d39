import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { MonteCarloProgress, MonteCarloResult } from "../../sim/montecarlo.ts";
import type { RunSummary, StepMetrics } from "../../sim/run/types.ts";
import { NodeError } from "../errors.ts";
import type { SimTask, WorkerMessage } from "./protocol.ts";

/**
 * The node's simulation jobs: single runs and Monte Carlo batches, each on its own worker thread so the node's event
 * loop keeps serving while they compute. At most `maxActive` run at once; the next `maxQueued` wait in order, and a
 * submission beyond that is refused (429 SimQueueFull) rather than left to pile up.
 *
 * Finished jobs stay in memory for polling and comparison, up to `keepFinished` of them: the least recently read
 * is forgotten first (an LRU over finished jobs only; a queued or running job is never dropped). A run's series is
 * one row per step, so the API bounds a run's steps (MAX_API_STEPS) to keep each job's memory bounded too.
 */

export type JobStatus = "queued" | "running" | "done" | "failed";

interface JobBase {
  id: string;
  status: JobStatus;
  /** the scenario's name, and the shipped file it came from (null when posted as YAML) */
  scenario: string;
  file: string | null;
  seed: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: { code: string; message: string } | null;
}

export interface RunJob extends JobBase {
  kind: "run";
  progress: { step: number; steps: number; block: number | null };
  series: StepMetrics[];
  summary: RunSummary | null;
}

export interface MonteCarloJob extends JobBase {
  kind: "montecarlo";
  progress: MonteCarloProgress;
  workers: number;
  result: MonteCarloResult | null;
}

export type SimJob = RunJob | MonteCarloJob;

export interface SimJobsOptions {
  /** jobs computing at once (default: 2 when the machine has 3 cores or more, else 1) */
  maxActive?: number;
  /** jobs waiting beyond those (default 8) */
  maxQueued?: number;
  /** finished jobs kept for reading (default 32) */
  keepFinished?: number;
  /** the worker's entry (tests may point elsewhere) */
  workerUrl?: URL;
}

export interface Submission {
  task: SimTask;
  scenario: string;
  file: string | null;
  /** the seed the run will use (the task's, or the scenario's default) */
  seed: number;
  /** steps (run) or paths (Monte Carlo), for the progress shown while queued */
  total: number;
}

const WORKER_URL = new URL("./worker.mjs", import.meta.url);

export class SimJobs {
  readonly maxActive: number;
  readonly maxQueued: number;
  readonly keepFinished: number;
  private readonly workerUrl: URL;
  /** every job by id; finished ones in least-recently-read order (Map keeps insertion order) */
  private readonly jobs = new Map<string, SimJob>();
  private readonly tasks = new Map<string, SimTask>();
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Worker>();
  private closed = false;

  constructor(opts: SimJobsOptions = {}) {
    this.maxActive = Math.max(1, opts.maxActive ?? (availableParallelism() >= 3 ? 2 : 1));
    this.maxQueued = Math.max(0, opts.maxQueued ?? 8);
    this.keepFinished = Math.max(1, opts.keepFinished ?? 32);
    this.workerUrl = opts.workerUrl ?? WORKER_URL;
  }

  /** Queues a job and starts it when a slot is free; throws NodeError 429 SimQueueFull when the queue is full. */
  submit(sub: Submission): SimJob {
    if (this.closed) throw new NodeError("SimUnavailable", 503, "the node is shutting down");
    if (this.running.size >= this.maxActive && this.queue.length >= this.maxQueued) {
      throw new NodeError(
        "SimQueueFull",
        429,
        `${this.running.size} simulations running and ${this.queue.length} queued; try again later`,
        {
          running: this.running.size,
          queued: this.queue.length,
          maxQueued: this.maxQueued,
        },
      );
    }
    const base: JobBase = {
      id: randomUUID(),
      status: "queued",
      scenario: sub.scenario,
      file: sub.file,
      seed: sub.seed,
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      error: null,
    };
    const job: SimJob =
      sub.task.kind === "run"
        ? { ...base, kind: "run", progress: { step: 0, steps: sub.total, block: null }, series: [], summary: null }
        : {
            ...base,
            kind: "montecarlo",
            progress: { done: 0, total: sub.total, elapsedMs: 0, etaMs: null },
            workers: sub.task.workers,
            result: null,
          };
    this.jobs.set(job.id, job);
    this.tasks.set(job.id, sub.task);
    this.queue.push(job.id);
    this.pump();
    return job;
  }

  /** A job by id (reading a finished job makes it the most recently used). */
  get(id: string): SimJob | undefined {
    const job = this.jobs.get(id);
    if (job !== undefined && (job.status === "done" || job.status === "failed")) {
      this.jobs.delete(id);
      this.jobs.set(id, job);
    }
    return job;
  }

  /** Position in the queue (0 = next), or null when not queued. */
  queuePosition(id: string): number | null {
    const i = this.queue.indexOf(id);
    return i < 0 ? null : i;
  }

  get counts(): { running: number; queued: number; kept: number } {
    return { running: this.running.size, queued: this.queue.length, kept: this.jobs.size };
  }

  /** Stops every worker and refuses new jobs (the node is shutting down; tests clean up). */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.queue.splice(0)) this.finish(id, { code: "SimCancelled", message: "the node shut down" });
    await Promise.all([...this.running.values()].map((w) => w.terminate()));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.maxActive && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.start(id);
    }
  }

  private start(id: string): void {
    const job = this.jobs.get(id)!;
    const task = this.tasks.get(id)!;
    job.status = "running";
    job.startedAt = Date.now();
    const worker = new Worker(this.workerUrl, { workerData: task });
    // a worker never keeps the process alive: shutting the node down ends its simulations
    worker.unref();
    this.running.set(id, worker);
    let ended = false;
    const end = (error: { code: string; message: string } | null) => {
      if (ended) return;
      ended = true;
      this.running.delete(id);
      this.tasks.delete(id);
      this.finish(id, error);
      this.pump();
    };
    worker.on("message", (m: WorkerMessage) => {
      switch (m.type) {
        case "step":
          if (job.kind === "run") {
            job.series.push(m.metrics);
            job.progress = { step: m.progress.step, steps: m.progress.steps, block: m.progress.block };
          }
          break;
        case "runDone":
          if (job.kind === "run") job.summary = m.summary;
          end(null);
          break;
        case "mcProgress":
          if (job.kind === "montecarlo") job.progress = m.progress;
          break;
        case "mcDone":
          if (job.kind === "montecarlo") job.result = m.result;
          end(null);
          break;
        case "failed":
          end({ code: m.code, message: m.message });
          break;
      }
    });
    worker.on("error", (e) => end({ code: "SimWorkerFailed", message: e.message }));
    worker.on("exit", (code) =>
      end(
        this.closed
          ? { code: "SimCancelled", message: "the node shut down" }
          : { code: "SimWorkerFailed", message: `the simulation worker exited (${code}) before finishing` },
      ),
    );
  }

  private finish(id: string, error: { code: string; message: string } | null): void {
    const job = this.jobs.get(id);
    if (job === undefined) return;
    job.status = error === null ? "done" : "failed";
    job.error = error;
    job.finishedAt = Date.now();
    // most recently finished goes last; forget the least recently used finished jobs beyond the bound
    this.jobs.delete(id);
    this.jobs.set(id, job);
    let finished = 0;
    for (const j of this.jobs.values()) if (j.status === "done" || j.status === "failed") finished++;
    for (const [k, j] of this.jobs) {
      if (finished <= this.keepFinished) break;
      if (j.status === "done" || j.status === "failed") {
        this.jobs.delete(k);
        finished--;
      }
    }
  }
}
