import type { Command } from "commander";

/**
 * `restake lrt list` and `restake lrt show <id>`. There is no node integration for the LRT layer yet, so both build
 * the five presets on the in-memory demo world (src/lrt/demo.ts) through executeLrt and print its views; nothing is
 * read from or written to a node or a database. The LRT modules load only when a command runs.
 */

const DEMO_NOTE = `
The LRT layer is not yet part of the node: these commands build the demo world in memory (the stETH/rETH/cbETH
LSTs, three operators in one operator set, and the five presets — ether.fi eETH/weETH, Renzo ezETH, Kelp rsETH,
Puffer pufETH, Swell rswETH — with deposits, restaking, native staking, queued withdrawals, reports and bridged
supply) and print its views. Nothing is read from a node or a database. See docs/lrt.md.
`;

const WAD = 10n ** 18n;

/** An 18-decimal amount with `digits` decimals (rounded down). */
export function formatEth(v: bigint, digits = 6): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = a / WAD;
  const frac = ((a % WAD) * 10n ** BigInt(digits)) / WAD;
  return `${neg ? "-" : ""}${whole}.${frac.toString().padStart(digits, "0")}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export async function lrtListCommand(flags: { json?: boolean }): Promise<void> {
  const { buildDemoWorld } = await import("../lrt/demo.ts");
  const views = await import("../lrt/views.ts");
  const { chain } = buildDemoWorld();
  const summaries = views.listLrts(chain.w).map((id) => views.summary(chain.w, id));
  if (flags.json) {
    console.log(json({ source: "demo world (in memory)", block: chain.block, lrts: summaries }));
    return;
  }
  const rows = [
    ["id", "protocol", "token", "rate", "NAV (ETH)", "supply", "delegators", "queued", "paused", "bridged supply"],
    ...summaries.map((s) => [
      s.id,
      s.protocol,
      s.wrappedSymbol ? `${s.symbol}/${s.wrappedSymbol}` : s.symbol,
      formatEth(s.rate),
      formatEth(s.nav),
      formatEth(s.supply),
      String(s.delegators),
      String(s.queuePending),
      s.paused.join(",") || "-",
      s.supplyInvariantHolds ? "backed" : `UNBACKED ${formatEth(s.unbacked)}`,
    ]),
  ];
  console.log(`demo world (in memory), block ${chain.block}\n`);
  console.log(table(rows));
}

export async function lrtShowCommand(id: string, flags: { json?: boolean }): Promise<void> {
  const { buildDemoWorld } = await import("../lrt/demo.ts");
  const views = await import("../lrt/views.ts");
  const { chain } = buildDemoWorld();
  const w = chain.w;
  const rec = w.lrt.lrts.get(id);
  if (rec === undefined) {
    console.error(`error: UnknownLrt: no LRT "${id}" (one of: ${views.listLrts(w).join(", ")})`);
    process.exitCode = 1;
    return;
  }
  const detail = {
    source: "demo world (in memory)",
    block: chain.block,
    lrt: {
      id: rec.id,
      protocol: rec.protocol,
      symbol: rec.symbol,
      wrappedSymbol: rec.wrappedSymbol,
      assets: rec.assets,
      roles: rec.roles,
      accounts: rec.accounts,
      params: rec.params,
      paused: views.pausedFlags(rec),
      book: rec.book,
    },
    nav: views.nav(w, id),
    queue: views.queue(w, id),
    liquidity: views.liquidity(w, id),
    allocation: views.allocation(w, id),
    supplyByChain: views.supplyByChain(w, id),
  };
  if (flags.json) {
    console.log(json(detail));
    return;
  }
  const n = detail.nav;
  const sym = (a: string) => views.assetSymbol(w, a);
  const out: string[] = [];
  out.push(
    `${rec.id} — ${rec.protocol} ${rec.symbol}${rec.wrappedSymbol ? `/${rec.wrappedSymbol}` : ""} (demo world, block ${chain.block})`,
  );
  out.push("");
  out.push(`rate           ${formatEth(n.rate, 9)} ETH per token (the protocol's own, with its reporting lag)`);
  out.push(
    `NAV            ${formatEth(n.nav)} ETH = assets ${formatEth(n.totalAssets)} − liabilities ${formatEth(n.totalLiabilities)}`,
  );
  out.push(`NAV per token  ${formatEth(n.navPerToken, 9)} ETH (at the LSTs' current rates)`);
  out.push(`supply         ${formatEth(n.supply)}${rec.protocol === "etherfi" ? " (eETH shares)" : ""}`);
  out.push(`paused         ${detail.lrt.paused.join(", ") || "-"}`);
  out.push("");
  out.push("assets");
  out.push(
    table([
      ["kind", "account", "asset", "amount", "value (ETH)"],
      ...n.assets.map((h) => [h.kind, h.account.slice(0, 10), sym(h.asset), formatEth(h.amount), formatEth(h.value)]),
    ]),
  );
  const q = detail.queue;
  out.push("");
  out.push(`withdrawal queue: ${q.pending} pending, ${q.finalized} finalized and unclaimed, ${q.invalid} invalid`);
  for (const [asset, v] of q.pendingAtRequest) {
    const now = q.pendingPayoutNow.find(([a]) => a === asset)?.[1] ?? 0n;
    out.push(`  ${sym(asset)}  at request ${formatEth(v)}, would pay now ${formatEth(now)}`);
  }
  out.push("");
  out.push("liquidity buffer");
  out.push(
    table([
      ["asset", "pool", "queue", "reserved", "available"],
      ...detail.liquidity.assets.map((a) => [
        sym(a.asset),
        formatEth(a.pool),
        formatEth(a.queue),
        formatEth(a.reserved),
        formatEth(a.available),
      ]),
    ]),
  );
  const al = detail.allocation;
  out.push("");
  out.push("operator delegators (target → actual)");
  out.push(
    table([
      ["#", "delegator", "operator", "target bps", "actual bps", "value (ETH)"],
      ...al.delegators.map((d) => [
        String(d.index),
        d.delegator.slice(0, 10),
        d.operator.slice(0, 10),
        String(d.weightBps),
        String(d.actualBps),
        formatEth(d.value),
      ]),
    ]),
  );
  out.push("");
  out.push("look-through: slashable in operator sets (via the core's neutral view)");
  out.push(
    al.operatorSets.length === 0
      ? "  none"
      : table([
          ["operator", "operator set", "asset", "amount", "value (ETH)"],
          ...al.operatorSets.map((e) => [
            e.operator.slice(0, 10),
            e.serviceSet.slice(0, 14),
            sym(e.asset),
            formatEth(e.amount),
            formatEth(e.value),
          ]),
        ]),
  );
  const s = detail.supplyByChain;
  out.push("");
  out.push(`bridged supply (${s.token})`);
  out.push(
    table([
      ["chain", "supply", "locked in adapter"],
      ...s.chains.map((c) => [c.chain, formatEth(c.supply), formatEth(c.lockedInAdapter)]),
    ]),
  );
  out.push(
    `canonical L1 ${formatEth(s.canonicalL1)} + L2 ${formatEth(s.l2Total)} + in flight ${formatEth(s.inFlight)} = ${formatEth(
      s.canonicalL1 + s.l2Total + s.inFlight,
    )}; backed ${formatEth(s.backed)}: ${s.holds ? "holds" : `UNBACKED ${formatEth(s.unbacked)}`}`,
  );
  console.log(out.join("\n"));
}

export function registerLrtCommands(program: Command): void {
  const lrt = program
    .command("lrt")
    .description(
      "liquid restaking tokens: the five presets on an in-memory demo world (a node serves the same views at /api/lrts)",
    )
    .addHelpText("after", DEMO_NOTE);
  lrt
    .command("list")
    .description("list the LRTs of the demo world: rate, NAV, supply, queue, pause flags, bridged-supply check")
    .option("--json", "print the result as JSON")
    .addHelpText("after", DEMO_NOTE)
    .action(async (flags) => {
      await lrtListCommand(flags);
    });
  lrt
    .command("show")
    .description(
      "one LRT in detail: NAV = assets − liabilities, queue, liquidity, delegators, look-through, supply by chain",
    )
    .argument("<id>", "the LRT id: eeth, ezeth, rseth, pufeth or rsweth")
    .option("--json", "print the result as JSON")
    .addHelpText("after", DEMO_NOTE)
    .action(async (id: string, flags) => {
      await lrtShowCommand(id, flags);
    });
}
