import { readFileSync } from "node:fs";
import type { Command } from "commander";

/**
 * `restake risk stack <account>` and `restake risk checklist <lrt>`. Without --node both build the in-memory demo
 * world (the LRT demo of src/lrt/demo.ts and the markets example of src/markets/example.ts on one journal) and
 * compute there; with --node <url> they read a node's API (GET /api/risk/stack/{account},
 * GET /api/risk/checklist/{lrt}). The engine loads only when a command runs.
 */

const DEMO_NOTE = `
Without --node this runs on an in-memory demo world, built fresh each time and never stored: the LRT demo
(stETH/rETH/cbETH, three operators in one AVS operator set, ether.fi eETH/weETH, Renzo ezETH, Kelp rsETH, Puffer
pufETH and Swell rswETH with bridged supply and queued withdrawals) plus the markets example (weETH and ezETH pools,
an Aave-style pool with e-modes, Morpho ezETH/WETH markets, loops). On the demo world an account may be named:
lender (user/0, who holds every layer: eETH, weETH on L1 and Arbitrum, rsETH on Unichain, ezETH on Base, and a
weETH-backed Aave loan), user/0..user/3, alice, bob, carol, dave, erin, lp, liquidator. With --node <url> the node's
world is read through its API and the account must be an address. See docs/risk-exposure.md.`;

interface Flags {
  node?: string;
  assets?: string;
  prices?: string;
  json?: boolean;
  events?: string;
  depth?: string;
}

class UsageError extends Error {}

const WAD = 10n ** 18n;

/** A JSON value given inline or as a file path. */
function jsonArg(value: string | undefined, what: string): unknown {
  if (value === undefined) return undefined;
  const text = value.trimStart().startsWith("{") ? value : readText(value, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

async function fromNode(node: string, path: string, flags: Flags): Promise<unknown> {
  const q = new URLSearchParams();
  if (flags.assets !== undefined) q.set("assets", JSON.stringify(jsonArg(flags.assets, "--assets")));
  if (flags.prices !== undefined) q.set("prices", JSON.stringify(jsonArg(flags.prices, "--prices")));
  const url = `${node.replace(/\/+$/, "")}${path}${q.size > 0 ? `?${q}` : ""}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new UsageError(`cannot reach ${url}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (!res.ok) throw new UsageError(`${url} answered ${res.status}: ${body?.code ?? ""} ${body?.message ?? ""}`.trim());
  return body;
}

/** The options of the in-memory run, from the flags (prices as decimal strings of wei per unit). */
async function localOptions(flags: Flags) {
  const assets = jsonArg(flags.assets, "--assets") as Record<string, never> | undefined;
  const prices = jsonArg(flags.prices, "--prices") as Record<string, string> | undefined;
  const out: { assets?: Record<string, never>; prices?: Record<string, bigint> } = {};
  if (assets !== undefined) out.assets = assets;
  if (prices !== undefined) {
    out.prices = {};
    for (const [k, v] of Object.entries(prices)) {
      if (!/^\d{1,40}$/.test(String(v)))
        throw new UsageError(`--prices: ${k} must be wei per unit as a decimal string`);
      out.prices[k] = BigInt(v);
    }
  }
  return out;
}

const plain = async (x: unknown): Promise<Plain> => {
  const { toPlainJson } = await import("../core/shared/codec.ts");
  return JSON.parse(toPlainJson(x)) as Plain;
};

// biome-ignore lint/suspicious/noExplicitAny: the plain-JSON shape of the stack and the checklist, read by the printers
type Plain = any;

export async function stackCommand(account: string, flags: Flags): Promise<void> {
  let doc: Plain;
  let source: string;
  if (flags.node !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(account))
      throw new UsageError(`with --node the account must be an address: ${account}`);
    doc = await fromNode(flags.node, `/api/risk/stack/${account}`, flags);
    source = `node ${flags.node}`;
  } else {
    const { buildRiskDemoWorld } = await import("../risk/exposureWorld.ts");
    const { exposureStack } = await import("../risk/exposure.ts");
    const demo = buildRiskDemoWorld();
    const address = demoAccount(demo, account);
    doc = await plain(exposureStack(demo.world, address as `0x${string}`, await localOptions(flags)));
    source = "demo world (in memory)";
  }
  if (flags.json) {
    console.log(JSON.stringify({ source, ...doc }, null, 2));
    return;
  }
  console.log(renderStack(doc, source, Number(flags.events ?? 10), Number(flags.depth ?? 99)));
}

export async function checklistCommand(lrt: string, flags: Flags): Promise<void> {
  let doc: Plain;
  let source: string;
  if (flags.node !== undefined) {
    doc = await fromNode(flags.node, `/api/risk/checklist/${encodeURIComponent(lrt)}`, flags);
    source = `node ${flags.node}`;
  } else {
    const { buildRiskDemoWorld } = await import("../risk/exposureWorld.ts");
    const { lrtChecklist } = await import("../risk/checklist.ts");
    const demo = buildRiskDemoWorld();
    if (!demo.world.lrt.lrts.has(lrt)) {
      throw new UsageError(
        `no LRT ${JSON.stringify(lrt)} in the demo world (${[...demo.world.lrt.lrts.keys()].sort().join(", ")})`,
      );
    }
    doc = await plain(lrtChecklist(demo.world, lrt, await localOptions(flags)));
    source = "demo world (in memory)";
  }
  if (flags.json) {
    console.log(JSON.stringify({ source, ...doc }, null, 2));
    return;
  }
  console.log(renderChecklist(doc, source));
}

function demoAccount(
  demo: { accounts: Record<string, string>; demo: { users: string[]; operators: string[] } },
  name: string,
): string {
  if (/^0x[0-9a-fA-F]{40}$/.test(name)) return name.toLowerCase();
  const user = /^user\/(\d)$/.exec(name);
  if (user !== null && demo.demo.users[Number(user[1])] !== undefined) return demo.demo.users[Number(user[1])]!;
  const op = /^operator\/(\d)$/.exec(name);
  if (op !== null && demo.demo.operators[Number(op[1])] !== undefined) return demo.demo.operators[Number(op[1])]!;
  const a = demo.accounts[name];
  if (a !== undefined) return a;
  throw new UsageError(
    `unknown account ${JSON.stringify(name)}: an address, or one of ${[...Object.keys(demo.accounts), "user/0..3", "operator/0..2"].join(", ")}`,
  );
}

/* ------------------------------------------------------------------ text output */

export function eth(v: string | bigint, digits = 6): string {
  const x = BigInt(v);
  const neg = x < 0n;
  const a = neg ? -x : x;
  const frac = ((a % WAD) * 10n ** BigInt(digits)) / WAD;
  return `${neg ? "-" : ""}${a / WAD}.${frac.toString().padStart(digits, "0")}`;
}

function duration(s: string | null): string {
  if (s === null) return "not bounded on-chain";
  const n = Number(s);
  if (n === 0) return "now";
  if (n >= 86_400) return `${(n / 86_400).toFixed(1)} days`;
  if (n >= 3_600) return `${(n / 3_600).toFixed(1)} h`;
  return `${n} s`;
}

function renderStack(d: Plain, source: string, maxEvents: number, maxDepth: number): string {
  const out: string[] = [];
  out.push(`exposure stack of ${d.account} — ${source}, block ${d.block}`);
  out.push("");
  if (d.positions.length === 0) {
    out.push("  holds nothing in this world");
    return out.join("\n");
  }
  const walk = (n: Plain, depth: number) => {
    if (depth > maxDepth) return;
    const amount = n.amount === null ? "" : `  (${eth(n.amount, 4)} ${n.unit ?? ""})`;
    out.push(`${eth(n.valueEth).padStart(16)} ETH  ${"  ".repeat(depth)}[${n.layer}] ${n.label}${amount}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const p of d.positions) walk(p, 0);
  const t = d.totals;
  out.push("");
  out.push(`net ${eth(t.netEth)} ETH (assets ${eth(t.assetsEth)}, debt ${eth(t.debtEth)})`);
  out.push(
    `worst single slashing event: −${eth(t.worstEventLossEth)} ETH; everything slashable at once (${d.allAtOnce.events} events): −${eth(t.allAtOnceLossEth)} ETH`,
  );
  out.push("");
  out.push("slashing events (each operator set slashing one operator by its maximum):");
  if (d.events.length === 0) out.push("  none reaches this account");
  for (const e of d.events.slice(0, maxEvents)) {
    out.push(`  ${e.sentence}`);
    for (const p of e.byPosition) out.push(`      ${p.position}: −${eth(p.lossEth)}`);
    for (const l of e.lending) {
      if (l.healthFactorAfter !== null && l.healthFactorAfter !== l.healthFactor) {
        out.push(
          `      ${l.position}: health factor ${eth(l.healthFactor, 4)} → ${eth(l.healthFactorAfter, 4)}${l.liquidatable ? " (liquidatable)" : ""} if the oracle passes it on`,
        );
      }
    }
    for (const r of e.recognition) {
      const how =
        r.blockedBy !== null
          ? `held back by ${r.blockedBy} until the admin acts`
          : r.reports !== null
            ? `${r.reports} reports, ≥ ${duration(r.seconds)}`
            : "recognised at once";
      out.push(
        `      ${r.lrt}: ${how}${r.bondSharesBurned !== "0" ? `; node-operator bonds burned first (${eth(r.bondSharesBurned, 4)} pufETH)` : ""}`,
      );
    }
  }
  if (d.events.length > maxEvents) out.push(`  … ${d.events.length - maxEvents} more (--events <n> or --json)`);
  out.push("");
  out.push("risk layers, in order:");
  for (const l of d.riskLayers) out.push(`  ${String(l.order).padStart(2)}. ${l.layer.padEnd(9)} ${l.label}`);
  out.push("");
  out.push("exit paths:");
  for (const x of d.exits) {
    const recv = x.receiveEth === null ? "" : `, ≈ ${eth(x.receiveEth, 4)} ETH`;
    out.push(`  ${x.position}: ${x.path} — ${duration(x.delaySeconds)}${recv}${x.available ? "" : " [blocked]"}`);
    for (const b of x.blockers) out.push(`      ✗ ${b}`);
    for (const n of x.notes) out.push(`      · ${n}`);
  }
  out.push("");
  for (const n of d.notes) out.push(`note: ${n}`);
  return out.join("\n");
}

function renderChecklist(d: Plain, source: string): string {
  const out: string[] = [];
  out.push(`checklist of ${d.lrt} (${d.protocol}, ${d.symbol}) — ${source}, block ${d.block}`);
  out.push(`NAV ${eth(d.nav)} ETH, supply ${eth(d.supply)}, rate ${eth(d.rate)}; overall: ${d.severity.toUpperCase()}`);
  for (const i of d.items) {
    out.push("");
    out.push(`[${i.severity.toUpperCase()}] ${i.key}: ${i.question}`);
    out.push(`    ${i.summary}`);
    for (const f of i.findings) out.push(`    - ${f}`);
  }
  out.push("");
  out.push("thresholds: docs/risk-exposure.md (or --json, field `thresholds`)");
  return out.join("\n");
}

/* ------------------------------------------------------------------ registration */

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    const { reportError } = await import("./common.ts");
    reportError(e);
  }
}

export function registerRiskExposureCommands(risk: Command): void {
  risk
    .command("stack")
    .description(
      "exposure stack of an account: look-through to the operator sets, loss per slashing event and all at once, risk layers in order, exit paths",
    )
    .argument("<account>", "an address (on the demo world also a demo name, see below)")
    .option("--node <url>", "read a node's world through its API instead of the in-memory demo world")
    .option("--assets <json|file>", 'market asset map, e.g. {"weETH":{"kind":"lrt","lrt":"eeth","chain":"arbitrum"}}')
    .option(
      "--prices <json|file>",
      'ETH per unit (wei) of core tokens that are neither ETH nor an LST, e.g. {"0x…":"1000000000000000000"}',
    )
    .option("--events <n>", "slashing events to print", "10")
    .option("--depth <n>", "levels of the look-through tree to print", "99")
    .option("--json", "print one JSON object (amounts as decimal strings of wei)")
    .addHelpText(
      "after",
      `${DEMO_NOTE}\n\nExamples:\n  restake risk stack lender\n  restake risk stack alice --json\n  restake risk stack 0x… --node http://127.0.0.1:7420`,
    )
    .action((account: string, flags: Flags) => run(() => stackCommand(account, flags)));

  risk
    .command("checklist")
    .description(
      "the LRT evaluation checklist from state: restaked assets, AVSs, slashing conditions, operators, bridges, queue, yield, leverage — with a severity each",
    )
    .argument("<lrt>", "LRT id (demo world: eeth, ezeth, rseth, pufeth, rsweth)")
    .option("--node <url>", "read a node's world through its API instead of the in-memory demo world")
    .option("--assets <json|file>", "market asset map (see restake risk stack --help)")
    .option("--prices <json|file>", "ETH per unit of core tokens that are neither ETH nor an LST")
    .option("--json", "print one JSON object (amounts as decimal strings of wei)")
    .addHelpText(
      "after",
      `${DEMO_NOTE}\n\nExamples:\n  restake risk checklist eeth\n  restake risk checklist rseth --json`,
    )
    .action((lrt: string, flags: Flags) => run(() => checklistCommand(lrt, flags)));
}
