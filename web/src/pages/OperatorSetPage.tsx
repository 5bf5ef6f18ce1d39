import { type FormEvent, useEffect, useId, useMemo, useState } from "react";
import { ApiError } from "../api/client.ts";
import { useAssetBook, useAvsNames, useOperatorSet, useParams, useSlashes } from "../api/hooks.ts";
import type { OperatorSet } from "../api/types.ts";
import { ChartBox } from "../charts/ChartBox.tsx";
import { barOption } from "../charts/options.ts";
import { Amount } from "../components/Amount.tsx";
import { SlashTable } from "../components/slashes.tsx";
import {
  Addr,
  AssetAmount,
  AssetSymbol,
  Empty,
  Gate,
  PageHeader,
  Section,
  Stat,
  Stats,
  TableWrap,
} from "../components/ui.tsx";
import type { AssetBook } from "../lib/assets.ts";
import { formatInt, shortAddress, toNumber, wadPercent } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";

export function OperatorSetPage({ avs, id }: { avs: string; id: string }) {
  const { book, query: strategiesQ } = useAssetBook();
  const nowQ = useOperatorSet(avs, id);
  const paramsQ = useParams();
  const slashesQ = useSlashes({ avs, operatorSetId: id });
  const names = useAvsNames();
  const avsLabel = names.get(avs) ?? shortAddress(avs);

  // the block to evaluate "slashable later" at: defaults to now + the deallocation delay, then whatever is entered
  const [future, setFuture] = useState<string | undefined>(undefined);
  const currentBlock = nowQ.data?.block;
  const delay = paramsQ.data?.deallocationDelayBlocks;
  useEffect(() => {
    if (future === undefined && currentBlock !== undefined && delay !== undefined)
      setFuture((BigInt(currentBlock) + BigInt(delay)).toString());
  }, [future, currentBlock, delay]);
  const futureQ = useOperatorSet(avs, id, future);

  if (nowQ.error instanceof ApiError && nowQ.error.status === 404 && nowQ.data === undefined) {
    return (
      <>
        <PageHeader title={`${avsLabel} / set ${id}`} kicker="Operator set" />
        <div className="state state-empty" role="alert">
          <p>This AVS has no operator set {id}.</p>
          <p>
            Back to <Link to={paths.avs(avs)}>{avsLabel}</Link>.
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title={`${avsLabel} / set ${id}`} kicker="Operator set">
        <p className="muted">
          Of <Link to={paths.avs(avs)}>{avsLabel}</Link> <span className="mono">({avs})</span>
        </p>
      </PageHeader>
      <Gate queries={[strategiesQ, nowQ]} what="the operator set">
        {() => (
          <SetBody
            now={nowQ.data!}
            future={futureQ.data?.futureBlock === future ? futureQ.data : undefined}
            futureError={futureQ.error}
            futureBlock={future}
            onFutureBlock={setFuture}
            book={book!}
          />
        )}
      </Gate>
      <Section title="Slashing history" id="slashing">
        <Gate queries={[strategiesQ, slashesQ]} what="slashing history">
          {() => <SlashTable slashes={slashesQ.data!} book={book!} names={names} show="operator" />}
        </Gate>
      </Section>
    </>
  );
}

interface OperatorRow {
  operator: string;
  member: boolean;
  allocated: bigint;
  slashableNow: bigint;
  slashableLater: bigint | undefined;
}

function SetBody({
  now,
  future,
  futureError,
  futureBlock,
  onFutureBlock,
  book,
}: {
  now: OperatorSet;
  future: OperatorSet | undefined;
  futureError: Error | null;
  futureBlock: string | undefined;
  onFutureBlock: (b: string) => void;
  book: AssetBook;
}) {
  const eth = (strategy: string, shares: string) =>
    book.info(strategy).isEth ? book.sharesToAsset(strategy, BigInt(shares)) : 0n;
  const rows: OperatorRow[] = now.slashableOperators.map((operator) => {
    let allocated = 0n;
    let slashableNow = 0n;
    for (const s of now.stake)
      if (s.operator === operator) {
        allocated += eth(s.strategy, s.allocatedStake);
        slashableNow += eth(s.strategy, s.minimumSlashableStake);
      }
    let slashableLater: bigint | undefined;
    if (future) {
      slashableLater = 0n;
      for (const s of future.stake)
        if (s.operator === operator) slashableLater += eth(s.strategy, s.minimumSlashableStake);
    }
    return { operator, member: now.members.includes(operator), allocated, slashableNow, slashableLater };
  });
  rows.sort((a, b) => (a.allocated === b.allocated ? 0 : a.allocated > b.allocated ? -1 : 1));
  const total = (f: (r: OperatorRow) => bigint | undefined) => rows.reduce((a, r) => a + (f(r) ?? 0n), 0n);
  const option = useMemo(
    () =>
      barOption(
        rows.map((r) => shortAddress(r.operator)),
        [
          { name: "Slashable now", values: rows.map((r) => toNumber(r.slashableNow, 18)) },
          ...(future
            ? [
                {
                  name: `Minimum at block ${formatInt(future.futureBlock)}`,
                  values: rows.map((r) => toNumber(r.slashableLater ?? 0n, 18)),
                },
              ]
            : []),
        ],
        "ETH",
      ),
    [rows, future],
  );

  return (
    <>
      <Stats label="Operator set summary">
        <Stat label="Allocated stake" hint="unique to this set">
          <Amount value={total((r) => r.allocated)} />
        </Stat>
        <Stat label="Slashable now">
          <Amount value={total((r) => r.slashableNow)} />
        </Stat>
        <Stat label="Operators" hint={`${formatInt(now.slashableOperators.length)} slashable`}>
          {formatInt(now.members.length)}
        </Stat>
        <Stat label="Slashes">
          <span data-testid="slash-count">{formatInt(now.slashCount)}</span>
        </Stat>
        <Stat
          label="Slasher"
          hint={now.redistributionRecipient === null ? "slashed funds are burned" : "redistributes"}
        >
          <Addr address={now.slasher.current} />
        </Stat>
      </Stats>

      <Section
        title="Slashable stake"
        id="slashable"
        description={
          <>
            What each operator can lose to this set now (block {formatInt(now.block)}) and the minimum that stays
            slashable at a later block: pending deallocations are applied, pending increases are not counted.
            ETH-denominated strategies, LSTs 1:1.
          </>
        }
      >
        <FutureBlockForm current={now.block} value={futureBlock} onSubmit={onFutureBlock} error={futureError} />
        {rows.length === 0 ? (
          <Empty>No operator is slashable by this set.</Empty>
        ) : (
          <>
            <ChartBox
              option={option}
              label={`Slashable stake per operator, now${future ? ` and at block ${formatInt(future.futureBlock)}` : ""}: ${rows
                .map((r) => `${shortAddress(r.operator)} ${toNumber(r.slashableNow, 18).toFixed(2)} ETH`)
                .join(", ")}.`}
              height={Math.max(160, rows.length * (future ? 48 : 32) + 40)}
            />
            <TableWrap label="Slashable stake per operator">
              <thead>
                <tr>
                  <th scope="col">Operator</th>
                  <th scope="col" className="num">
                    Allocated
                  </th>
                  <th scope="col" className="num">
                    Slashable now
                  </th>
                  <th scope="col" className="num">
                    Minimum at block {future ? formatInt(future.futureBlock) : "…"}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.operator} data-operator={r.operator}>
                    <th scope="row">
                      <Addr address={r.operator} kind="operator" />
                      {r.member ? null : <span className="muted"> (deregistered)</span>}
                    </th>
                    <td className="num">
                      <Amount value={r.allocated} />
                    </td>
                    <td className="num">
                      <Amount value={r.slashableNow} />
                    </td>
                    <td className="num" data-col="later">
                      {r.slashableLater === undefined ? (
                        <span className="muted">…</span>
                      ) : (
                        <Amount value={r.slashableLater} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="num">
                    <Amount value={total((r) => r.allocated)} />
                  </td>
                  <td className="num">
                    <Amount value={total((r) => r.slashableNow)} />
                  </td>
                  <td className="num" data-col="later-total">
                    {future ? <Amount value={total((r) => r.slashableLater)} /> : null}
                  </td>
                </tr>
              </tfoot>
            </TableWrap>
          </>
        )}
      </Section>

      <Section title="Allocations by strategy" id="allocations">
        <StakeDetail now={now} future={future} book={book} />
      </Section>

      {now.pendingSlashes.length > 0 ? (
        <Section title="Pending burns" id="pending" description="Slashed shares waiting to be burned or redistributed.">
          <TableWrap label="Pending burns">
            <thead>
              <tr>
                <th scope="col">Slash</th>
                <th scope="col">Clearable after block</th>
                <th scope="col">Amounts</th>
              </tr>
            </thead>
            <tbody>
              {now.pendingSlashes.map((p) => (
                <tr key={p.slashId}>
                  <th scope="row">#{p.slashId}</th>
                  <td>{formatInt(p.resolutionBlock)}</td>
                  <td className="wrap">
                    {p.shares.map((s, i) => (
                      <span key={s.strategy}>
                        {i > 0 ? ", " : ""}
                        <AssetAmount
                          book={book}
                          strategy={s.strategy}
                          value={book.sharesToAsset(s.strategy, BigInt(s.shares))}
                        />
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        </Section>
      ) : null}
    </>
  );
}

function FutureBlockForm({
  current,
  value,
  onSubmit,
  error,
}: {
  current: string;
  value: string | undefined;
  onSubmit: (b: string) => void;
  error: Error | null;
}) {
  const [draft, setDraft] = useState(value ?? "");
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    if (value !== undefined) setDraft(value);
  }, [value]);
  const inputId = useId();
  const hintId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    if (!/^\d{1,20}$/.test(v)) return setInvalid("Enter a block number.");
    if (BigInt(v) < BigInt(current)) return setInvalid(`The block must not be before the current block ${current}.`);
    setInvalid(null);
    onSubmit(BigInt(v).toString());
  };
  const message = invalid ?? (error instanceof ApiError ? error.message : null);
  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <label htmlFor={inputId}>Future block</label>
      <input
        id={inputId}
        name="futureBlock"
        inputMode="numeric"
        autoComplete="off"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        aria-invalid={message !== null}
        aria-describedby={hintId}
      />
      <button type="submit" className="button">
        Evaluate
      </button>
      <p id={hintId} className={message ? "field-error" : "muted"} role={message ? "alert" : undefined}>
        {message ?? `Current block ${formatInt(current)}.`}
      </p>
    </form>
  );
}

function StakeDetail({ now, future, book }: { now: OperatorSet; future: OperatorSet | undefined; book: AssetBook }) {
  if (now.stake.length === 0) return <Empty>No allocations.</Empty>;
  const later = new Map(future?.stake.map((s) => [`${s.operator}|${s.strategy}`, s.minimumSlashableStake]) ?? []);
  const rows = now.stake.filter((s) => BigInt(s.currentMagnitude) > 0n || BigInt(s.pendingDiff) !== 0n);
  if (rows.length === 0) return <Empty>No operator has allocated to this set.</Empty>;
  return (
    <TableWrap label="Allocations by operator and strategy">
      <thead>
        <tr>
          <th scope="col">Operator</th>
          <th scope="col">Strategy</th>
          <th scope="col" className="num">
            Magnitude
          </th>
          <th scope="col" className="num">
            Pending
          </th>
          <th scope="col" className="num">
            Allocated
          </th>
          <th scope="col" className="num">
            Minimum at block {future ? formatInt(future.futureBlock) : "…"}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const l = later.get(`${s.operator}|${s.strategy}`);
          return (
            <tr key={`${s.operator}|${s.strategy}`}>
              <th scope="row">
                <Addr address={s.operator} kind="operator" />
              </th>
              <td>
                <AssetSymbol book={book} strategy={s.strategy} />
              </td>
              <td className="num" title={`${s.currentMagnitude} (1e18 = the whole maximum magnitude)`}>
                {formatMagnitude(s.currentMagnitude)}
              </td>
              <td className="num">
                {BigInt(s.pendingDiff) === 0n ? (
                  <span className="muted">–</span>
                ) : (
                  <span title={`${s.pendingDiff} at block ${s.effectBlock}`}>
                    {formatMagnitudeChange(s.pendingDiff)} at {formatInt(s.effectBlock)}
                  </span>
                )}
              </td>
              <td className="num">
                <AssetAmount
                  book={book}
                  strategy={s.strategy}
                  value={book.sharesToAsset(s.strategy, BigInt(s.allocatedStake))}
                />
              </td>
              <td className="num">
                {l === undefined ? (
                  <span className="muted">…</span>
                ) : (
                  <AssetAmount book={book} strategy={s.strategy} value={book.sharesToAsset(s.strategy, BigInt(l))} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

/** A magnitude (1e18 = 100% of the initial maximum) as a percentage. */
function formatMagnitude(m: string): string {
  const v = BigInt(m);
  return v < 0n ? `−${wadPercent(-v)}` : wadPercent(v);
}

function formatMagnitudeChange(m: string): string {
  return BigInt(m) > 0n ? `+${formatMagnitude(m)}` : formatMagnitude(m);
}
