import { useMemo } from "react";
import { useLrts, useMarketHealth, useMarkets } from "../api/hooks.ts";
import type { LrtList, MarketHealth, Markets } from "../api/types.ts";
import { ChartBox } from "../charts/ChartBox.tsx";
import { bandsOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { Addr, Badge, Empty, Gate, PageHeader, Section, Stat, Stats, TableWrap } from "../components/ui.tsx";
import { bpsPercent, formatInt, formatUnits, percent, toNumber, utcTime, WAD } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";

const RAY = 10n ** 27n;
/** Oracle prices and base-currency values have 8 decimals (USD). */
const BASE_DECIMALS = 8;

function Usd({ value }: { value: bigint | string }) {
  return <Amount value={value} decimals={BASE_DECIMALS} unit="USD" maxFraction={0} rawUnit="USD × 1e8" />;
}

/** A health factor as text: "∞" without debt, else 4 decimals. */
export function hfText(hf: bigint | string): string {
  const v = BigInt(hf);
  return v >= 2n ** 255n ? "∞" : formatUnits(v, 18, 4);
}

function HealthBadge({ hf }: { hf: bigint | string }) {
  const v = BigInt(hf);
  if (v < WAD) return <Badge tone="bad">liquidatable</Badge>;
  if (v < (WAD * 105n) / 100n) return <Badge tone="warn">close to 1</Badge>;
  return null;
}

export function MarketsPage() {
  const marketsQ = useMarkets();
  const healthQ = useMarketHealth();
  const lrtsQ = useLrts();
  return (
    <>
      <PageHeader title="Markets" kicker="DEX pools and lending">
        <p className="muted">
          Where LRTs trade and where they are borrowed against: pool prices next to each LRT's own rate, the lending
          markets, how close each borrower is to liquidation, and the liquidations so far. Values in USD use the
          markets' oracles.
        </p>
      </PageHeader>
      <Section title="Pools and prices" id="pools">
        <Gate queries={[marketsQ]} what="the pools">
          {() => <Pools markets={marketsQ.data!} lrts={lrtsQ.data} />}
        </Gate>
      </Section>
      <Section
        title="Health factors"
        id="health"
        description="Every borrowing position by health factor (collateral at its liquidation threshold over debt): below 1 it can be liquidated."
      >
        <Gate queries={[healthQ]} what="health factors">
          {() => <Health health={healthQ.data!} />}
        </Gate>
      </Section>
      <Section title="Lending markets" id="lending">
        <Gate queries={[marketsQ]} what="the lending markets">
          {() => <Lending markets={marketsQ.data!} />}
        </Gate>
      </Section>
      <Section title="Liquidations" id="liquidations">
        <Gate queries={[marketsQ]} what="the liquidations">
          {() => <Liquidations markets={marketsQ.data!} />}
        </Gate>
      </Section>
    </>
  );
}

function Pools({ markets, lrts }: { markets: Markets; lrts: LrtList | undefined }) {
  const decimals = new Map(markets.assets.map((a) => [a.id, a.decimals]));
  const lrtOf = (asset: string) => lrts?.lrts.find((l) => (l.wrappedSymbol ?? l.symbol) === asset);
  if (markets.pools.length === 0) return <Empty>No pool has been created.</Empty>;
  return (
    <TableWrap label="Pools">
      <thead>
        <tr>
          <th scope="col">Pool</th>
          <th scope="col">Balances</th>
          <th scope="col" className="num">
            Price
          </th>
          <th scope="col" className="num">
            LRT rate
          </th>
          <th scope="col" className="num">
            Price vs rate
          </th>
          <th scope="col" className="num">
            Fee
          </th>
        </tr>
      </thead>
      <tbody>
        {markets.pools.map((p) => {
          const quote = p.prices[0];
          const lrt = quote === undefined ? undefined : lrtOf(quote.asset);
          const price = quote === undefined ? null : BigInt(quote.price);
          const rate = lrt === undefined ? null : BigInt(lrt.rate);
          return (
            <tr key={p.id} data-pool={p.id}>
              <th scope="row">
                {p.id}
                <span className="muted block">
                  {p.kind === "stableswap" ? `StableSwap, A = ${p.amplification ?? "?"}` : "constant product"}
                  {lrt === undefined ? null : (
                    <>
                      {" · "}
                      <Link to={paths.lrt(lrt.id)}>{lrt.symbol} page</Link>
                    </>
                  )}
                </span>
              </th>
              <td className="wrap">
                {p.assets.map((a, i) => (
                  <span key={a} className="block">
                    <Amount value={p.balances[i] ?? "0"} decimals={decimals.get(a) ?? 18} unit={a} maxFraction={2} />
                  </span>
                ))}
              </td>
              <td className="num" data-col="price">
                {quote === undefined ? (
                  <span className="muted">empty</span>
                ) : (
                  <Amount value={quote.price} maxFraction={6} unit={`${quote.quote} per ${quote.asset}`} />
                )}
              </td>
              <td className="num">
                {lrt === undefined ? (
                  <span className="muted">–</span>
                ) : (
                  <Amount value={lrt.rate} maxFraction={6} unit="ETH" />
                )}
              </td>
              <td className="num">
                {price === null || rate === null || rate === 0n ? (
                  <span className="muted">–</span>
                ) : (
                  <span data-testid={`pool-depeg-${p.id}`}>
                    {price >= rate ? "+" : ""}
                    {percent(price - rate, rate, 2)}
                  </span>
                )}
              </td>
              <td className="num">{percent(BigInt(p.fee), WAD, 2)}</td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

const BAND_COLORS = ["#b91c1c", "#b45309", "#a16207", "#1d4ed8", "#1d4ed8", "#047857", "#047857"];

function Health({ health }: { health: MarketHealth }) {
  const option = useMemo(
    () =>
      bandsOption(
        health.bands.map((b, i) => ({
          label: b.label,
          value: toNumber(BigInt(b.debtBase), BASE_DECIMALS),
          color: BAND_COLORS[i] ?? "#1d4ed8",
        })),
        "USD of debt",
      ),
    [health],
  );
  if (health.positions.length === 0) return <Empty>Nobody is borrowing.</Empty>;
  const lowest = health.positions[0]!;
  return (
    <>
      <Stats label="Borrowing">
        <Stat label="Borrowers" hint={`${formatInt(health.positions.length)} positions`}>
          <span data-testid="borrowers">{formatInt(new Set(health.positions.map((p) => p.account)).size)}</span>
        </Stat>
        <Stat label="Total debt">
          <Usd value={health.totalDebtBase} />
        </Stat>
        <Stat label="Liquidatable now">
          <span data-testid="liquidatable">{formatInt(health.liquidatable)}</span>
        </Stat>
        <Stat label="Lowest health factor" hint={<Addr address={lowest.account} kind="position" />}>
          <span data-testid="lowest-hf">{hfText(lowest.healthFactor)}</span>
        </Stat>
      </Stats>
      <div className="split">
        <ChartBox
          option={option}
          height={260}
          label={`Debt by health-factor band: ${health.bands
            .map((b) => `${b.label}: ${b.count} positions, ${formatUnits(BigInt(b.debtBase), BASE_DECIMALS, 0)} USD`)
            .join("; ")}.`}
          caption="Debt (USD) in each health-factor band; red bands are liquidatable or within 5% of it."
        />
        <TableWrap label="Health-factor bands">
          <thead>
            <tr>
              <th scope="col">Health factor</th>
              <th scope="col" className="num">
                Positions
              </th>
              <th scope="col" className="num">
                Debt
              </th>
            </tr>
          </thead>
          <tbody>
            {health.bands.map((b) => (
              <tr key={b.label} data-band={b.label}>
                <th scope="row">{b.label}</th>
                <td className="num" data-col="count">
                  {formatInt(b.count)}
                </td>
                <td className="num">
                  <Usd value={b.debtBase} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      </div>
      <TableWrap label="Borrowing positions">
        <thead>
          <tr>
            <th scope="col">Borrower</th>
            <th scope="col">Market</th>
            <th scope="col">Collateral → debt</th>
            <th scope="col" className="num">
              Health factor
            </th>
            <th scope="col" className="num">
              Collateral
            </th>
            <th scope="col" className="num">
              Debt
            </th>
          </tr>
        </thead>
        <tbody>
          {health.positions.map((p) => (
            <tr key={`${p.account}|${p.market}`} data-account={p.account} data-market={p.market}>
              <th scope="row">
                <Addr address={p.account} kind="position" />
              </th>
              <td>{p.venue === "aave" ? "Aave-style pool" : `Morpho ${p.market}`}</td>
              <td>
                {p.collateral.join(", ")} → {p.debt.join(", ")}
              </td>
              <td className="num" data-col="hf" data-value={p.healthFactor}>
                {hfText(p.healthFactor)} <HealthBadge hf={p.healthFactor} />
              </td>
              <td className="num">
                <Usd value={p.collateralBase} />
              </td>
              <td className="num">
                <Usd value={p.debtBase} />
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}

function Lending({ markets }: { markets: Markets }) {
  const decimals = new Map(markets.assets.map((a) => [a.id, a.decimals]));
  const { reserves, eModes, morpho } = markets.lending;
  if (reserves.length === 0 && morpho.length === 0) return <Empty>No lending market has been created.</Empty>;
  return (
    <>
      {reserves.length > 0 ? (
        <TableWrap label="Aave-style reserves">
          <thead>
            <tr>
              <th scope="col">Reserve</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Supplied
              </th>
              <th scope="col" className="num">
                Borrowed
              </th>
              <th scope="col" className="num">
                Utilisation
              </th>
              <th scope="col" className="num">
                LTV / threshold
              </th>
              <th scope="col" className="num">
                Borrow APR
              </th>
            </tr>
          </thead>
          <tbody>
            {reserves.map((r) => (
              <tr key={r.asset} data-reserve={r.asset}>
                <th scope="row">
                  {r.asset}
                  {r.frozen ? <Badge tone="warn">frozen</Badge> : null}
                  {r.paused ? <Badge tone="bad">paused</Badge> : null}
                </th>
                <td className="num">
                  <Amount value={r.price} decimals={BASE_DECIMALS} unit="USD" maxFraction={2} />
                </td>
                <td className="num">
                  <Amount
                    value={r.totalSupplied}
                    decimals={decimals.get(r.asset) ?? 18}
                    unit={r.asset}
                    maxFraction={2}
                  />
                </td>
                <td className="num">
                  <Amount
                    value={r.totalBorrowed}
                    decimals={decimals.get(r.asset) ?? 18}
                    unit={r.asset}
                    maxFraction={2}
                  />
                </td>
                <td className="num">{percent(BigInt(r.utilization), WAD, 1)}</td>
                <td className="num">
                  {bpsPercent(r.ltv)} / {bpsPercent(r.liquidationThreshold)}
                </td>
                <td className="num">{r.borrowingEnabled ? percent(BigInt(r.borrowRate), RAY, 2) : "not borrowable"}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      ) : null}
      {eModes.length > 0 ? (
        <p className="muted below">
          E-modes:{" "}
          {eModes.map((e, i) => (
            <span key={e.id}>
              {i > 0 ? "; " : ""}“{e.label}” ({e.collateralAssets.join(", ")} → {e.borrowableAssets.join(", ")}, LTV{" "}
              {bpsPercent(e.ltv)}, threshold {bpsPercent(e.liquidationThreshold)})
            </span>
          ))}
          .
        </p>
      ) : null}
      {morpho.length > 0 ? (
        <TableWrap label="Morpho markets">
          <thead>
            <tr>
              <th scope="col">Market</th>
              <th scope="col" className="num">
                LLTV
              </th>
              <th scope="col" className="num">
                Oracle price
              </th>
              <th scope="col" className="num">
                Supplied
              </th>
              <th scope="col" className="num">
                Borrowed
              </th>
              <th scope="col" className="num">
                Utilisation
              </th>
            </tr>
          </thead>
          <tbody>
            {morpho.map((m) => (
              <tr key={m.id} data-morpho={m.id}>
                <th scope="row">
                  {m.id}
                  <span className="muted block">
                    {m.collateralToken} → {m.loanToken}
                  </span>
                </th>
                <td className="num">{percent(BigInt(m.lltv), WAD, 1)}</td>
                <td className="num">
                  <Amount value={m.priceWad} maxFraction={6} unit={`${m.loanToken} per ${m.collateralToken}`} />
                </td>
                <td className="num">
                  <Amount
                    value={m.totalSupplyAssets}
                    decimals={decimals.get(m.loanToken) ?? 18}
                    unit={m.loanToken}
                    maxFraction={2}
                  />
                </td>
                <td className="num">
                  <Amount
                    value={m.totalBorrowAssets}
                    decimals={decimals.get(m.loanToken) ?? 18}
                    unit={m.loanToken}
                    maxFraction={2}
                  />
                </td>
                <td className="num">{percent(BigInt(m.utilization), WAD, 1)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      ) : null}
    </>
  );
}

function Liquidations({ markets }: { markets: Markets }) {
  const decimals = new Map(markets.assets.map((a) => [a.id, a.decimals]));
  const list = [...markets.liquidations].reverse();
  if (list.length === 0) return <Empty>No position has been liquidated.</Empty>;
  return (
    <TableWrap label="Liquidations">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Market</th>
          <th scope="col">Borrower</th>
          <th scope="col" className="num">
            Debt repaid
          </th>
          <th scope="col" className="num">
            Collateral seized
          </th>
          <th scope="col" className="num">
            Health factor
          </th>
          <th scope="col" className="num">
            Bad debt
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map((l, i) => (
          <tr
            // liquidations have no id: a borrower can be liquidated twice in one block
            // biome-ignore lint/suspicious/noArrayIndexKey: the list only grows at its end
            key={`${l.borrower}|${l.timestamp}|${i}`}
            data-borrower={l.borrower}
          >
            <th scope="row">{utcTime(l.timestamp)}</th>
            <td>{l.venue === "aave" ? "Aave-style pool" : `Morpho ${l.market}`}</td>
            <td>
              <Addr address={l.borrower} kind="position" />
            </td>
            <td className="num" data-col="repaid">
              <Amount value={l.debtRepaid} decimals={decimals.get(l.debtAsset) ?? 18} unit={l.debtAsset} />
            </td>
            <td className="num">
              <Amount
                value={l.collateralSeized}
                decimals={decimals.get(l.collateralAsset) ?? 18}
                unit={l.collateralAsset}
              />
            </td>
            <td className="num">
              {hfText(l.healthFactorBefore)} → {hfText(l.healthFactorAfter)}
            </td>
            <td className="num">
              {BigInt(l.badDebt) === 0n ? (
                "none"
              ) : (
                <Amount value={l.badDebt} decimals={decimals.get(l.debtAsset) ?? 18} unit={l.debtAsset} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
