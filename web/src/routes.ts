/** The dashboard's routes: paths ↔ typed pages. Pure (no React), so node tests can use it. */

export type Route =
  | { page: "overview" }
  | { page: "operator"; address: string }
  | { page: "avs"; address: string }
  | { page: "operatorSet"; avs: string; id: string }
  | { page: "position"; address: string | null }
  | { page: "lrts" }
  | { page: "lrt"; id: string }
  | { page: "markets" }
  | { page: "simulation" }
  | { page: "notFound"; path: string };

const ADDR = "(0x[0-9a-fA-F]{40})";

export function parseRoute(path: string): Route {
  const p = path.replace(/\/+$/, "") || "/";
  if (p === "/") return { page: "overview" };
  let m = new RegExp(`^/operators/${ADDR}$`).exec(p);
  if (m) return { page: "operator", address: m[1]!.toLowerCase() };
  m = new RegExp(`^/avs/${ADDR}$`).exec(p);
  if (m) return { page: "avs", address: m[1]!.toLowerCase() };
  m = new RegExp(`^/avs/${ADDR}/sets/(0|[1-9]\\d{0,9})$`).exec(p);
  if (m) return { page: "operatorSet", avs: m[1]!.toLowerCase(), id: m[2]! };
  if (p === "/position") return { page: "position", address: null };
  if (p === "/simulation") return { page: "simulation" };
  if (p === "/lrts") return { page: "lrts" };
  m = /^\/lrts\/([a-z0-9][a-z0-9-]{0,31})$/.exec(p);
  if (m) return { page: "lrt", id: m[1]! };
  if (p === "/markets") return { page: "markets" };
  m = new RegExp(`^/position/${ADDR}$`).exec(p);
  if (m) return { page: "position", address: m[1]!.toLowerCase() };
  return { page: "notFound", path };
}

export const paths = {
  overview: () => "/",
  operator: (address: string) => `/operators/${address}`,
  avs: (address: string) => `/avs/${address}`,
  operatorSet: (avs: string, id: string) => `/avs/${avs}/sets/${id}`,
  position: (address?: string) => (address === undefined ? "/position" : `/position/${address}`),
  simulation: () => "/simulation",
  lrts: () => "/lrts",
  lrt: (id: string) => `/lrts/${id}`,
  markets: () => "/markets",
};
