import type { Context, MiddlewareHandler } from "hono";
import { sendError } from "./respond.ts";

/**
 * A fixed-window rate limiter: at most `max` requests per client key in each aligned window of `windowMs`.
 * All counters reset together at the window boundary, so memory is bounded by the clients seen in one window
 * (and capped: past `maxKeys`, new clients share one overflow bucket).
 */

export interface RateLimitOptions {
  windowMs: number;
  max: number;
  /** Client key; default the TCP peer address (never a forwarded header, which any client can set). */
  keyOf?: (c: Context) => string;
  /** Clock, for tests. */
  now?: () => number;
  maxKeys?: number;
}

export const DEFAULT_RATE_LIMIT = { windowMs: 60_000, max: 1200 } as const;

/** The peer address when served by @hono/node-server; a constant in-process (app.request()). */
export function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "local";
}

export function rateLimiter(opts: RateLimitOptions): MiddlewareHandler {
  if (!(opts.windowMs > 0) || !(opts.max > 0)) throw new RangeError("rateLimit needs windowMs > 0 and max > 0");
  const keyOf = opts.keyOf ?? peerAddress;
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  let window = -1;
  const counts = new Map<string, number>();
  return async (c, next) => {
    const t = now();
    const w = Math.floor(t / opts.windowMs);
    if (w !== window) {
      window = w;
      counts.clear();
    }
    let key = keyOf(c);
    if (!counts.has(key) && counts.size >= maxKeys) key = "\u0000overflow";
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const resetSeconds = Math.max(1, Math.ceil(((w + 1) * opts.windowMs - t) / 1000));
    c.header("RateLimit-Limit", String(opts.max));
    c.header("RateLimit-Remaining", String(Math.max(0, opts.max - n)));
    c.header("RateLimit-Reset", String(resetSeconds));
    if (n > opts.max) {
      c.header("Retry-After", String(resetSeconds));
      return sendError(c, 429, "RateLimited", `more than ${opts.max} requests in ${opts.windowMs} ms`, {
        retryAfterSeconds: resetSeconds,
      });
    }
    await next();
  };
}
