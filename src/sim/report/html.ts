import type { Figures, Histogram } from "../mc/stats.ts";
import type { MonteCarloResult } from "../montecarlo.ts";
import { HF_BUCKETS, type RunSummary, type StepMetrics } from "../run/types.ts";
import { barChart, esc, fmt, lineChart, stackedBars } from "./svg.ts";

/**
 * The HTML report: one self-contained page (inline CSS and SVG, no scripts, no network) for a simulate run or a
 * Monte Carlo run. Every chart is followed by its numbers in a table (collapsed under a <details>), so nothing is
 * only visible as a picture.
 */

const WEI = 10n ** 18n;

/** wei → "1,234.5678 ETH" (exact digits, 4 decimals, truncated). */
export function ethText(wei: string | bigint): string {
  const v = typeof wei === "bigint" ? wei : BigInt(wei);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = (a / WEI).toLocaleString("en-US");
  const frac = ((a % WEI) / 10n ** 14n).toString().padStart(4, "0");
  return `${neg ? "−" : ""}${whole}.${frac} ETH`;
}

const ethNum = (wei: bigint): number => Number(wei / 10n ** 9n) / 1e9;
const pct = (f: number): string => `${(f * 100).toFixed(2)} %`;

const CSS = `
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}figure{margin:1rem 0}figcaption{font-weight:600}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#0550ae}code{font-size:.9em}
.note{color:#555;font-size:.9rem}`;

function page(title: string, body: string[]): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${esc(title)}</h1>`,
    ...body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function table(caption: string, head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const trs = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(String(c))}</th>` : `<td>${esc(String(c))}</td>`)).join("")}</tr>`,
  );
  return `<table><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${trs.join("")}</tbody></table>`;
}

/** A chart with its data table (rows sampled down to at most `maxRows`). */
function figure(svg: string, caption: string, head: string[], rows: (string | number)[][], maxRows = 120): string {
  const every = Math.max(1, Math.ceil(rows.length / maxRows));
  const shown = every === 1 ? rows : rows.filter((_, i) => i % every === 0 || i === rows.length - 1);
  const note = every === 1 ? "" : ` (every ${every}th row)`;
  return [
    "<figure>",
    `<figcaption>${esc(caption)}</figcaption>`,
    svg,
    `<details><summary>Data table${esc(note)}</summary>${table(caption, head, shown)}</details>`,
    "</figure>",
  ].join("\n");
}

const slug = (s: string): string => s.replace(/[^a-zA-Z0-9]+/g, "-").toLowerCase();

// ---------------------------------------------------------------------------------------------------------------
// simulate

export function simulateReport(summary: RunSummary, series: readonly StepMetrics[]): string {
  const lrts = Object.keys(summary.lrts).sort();
  const body: string[] = [
    `<p>Scenario <code>${esc(summary.scenario)}</code>, seed <code>${summary.seed}</code>: ${summary.blocks.toLocaleString("en-US")} blocks in ${summary.steps} steps. Reproduce with <code>restake simulate &lt;scenario.yaml&gt; --seed ${summary.seed}</code>.</p>`,
    "<h2>Summary</h2>",
    table(
      "Run summary",
      ["figure", "value"],
      [
        ["final world hash", summary.hash],
        ["slashed", ethText(summary.slashed)],
        ["stolen (exploits, unbacked mints)", ethText(summary.stolen)],
        ["losses: direct stakers", ethText(summary.losses.stakers)],
        ["losses: LRT holders", ethText(summary.losses.lrtHolders)],
        ["losses: lenders (bad debt)", ethText(summary.losses.lenders)],
        ["liquidations", summary.liquidations],
        ["liquidated value", ethText(summary.liquidatedValue)],
        ["ETH injected", ethText(summary.injected)],
        ["beacon-chain penalties", ethText(summary.beaconPenalties)],
        ["γ* before", summary.security.before.gammaStar ?? `— (${summary.security.before.method})`],
        ["γ* after", summary.security.after.gammaStar ?? `— (${summary.security.after.method})`],
        ["secure before / after", `${summary.security.before.secure ?? "—"} / ${summary.security.after.secure ?? "—"}`],
        ["commands applied / reverted", `${summary.applied} / ${summary.reverted}`],
      ],
    ),
    table(
      "Per LRT",
      ["LRT", "max depeg", "blocks ≥ 1 % depeg", "longest queue wait (blocks)", "largest bridge gap"],
      lrts.map((id) => {
        const l = summary.lrts[id]!;
        return [id, pct(l.maxDepeg), l.depegBlocks, Math.round(l.maxWaitBlocks), ethText(l.maxBridgeGap)];
      }),
    ),
  ];
  if (series.length === 0) {
    body.push('<p class="note">This run directory has no series file: no charts.</p>');
  } else {
    body.push("<h2>LRT rate and DEX price</h2>");
    for (const id of lrts) {
      const rows = series.map((m) => {
        const l = m.lrts[id];
        return [
          m.block,
          l === undefined ? NaN : ethNum(l.rate),
          l?.price === undefined ? NaN : ethNum(l.price),
          l?.depeg ?? 0,
        ];
      });
      const svg = lineChart({
        id: `rate-${slug(id)}`,
        title: `${id}: exchange rate and DEX price`,
        desc: `ETH per ${id} at each step: the protocol's rate and the LRT/WETH pool's price. Max depeg ${pct(summary.lrts[id]!.maxDepeg)}.`,
        x: "block",
        y: "ETH per token",
        zero: false,
        series: [
          { name: "rate", points: rows.map((r) => [r[0]!, r[1]!]) },
          ...(rows.some((r) => Number.isFinite(r[2]))
            ? [
                {
                  name: "DEX price",
                  points: rows.filter((r) => Number.isFinite(r[2])).map((r) => [r[0]!, r[2]!] as [number, number]),
                },
              ]
            : []),
        ],
      });
      body.push(
        figure(
          svg,
          `${id}: rate and DEX price`,
          ["block", "rate (ETH)", "DEX price (ETH)", "depeg"],
          rows.map((r) => [r[0]!, fmt(r[1]!), Number.isFinite(r[2]) ? fmt(r[2]!) : "—", pct(r[3]!)]),
        ),
      );
    }
    const depegSvg = lineChart({
      id: "depeg",
      title: "Depeg depth per LRT",
      desc: "1 − DEX price / rate, per LRT, at each step.",
      x: "block",
      y: "depeg (fraction)",
      series: lrts.map((id) => ({
        name: id,
        points: series.map((m) => [m.block, m.lrts[id]?.depeg ?? 0] as [number, number]),
      })),
    });
    body.push(
      figure(
        depegSvg,
        "Depeg depth per LRT",
        ["block", ...lrts],
        series.map((m) => [m.block, ...lrts.map((id) => pct(m.lrts[id]?.depeg ?? 0))]),
      ),
    );

    body.push("<h2>Losses by layer</h2>");
    const layers = [
      ["direct stakers", (m: StepMetrics) => m.losses.stakers],
      ["LRT holders", (m: StepMetrics) => m.losses.lrtHolders],
      ["lenders (bad debt)", (m: StepMetrics) => m.losses.lenders],
      ["slashed", (m: StepMetrics) => m.slashed],
    ] as const;
    body.push(
      figure(
        lineChart({
          id: "losses",
          title: "Cumulative losses by layer",
          desc: `ETH lost by direct stakers, LRT holders and lenders, and ETH slashed, cumulative. Final: stakers ${ethText(summary.losses.stakers)}, LRT holders ${ethText(summary.losses.lrtHolders)}, lenders ${ethText(summary.losses.lenders)}.`,
          x: "block",
          y: "ETH",
          series: layers.map(([name, f]) => ({
            name,
            points: series.map((m) => [m.block, ethNum(f(m))] as [number, number]),
          })),
        }),
        "Cumulative losses by layer",
        ["block", ...layers.map(([n]) => `${n} (ETH)`)],
        series.map((m) => [m.block, ...layers.map(([, f]) => fmt(ethNum(f(m))))]),
      ),
    );

    body.push("<h2>Liquidations</h2>");
    body.push(
      figure(
        barChart({
          id: "liquidations",
          title: "Liquidated value per step",
          desc: `Debt repaid by liquidators in each step, in ETH. ${summary.liquidations} liquidations in total, ${ethText(summary.liquidatedValue)}.`,
          x: "block",
          y: "ETH",
          bars: series.map((m) => ({ label: String(m.block), value: ethNum(m.liquidatedValue) })),
        }),
        "Liquidations per step",
        ["block", "liquidations", "liquidated value (ETH)", "bad debt (ETH)"],
        series.map((m) => [m.block, m.liquidations, fmt(ethNum(m.liquidatedValue)), fmt(ethNum(m.badDebt))]),
      ),
    );

    body.push("<h2>Withdrawal queues</h2>");
    body.push(
      figure(
        lineChart({
          id: "queue",
          title: "Pending withdrawal value per LRT",
          desc: "ETH value of withdrawal requests waiting in each LRT's queue.",
          x: "block",
          y: "ETH",
          series: lrts.map((id) => ({
            name: id,
            points: series.map((m) => [m.block, ethNum(m.lrts[id]?.queueValue ?? 0n)] as [number, number]),
          })),
        }),
        "Pending withdrawals per LRT",
        ["block", ...lrts.flatMap((id) => [`${id} requests`, `${id} value (ETH)`])],
        series.map((m) => [
          m.block,
          ...lrts.flatMap((id) => [m.lrts[id]?.queueCount ?? 0, fmt(ethNum(m.lrts[id]?.queueValue ?? 0n))]),
        ]),
      ),
    );

    body.push("<h2>Health-factor distribution</h2>");
    const every = Math.max(1, Math.ceil(series.length / 80));
    const sampled = series.filter((_, i) => i % every === 0 || i === series.length - 1);
    body.push(
      figure(
        stackedBars({
          id: "hf",
          title: "Borrowers by health factor",
          desc: "Number of open borrows in each health-factor bucket over time; below 1 is liquidatable.",
          x: "block",
          y: "borrowers",
          layers: HF_BUCKETS.map((b) => `HF ${b}`),
          columns: sampled.map((m) => ({ x: m.block, values: m.hf })),
        }),
        "Borrowers by health factor",
        ["block", ...HF_BUCKETS.map((b) => `HF ${b}`)],
        sampled.map((m) => [m.block, ...HF_BUCKETS.map((_, i) => m.hf[i] ?? 0)]),
      ),
    );
  }
  if (summary.notes.length > 0) {
    body.push("<h2>Notes</h2>", `<ul>${summary.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  }
  const reverts = Object.entries(summary.reverts);
  if (reverts.length > 0) {
    body.push("<h2>Reverted commands</h2>", table("Reverts by command and code", ["command:code", "count"], reverts));
  }
  return page(`restake simulate — ${summary.scenario} (seed ${summary.seed})`, body);
}

// ---------------------------------------------------------------------------------------------------------------
// Monte Carlo

function histogramFigure(id: string, title: string, h: Histogram, what: string): string {
  const label = (v: number): string => (h.unit === "fraction" ? `${(v * 100).toPrecision(3)}%` : fmt(v));
  const bars = [{ label: "0", value: h.zeros }, ...h.counts.map((c, i) => ({ label: label(h.edges[i]!), value: c }))];
  const rows: (string | number)[][] = [
    ["exactly 0", h.zeros],
    ...h.counts.map((c, i) => [`${label(h.edges[i]!)} – ${label(h.edges[i + 1]!)}`, c]),
  ];
  const svg = barChart({
    id,
    title,
    desc: `Number of paths by ${what}; the first bar counts paths with exactly zero.`,
    x: h.unit === "fraction" ? what : `${what} (ETH)`,
    y: "paths",
    bars,
  });
  return figure(svg, title, ["range", "paths"], rows);
}

function figuresSection(f: Figures, prefix: string): string[] {
  const out: string[] = [
    table(
      "Value at Risk and Liquidations at Risk",
      ["figure", "value"],
      [
        ["paths", f.paths],
        ["VaR95 (95th percentile of bad debt)", ethText(f.var95)],
        ["VaR99", ethText(f.var99)],
        ["LaR95 (95th percentile of liquidated value)", ethText(f.lar95)],
        ["LaR99", ethText(f.lar99)],
        ["probability of bad debt", pct(f.pBadDebt)],
        ["mean bad debt", ethText(f.mean.badDebt)],
        ["mean liquidated value", ethText(f.mean.liquidatedValue)],
        ["mean slashed", ethText(f.mean.slashed)],
        [
          "mean loss: stakers / LRT holders / lenders",
          `${ethText(f.mean.stakers)} / ${ethText(f.mean.lrtHolders)} / ${ethText(f.mean.lenders)}`,
        ],
        [
          "max depeg: median / p95 / p99 / max",
          `${pct(f.maxDepeg.p50)} / ${pct(f.maxDepeg.p95)} / ${pct(f.maxDepeg.p99)} / ${pct(f.maxDepeg.max)}`,
        ],
        ["aggregate hash", f.hash],
      ],
    ),
    histogramFigure(`${prefix}-bad`, "Bad debt across paths", f.histograms.badDebt, "bad debt"),
    histogramFigure(`${prefix}-liq`, "Liquidated value across paths", f.histograms.liquidatedValue, "liquidated value"),
    histogramFigure(`${prefix}-depeg`, "Deepest depeg across paths", f.histograms.maxDepeg, "max depeg"),
    histogramFigure(`${prefix}-stakers`, "Losses of direct stakers", f.histograms.lossStakers, "stakers' loss"),
    histogramFigure(`${prefix}-holders`, "Losses of LRT holders", f.histograms.lossLrtHolders, "LRT holders' loss"),
    histogramFigure(`${prefix}-lenders`, "Losses of lenders", f.histograms.lossLenders, "lenders' loss"),
    "<h3>Worst paths</h3>",
    table(
      "Worst paths by bad debt, then total loss (scenario.yaml is the copy in this run directory)",
      ["path", "seed", "bad debt", "liquidated", "total loss", "max depeg", "world hash", "reproduce"],
      f.worst.map((w) => [
        w.index,
        w.seed,
        ethText(w.badDebt),
        ethText(w.liquidatedValue),
        ethText(w.totalLoss),
        pct(w.maxDepeg),
        w.stateHash === null ? "—" : `${w.stateHash.slice(0, 12)}…`,
        `restake simulate scenario.yaml --seed ${w.seed}`,
      ]),
    ),
  ];
  return out;
}

export function monteCarloReport(r: Omit<MonteCarloResult, "timing">): string {
  const body: string[] = [
    `<p>Scenario <code>${esc(r.scenario)}</code>: ${r.paths.toLocaleString("en-US")} paths per value, base seed <code>${r.baseSeed}</code>. Aggregate hash <code>${esc(r.hash)}</code>.</p>`,
  ];
  if (r.sweep !== null && r.variants.length > 0) {
    const key = r.sweep.key;
    body.push(`<h2>Sweep of <code>${esc(key)}</code></h2>`);
    const numeric = r.variants.every((v) => Number.isFinite(Number(v.label)));
    const xs = r.variants.map((v, i) => (numeric ? Number(v.label) : i));
    const points = (f: (x: Figures) => number): [number, number][] => r.variants.map((v, i) => [xs[i]!, f(v.figures)]);
    body.push(
      figure(
        lineChart({
          id: "sweep",
          title: `VaR and LaR against ${key}`,
          desc: `VaR95, VaR99, LaR95 and LaR99 in ETH for each value of ${key}${numeric ? "" : " (values in the order given)"}.`,
          x: numeric ? key : `${key} (value index)`,
          y: "ETH",
          series: [
            { name: "VaR95", points: points((f) => ethNum(BigInt(f.var95))) },
            { name: "VaR99", points: points((f) => ethNum(BigInt(f.var99))) },
            { name: "LaR95", points: points((f) => ethNum(BigInt(f.lar95))) },
            { name: "LaR99", points: points((f) => ethNum(BigInt(f.lar99))) },
          ],
        }),
        `Sensitivity to ${key}`,
        [key, "VaR95", "VaR99", "LaR95", "LaR99", "P(bad debt)", "mean bad debt", "max depeg p95"],
        r.variants.map((v) => [
          v.label,
          ethText(v.figures.var95),
          ethText(v.figures.var99),
          ethText(v.figures.lar95),
          ethText(v.figures.lar99),
          pct(v.figures.pBadDebt),
          ethText(v.figures.mean.badDebt),
          pct(v.figures.maxDepeg.p95),
        ]),
      ),
    );
  }
  r.variants.forEach((v, i) => {
    body.push(
      r.sweep === null ? "<h2>Distributions</h2>" : `<h2><code>${esc(r.sweep.key)}</code> = ${esc(v.label)}</h2>`,
    );
    body.push(...figuresSection(v.figures, `v${i}`));
  });
  return page(`restake montecarlo — ${r.scenario}`, body);
}
