import { StoreError } from "./errors.ts";
import type { StoreKind } from "./types.ts";

export interface DbTarget {
  kind: StoreKind;
  /** A file path for SQLite, a connection URL for PostgreSQL. */
  target: string;
}

export const DEFAULT_SQLITE_PATH = "./restake.db";

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
/** Any other "scheme://" is a URL for a database we do not speak, not a file name. */
const OTHER_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Picks the backend: explicit `db`, else `DATABASE_URL`, else ./restake.db. A postgres:// or postgresql:// URL
 * selects PostgreSQL; anything else that is not a URL is a SQLite path. Empty values count as unset, so an
 * exported-but-empty DATABASE_URL falls back to the default instead of opening a file named "".
 */
export function resolveDbTarget(db?: string, env: NodeJS.ProcessEnv = process.env): DbTarget {
  const explicit = db?.trim();
  if (explicit) return classify(explicit, "db option");
  const fromEnv = env.DATABASE_URL?.trim();
  if (fromEnv) return classify(fromEnv, "DATABASE_URL");
  return { kind: "sqlite", target: DEFAULT_SQLITE_PATH };
}

function classify(value: string, source: string): DbTarget {
  if (POSTGRES_URL.test(value)) return { kind: "postgres", target: value };
  if (OTHER_URL.test(value)) {
    // Never echo the URL itself: it may carry a password.
    const scheme = value.slice(0, value.indexOf(":"));
    throw new StoreError("UNSUPPORTED_DB", `unsupported database URL scheme "${scheme}" in ${source}`, {
      scheme,
      source,
    });
  }
  return { kind: "sqlite", target: value };
}
