import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import { Command } from "commander";
import pg from "pg";
import { runSoak, type SoakReport } from "./lib.ts";

/**
 * `npm run soak`: the full crash-recovery soak (see soak/lib.ts). By default 20 SIGKILLs against a node on a fresh
 * SQLite file; `--postgres` repeats it on a fresh PostgreSQL schema. Exits 1 if anything acknowledged was lost, a
 * transaction was applied twice, the clean shutdown failed or `restake verify` failed.
 */

const DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test";

const program = new Command()
  .name("soak")
  .description("crash-recovery soak: SIGKILL a live node under signed-transaction load, restart it, check the log")
  .option("--kills <n>", "number of SIGKILLs", "20")
  .option("--seed <n>", "seed for kill timing and load", "20260101")
  .option("--senders <n>", "concurrent signing accounts besides the admin", "6")
  .option("--up-ms <min,max>", "node uptime before each kill, in ms", "400,2500")
  .option("--no-demo", "start from an empty log instead of the demo network")
  .option("--no-sqlite", "skip the SQLite run")
  .option("--postgres [url]", `also run against PostgreSQL on a fresh schema (default URL ${DEFAULT_PG})`)
  .option("--keep", "keep the SQLite file / PostgreSQL schema afterwards")
  .option("--json", "print the reports as JSON");

program.parse(process.argv);
const flags = program.opts<{
  kills: string;
  seed: string;
  senders: string;
  upMs: string;
  demo: boolean;
  sqlite: boolean;
  postgres?: string | boolean;
  keep?: boolean;
  json?: boolean;
}>();

const [upMin, upMax] = flags.upMs.split(",").map(Number) as [number, number];
const kills = Number(flags.kills);

function failures(r: SoakReport): string[] {
  const out: string[] = [];
  if (r.lost > 0) out.push(`${r.lost} acknowledged transactions lost`);
  if (r.nonceRegressions > 0) out.push(`${r.nonceRegressions} nonce regressions after restarts`);
  if (r.duplicates > 0) out.push(`${r.duplicates} transactions applied twice`);
  if (r.gaps > 0) out.push(`${r.gaps} gaps in seq or nonces`);
  if (!r.cleanShutdown) out.push("the clean shutdown (SIGTERM) failed");
  if (!r.verify.ok) out.push(`restake verify failed: ${JSON.stringify(r.verify.report)}`);
  if (r.kills !== kills) out.push(`only ${r.kills} of ${kills} kills happened`);
  return out;
}

async function runOne(label: string, db: string, pgSchema?: string): Promise<SoakReport> {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        {
          format: `${label.padEnd(10)} [{bar}] {value}/{total} kills | {acked} acknowledged | {duration_formatted}`,
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : null;
  bar?.start(kills, 0, { acked: 0 });
  try {
    return await runSoak({
      kills,
      seed: Number(flags.seed),
      db,
      ...(pgSchema !== undefined ? { pgSchema } : {}),
      senders: Number(flags.senders),
      upMs: [upMin, upMax],
      demo: flags.demo,
      snapshotEvery: 200,
      log: (line) => {
        if (bar === null || /LOST|DUPLICATE|GAP|failed/.test(line)) console.error(`[${label}] ${line}`);
      },
      onProgress: (done, _total, acked) => bar?.update(done, { acked }),
    });
  } finally {
    bar?.stop();
  }
}

function print(label: string, r: SoakReport): void {
  const rejected = Object.entries(r.rejected)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  console.log(`\n${label}`);
  console.log(
    `  kills                 ${r.kills} SIGKILL under load (+${r.startupKills} during startup), ${r.restarts} restarts`,
  );
  console.log(`  acknowledged (200)    ${r.acknowledged}`);
  console.log(
    `  log entries           ${r.logEntries} (${r.loggedUnacknowledged} logged whose response died with the node)`,
  );
  console.log(`  interrupted requests  ${r.interrupted}`);
  console.log(`  rejected              ${rejected || "none"}`);
  console.log(`  lost                  ${r.lost}   nonce regressions ${r.nonceRegressions}`);
  console.log(`  duplicates            ${r.duplicates}   gaps ${r.gaps}`);
  console.log(`  clean shutdown        ${r.cleanShutdown ? "yes (snapshot written)" : "NO"}`);
  console.log(`  restake verify        ${r.verify.ok ? "OK" : "FAILED"} at seq ${r.verify.seq}: ${r.verify.hash}`);
  console.log(`  duration              ${r.seconds} s`);
}

const reports: Record<string, SoakReport> = {};
const errors: Record<string, string> = {};
let failed = false;

/** One backend's run; an exception (say, the node cannot start) fails that run but not the others. */
async function attempt(label: string, fn: () => Promise<SoakReport>): Promise<void> {
  try {
    reports[label] = await fn();
  } catch (e) {
    errors[label] = (e as Error).message;
  }
}

if (flags.sqlite) {
  const dir = mkdtempSync(join(tmpdir(), "restake-soak-"));
  const db = join(dir, "soak.db");
  try {
    await attempt("sqlite", () => runOne("sqlite", db));
  } finally {
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${db}`);
  }
}

if (flags.postgres !== undefined && flags.postgres !== false) {
  const url = typeof flags.postgres === "string" ? flags.postgres : DEFAULT_PG;
  const schema = `soak_${Date.now().toString(36)}`;
  try {
    await attempt("postgres", () => runOne("postgres", url, schema));
  } finally {
    if (!flags.keep) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
    } else console.error(`kept schema ${schema}`);
  }
}

if (flags.json) console.log(JSON.stringify(reports, null, 2));
for (const [label, r] of Object.entries(reports)) {
  if (!flags.json) print(label === "sqlite" ? "SQLite" : "PostgreSQL", r);
  const f = failures(r);
  if (f.length > 0) {
    failed = true;
    console.error(`${label}: FAILED: ${f.join("; ")}`);
  }
}
for (const [label, message] of Object.entries(errors)) {
  failed = true;
  console.error(`${label}: FAILED: ${message}`);
}
if (Object.keys(reports).length === 0 && Object.keys(errors).length === 0) {
  console.error("nothing ran (--no-sqlite without --postgres)");
  failed = true;
}
if (!failed) console.log("\nsoak passed: nothing acknowledged was lost, nothing was applied twice, verify passed");
process.exitCode = failed ? 1 : 0;
