import { useMemo } from "react";
import { ApiError } from "../api/client.ts";
import { useAssetBook, useAvsNames, useOperator, useSlashes } from "../api/hooks.ts";
import type { Allocation, Operator } from "../api/types.ts";
import { ChartBox } from "../charts/ChartBox.tsx";
import { barOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { SlashTable } from "../components/slashes.tsx";
import {
  AssetAmount,
  AssetSymbol,
  Badge,
  Empty,
  Gate,
  PageHeader,
  Section,
  SetLink,
  Stat,
  Stats,
  TableWrap,
} from "../components/ui.tsx";
import type { AssetBook } from "../lib/assets.ts";
import { formatInt, percent, shortAddress, toNumber } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";

export function OperatorPage({ address }: { address: string }) {
  const { book, query: strategiesQ } = useAssetBook();
  const operatorQ = useOperator(address);
  const slashesQ = useSlashes({ operator: address });
  const names = useAvsNames();

  if (operatorQ.error instanceof ApiError && operatorQ.error.status === 404 && operatorQ.data === undefined) {
    return (
      <>
        <PageHeader title={`Operator ${shortAddress(address)}`} kicker="Operator" />
        <div className="state state-empty" role="alert">
          <p>
            <strong>{address}</strong> is not a registered operator.
          </p>
          <p>
            <Link to={paths.position(address)}>Look it up as a position</Link> or go back to the{" "}
            <Link to={paths.overview()}>overview</Link>.
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title={`Operator ${shortAddress(address)}`} kicker="Operator">
        <p className="muted mono">{address}</p>
      </PageHeader>
      <Gate queries={[strategiesQ, operatorQ]} what="the operator">
        {() => <OperatorBody operator={operatorQ.data!} book={book!} names={names} />}
      </Gate>
      <Section title="Slashing history" id="slashing">
        <Gate queries={[strategiesQ, slashesQ]} what="slashing history">
          {() => <SlashTable slashes={slashesQ.data!} book={book!} names={names} show="set" />}
        </Gate>
      </Section>
    </>
  );
}

function OperatorBody({ operator, book, names }: { operator: Operator; book: AssetBook; names: Map<string, string> }) {
  const held = operator.strategies
    .map((s) => ({ ...s, amount: book.sharesToAsset(s.strategy, BigInt(s.operatorShares)) }))
    .filter((s) => s.amount > 0n || BigInt(s.encumberedMagnitude) > 0n)
    .sort((a, b) => book.order(a.strategy) - book.order(b.strategy));
  const other = held.filter((s) => !book.info(s.strategy).isEth && s.amount > 0n);
  const eth = held.filter((s) => book.info(s.strategy).isEth);
  const totalEth = eth.reduce((a, s) => a + s.amount, 0n);
  const option = useMemo(
    () =>
      barOption(
        eth.map((s) => (book.info(s.strategy).native ? "ETH (native)" : book.info(s.strategy).symbol)),
        [{ name: "Delegated", values: eth.map((s) => toNumber(s.amount, 18)) }],
        "ETH",
      ),
    [eth, book],
  );
  const registered = operator.operatorSets.filter((s) => s.registered).length;
  return (
    <>
      <Stats label="Operator summary">
        <Stat
          label="Delegated stake"
          hint={other.map((s) => <AssetAmount key={s.strategy} book={book} strategy={s.strategy} value={s.amount} />)}
        >
          <Amount value={totalEth} />
        </Stat>
        <Stat label="Stakers" hint="delegated to it, itself excluded">
          <span data-testid="stakers">{formatInt(operator.delegatedStakers)}</span>
        </Stat>
        <Stat label="Operator sets" hint={`${formatInt(operator.operatorSets.length - registered)} deregistered`}>
          {formatInt(registered)}
        </Stat>
        <Stat
          label="Allocation delay"
          hint={
            operator.allocationDelay.isSet ? `registered at block ${formatInt(operator.registeredAtBlock)}` : "not set"
          }
        >
          {formatInt(operator.allocationDelay.delay)} blocks
        </Stat>
      </Stats>

      <div className="grid-2">
        <Section title="Delegated stake by strategy" id="delegated">
          {held.length === 0 ? (
            <Empty>Nothing is delegated to this operator.</Empty>
          ) : (
            <>
              {eth.length > 0 ? (
                <ChartBox
                  option={option}
                  label={`Delegated stake by strategy: ${eth
                    .map((s) => `${book.info(s.strategy).symbol} ${toNumber(s.amount, 18).toFixed(2)}`)
                    .join(", ")}.`}
                  height={Math.max(160, eth.length * 36 + 20)}
                />
              ) : null}
              <TableWrap label="Delegated stake by strategy">
                <thead>
                  <tr>
                    <th scope="col">Strategy</th>
                    <th scope="col" className="num">
                      Delegated
                    </th>
                    <th scope="col" className="num">
                      Allocated share
                    </th>
                    <th scope="col" className="num">
                      Slashable in queue
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {held.map((s) => (
                    <tr key={s.strategy} data-strategy={s.strategy}>
                      <th scope="row">
                        <AssetSymbol book={book} strategy={s.strategy} />
                      </th>
                      <td className="num">
                        <AssetAmount book={book} strategy={s.strategy} value={s.amount} />
                      </td>
                      <td className="num" title={`${s.encumberedMagnitude} of ${s.maxMagnitude} magnitude`}>
                        {percent(BigInt(s.encumberedMagnitude), BigInt(s.maxMagnitude), 1)}
                      </td>
                      <td className="num">
                        <AssetAmount
                          book={book}
                          strategy={s.strategy}
                          value={book.sharesToAsset(s.strategy, BigInt(s.slashableSharesInQueue))}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            </>
          )}
        </Section>

        <Section title="Operator sets" id="sets">
          {operator.operatorSets.length === 0 ? (
            <Empty>Not registered for any operator set.</Empty>
          ) : (
            <TableWrap label="Operator sets">
              <thead>
                <tr>
                  <th scope="col">Operator set</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {operator.operatorSets.map((s) => (
                  <tr key={s.operatorSet}>
                    <th scope="row">
                      <SetLink setKey={s.operatorSet} names={names} />
                    </th>
                    <td>
                      {s.registered ? (
                        <Badge tone="ok">registered</Badge>
                      ) : s.slashable ? (
                        <Badge tone="warn">slashable until block {formatInt(s.slashableUntil ?? "0")}</Badge>
                      ) : (
                        <Badge tone="info">deregistered</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
        </Section>
      </div>

      <Section
        title="Allocations"
        id="allocations"
        description="Magnitude: the share of the operator's stake in a strategy that an operator set can slash (of its maximum magnitude)."
      >
        <Allocations operator={operator} book={book} names={names} />
      </Section>
    </>
  );
}

function Allocations({ operator, book, names }: { operator: Operator; book: AssetBook; names: Map<string, string> }) {
  const maxMag = new Map(operator.strategies.map((s) => [s.strategy, BigInt(s.maxMagnitude)]));
  const bySet = new Map<string, Allocation[]>();
  const sorted = [...operator.allocations].sort((a, b) => book.order(a.strategy) - book.order(b.strategy));
  for (const a of sorted) bySet.set(a.operatorSet, [...(bySet.get(a.operatorSet) ?? []), a]);
  if (bySet.size === 0) return <Empty>This operator has not allocated to any operator set.</Empty>;
  return (
    <TableWrap label="Allocations per operator set">
      <thead>
        <tr>
          <th scope="col">Operator set</th>
          <th scope="col">Strategy</th>
          <th scope="col" className="num">
            Magnitude
          </th>
          <th scope="col" className="num">
            Pending change
          </th>
          <th scope="col" className="num">
            Allocated stake
          </th>
          <th scope="col" className="num">
            Slashable now
          </th>
        </tr>
      </thead>
      {[...bySet].map(([set, rows]) => (
        <tbody key={set} className="group">
          {rows.map((a, i) => {
            const max = maxMag.get(a.strategy) ?? 0n;
            const diff = BigInt(a.pendingDiff);
            return (
              <tr key={a.strategy} data-set={set} data-strategy={a.strategy}>
                {i === 0 ? (
                  <th scope="rowgroup" rowSpan={rows.length}>
                    <SetLink setKey={set} names={names} />
                  </th>
                ) : null}
                <td>
                  <AssetSymbol book={book} strategy={a.strategy} />
                </td>
                <td className="num" title={`${a.currentMagnitude} of ${max} (1e18 = 100%)`}>
                  {percent(BigInt(a.currentMagnitude), max, 2)}
                </td>
                <td className="num">
                  {diff === 0n ? (
                    <span className="muted">–</span>
                  ) : (
                    <span title={`${a.pendingDiff} magnitude`}>
                      {diff > 0n ? "+" : "−"}
                      {percent(diff < 0n ? -diff : diff, max, 2)} at block {formatInt(a.effectBlock)}
                    </span>
                  )}
                </td>
                <td className="num">
                  <AssetAmount
                    book={book}
                    strategy={a.strategy}
                    value={book.sharesToAsset(a.strategy, BigInt(a.allocatedStake))}
                  />
                </td>
                <td className="num">
                  <AssetAmount
                    book={book}
                    strategy={a.strategy}
                    value={book.sharesToAsset(a.strategy, BigInt(a.slashableStake))}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </TableWrap>
  );
}
