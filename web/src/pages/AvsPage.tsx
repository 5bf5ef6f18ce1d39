import { useMemo } from "react";
import { ApiError } from "../api/client.ts";
import { useAssetBook, useAvs, useAvsNames, useNeutral, useSlashes } from "../api/hooks.ts";
import type { Avs, Neutral } from "../api/types.ts";
import { ChartBox } from "../charts/ChartBox.tsx";
import { barOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { SlashTable } from "../components/slashes.tsx";
import {
  Addr,
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
import { type AssetBook, avsName } from "../lib/assets.ts";
import { formatInt, shortAddress, toNumber } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";

export function AvsPage({ address }: { address: string }) {
  const { book, query: strategiesQ } = useAssetBook();
  const avsQ = useAvs(address);
  const neutralQ = useNeutral();
  const slashesQ = useSlashes({ avs: address });
  const names = useAvsNames();
  const name = avsQ.data ? avsName(avsQ.data.metadataURI) : names.get(address);

  if (avsQ.error instanceof ApiError && avsQ.error.status === 404 && avsQ.data === undefined) {
    return (
      <>
        <PageHeader title={`AVS ${shortAddress(address)}`} kicker="AVS" />
        <div className="state state-empty" role="alert">
          <p>
            <strong>{address}</strong> is not a known AVS.
          </p>
          <p>
            Back to the <Link to={paths.overview()}>overview</Link>.
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title={name || `AVS ${shortAddress(address)}`} kicker="AVS">
        <p className="muted mono">{address}</p>
        {avsQ.data?.metadataURI ? <p className="muted">Metadata: {avsQ.data.metadataURI}</p> : null}
      </PageHeader>
      <Gate queries={[strategiesQ, avsQ, neutralQ]} what="the AVS">
        {() => <AvsBody avs={avsQ.data!} neutral={neutralQ.data!} book={book!} names={names} />}
      </Gate>
      <Section title="Slashing history" id="slashing">
        <Gate queries={[strategiesQ, slashesQ]} what="slashing history">
          {() => <SlashTable slashes={slashesQ.data!} book={book!} names={names} show="operator" />}
        </Gate>
      </Section>
    </>
  );
}

function AvsBody({
  avs,
  neutral,
  book,
  names,
}: {
  avs: Avs;
  neutral: Neutral;
  book: AssetBook;
  names: Map<string, string>;
}) {
  const sets = avs.operatorSets.map((s) => {
    let eth = 0n;
    for (const e of neutral.exposures)
      if (e.serviceSet === s.operatorSet && book.info(e.collateral).isEth) eth += BigInt(e.assetAmount);
    return { s, eth };
  });
  const byOperator = new Map<string, bigint>();
  for (const e of neutral.exposures)
    if (e.service === avs.address && book.info(e.collateral).isEth)
      byOperator.set(e.operator, (byOperator.get(e.operator) ?? 0n) + BigInt(e.assetAmount));
  const operators = [...byOperator].sort(([, a], [, b]) => (a === b ? 0 : a > b ? -1 : 1));
  const total = sets.reduce((a, x) => a + x.eth, 0n);
  const slashes = avs.operatorSets.reduce((a, s) => a + BigInt(s.slashCount), 0n);
  const option = useMemo(
    () =>
      barOption(
        sets.map((x) => `Set ${x.s.operatorSetId}`),
        [{ name: "Allocated", values: sets.map((x) => toNumber(x.eth, 18)) }],
        "ETH",
      ),
    [sets],
  );
  return (
    <>
      <Stats label="AVS summary">
        <Stat label="Allocated stake" hint="unique stake, slashable now">
          <Amount value={total} />
        </Stat>
        <Stat label="Operator sets">{formatInt(avs.operatorSets.length)}</Stat>
        <Stat label="Operators" hint="across its sets">
          {formatInt(new Set(avs.operatorSets.flatMap((s) => s.members)).size)}
        </Stat>
        <Stat label="Slashes">{formatInt(slashes)}</Stat>
      </Stats>
      <Section title="Operator sets" id="sets">
        {sets.length === 0 ? (
          <Empty>This AVS has not created an operator set.</Empty>
        ) : (
          <>
            <ChartBox
              option={option}
              label={`Allocated stake by operator set: ${sets
                .map((x) => `set ${x.s.operatorSetId} ${toNumber(x.eth, 18).toFixed(2)} ETH`)
                .join(", ")}.`}
              height={Math.max(140, sets.length * 44 + 20)}
            />
            <TableWrap label="Operator sets">
              <thead>
                <tr>
                  <th scope="col">Set</th>
                  <th scope="col">Strategies</th>
                  <th scope="col" className="num">
                    Operators
                  </th>
                  <th scope="col" className="num">
                    Allocated stake
                  </th>
                  <th scope="col" className="num">
                    Slashes
                  </th>
                  <th scope="col">Slashed funds</th>
                </tr>
              </thead>
              <tbody>
                {sets.map(({ s, eth }) => (
                  <tr key={s.operatorSet} data-set={s.operatorSet}>
                    <th scope="row">
                      <SetLink setKey={s.operatorSet} names={names} />
                    </th>
                    <td className="wrap">
                      {s.strategies.map((st, i) => (
                        <span key={st}>
                          {i > 0 ? ", " : ""}
                          <AssetSymbol book={book} strategy={st} />
                        </span>
                      ))}
                    </td>
                    <td className="num">{formatInt(s.members.length)}</td>
                    <td className="num">
                      <Amount value={eth} />
                    </td>
                    <td className="num">
                      {BigInt(s.slashCount) > 0n ? <Badge tone="bad">{formatInt(s.slashCount)}</Badge> : "0"}
                    </td>
                    <td>
                      {s.redistributionRecipient === null ? (
                        "burned"
                      ) : (
                        <>
                          to <Addr address={s.redistributionRecipient} />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          </>
        )}
      </Section>
      <Section
        title="Operators"
        id="operators"
        description="ETH-denominated stake each operator has allocated to this AVS."
      >
        {operators.length === 0 ? (
          <Empty>No operator has allocated stake to this AVS.</Empty>
        ) : (
          <TableWrap label="Operators of this AVS">
            <thead>
              <tr>
                <th scope="col">Operator</th>
                <th scope="col" className="num">
                  Allocated stake
                </th>
                <th scope="col">Sets</th>
              </tr>
            </thead>
            <tbody>
              {operators.map(([op, eth]) => (
                <tr key={op}>
                  <th scope="row">
                    <Addr address={op} kind="operator" />
                  </th>
                  <td className="num">
                    <Amount value={eth} />
                  </td>
                  <td>
                    {avs.operatorSets
                      .filter((s) => s.members.includes(op))
                      .map((s) => `set ${s.operatorSetId}`)
                      .join(", ") || <span className="muted">deregistered</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>
    </>
  );
}
