import type { ReactNode } from "react";
import { Amount } from "../components/Amount.tsx";
import { Empty, Stat, Stats, TableWrap } from "../components/ui.tsx";
import { formatInt } from "../lib/format.ts";
import type { RunSummary, SecuritySummary } from "./types.ts";

/** A run's summary: the hash that identifies its outcome, what was lost and by whom, and security before/after. */

export const pct = (v: number, digits = 2) => `${(v * 100).toFixed(digits)}%`;

export function gammaText(s: SecuritySummary): string {
  if (s.gammaStar === null) return s.method === "not computed" ? "not computed" : "undecided";
  const g = Number(s.gammaStar);
  return Number.isFinite(g) ? pct(g) : s.gammaStar;
}

function secureText(s: SecuritySummary): string {
  if (s.secure === null) return s.method === "not computed" ? "" : "undecided";
  return `${s.secure ? "secure" : "attackable"}${s.claim1 === null ? "" : s.claim1 ? ", Claim 1 holds" : ", Claim 1 fails"}`;
}

export function SummaryPanel({ summary }: { summary: RunSummary }) {
  const lrts = Object.entries(summary.lrts);
  return (
    <section className="card sim-summary" aria-label="Run summary">
      <h3>Summary</h3>
      <p className="sim-hash">
        Hash <code data-testid="summary-hash">{summary.hash}</code>
      </p>
      <Stats label="Run totals">
        <Stat label="Slashed">
          <Amount value={summary.slashed} />
        </Stat>
        <Stat label="Stolen">
          <Amount value={summary.stolen} />
        </Stat>
        <Stat label="Bad debt">
          <span data-testid="summary-bad-debt">
            <Amount value={summary.badDebt} />
          </span>
        </Stat>
        <Stat label="Liquidations" hint={<Amount value={summary.liquidatedValue} />}>
          {formatInt(summary.liquidations)}
        </Stat>
        <Stat label="γ* before → after" hint={secureText(summary.security.after) || undefined}>
          <span data-testid="summary-gamma">
            {gammaText(summary.security.before)} → {gammaText(summary.security.after)}
          </span>
        </Stat>
      </Stats>
      <Stats label="Losses by layer">
        <Stat label="Stakers lost">
          <Amount value={summary.losses.stakers} />
        </Stat>
        <Stat label="LRT holders lost">
          <Amount value={summary.losses.lrtHolders} />
        </Stat>
        <Stat label="Lenders lost">
          <Amount value={summary.losses.lenders} />
        </Stat>
        <Stat label="Commands" hint={`${formatInt(summary.reverted)} reverted`}>
          {formatInt(summary.applied)}
        </Stat>
      </Stats>
      {lrts.length === 0 ? null : (
        <TableWrap label="Per LRT">
          <thead>
            <tr>
              <th scope="col">LRT</th>
              <th scope="col" className="num">
                Deepest depeg
              </th>
              <th scope="col" className="num">
                Blocks ≥ 1% depeg
              </th>
              <th scope="col" className="num">
                Longest wait (blocks)
              </th>
              <th scope="col" className="num">
                Largest bridge gap
              </th>
            </tr>
          </thead>
          <tbody>
            {lrts.map(([id, l]) => (
              <tr key={id} data-lrt={id}>
                <th scope="row">{id}</th>
                <td className="num">{pct(l.maxDepeg)}</td>
                <td className="num">{formatInt(l.depegBlocks)}</td>
                <td className="num">{formatInt(Math.round(l.maxWaitBlocks))}</td>
                <td className="num">
                  <Amount value={l.maxBridgeGap} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {summary.notes.length > 0 ? (
        <details className="sim-notes">
          <summary>Notes ({summary.notes.length})</summary>
          <ul>
            {summary.notes.map((n, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: notes are plain text in run order and may repeat
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** Two runs' summaries side by side. */
export function CompareTable({ a, b }: { a: { label: string; summary: RunSummary | null }; b: typeof a }) {
  if (a.summary === null || b.summary === null) {
    return <Empty>The comparison of totals appears when both runs are done.</Empty>;
  }
  const A = a.summary;
  const B = b.summary;
  const row = (label: string, x: ReactNode, y: ReactNode, key: string) => (
    <tr key={key} data-row={key}>
      <th scope="row">{label}</th>
      <td className="num">{x}</td>
      <td className="num">{y}</td>
    </tr>
  );
  const wei = (k: "slashed" | "stolen" | "badDebt" | "liquidatedValue") =>
    row(
      k === "badDebt" ? "Bad debt" : k === "liquidatedValue" ? "Liquidated value" : k[0]!.toUpperCase() + k.slice(1),
      <Amount value={A[k]} />,
      <Amount value={B[k]} />,
      k,
    );
  const ids = [...new Set([...Object.keys(A.lrts), ...Object.keys(B.lrts)])];
  return (
    <TableWrap label="Compared summaries">
      <thead>
        <tr>
          <th scope="col">Figure</th>
          <th scope="col" className="num">
            {a.label}
          </th>
          <th scope="col" className="num">
            {b.label}
          </th>
        </tr>
      </thead>
      <tbody>
        {row("Seed", A.seed, B.seed, "seed")}
        {row("Hash", <code>{A.hash.slice(0, 10)}…</code>, <code>{B.hash.slice(0, 10)}…</code>, "hash")}
        {wei("slashed")}
        {wei("stolen")}
        {row("Stakers lost", <Amount value={A.losses.stakers} />, <Amount value={B.losses.stakers} />, "stakers")}
        {row(
          "LRT holders lost",
          <Amount value={A.losses.lrtHolders} />,
          <Amount value={B.losses.lrtHolders} />,
          "lrtHolders",
        )}
        {wei("badDebt")}
        {row("Liquidations", formatInt(A.liquidations), formatInt(B.liquidations), "liquidations")}
        {wei("liquidatedValue")}
        {row(
          "γ* before → after",
          `${gammaText(A.security.before)} → ${gammaText(A.security.after)}`,
          `${gammaText(B.security.before)} → ${gammaText(B.security.after)}`,
          "gamma",
        )}
        {ids.map((id) =>
          row(
            `Deepest depeg, ${id}`,
            A.lrts[id] ? pct(A.lrts[id].maxDepeg) : "–",
            B.lrts[id] ? pct(B.lrts[id].maxDepeg) : "–",
            `depeg-${id}`,
          ),
        )}
      </tbody>
    </TableWrap>
  );
}
