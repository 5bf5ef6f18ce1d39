import { type ReactNode, useId } from "react";
import { ApiError } from "../api/client.ts";
import type { AssetBook } from "../lib/assets.ts";
import { shortAddress } from "../lib/format.ts";
import { Link, paths } from "../router.tsx";
import { Amount } from "./Amount.tsx";

/* ------------------------------------------------------------------ states */

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "NetworkError") return "The node could not be reached. It will be tried again.";
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({ error, what, retry }: { error: unknown; what: string; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {errorText(error)}
      </p>
      {retry ? (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

interface QueryLike {
  data: unknown;
  error: Error | null;
  refetch: () => unknown;
}

/**
 * Shows loading or the first error of `queries` in place of `children` (a render function called once every query
 * has data).
 */
export function Gate({ queries, what, children }: { queries: QueryLike[]; what: string; children: () => ReactNode }) {
  const failed = queries.find((q) => q.error !== null && q.data === undefined);
  if (failed) return <ErrorState error={failed.error} what={what} retry={() => void failed.refetch()} />;
  if (queries.some((q) => q.data === undefined)) return <Loading what={what} />;
  const stale = queries.find((q) => q.error !== null);
  return (
    <>
      {stale ? (
        <p className="notice" role="status">
          Showing the last data received: refreshing failed ({errorText(stale.error)}).
        </p>
      ) : null}
      {children()}
    </>
  );
}

/* ------------------------------------------------------------------ layout */

export function Section({
  title,
  children,
  description,
  id,
}: {
  title: string;
  children: ReactNode;
  description?: ReactNode;
  id?: string;
}) {
  const auto = useId();
  const headingId = `${id ?? auto}-title`;
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {description ? <p className="muted">{description}</p> : null}
      {children}
    </section>
  );
}

export function Stats({ children, label }: { children: ReactNode; label: string }) {
  return (
    <dl className="stats" aria-label={label}>
      {children}
    </dl>
  );
}

export function Stat({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="stat-value">{children}</span>
        {hint ? <span className="stat-hint">{hint}</span> : null}
      </dd>
    </div>
  );
}

/** A horizontally scrollable table region, reachable by keyboard. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section className="table-wrap" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </section>
  );
}

export function PageHeader({ title, kicker, children }: { title: ReactNode; kicker?: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      {kicker ? <p className="kicker">{kicker}</p> : null}
      <h1 tabIndex={-1} id="page-title">
        {title}
      </h1>
      {children}
    </header>
  );
}

/* ------------------------------------------------------------------ addresses and assets */

type AddrKind = "operator" | "avs" | "position" | "none";

export function Addr({ address, kind = "none", label }: { address: string; kind?: AddrKind; label?: string }) {
  const text = label ?? shortAddress(address);
  const content = (
    <span className="addr" title={address}>
      {text}
    </span>
  );
  if (kind === "none") return content;
  const to =
    kind === "operator" ? paths.operator(address) : kind === "avs" ? paths.avs(address) : paths.position(address);
  const what = kind === "position" ? "position" : kind === "avs" ? "AVS" : "operator";
  return (
    <Link to={to} aria-label={`${what} ${label ?? address}`} className="addr-link">
      {content}
    </Link>
  );
}

export function AvsLink({ address, names }: { address: string; names: Map<string, string> }) {
  const name = names.get(address);
  return <Addr address={address} kind="avs" label={name ?? shortAddress(address)} />;
}

export function SetLink({ setKey, names }: { setKey: string; names: Map<string, string> }) {
  const i = setKey.lastIndexOf("/");
  const avs = setKey.slice(0, i);
  const id = setKey.slice(i + 1);
  const name = names.get(avs) ?? shortAddress(avs);
  return (
    <Link to={paths.operatorSet(avs, id)} aria-label={`operator set ${id} of ${name}`} title={setKey}>
      {name} / {id}
    </Link>
  );
}

/** An amount of a strategy's asset, with the asset's symbol and decimals. */
export function AssetAmount({ book, strategy, value }: { book: AssetBook; strategy: string; value: bigint | string }) {
  const info = book.info(strategy);
  return <Amount value={value} decimals={info.decimals} unit={info.symbol} />;
}

export function AssetSymbol({ book, strategy }: { book: AssetBook; strategy: string }) {
  const info = book.info(strategy);
  return (
    <span className="symbol" title={strategy}>
      {info.symbol}
      {info.native ? " (native)" : ""}
    </span>
  );
}

export function Badge({ tone, children }: { tone: "ok" | "warn" | "bad" | "info"; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
