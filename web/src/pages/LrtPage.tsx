import { useMemo } from "react";
import { ApiError } from "../api/client.ts";
import { useLrt, useLrtFees, useLrtHistory, useLrtRequests, useLrts, useMarkets } from "../api/hooks.ts";
import type {
  LrtDetail,
  LrtFees,
  LrtHistory,
  LrtRequests,
  LrtSample,
  LrtSummary,
  Markets,
  SupplyByChain,
} from "../api/types.ts";
import { ChartBox, PALETTE } from "../charts/ChartBox.tsx";
import { barOption, stepLinesOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { Addr, Badge, Empty, Gate, PageHeader, Section, Stat, Stats, TableWrap } from "../components/ui.tsx";
import { bpsPercent, formatInt, formatUnits, percent, toNumber, utcTime } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";

const PROTOCOLS: Record<string, string> = {
  etherfi: "ether.fi",
  renzo: "Renzo",
  kelp: "Kelp",
  puffer: "Puffer",
  swell: "Swell",
};

/**
 * The token an LRT trades as (weETH for ether.fi), which its rate prices. ether.fi's supply counts eETH shares, and
 * one weETH is one share, so its supply is shown in weETH.
 */
const tradedSymbol = (s: LrtSummary) => s.wrappedSymbol ?? s.symbol;

/** A WAD rate or price as "1.000512". */
const wad = (v: bigint | string, digits = 6) => formatUnits(BigInt(v), 18, digits);

/** (price − rate)/rate as a signed percentage. */
function depegText(price: bigint, rate: bigint): string {
  if (rate === 0n) return "–";
  const text = percent(price - rate, rate, 2);
  return price >= rate ? `+${text}` : text;
}

function poolPrice(markets: Markets | undefined, asset: string): bigint | null {
  const pool = markets?.pools.find(
    (p) => p.assets.includes(asset) && p.assets.some((a) => a === "WETH" || a === "ETH"),
  );
  const quote = pool?.prices.find((x) => x.asset === asset);
  return quote === undefined ? null : BigInt(quote.price);
}

/* ------------------------------------------------------------------ the list */

export function LrtListPage() {
  const lrtsQ = useLrts();
  const marketsQ = useMarkets();
  return (
    <>
      <PageHeader title="Liquid restaking tokens" kicker="LRTs on this node">
        <p className="muted">
          Each LRT's own rate (what the protocol says a token is worth), its net asset value, the withdrawal queue and
          whether its bridged supply is fully backed. Open one for its depeg history, supply by chain, queue and fees.
        </p>
      </PageHeader>
      <Section title="LRTs" id="lrts">
        <Gate queries={[lrtsQ]} what="the LRTs">
          {() => <LrtTable lrts={lrtsQ.data!.lrts} markets={marketsQ.data} />}
        </Gate>
      </Section>
    </>
  );
}

function LrtTable({ lrts, markets }: { lrts: LrtSummary[]; markets: Markets | undefined }) {
  if (lrts.length === 0) return <Empty>No LRT has been created on this node.</Empty>;
  return (
    <TableWrap label="LRTs">
      <thead>
        <tr>
          <th scope="col">Token</th>
          <th scope="col">Protocol</th>
          <th scope="col" className="num">
            Rate
          </th>
          <th scope="col" className="num">
            DEX price
          </th>
          <th scope="col" className="num">
            NAV
          </th>
          <th scope="col" className="num">
            Supply
          </th>
          <th scope="col" className="num">
            Queue
          </th>
          <th scope="col">Bridged supply</th>
        </tr>
      </thead>
      <tbody>
        {lrts.map((l) => {
          const price = poolPrice(markets, tradedSymbol(l));
          return (
            <tr key={l.id} data-lrt={l.id}>
              <th scope="row">
                <Link to={paths.lrt(l.id)}>
                  {l.symbol}
                  {l.wrappedSymbol ? ` / ${l.wrappedSymbol}` : ""}
                </Link>
              </th>
              <td>{PROTOCOLS[l.protocol] ?? l.protocol}</td>
              <td className="num" data-col="rate">
                <Amount value={l.rate} maxFraction={6} unit="ETH" />
              </td>
              <td className="num">
                {price === null ? (
                  <span className="muted">no pool</span>
                ) : (
                  <>
                    <Amount value={price} maxFraction={6} unit="ETH" />{" "}
                    <span className="muted">({depegText(price, BigInt(l.rate))})</span>
                  </>
                )}
              </td>
              <td className="num">
                <Amount value={l.nav} />
              </td>
              <td className="num">
                <Amount value={l.supply} unit={tradedSymbol(l)} />
              </td>
              <td className="num">{formatInt(l.queuePending)} pending</td>
              <td>
                {l.supplyInvariantHolds ? (
                  <Badge tone="ok">backed</Badge>
                ) : (
                  <Badge tone="bad">
                    unbacked <Amount value={l.unbacked} unit={tradedSymbol(l)} />
                  </Badge>
                )}
                {l.paused.length > 0 ? <Badge tone="warn">paused: {l.paused.join(", ")}</Badge> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

/* ------------------------------------------------------------------ one LRT */

export function LrtPage({ id }: { id: string }) {
  const lrtQ = useLrt(id);
  const historyQ = useLrtHistory(id);
  const requestsQ = useLrtRequests(id);
  const feesQ = useLrtFees(id);
  const lrt = lrtQ.data;
  const notFound = lrtQ.data === undefined && lrtQ.error instanceof ApiError && lrtQ.error.status === 404;
  const title = lrt ? `${lrt.summary.symbol}${lrt.summary.wrappedSymbol ? ` / ${lrt.summary.wrappedSymbol}` : ""}` : id;
  return (
    <>
      <PageHeader title={title} kicker={lrt ? `${PROTOCOLS[lrt.summary.protocol] ?? lrt.summary.protocol} LRT` : "LRT"}>
        <p className="muted">
          <Link to={paths.lrts()}>All LRTs</Link>
        </p>
      </PageHeader>
      {notFound ? (
        <div className="state state-error" role="alert">
          <p>
            <strong>There is no LRT “{id}” on this node.</strong> See the <Link to={paths.lrts()}>list of LRTs</Link>.
          </p>
        </div>
      ) : (
        <>
          <Gate queries={[lrtQ]} what="the LRT">
            {() => <LrtStats lrt={lrtQ.data!} history={historyQ.data} />}
          </Gate>
          <Section
            title="Rate against DEX price"
            id="depeg"
            description="The protocol's rate, the NAV per token its assets imply now, and the token's price on its pool. A price below the rate is a discount (a depeg)."
          >
            <Gate queries={[historyQ]} what="the history">
              {() => <DepegChart history={historyQ.data!} />}
            </Gate>
          </Section>
          <div className="grid-2">
            <Section title="Supply by chain" id="supply">
              <Gate queries={[lrtQ]} what="supply by chain">
                {() => <Supply supply={lrtQ.data!.supplyByChain} />}
              </Gate>
            </Section>
            <Section title="Fees" id="fees">
              <Gate queries={[feesQ]} what="the fees">
                {() => <Fees fees={feesQ.data!} />}
              </Gate>
            </Section>
          </div>
          <Section title="Redemption queue" id="queue">
            <Gate queries={[requestsQ]} what="the redemption queue">
              {() => <Queue queue={requestsQ.data!} />}
            </Gate>
          </Section>
          <Section
            title="Delegation"
            id="delegation"
            description="Where the LRT's stake is delegated: its operator delegators, target and actual shares."
          >
            <Gate queries={[lrtQ]} what="the delegation">
              {() => <Delegation lrt={lrtQ.data!} />}
            </Gate>
          </Section>
        </>
      )}
    </>
  );
}

function LrtStats({ lrt, history }: { lrt: LrtDetail; history: LrtHistory | undefined }) {
  const s = lrt.summary;
  const last = history?.samples[history.samples.length - 1];
  const price = last?.dexPrice === null || last === undefined ? null : BigInt(last.dexPrice);
  const worst = history?.samples.reduce<LrtSample | null>(
    (w, x) => (x.depegBps !== null && (w === null || x.depegBps < (w.depegBps ?? 0)) ? x : w),
    null,
  );
  return (
    <Stats label="LRT summary">
      <Stat label="Rate" hint={`ETH per ${tradedSymbol(s)}`}>
        <span data-testid="lrt-rate">
          <Amount value={s.rate} maxFraction={6} />
        </span>
      </Stat>
      <Stat
        label="DEX price"
        hint={price === null ? "no pool" : `${depegText(price, BigInt(s.rate))} against the rate`}
      >
        {price === null ? <span className="muted">–</span> : <Amount value={price} maxFraction={6} />}
      </Stat>
      <Stat
        label="Largest discount"
        hint={worst?.depegBps != null && worst.depegBps < 0 ? `at transaction ${formatInt(worst.seq)}` : "never below"}
      >
        {worst?.depegBps != null && worst.depegBps < 0 ? `${worst.depegBps.toFixed(2)} bps` : "–"}
      </Stat>
      <Stat label="Net asset value" hint={`${wad(lrt.nav.navPerToken)} ETH per token`}>
        <span data-testid="lrt-nav">
          <Amount value={s.nav} />
        </span>
      </Stat>
      <Stat label="Supply" hint={s.wrappedSymbol ? `${s.symbol} shares, one per ${s.wrappedSymbol}` : undefined}>
        <span data-testid="lrt-supply">
          <Amount value={s.supply} unit={tradedSymbol(s)} />
        </span>
      </Stat>
    </Stats>
  );
}

function DepegChart({ history }: { history: LrtHistory }) {
  const samples = history.samples;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const overTime =
    first !== undefined && last !== undefined && BigInt(last.timestamp) - BigInt(first.timestamp) >= 3600n;
  const option = useMemo(() => {
    const x = (s: LrtSample) => (overTime ? Number(s.timestamp) * 1000 : s.seq);
    const line = (name: string, get: (s: LrtSample) => string | null, color: string, dashed = false) => ({
      name,
      color,
      dashed,
      points: samples.flatMap((s): [number, number][] => {
        const v = get(s);
        return v === null ? [] : [[x(s), toNumber(BigInt(v), 18)]];
      }),
    });
    return stepLinesOption(
      [
        line("Rate", (s) => s.rate, PALETTE[0]!),
        line("NAV per token", (s) => s.navPerToken, PALETTE[2]!, true),
        line("DEX price", (s) => s.dexPrice, PALETTE[3]!),
      ],
      { x: overTime ? "time" : "seq", unit: "ETH", digits: 4 },
    );
  }, [samples, overTime]);
  if (samples.length === 0) return <Empty>No history yet.</Empty>;
  const now = last!;
  const worst = samples.reduce((w, s) => (s.depegBps !== null && s.depegBps < (w.depegBps ?? 0) ? s : w), now);
  const label =
    `${history.symbol} rate ${wad(now.rate, 4)} ETH, NAV per token ${wad(now.navPerToken, 4)} ETH` +
    (now.dexPrice === null ? ", no DEX price" : `, DEX price ${wad(now.dexPrice, 4)} ETH (${now.depegBps} bps)`) +
    ` over ${samples.length} points` +
    (worst.depegBps !== null && worst.depegBps < 0 ? `; largest discount ${worst.depegBps} bps.` : ".");
  return (
    <>
      <ChartBox
        option={option}
        label={label}
        height={300}
        caption={
          <>
            {overTime
              ? `From ${utcTime(first!.timestamp)} to ${utcTime(now.timestamp)}.`
              : "Plotted by transaction: no chain time passed between these points."}{" "}
            {history.market
              ? `DEX price: ${history.market.asset} in ${history.market.quote} on the ${history.market.pool} pool.`
              : "This LRT has no DEX pool."}{" "}
            One point per block of transactions that changed a value
            {history.dropped > 0 ? `; the ${formatInt(history.dropped)} oldest points were dropped` : ""}.
          </>
        }
      />
      <p className="muted below" data-testid="depeg-now" data-bps={now.depegBps ?? ""}>
        Now:{" "}
        {now.depegBps === null ? "no DEX price" : `${now.depegBps > 0 ? "+" : ""}${now.depegBps} bps against the rate`}.
      </p>
    </>
  );
}

function Supply({ supply }: { supply: SupplyByChain }) {
  const option = useMemo(
    () =>
      barOption(
        [...supply.chains.map((c) => c.chain), ...(BigInt(supply.inFlight) > 0n ? ["in flight"] : [])],
        [
          {
            name: supply.token,
            values: [
              ...supply.chains.map((c) => toNumber(BigInt(c.supply) - BigInt(c.lockedInAdapter), 18)),
              ...(BigInt(supply.inFlight) > 0n ? [toNumber(BigInt(supply.inFlight), 18)] : []),
            ],
          },
        ],
        supply.token,
      ),
    [supply],
  );
  const total = BigInt(supply.canonicalL1) + BigInt(supply.l2Total) + BigInt(supply.inFlight);
  return (
    <>
      <p data-testid="backing-check">
        {supply.holds ? (
          <Badge tone="ok">backing check holds</Badge>
        ) : (
          <Badge tone="bad">
            unbacked: <Amount value={supply.unbacked} unit={supply.token} />
          </Badge>
        )}{" "}
        <span className="muted">
          canonical L1 + L2s + in flight = <Amount value={total} unit={supply.token} />; backed{" "}
          <Amount value={supply.backed} unit={supply.token} />
        </span>
      </p>
      <ChartBox
        option={option}
        height={Math.max(140, supply.chains.length * 40 + 60)}
        label={`${supply.token} by chain: ${supply.chains
          .map((c) => `${c.chain} ${formatUnits(BigInt(c.supply) - BigInt(c.lockedInAdapter), 18, 2)}`)
          .join(", ")}; in flight ${formatUnits(BigInt(supply.inFlight), 18, 2)}.`}
        caption="The L1 bar is canonical supply: what is locked in lock-and-mint adapters is counted on the L2 it backs."
      />
      <TableWrap label="Supply by chain">
        <thead>
          <tr>
            <th scope="col">Chain</th>
            <th scope="col" className="num">
              Supply
            </th>
            <th scope="col" className="num">
              Locked in adapters
            </th>
          </tr>
        </thead>
        <tbody>
          {supply.chains.map((c) => (
            <tr key={c.chain} data-chain={c.chain}>
              <th scope="row">{c.chain}</th>
              <td className="num" data-col="supply">
                <Amount value={c.supply} unit={supply.token} />
              </td>
              <td className="num">
                <Amount value={c.lockedInAdapter} unit={supply.token} />
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">in flight</th>
            <td className="num">
              <Amount value={supply.inFlight} unit={supply.token} />
            </td>
            <td />
          </tr>
        </tbody>
      </TableWrap>
    </>
  );
}

function Fees({ fees }: { fees: LrtFees }) {
  return (
    <>
      <TableWrap label="Fee schedule">
        <thead>
          <tr>
            <th scope="col">Fee</th>
            <th scope="col" className="num">
              Rate
            </th>
            <th scope="col">What it is</th>
          </tr>
        </thead>
        <tbody>
          {fees.fees.map((f) => (
            <tr key={f.key} data-fee={f.key}>
              <th scope="row">{f.label}</th>
              <td className="num">{bpsPercent(f.bps)}</td>
              <td className="wrap">{f.description}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <Stats label="Fees collected">
        <Stat label="Held by fee recipients" hint="valued at the rate">
          <span data-testid="fees-collected">
            <Amount value={fees.collectedEth} />
          </span>
        </Stat>
        {fees.recipients.map((r) => (
          <Stat key={r.role} label={r.role} hint={<Addr address={r.address} kind="position" />}>
            {r.holdings.length === 0 ? (
              <span className="muted">nothing yet</span>
            ) : (
              r.holdings.map((h) => (
                <span key={`${h.token}|${h.chain}`} className="block">
                  <Amount value={h.amount} unit={h.token} />
                </span>
              ))
            )}
          </Stat>
        ))}
      </Stats>
    </>
  );
}

const STATUS_TONE = { pending: "warn", finalized: "info", claimed: "ok", invalid: "bad" } as const;

function Queue({ queue }: { queue: LrtRequests }) {
  const t = queue.totals;
  return (
    <>
      <Stats label="Queue totals">
        <Stat label="Pending">
          <span data-testid="queue-pending">{formatInt(t.pending)}</span>
        </Stat>
        <Stat label="Pending would pay" hint="now, by the protocol's min() rule">
          <Amount value={t.pendingPayout} />
        </Stat>
        <Stat label="Finalized, unclaimed" hint={`${formatInt(t.finalized)} requests`}>
          <Amount value={t.finalizedOwed} />
        </Stat>
        <Stat label="Claimed">{formatInt(t.claimed)}</Stat>
      </Stats>
      <p className="muted">{queue.process}</p>
      {queue.requests.length === 0 ? (
        <Empty>No withdrawal has been requested.</Empty>
      ) : (
        <TableWrap label="Withdrawal requests">
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Owner</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Tokens
              </th>
              <th scope="col" className="num">
                Pays
              </th>
              <th scope="col">Requested</th>
              <th scope="col">Claimable</th>
            </tr>
          </thead>
          <tbody>
            {queue.requests.map((r) => (
              <tr key={r.id} data-request={r.id} data-status={r.status}>
                <th scope="row">#{r.id}</th>
                <td>
                  <Addr address={r.owner} kind="position" />
                </td>
                <td>
                  <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
                </td>
                <td className="num">
                  <Amount value={r.shares} unit={queue.symbol} />
                </td>
                <td className="num" data-col="payout" title={r.payoutFixed ? "fixed at finalization" : "if paid now"}>
                  <Amount value={r.payout} unit={r.assetSymbol} />
                  {r.payoutFixed ? null : <span className="muted"> now</span>}
                </td>
                <td>{utcTime(r.requestedAt)}</td>
                <td>
                  {r.claimableAt !== null
                    ? utcTime(r.claimableAt)
                    : r.claimableAtBlock !== null
                      ? `block ${formatInt(r.claimableAtBlock)}`
                      : r.status === "finalized"
                        ? "now"
                        : "–"}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </>
  );
}

function Delegation({ lrt }: { lrt: LrtDetail }) {
  const a = lrt.allocation;
  if (a.delegators.length === 0) return <Empty>This LRT has no operator delegators.</Empty>;
  return (
    <TableWrap label="Operator delegators">
      <thead>
        <tr>
          <th scope="col">Operator</th>
          <th scope="col" className="num">
            Target
          </th>
          <th scope="col" className="num">
            Actual
          </th>
          <th scope="col" className="num">
            Value
          </th>
          <th scope="col" className="num">
            Operator sets
          </th>
        </tr>
      </thead>
      <tbody>
        {a.delegators.map((d) => (
          <tr key={d.delegator} data-operator={d.operator}>
            <th scope="row">
              <Addr address={d.operator} kind="operator" />
              {d.delegatedTo !== d.operator ? <Badge tone="bad">not delegated</Badge> : null}
            </th>
            <td className="num">{bpsPercent(d.weightBps)}</td>
            <td className="num">{bpsPercent(d.actualBps)}</td>
            <td className="num">
              <Amount value={d.value} />
            </td>
            <td className="num">
              {formatInt(
                new Set(a.operatorSets.filter((s) => s.operator === d.operator).map((s) => s.serviceSet)).size,
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
