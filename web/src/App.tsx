import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import type { ApiClient } from "./api/client.ts";
import { ApiContext, queryClientDefaults, useClock, useLiveHead } from "./api/hooks.ts";
import { formatInt } from "./lib/format.ts";
import { AvsPage } from "./pages/AvsPage.tsx";
import { LrtListPage, LrtPage } from "./pages/LrtPage.tsx";
import { MarketsPage } from "./pages/MarketsPage.tsx";
import { OperatorPage } from "./pages/OperatorPage.tsx";
import { OperatorSetPage } from "./pages/OperatorSetPage.tsx";
import { Overview } from "./pages/Overview.tsx";
import { PositionPage } from "./pages/PositionPage.tsx";
import { SimulationPage } from "./pages/SimulationPage.tsx";
import { Link, paths, type Route, useNav, useRoute } from "./router.tsx";

/** The providers every page needs: the API client, the query cache, the poll interval. */
export function Providers({
  client,
  pollMs = 2000,
  queryClient,
  children,
}: {
  client: ApiClient;
  pollMs?: number;
  queryClient?: QueryClient;
  children: ReactNode;
}) {
  const [qc] = useState(() => queryClient ?? new QueryClient(queryClientDefaults()));
  const [settings] = useState(() => ({ client, pollMs }));
  return (
    <QueryClientProvider client={qc}>
      <ApiContext.Provider value={settings}>{children}</ApiContext.Provider>
    </QueryClientProvider>
  );
}

function titleOf(route: Route): string {
  switch (route.page) {
    case "overview":
      return "Overview";
    case "operator":
      return `Operator ${route.address}`;
    case "avs":
      return `AVS ${route.address}`;
    case "operatorSet":
      return `Operator set ${route.id} of ${route.avs}`;
    case "position":
      return route.address ? `Position ${route.address}` : "Position";
    case "lrts":
      return "LRTs";
    case "lrt":
      return `LRT ${route.id}`;
    case "markets":
      return "Markets";
    case "simulation":
      return "Simulation lab";
    case "notFound":
      return "Not found";
  }
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "overview":
      return <Overview />;
    case "operator":
      return <OperatorPage key={route.address} address={route.address} />;
    case "avs":
      return <AvsPage key={route.address} address={route.address} />;
    case "operatorSet":
      return <OperatorSetPage key={`${route.avs}/${route.id}`} avs={route.avs} id={route.id} />;
    case "position":
      return <PositionPage key={route.address ?? ""} address={route.address} />;
    case "lrts":
      return <LrtListPage />;
    case "lrt":
      return <LrtPage key={route.id} id={route.id} />;
    case "markets":
      return <MarketsPage />;
    case "simulation":
      return <SimulationPage />;
    case "notFound":
      return (
        <>
          <h1 tabIndex={-1} id="page-title">
            Page not found
          </h1>
          <p>
            Nothing lives at <code>{route.path}</code>. Go to the <Link to={paths.overview()}>overview</Link>.
          </p>
        </>
      );
  }
}

function LiveStatus() {
  const { head, error } = useLiveHead();
  const clock = useClock();
  const ok = error === null && head !== undefined;
  return (
    <p
      className={`live ${ok ? "live-ok" : error ? "live-bad" : ""}`}
      title="The pages refresh when a transaction lands"
    >
      <span className="live-dot" aria-hidden="true" />
      {error !== null ? (
        <span>Node unreachable, retrying</span>
      ) : head === undefined ? (
        <span>Connecting…</span>
      ) : (
        <span>
          Live · <span data-testid="head-seq">tx {formatInt(head)}</span>
          {clock.data ? <> · block {formatInt(clock.data.block)}</> : null}
        </span>
      )}
    </p>
  );
}

export function App() {
  const route = useRoute();
  const { path } = useNav();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    document.title = `${titleOf(route)} · restake`;
    // move focus to the new page's heading after client-side navigation, as a page load would
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>("#page-title");
    heading?.focus({ preventScroll: true });
  }, [route]);

  const navItem = (to: string, label: string, active: boolean) => (
    <li>
      <Link to={to} className={active ? "nav-active" : undefined} aria-current={active ? "page" : undefined}>
        {label}
      </Link>
    </li>
  );

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={paths.overview()} className="brand" aria-label="restake dashboard, overview">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{" "}
            restake
          </Link>
          <nav aria-label="Main">
            <ul>
              {navItem(paths.overview(), "Overview", route.page === "overview")}
              {navItem(paths.lrts(), "LRTs", route.page === "lrts" || route.page === "lrt")}
              {navItem(paths.markets(), "Markets", route.page === "markets")}
              {navItem(paths.position(), "Position", route.page === "position" && path === paths.position())}
              {navItem(paths.simulation(), "Simulation", route.page === "simulation")}
            </ul>
          </nav>
          <LiveStatus />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
      <footer className="footer">
        <p>
          Data from this node's API (<a href="/openapi.json">OpenAPI</a>). Amounts are exact: hover one for its raw
          integer value.
        </p>
      </footer>
    </>
  );
}
