import { QueryClient } from "@tanstack/react-query";
import { render } from "vitest-browser-react";
import { App, Providers } from "../../../web/src/App.tsx";
import type { ApiClient } from "../../../web/src/api/client.ts";
import { queryClientDefaults } from "../../../web/src/api/hooks.ts";
import { MemoryRouter } from "../../../web/src/router.tsx";
import "../../../web/src/styles.css";

/** Renders the whole dashboard at `path` against `client`, with a fresh query cache. */
export function renderApp(path: string, client: ApiClient, opts: { pollMs?: number; retry?: boolean } = {}) {
  const defaults = queryClientDefaults();
  const queryClient = new QueryClient({
    ...defaults,
    defaultOptions: {
      ...defaults?.defaultOptions,
      queries: { ...defaults?.defaultOptions?.queries, ...(opts.retry === false ? { retry: false } : {}) },
    },
  });
  return render(
    <Providers client={client} pollMs={opts.pollMs ?? 60_000} queryClient={queryClient}>
      <MemoryRouter initialPath={path}>
        <App />
      </MemoryRouter>
    </Providers>,
  );
}

/** The raw integer an <Amount> carries (its `value`). */
export function rawOf(el: Element | null): string | null {
  return el?.closest("data")?.getAttribute("value") ?? el?.querySelector("data")?.getAttribute("value") ?? null;
}
