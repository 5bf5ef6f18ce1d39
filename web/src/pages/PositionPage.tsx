import { type FormEvent, useId, useMemo, useState } from "react";
import {
  useAssetBook,
  useAvsNames,
  useChecklist,
  useLrtHoldings,
  useNeutral,
  useOperators,
  useStaker,
  useWithdrawals,
} from "../api/hooks.ts";
import type { LrtHoldings, Neutral, Staker } from "../api/types.ts";
import { ChartBox, PALETTE } from "../charts/ChartBox.tsx";
import { pieOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { ChecklistView, SeverityBadge } from "../components/checklist.tsx";
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
import { formatInt, isAddress, percent, shortAddress, toNumber, wadPercent } from "../lib/format.ts";
import { lookThrough } from "../lib/metrics.ts";
import { Link, paths, useNav } from "../router.tsx";

export function PositionPage({ address }: { address: string | null }) {
  return (
    <>
      <PageHeader title={address ? `Position ${shortAddress(address)}` : "Position"} kicker="Look-through">
        <p className="muted">
          What an address holds in the core and, through the operator it delegates to, which operator sets and AVSs can
          slash it.
        </p>
      </PageHeader>
      <SearchForm initial={address ?? ""} />
      {address ? <PositionBody address={address} /> : null}
    </>
  );
}

function SearchForm({ initial }: { initial: string }) {
  const { navigate } = useNav();
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const listId = useId();
  const operators = useOperators();
  const withdrawals = useWithdrawals();
  const suggestions = useMemo(() => {
    const s = new Set<string>();
    for (const w of withdrawals.data?.withdrawals ?? []) s.add(w.staker);
    for (const o of operators.data?.operators ?? []) s.add(o.address);
    return [...s].slice(0, 50);
  }, [operators.data, withdrawals.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    if (!isAddress(v)) {
      setError("Enter a 20-byte hex address: 0x followed by 40 hex digits.");
      return;
    }
    setError(null);
    navigate(paths.position(v.toLowerCase()));
  };
  return (
    <search className="search card">
      <form onSubmit={submit} noValidate>
        <label htmlFor={inputId}>Address</label>
        <div className="search-row">
          <input
            id={inputId}
            name="address"
            type="text"
            placeholder="0x…"
            spellCheck={false}
            autoComplete="off"
            list={listId}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={hintId}
          />
          <button type="submit" className="button">
            Look up
          </button>
        </div>
        <datalist id={listId}>
          {suggestions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <p id={hintId} className={error ? "field-error" : "muted"} role={error ? "alert" : undefined}>
          {error ?? "Any address: a staker, an operator (its own stake) or an empty account."}
        </p>
      </form>
    </search>
  );
}

function PositionBody({ address }: { address: string }) {
  const { book, query: strategiesQ } = useAssetBook();
  const stakerQ = useStaker(address);
  const neutralQ = useNeutral();
  const names = useAvsNames();
  return (
    <>
      <Gate queries={[strategiesQ, stakerQ, neutralQ]} what="the position">
        {() => <Position staker={stakerQ.data!} neutral={neutralQ.data!} book={book!} names={names} />}
      </Gate>
      <LrtChecklists address={address} />
    </>
  );
}

/** The evaluation checklist of every LRT the address holds, in any form (tokens on any chain, requests, markets). */
function LrtChecklists({ address }: { address: string }) {
  const holdingsQ = useLrtHoldings(address);
  return (
    <Section
      title="LRTs held: evaluation checklist"
      id="checklists"
      description="For each liquid restaking token this address holds, the guide's questions answered from the state, each with a severity; open an item for the findings behind it."
    >
      <Gate queries={[holdingsQ]} what="the LRTs held">
        {() =>
          holdingsQ.data!.lrts.length === 0 ? (
            <Empty>This address holds no LRT: no tokens on any chain, no withdrawal request, no market position.</Empty>
          ) : (
            holdingsQ.data!.lrts.map((h) => <LrtChecklist key={h.lrt} held={h} />)
          )
        }
      </Gate>
    </Section>
  );
}

function LrtChecklist({ held }: { held: LrtHoldings["lrts"][number] }) {
  const q = useChecklist(held.lrt);
  return (
    <article className="lrt-held" data-lrt={held.lrt} aria-labelledby={`held-${held.lrt}`}>
      <h3 id={`held-${held.lrt}`}>
        <Link to={paths.lrt(held.lrt)}>{held.symbol}</Link>{" "}
        {q.data ? (
          <span data-testid={`checklist-severity-${held.lrt}`}>
            <SeverityBadge severity={q.data.severity} />
          </span>
        ) : null}
      </h3>
      <p className="muted">
        Holds:{" "}
        {[
          ...held.tokens.map((t) => (
            <span key={`${t.token}|${t.chain}`}>
              <Amount value={t.amount} unit={t.token} /> on {t.chain}
            </span>
          )),
          ...held.market.map((m) => (
            <span key={`${m.asset}|${m.where}`}>
              <Amount value={m.amount} unit={m.asset} /> {m.where === "wallet" ? "in a market wallet" : `in ${m.where}`}
            </span>
          )),
          ...(held.pendingRequests > 0
            ? [<span key="requests">{formatInt(held.pendingRequests)} open withdrawal request(s)</span>]
            : []),
        ].map((el, i) => (
          <span key={el.key}>
            {i > 0 ? "; " : ""}
            {el}
          </span>
        ))}
      </p>
      <Gate queries={[q]} what={`the ${held.symbol} checklist`}>
        {() => <ChecklistView checklist={q.data!} />}
      </Gate>
    </article>
  );
}

function Position({
  staker,
  neutral,
  book,
  names,
}: {
  staker: Staker;
  neutral: Neutral;
  book: AssetBook;
  names: Map<string, string>;
}) {
  const view = useMemo(() => lookThrough(staker, neutral, book), [staker, neutral, book]);
  const depositedEth = staker.strategies
    .filter((s) => book.info(s.strategy).isEth)
    .reduce((a, s) => a + BigInt(s.withdrawableAmount), 0n);
  const holdsNothing =
    staker.strategies.length === 0 &&
    staker.queuedWithdrawals.length === 0 &&
    staker.pod === null &&
    staker.delegatedTo === null;

  return (
    <>
      <Stats label="Position summary">
        <Stat label="Restaked" hint="withdrawable, ETH-denominated">
          <Amount value={depositedEth} />
        </Stat>
        <Stat label="Delegated to" hint={staker.isOperator ? "itself: this address is an operator" : undefined}>
          {staker.delegatedTo === null ? (
            <span data-testid="delegated-to">not delegated</span>
          ) : (
            <span data-testid="delegated-to" data-address={staker.delegatedTo}>
              <Addr address={staker.delegatedTo} kind="operator" />
            </span>
          )}
        </Stat>
        <Stat label="Slashable exposure" hint={`${percent(view.exposedEth, view.baseEth, 1)} of its slashable stake`}>
          <span data-testid="exposed-eth">
            <Amount value={view.exposedEth} />
          </span>
        </Stat>
        <Stat label="Queued withdrawals">{formatInt(staker.queuedWithdrawals.length)}</Stat>
      </Stats>

      {holdsNothing ? (
        <Empty>
          This address holds nothing in the core: no deposits, no queued withdrawals, no pod, no delegation.
        </Empty>
      ) : null}

      <div className="grid-2">
        <Section title="Deposits per strategy" id="deposits">
          {staker.strategies.length === 0 ? (
            <Empty>No deposits.</Empty>
          ) : (
            <TableWrap label="Deposits per strategy">
              <thead>
                <tr>
                  <th scope="col">Strategy</th>
                  <th scope="col" className="num">
                    Withdrawable
                  </th>
                  <th scope="col" className="num">
                    Slashed so far
                  </th>
                </tr>
              </thead>
              <tbody>
                {staker.strategies.map((s) => (
                  <tr key={s.strategy} data-strategy={s.strategy}>
                    <th scope="row">
                      <AssetSymbol book={book} strategy={s.strategy} />
                    </th>
                    <td className="num" data-col="withdrawable">
                      <AssetAmount book={book} strategy={s.strategy} value={s.withdrawableAmount} />
                    </td>
                    <td className="num" title={`slashing factor ${s.slashingFactor} (1e18 = none)`}>
                      {wadPercent(10n ** 18n - BigInt(s.slashingFactor))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          )}
          {staker.pod ? (
            <p className="muted below">
              EigenPod <Addr address={staker.pod.address} /> with {formatInt(staker.pod.activeValidatorCount)} active
              validators.
            </p>
          ) : null}
          {staker.tokenBalances.length > 0 ? (
            <p className="muted below">
              Also in the wallet (not restaked):{" "}
              {staker.tokenBalances.map((t, i) => (
                <span key={t.token}>
                  {i > 0 ? ", " : ""}
                  <Amount value={t.balance} decimals={t.decimals} unit={t.symbol} />
                </span>
              ))}
            </p>
          ) : null}
        </Section>

        <Section title="Exposure by AVS" id="exposure-chart">
          <ExposureChart view={view} names={names} book={book} />
        </Section>
      </div>

      <Section
        title="Look-through exposure"
        id="exposure"
        description="Each row is an operator-set allocation of the operator it delegates to. Its part of delegated stake is its share of the operator's delegated shares in that strategy; a queued withdrawal stays slashable, until its window ends, at the set's fraction of that operator's magnitude."
      >
        {view.rows.length === 0 ? (
          <Empty>
            {view.operator === null
              ? "Not delegated, and nothing in the withdrawal queue is slashable: no operator set can slash this position."
              : "Its operator has no slashable allocation that touches what this position holds."}
          </Empty>
        ) : (
          <TableWrap label="Look-through exposure">
            <thead>
              <tr>
                <th scope="col">Operator set</th>
                <th scope="col" className="num">
                  Position's exposure
                </th>
                <th scope="col" className="num">
                  Position's share
                </th>
                <th scope="col" className="num">
                  Operator's exposure
                </th>
                <th scope="col">Stake</th>
                <th scope="col">Strategy</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r, i) => (
                <tr
                  // a queued withdrawal can repeat a set and strategy
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
                  key={`${r.layer}|${r.serviceSet}|${r.strategy}|${i}`}
                  data-layer={r.layer}
                  data-set={r.serviceSet}
                  data-strategy={r.strategy}
                >
                  <th scope="row">
                    <SetLink setKey={r.serviceSet} names={names} />
                  </th>
                  <td className="num" data-col="exposure">
                    <AssetAmount book={book} strategy={r.strategy} value={r.amount} />
                  </td>
                  {r.layer === "delegated" ? (
                    <td className="num" title={`${r.num} of the operator's ${r.den} shares`}>
                      {percent(r.num, r.den, 2)}
                    </td>
                  ) : (
                    <td
                      className="num"
                      title={`the set's fraction of the operator's magnitude: ${r.den} (1e18 = 100%)`}
                    >
                      {wadPercent(r.den)} of <AssetAmount book={book} strategy={r.strategy} value={r.num} />
                    </td>
                  )}
                  <td className="num">
                    <AssetAmount book={book} strategy={r.strategy} value={r.operatorAmount} />
                  </td>
                  <td>
                    {r.layer === "delegated" ? (
                      "delegated"
                    ) : (
                      <span title={`queued via operator ${r.operator}`}>
                        queued, until block {formatInt(r.slashableUntil ?? 0n)}
                      </span>
                    )}
                  </td>
                  <td>
                    <AssetSymbol book={book} strategy={r.strategy} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>

      <Section title="Queued withdrawals" id="withdrawals">
        {staker.queuedWithdrawals.length === 0 ? (
          <Empty>No queued withdrawals.</Empty>
        ) : (
          <TableWrap label="Queued withdrawals">
            <thead>
              <tr>
                <th scope="col">Queued at</th>
                <th scope="col">Amounts</th>
                <th scope="col">Delegated to then</th>
                <th scope="col" className="num">
                  Slashable until
                </th>
                <th scope="col" className="num">
                  Completable from
                </th>
              </tr>
            </thead>
            <tbody>
              {staker.queuedWithdrawals.map((w) => {
                const wait = BigInt(w.completableFrom) - BigInt(staker.block);
                return (
                  <tr key={w.root} data-root={w.root}>
                    <th scope="row">block {formatInt(w.startBlock)}</th>
                    <td className="wrap">
                      {w.strategies.map((st, i) => (
                        <span key={st}>
                          {i > 0 ? ", " : ""}
                          <AssetAmount
                            book={book}
                            strategy={st}
                            value={book.sharesToAsset(st, BigInt(w.shares[i] ?? "0"))}
                          />
                        </span>
                      ))}
                    </td>
                    <td>
                      {w.delegatedTo ? (
                        <Addr address={w.delegatedTo} kind="operator" />
                      ) : (
                        <span className="muted">–</span>
                      )}
                    </td>
                    <td className="num">{formatInt(w.slashableUntil)}</td>
                    <td className="num" data-col="completable-from">
                      <span data-block={w.completableFrom}>{formatInt(w.completableFrom)}</span>{" "}
                      {w.completable ? (
                        <Badge tone="ok">completable now</Badge>
                      ) : (
                        <span className="muted">(in {formatInt(wait > 0n ? wait : 0n)} blocks)</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </TableWrap>
        )}
      </Section>
    </>
  );
}

function ExposureChart({
  view,
  names,
  book,
}: {
  view: ReturnType<typeof lookThrough>;
  names: Map<string, string>;
  book: AssetBook;
}) {
  const parts = useMemo(
    () => [
      ...view.byService
        .map((s, i) => ({
          name: names.get(s.service) ?? shortAddress(s.service),
          value: toNumber(s.eth, 18),
          color: PALETTE[i % PALETTE.length],
        }))
        .filter((p) => p.value > 0),
      ...(view.unallocatedEth > 0n
        ? [{ name: "Not allocated", value: toNumber(view.unallocatedEth, 18), color: "#9ca3af" }]
        : []),
    ],
    [view, names],
  );
  const option = useMemo(() => pieOption(parts, "ETH"), [parts]);
  if (parts.length === 0 || view.rows.length === 0) return <Empty>No slashable exposure.</Empty>;
  return (
    <>
      <ChartBox
        option={option}
        label={`Exposure by AVS, ETH: ${parts.map((p) => `${p.name} ${p.value.toFixed(4)}`).join(", ")}.`}
        caption="What each AVS can slash of this position's ETH-denominated stake (delegated, plus queued withdrawals still slashable); the rest is allocated to no set."
        height={300}
      />
      <TableWrap label="Exposure by AVS">
        <thead>
          <tr>
            <th scope="col">AVS</th>
            <th scope="col" className="num">
              Exposure
            </th>
            <th scope="col" className="num">
              Of its stake
            </th>
            <th scope="col">Other assets</th>
          </tr>
        </thead>
        <tbody>
          {view.byService.map((s, i) => (
            <tr key={s.service} data-avs={s.service}>
              <th scope="row">
                <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
                <AvsLink address={s.service} names={names} />
              </th>
              <td className="num" data-col="avs-exposure">
                <Amount value={s.eth} />
              </td>
              <td className="num">{percent(s.eth, view.baseEth, 1)}</td>
              <td>
                {s.other.length === 0 ? (
                  <span className="muted">–</span>
                ) : (
                  s.other.map((o) => (
                    <AssetAmount key={o.strategy} book={book} strategy={o.strategy} value={o.amount} />
                  ))
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}
