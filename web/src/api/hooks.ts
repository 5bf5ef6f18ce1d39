import { keepPreviousData, type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useRef } from "react";
import { AssetBook, avsNames } from "../lib/assets.ts";
import { type ApiClient, ApiError } from "./client.ts";
import type {
  Avs,
  AvsList,
  Checklist,
  Clock,
  EventsPage,
  LrtDetail,
  LrtFees,
  LrtHistory,
  LrtHoldings,
  LrtList,
  LrtRequests,
  MarketHealth,
  Markets,
  Neutral,
  NodeParams,
  Operator,
  OperatorSet,
  Operators,
  SecuritySummary,
  Slashes,
  Staker,
  Strategies,
  Withdrawals,
} from "./types.ts";

/**
 * Data access: every view is a TanStack query keyed `["api", path]`. Views never go stale on their own
 * (staleTime ∞): one small poll of the log head (`/api/events?cursor=…&limit=1`) notices when a transaction lands
 * and invalidates every view, so each page refetches what it shows, once per change.
 */

export interface ApiSettings {
  client: ApiClient;
  /** how often the log head is polled, ms */
  pollMs: number;
}

export const ApiContext = createContext<ApiSettings | null>(null);

export function useApiSettings(): ApiSettings {
  const s = useContext(ApiContext);
  if (s === null) throw new Error("ApiContext is missing");
  return s;
}

export function queryClientDefaults(): ConstructorParameters<typeof QueryClient>[0] {
  return {
    defaultOptions: {
      queries: {
        staleTime: Number.POSITIVE_INFINITY,
        refetchOnWindowFocus: false,
        // a 4xx answer (bad address, unknown operator) will not change by asking again
        retry: (count, err) => !(err instanceof ApiError && err.isClientError) && count < 2,
        retryDelay: (n) => Math.min(500 * 2 ** n, 4000),
      },
    },
  };
}

export function useApi<T>(path: string | null, opts: { keepPrevious?: boolean } = {}) {
  const { client } = useApiSettings();
  return useQuery<T, Error>({
    queryKey: ["api", path],
    queryFn: ({ signal }) => client.get<T>(path!, signal),
    enabled: path !== null,
    ...(opts.keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
}

const q = encodeURIComponent;

export const useStrategies = () => useApi<Strategies>("/strategies");
export const useNeutral = () => useApi<Neutral>("/neutral");
export const useOperators = () => useApi<Operators>("/operators");
export const useOperator = (address: string) => useApi<Operator>(`/operators/${q(address)}`);
export const useAvsList = () => useApi<AvsList>("/avs");
export const useAvs = (address: string) => useApi<Avs>(`/avs/${q(address)}`);
export const useClock = () => useApi<Clock>("/clock");
export const useParams = () => useApi<NodeParams>("/params");
export const useStaker = (address: string | null) => useApi<Staker>(address === null ? null : `/stakers/${q(address)}`);
export const useWithdrawals = () => useApi<Withdrawals>("/withdrawals?limit=5000");
export const useOperatorSet = (avs: string, id: string, futureBlock?: string) =>
  useApi<OperatorSet>(
    `/operator-sets/${q(avs)}/${q(id)}${futureBlock === undefined ? "" : `?futureBlock=${q(futureBlock)}`}`,
    { keepPrevious: futureBlock !== undefined },
  );

export const useLrts = () => useApi<LrtList>("/lrts");
export const useLrt = (id: string) => useApi<LrtDetail>(`/lrts/${q(id)}`);
export const useLrtHistory = (id: string) => useApi<LrtHistory>(`/lrts/${q(id)}/history`);
export const useLrtFees = (id: string) => useApi<LrtFees>(`/lrts/${q(id)}/fees`);
export const useLrtRequests = (id: string) => useApi<LrtRequests>(`/lrts/${q(id)}/requests`);
export const useLrtHoldings = (address: string) => useApi<LrtHoldings>(`/lrts/holdings/${q(address)}`);
export const useMarkets = () => useApi<Markets>("/markets");
export const useMarketHealth = () => useApi<MarketHealth>("/markets/health");
export const useSecuritySummary = () => useApi<SecuritySummary>("/risk/summary");
export const useChecklist = (lrt: string) => useApi<Checklist>(`/risk/checklist/${q(lrt)}`);

export function useSlashes(filter: { operator?: string; avs?: string; operatorSetId?: string } = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined) params.set(k, v);
  const qs = params.toString();
  return useApi<Slashes>(`/slashes${qs === "" ? "" : `?${qs}`}`);
}

/** The strategy book (symbols, decimals, share → asset), once strategies are loaded. */
export function useAssetBook(): { book: AssetBook | undefined; query: ReturnType<typeof useStrategies> } {
  const query = useStrategies();
  const book = useMemo(() => (query.data ? new AssetBook(query.data) : undefined), [query.data]);
  return { book, query };
}

/** AVS display names from their metadata URIs. */
export function useAvsNames(): Map<string, string> {
  const { data } = useAvsList();
  return useMemo(() => avsNames(data), [data]);
}

/**
 * Follows the head of the log. When the head moves, every API view is invalidated (and the ones on screen refetch).
 * Returns the head and whether the last poll failed.
 */
export function useLiveHead(): { head: number | undefined; error: Error | null; updatedAt: number } {
  const { client, pollMs } = useApiSettings();
  const queryClient = useQueryClient();
  const last = useRef<number | undefined>(undefined);
  const query = useQuery<EventsPage, Error>({
    queryKey: ["head"],
    // asking from just past the known head keeps the answer empty (and cheap) until something lands
    queryFn: ({ signal }) => client.get<EventsPage>(`/events?cursor=${(last.current ?? 0) + 1}&limit=1`, signal),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
    staleTime: 0,
    retry: false,
  });
  const head = query.data?.head;
  useEffect(() => {
    if (head === undefined) return;
    if (last.current !== undefined && last.current !== head) {
      void queryClient.invalidateQueries({ queryKey: ["api"] });
    }
    last.current = head;
  }, [head, queryClient]);
  return { head, error: query.error, updatedAt: query.dataUpdatedAt };
}
