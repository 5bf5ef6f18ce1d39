import type { Slash, Slashes } from "../api/types.ts";
import type { AssetBook } from "../lib/assets.ts";
import { formatInt, toBig, wadPercent } from "../lib/format.ts";
import { Amount } from "./Amount.tsx";
import { Addr, Badge, Empty, SetLink, TableWrap } from "./ui.tsx";

/** ETH-denominated value of what a slash took (shares slashed, in the asset). */
export function slashedEth(slash: Slash, book: AssetBook): bigint {
  let total = 0n;
  for (const s of slash.strategies)
    if (book.info(s.strategy).isEth) total += book.sharesToAsset(s.strategy, BigInt(s.sharesSlashed));
  return total;
}

export function SlashStatus({ slash }: { slash: Slash }) {
  if (slash.pending !== null)
    return <Badge tone="warn">burn pending until block {formatInt(slash.pending.resolutionBlock)}</Badge>;
  if (slash.cleared.length > 0) return <Badge tone="ok">burned</Badge>;
  return <Badge tone="info">settled</Badge>;
}

/** Slashing history as a table; `show` picks the column that is not implied by the page. */
export function SlashTable({
  slashes,
  book,
  names,
  show,
}: {
  slashes: Slashes;
  book: AssetBook;
  names: Map<string, string>;
  show: "set" | "operator";
}) {
  if (slashes.slashes.length === 0) return <Empty>Never slashed.</Empty>;
  return (
    <TableWrap label="Slashing history">
      <thead>
        <tr>
          <th scope="col">Block</th>
          <th scope="col">{show === "set" ? "Operator set" : "Operator"}</th>
          <th scope="col" className="num">
            Requested
          </th>
          <th scope="col" className="num">
            Slashed
          </th>
          <th scope="col">Status</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {[...slashes.slashes].reverse().map((s) => (
          <tr key={`${s.operatorSet}/${s.slashId}`}>
            <td>{formatInt(s.block)}</td>
            <td>
              {show === "set" ? (
                <SetLink setKey={s.operatorSet} names={names} />
              ) : (
                <Addr address={s.operator} kind="operator" />
              )}
            </td>
            <td className="num">{wadPercent(toBig(s.strategies[0]?.wadToSlash ?? "0"))}</td>
            <td className="num">
              <Amount value={slashedEth(s, book)} />
            </td>
            <td>
              <SlashStatus slash={s} />
            </td>
            <td className="wrap">{s.description || <span className="muted">–</span>}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
