import { useMemo } from "react";
import {
  useAssetBook,
  useAvsList,
  useAvsNames,
  useNeutral,
  useOperators,
  useSecuritySummary,
  useSlashes,
  useWithdrawals,
} from "../api/hooks.ts";
import type { AvsList, Neutral, Operators, SecuritySummary, Slashes, Withdrawals } from "../api/types.ts";
import { ChartBox } from "../charts/ChartBox.tsx";
import { barOption, concentrationOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { SlashStatus, slashedEth } from "../components/slashes.tsx";
import {
  Addr,
  AssetAmount,
  AssetSymbol,
  AvsLink,
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
import { formatInt, fractionText, percent, ratio, shortAddress, toNumber, wadPercent } from "../lib/format.ts";
import { hhi, hhiLevel, nakamoto, type OperatorStake, operatorStakes, queuedByStrategy } from "../lib/metrics.ts";

export function Overview() {
  const { book, query: strategiesQ } = useAssetBook();
  const neutralQ = useNeutral();
  const operatorsQ = useOperators();
  const avsQ = useAvsList();
  const slashesQ = useSlashes();
  const withdrawalsQ = useWithdrawals();
  const securityQ = useSecuritySummary();
  const names = useAvsNames();
  const stakes = useMemo(
    () => (neutralQ.data && book ? operatorStakes(neutralQ.data, book) : []),
    [neutralQ.data, book],
  );

  return (
    <>
      <PageHeader title="Network overview" kicker="Restaking on this node">
        <p className="muted">
          Stake delegated to operators and allocated to AVSs, read from the node's API. ETH totals count native ETH and
          liquid staking tokens 1:1 (the API has no prices); other assets are shown in their own units.
        </p>
      </PageHeader>

      <Gate queries={[strategiesQ, neutralQ]} what="network totals">
        {() => <Totals neutral={neutralQ.data!} stakes={stakes} book={book!} />}
      </Gate>

      <Section title="Restaked by strategy" id="strategies">
        <Gate queries={[strategiesQ, neutralQ, withdrawalsQ]} what="strategies">
          {() => <ByStrategy book={book!} neutral={neutralQ.data!} withdrawals={withdrawalsQ.data!} />}
        </Gate>
      </Section>
      <Section
        title="Concentration"
        id="concentration"
        description="How evenly ETH-denominated stake is spread over operators."
      >
        <Gate queries={[strategiesQ, neutralQ]} what="concentration">
          {() => <Concentration stakes={stakes} />}
        </Gate>
      </Section>

      <Section
        title="Security"
        id="security"
        description="Can a coalition of operators profitably corrupt operator sets? Each set's slashable (unique) stake against the profit from corrupting it, with the node's risk parameters."
      >
        <Gate queries={[securityQ]} what="the security summary">
          {() => <Security summary={securityQ.data!} names={names} />}
        </Gate>
      </Section>

      <Section title="Operators" id="operators">
        <Gate queries={[strategiesQ, neutralQ, operatorsQ]} what="operators">
          {() => <OperatorTable stakes={stakes} neutral={neutralQ.data!} operators={operatorsQ.data!} book={book!} />}
        </Gate>
      </Section>

      <Section title="AVSs" id="avss">
        <Gate queries={[strategiesQ, neutralQ, avsQ, slashesQ]} what="AVSs">
          {() => (
            <AvsTable list={avsQ.data!} neutral={neutralQ.data!} slashes={slashesQ.data!} book={book!} names={names} />
          )}
        </Gate>
      </Section>

      <div className="grid-2">
        <Section title="Recent slashes" id="slashes">
          <Gate queries={[strategiesQ, slashesQ]} what="slashes">
            {() => <RecentSlashes slashes={slashesQ.data!} book={book!} names={names} />}
          </Gate>
        </Section>
        <Section title="Withdrawal queue" id="queue">
          <Gate queries={[strategiesQ, withdrawalsQ]} what="the withdrawal queue">
            {() => <Queue withdrawals={withdrawalsQ.data!} book={book!} />}
          </Gate>
        </Section>
      </div>
    </>
  );
}

function Totals({ neutral, stakes, book }: { neutral: Neutral; stakes: OperatorStake[]; book: AssetBook }) {
  const totalEth = stakes.reduce((a, s) => a + s.eth, 0n);
  const other = new Map<string, bigint>();
  for (const s of stakes) for (const o of s.other) other.set(o.strategy, (other.get(o.strategy) ?? 0n) + o.amount);
  const stakers = neutral.operators.reduce((a, o) => a + o.stakers, 0);
  const sets = neutral.services.reduce((a, s) => a + s.serviceSets.length, 0);
  let allocated = 0n;
  for (const e of neutral.exposures) if (book.info(e.collateral).isEth) allocated += BigInt(e.assetAmount);
  return (
    <Stats label="Network totals">
      <Stat
        label="Delegated stake"
        hint={[...other].map(([st, v]) => <AssetAmount key={st} book={book} strategy={st} value={v} />)}
      >
        <Amount value={totalEth} />
      </Stat>
      <Stat label="Allocated to operator sets" hint={`${percent(allocated, totalEth, 1)} of delegated`}>
        <Amount value={allocated} />
      </Stat>
      <Stat label="Operators">{formatInt(neutral.operators.length)}</Stat>
      <Stat label="Delegating stakers">{formatInt(stakers)}</Stat>
      <Stat label="AVSs" hint={`${formatInt(sets)} operator sets`}>
        {formatInt(neutral.services.length)}
      </Stat>
    </Stats>
  );
}

function ByStrategy({ book, neutral, withdrawals }: { book: AssetBook; neutral: Neutral; withdrawals: Withdrawals }) {
  const rows = useMemo(() => {
    const delegated = new Map<string, bigint>();
    for (const o of neutral.operators)
      for (const d of o.delegated)
        delegated.set(d.collateral, (delegated.get(d.collateral) ?? 0n) + BigInt(d.assetAmount));
    const queued = queuedByStrategy(withdrawals.withdrawals, book);
    return book.list().map((info) => {
      const del = delegated.get(info.strategy) ?? 0n;
      const balance = info.native ? null : book.depositedAsset(info.strategy);
      return {
        info,
        delegated: del,
        balance,
        other: balance === null || balance < del ? 0n : balance - del,
        queued: queued.get(info.strategy) ?? 0n,
      };
    });
  }, [book, neutral, withdrawals]);
  const eth = rows.filter((r) => r.info.isEth);
  const option = useMemo(
    () =>
      barOption(
        eth.map((r) => (r.info.native ? "ETH (native)" : r.info.symbol)),
        [
          { name: "Delegated", values: eth.map((r) => toNumber(r.delegated, 18)) },
          { name: "Other deposits", values: eth.map((r) => toNumber(r.other, 18)) },
        ],
        "ETH",
        { stacked: true },
      ),
    [eth],
  );
  if (rows.every((r) => r.delegated === 0n && (r.balance ?? 0n) === 0n)) return <Empty>Nothing is restaked yet.</Empty>;
  const summary = eth
    .map(
      (r) =>
        `${r.info.symbol}: ${toNumber(r.delegated, 18).toFixed(1)} delegated, ${toNumber(r.other, 18).toFixed(1)} other`,
    )
    .join("; ");
  return (
    <div className="split">
      <ChartBox
        option={option}
        label={`Restaked by strategy, in ETH. ${summary}.`}
        caption="Other deposits: not delegated, queued for withdrawal, or slashed and awaiting burn. Native ETH shows delegated stake only."
        height={Math.max(200, eth.length * 40 + 40)}
      />
      <TableWrap label="Restaked by strategy">
        <thead>
          <tr>
            <th scope="col">Strategy</th>
            <th scope="col" className="num">
              Delegated
            </th>
            <th scope="col" className="num">
              Deposited
            </th>
            <th scope="col" className="num">
              In queue
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.info.strategy}>
              <th scope="row">
                <AssetSymbol book={book} strategy={r.info.strategy} />
              </th>
              <td className="num">
                <AssetAmount book={book} strategy={r.info.strategy} value={r.delegated} />
              </td>
              <td className="num">
                {r.balance === null ? (
                  <span className="muted" title="Pod balances are not in the API">
                    –
                  </span>
                ) : (
                  <AssetAmount book={book} strategy={r.info.strategy} value={r.balance} />
                )}
              </td>
              <td className="num">
                <AssetAmount book={book} strategy={r.info.strategy} value={r.queued} />
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </div>
  );
}

function Concentration({ stakes }: { stakes: OperatorStake[] }) {
  const values = stakes.map((s) => s.eth);
  const total = values.reduce((a, b) => a + b, 0n);
  const index = hhi(values);
  const option = useMemo(
    () =>
      concentrationOption(
        stakes.map((s) => shortAddress(s.operator)),
        stakes.map((s) => ratio(s.eth, total) * 100),
      ),
    [stakes, total],
  );
  if (total === 0n) return <Empty>No stake is delegated yet.</Empty>;
  const top = stakes[0]!;
  return (
    <div className="split">
      <Stats label="Concentration">
        <Stat label="HHI" hint={hhiLevel(index)}>
          <span data-testid="hhi">
            {index.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
          </span>
        </Stat>
        <Stat label="Nakamoto coefficient" hint="operators to exceed 1/3">
          <span data-testid="nakamoto-third">{nakamoto(values, 1n, 3n)}</span>
        </Stat>
        <Stat label="Majority" hint="operators to exceed 1/2">
          <span data-testid="nakamoto-half">{nakamoto(values, 1n, 2n)}</span>
        </Stat>
        <Stat label="Largest operator" hint={shortAddress(top.operator)}>
          {percent(top.eth, total, 1)}
        </Stat>
      </Stats>
      <ChartBox
        option={option}
        label={`Operator shares of delegated stake, largest first: ${stakes
          .map((s) => `${shortAddress(s.operator)} ${percent(s.eth, total, 1)}`)
          .join(", ")}.`}
        caption="Bars: each operator's share; line: cumulative share, against the 1/3 and 1/2 thresholds."
        height={260}
      />
    </div>
  );
}

function OperatorTable({
  stakes,
  neutral,
  operators,
  book,
}: {
  stakes: OperatorStake[];
  neutral: Neutral;
  operators: Operators;
  book: AssetBook;
}) {
  if (stakes.length === 0) return <Empty>No operators are registered.</Empty>;
  const total = stakes.reduce((a, s) => a + s.eth, 0n);
  const sets = new Map(operators.operators.map((o) => [o.address, o.registeredSets.length]));
  const allocated = new Map<string, bigint>();
  for (const e of neutral.exposures)
    if (book.info(e.collateral).isEth)
      allocated.set(e.operator, (allocated.get(e.operator) ?? 0n) + BigInt(e.assetAmount));
  return (
    <TableWrap label="Operators">
      <thead>
        <tr>
          <th scope="col">Operator</th>
          <th scope="col" className="num">
            Stakers
          </th>
          <th scope="col" className="num">
            Delegated
          </th>
          <th scope="col" className="num">
            Share
          </th>
          <th scope="col" className="num">
            Allocated
          </th>
          <th scope="col" className="num">
            Operator sets
          </th>
          <th scope="col">Other assets</th>
        </tr>
      </thead>
      <tbody>
        {stakes.map((s) => (
          <tr key={s.operator} data-operator={s.operator}>
            <th scope="row">
              <Addr address={s.operator} kind="operator" />
            </th>
            <td className="num">{formatInt(s.stakers)}</td>
            <td className="num">
              <Amount value={s.eth} />
            </td>
            <td className="num">{percent(s.eth, total, 1)}</td>
            <td className="num">
              <Amount value={allocated.get(s.operator) ?? 0n} />
            </td>
            <td className="num">{formatInt(sets.get(s.operator) ?? 0)}</td>
            <td>
              {s.other.length === 0 ? (
                <span className="muted">–</span>
              ) : (
                s.other.map((o) => <AssetAmount key={o.strategy} book={book} strategy={o.strategy} value={o.amount} />)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function AvsTable({
  list,
  neutral,
  slashes,
  book,
  names,
}: {
  list: AvsList;
  neutral: Neutral;
  slashes: Slashes;
  book: AssetBook;
  names: Map<string, string>;
}) {
  if (list.avss.length === 0) return <Empty>No AVS has published metadata yet.</Empty>;
  const rows = list.avss.map((a) => {
    const service = neutral.services.find((s) => s.service === a.address);
    const operators = new Set(service?.serviceSets.flatMap((s) => s.operators) ?? []);
    let allocated = 0n;
    for (const e of neutral.exposures)
      if (e.service === a.address && book.info(e.collateral).isEth) allocated += BigInt(e.assetAmount);
    const slashCount = slashes.slashes.filter((s) => s.avs === a.address).length;
    return { a, operators: operators.size, allocated, slashCount };
  });
  rows.sort((x, y) => (x.allocated === y.allocated ? 0 : x.allocated > y.allocated ? -1 : 1));
  return (
    <TableWrap label="AVSs">
      <thead>
        <tr>
          <th scope="col">AVS</th>
          <th scope="col" className="num">
            Operator sets
          </th>
          <th scope="col" className="num">
            Operators
          </th>
          <th scope="col" className="num">
            Allocated stake
          </th>
          <th scope="col" className="num">
            Slashes
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ a, operators, allocated, slashCount }) => (
          <tr key={a.address} data-avs={a.address}>
            <th scope="row">
              <AvsLink address={a.address} names={names} />
            </th>
            <td className="num">{formatInt(a.operatorSets.length)}</td>
            <td className="num">{formatInt(operators)}</td>
            <td className="num">
              <Amount value={allocated} />
            </td>
            <td className="num">{slashCount > 0 ? <Badge tone="bad">{slashCount}</Badge> : "0"}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function RecentSlashes({ slashes, book, names }: { slashes: Slashes; book: AssetBook; names: Map<string, string> }) {
  const recent = [...slashes.slashes].reverse().slice(0, 8);
  if (recent.length === 0) return <Empty>No operator has been slashed.</Empty>;
  return (
    <ul className="slash-list">
      {recent.map((s) => (
        <li key={`${s.operatorSet}/${s.slashId}`} className="slash">
          <p className="slash-head">
            <Addr address={s.operator} kind="operator" /> by <SetLink setKey={s.operatorSet} names={names} />
            <span className="muted"> · block {formatInt(s.block)}</span>
          </p>
          <p>
            <Amount value={slashedEth(s, book)} /> slashed · {wadPercent(BigInt(s.strategies[0]?.wadToSlash ?? "0"), 2)}{" "}
            of the allocation <SlashStatus slash={s} />
          </p>
          {s.description ? <p className="muted slash-desc">“{s.description}”</p> : null}
        </li>
      ))}
    </ul>
  );
}

function Queue({ withdrawals, book }: { withdrawals: Withdrawals; book: AssetBook }) {
  const perStrategy = queuedByStrategy(withdrawals.withdrawals, book);
  let eth = 0n;
  for (const [st, v] of perStrategy) if (book.info(st).isEth) eth += v;
  const completable = withdrawals.withdrawals.filter((w) => w.completable).length;
  const stakers = new Set(withdrawals.withdrawals.map((w) => w.staker)).size;
  const rows = [...perStrategy].sort(([a], [b]) => book.order(a) - book.order(b));
  return (
    <>
      <Stats label="Withdrawal queue">
        <Stat label="Queued withdrawals" hint={`${formatInt(stakers)} stakers`}>
          <span data-testid="queue-count">{formatInt(withdrawals.total)}</span>
        </Stat>
        <Stat label="Completable now">{formatInt(completable)}</Stat>
        <Stat label="ETH in the queue">
          <Amount value={eth} />
        </Stat>
      </Stats>
      {withdrawals.total > withdrawals.withdrawals.length ? (
        <p className="notice">
          Totals cover the first {formatInt(withdrawals.withdrawals.length)} of {formatInt(withdrawals.total)}{" "}
          withdrawals.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <Empty>No withdrawal is queued.</Empty>
      ) : (
        <TableWrap label="Queued by strategy">
          <thead>
            <tr>
              <th scope="col">Strategy</th>
              <th scope="col" className="num">
                Queued
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([st, v]) => (
              <tr key={st}>
                <th scope="row">
                  <AssetSymbol book={book} strategy={st} />
                </th>
                <td className="num">
                  <AssetAmount book={book} strategy={st} value={v} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </>
  );
}

/** ⌊p/q⌋ of an exact fraction "p/q" (an amount of wei). */
function fractionFloor(frac: string): bigint {
  const [p, q = "1"] = frac.split("/");
  return BigInt(p!) / BigInt(q);
}

function Security({ summary, names }: { summary: SecuritySummary; names: Map<string, string> }) {
  if (!summary.configured) {
    return (
      <Empty>
        No risk parameters are stored with this node, so no operator set was analysed: profits from corruption and
        thresholds are not on chain (see docs/risk.md).
      </Empty>
    );
  }
  const verdict = summary.secure === null ? "undecided" : summary.secure ? "secure" : "insecure";
  const attack = summary.worstAttack;
  return (
    <>
      <Stats label="Security summary">
        <Stat label="Verdict" hint={`certificate: ${summary.certificate}`}>
          <span data-testid="security-verdict" data-verdict={verdict}>
            <Badge tone={verdict === "secure" ? "ok" : verdict === "insecure" ? "bad" : "warn"}>{verdict}</Badge>
          </span>
        </Stat>
        <Stat
          label="Slack γ*"
          hint={
            summary.slack === null
              ? "no set has a profit"
              : summary.slackExact
                ? "exact (hover for the fraction)"
                : `search cut short; proven ≥ ${summary.slackLower === null ? "–" : fractionText(summary.slackLower, 4)}`
          }
        >
          <span data-testid="security-slack" data-value={summary.slack ?? ""} title={summary.slack ?? "unbounded"}>
            {summary.slack === null ? "∞" : fractionText(summary.slack, 4)}
          </span>
        </Stat>
        <Stat
          label="Claim 1"
          hint={
            summary.claim1.holds
              ? `stake covers π/α everywhere; Corollary 2 up to γ = ${summary.claim1.maxGamma === null ? "∞" : fractionText(summary.claim1.maxGamma, 4)}`
              : `fails for ${summary.claim1.violators.length} operator set${summary.claim1.violators.length === 1 ? "" : "s"}`
          }
        >
          <span data-testid="claim1-status" data-holds={String(summary.claim1.holds)}>
            {summary.claim1.holds ? "holds" : "fails"}
          </span>
        </Stat>
        <Stat
          label="Operator sets analysed"
          hint={
            summary.leftOut.length > 0
              ? `${summary.leftOut.length} left out (no parameters)`
              : `block ${formatInt(summary.block)}`
          }
        >
          {formatInt(summary.services)}
        </Stat>
      </Stats>
      {summary.claim1.violators.length > 0 ? (
        <p className="below">
          Claim 1 fails for{" "}
          {summary.claim1.violators.map((v, i) => (
            <span key={v}>
              {i > 0 ? ", " : ""}
              <SetLink setKey={v} names={names} />
            </span>
          ))}
          : its stake is below π/α, so the sufficient condition cannot vouch for it.{" "}
          {summary.secure ? "The exact search still finds no profitable attack." : ""}
        </p>
      ) : null}
      {attack ? (
        <p className="below" data-testid="worst-attack">
          Tightest coalition: corrupting{" "}
          {attack.services.map((v, i) => (
            <span key={v}>
              {i > 0 ? ", " : ""}
              <SetLink setKey={v} names={names} />
            </span>
          ))}{" "}
          with {attack.operators.length} operator{attack.operators.length === 1 ? "" : "s"} (
          {attack.operators.map((o, i) => (
            <span key={o}>
              {i > 0 ? ", " : ""}
              <Addr address={o} kind="operator" />
            </span>
          ))}
          ) would gain <Amount value={fractionFloor(attack.profit)} /> and cost{" "}
          <Amount value={fractionFloor(attack.cost)} /> of slashable stake.
        </p>
      ) : null}
      <p className="muted below">
        γ* is the largest γ such that every coalition's stake exceeds (1 + γ) times the profit it could take; negative
        means a profitable attack exists. EigenLayer's unique-stake model: each allocation answers to its own set.
      </p>
    </>
  );
}
