import { serveStatic } from "@hono/node-server/serve-static";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isProtocolError } from "../core/shared/errors.ts";
import { isStoreError } from "../store/errors.ts";
import { NodeError } from "./errors.ts";
import { DEFAULT_RATE_LIMIT, type RateLimitOptions, rateLimiter } from "./http/rateLimit.ts";
import { sendError, validationError } from "./http/respond.ts";
import { registerRiskRoutes } from "./http/risk.ts";
import { registerRoutes } from "./http/routes.ts";
import { MAX_BATCH } from "./http/schemas.ts";
import { registerSimRoutes, type SimRouteOptions } from "./http/sim.ts";
import { SlashIndex } from "./http/slashes.ts";
import type { Ledger } from "./ledger.ts";

/**
 * The node's HTTP API (Hono). Every handler is a plain Request → Response function, so tests call `app.request()`
 * in-process and `@hono/node-server` serves the same app on a port. The API lives under /api; with `staticDir` the
 * dashboard is served from / (index.html for any other GET, so client-side routes work).
 *
 * Errors are always JSON `{ code, message, context? }` and never carry a stack trace:
 * 400 InvalidRequest / InvalidParams, 401 InvalidSignature / TxExpired, 403 role errors, 404 NotFound, 409 InvalidNonce,
 * 413 PayloadTooLarge, 415 UnsupportedMediaType, 422 EigenLayer revert names, 429 RateLimited, 500 InternalError,
 * 503 StoreUnavailable.
 */

export interface AppOptions {
  /** Largest accepted request body; default 1 MiB. */
  bodyLimitBytes?: number;
  /** Fixed-window limit per client; default 1200 requests per minute; false disables it. */
  rateLimit?: Pick<RateLimitOptions, "windowMs" | "max"> | RateLimitOptions | false;
  /** Directory holding the built dashboard (index.html and assets). */
  staticDir?: string;
  /** Where unexpected errors are reported (they reach clients only as a generic 500); default console.error. */
  logError?: (err: unknown, where: string) => void;
  /** The simulation lab's job runner and shipped-scenario folder (http/sim.ts); defaults suit a node. */
  sim?: SimRouteOptions;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const API_INFO = {
  openapi: "3.1.0",
  info: {
    title: "restake node API",
    version: "1.0.0",
    description:
      "A restaking ledger node reproducing EigenLayer's accounting. State changes are EIP-712 signed transactions " +
      "(POST /api/tx, POST /api/tx/batch); everything else reads the state at the head of the log. Integers are " +
      "decimal strings. Errors are `{ code, message, context? }`; domain errors carry EigenLayer's revert name as " +
      `their code. A batch holds at most ${MAX_BATCH} transactions.`,
  },
  tags: [
    { name: "transactions", description: "Signed state changes" },
    { name: "views", description: "Protocol state" },
    { name: "log", description: "The event log" },
    { name: "node", description: "Node status and parameters" },
  ],
};

const isApiPath = (path: string): boolean => path === "/api" || path.startsWith("/api/");

export function createApp(ledger: Ledger, opts: AppOptions = {}): OpenAPIHono {
  const logError = opts.logError ?? ((err, where) => console.error(`[api] ${where}:`, err));

  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return validationError(c, result.target, result.error);
    },
  });

  app.use("*", async (c, next) => {
    await next();
    if (isApiPath(c.req.path) || c.req.path === "/openapi.json") {
      c.header("X-Content-Type-Options", "nosniff");
      c.header("Cache-Control", "no-store");
    }
  });

  if (opts.rateLimit !== false) {
    const limiter = rateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
    // health checks stay cheap and unlimited, so a busy client cannot make the node look dead
    app.use("/api/*", (c, next) => (c.req.path === "/api/health" ? next() : limiter(c, next)));
  }

  const bodyLimitBytes = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: bodyLimitBytes,
      onError: (c) => {
        // the rest of the body is never read: the connection cannot carry another request
        c.header("Connection", "close");
        return sendError(c, 413, "PayloadTooLarge", `request body exceeds ${bodyLimitBytes} bytes`, {
          limitBytes: bodyLimitBytes,
        });
      },
    }),
  );

  // Reads see committed state only: wait out a group commit in flight (its append may still fail and roll back).
  app.use("/api/*", async (c, next) => {
    if (c.req.method === "GET") await ledger.committed();
    await next();
  });

  registerRoutes(app, { ledger, slashes: new SlashIndex(ledger.store) });
  registerRiskRoutes(app, { ledger });
  registerSimRoutes(app, opts.sim);

  app.doc31("/api/openapi.json", API_INFO);
  app.doc31("/openapi.json", API_INFO);

  if (opts.staticDir !== undefined) {
    const root = opts.staticDir;
    const files = serveStatic({ root });
    const index = serveStatic({ root, path: "index.html" });
    app.get("*", async (c, next) => {
      if (isApiPath(c.req.path)) return next();
      let missing = false;
      const found = await files(c, async () => {
        missing = true;
      });
      if (!missing && found instanceof Response) return found;
      return index(c, next);
    });
  }

  app.notFound((c) => sendError(c, 404, "NotFound", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => errorResponse(c, err, logError));
  return app;
}

function errorResponse(c: Context, err: unknown, logError: (err: unknown, where: string) => void): Response {
  if (err instanceof NodeError) return sendError(c, err.status, err.code, err.message, { ...err.context });
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 400) return sendError(c, 400, "InvalidRequest", err.message || "malformed request");
    if (status === 413) return sendError(c, 413, "PayloadTooLarge", "request body too large");
    if (status === 415) return sendError(c, 415, "UnsupportedMediaType", "the body must be application/json");
    if (status >= 500) {
      logError(err, `${c.req.method} ${c.req.path}`);
      return sendError(c, 500, "InternalError", "internal error");
    }
    return sendError(c, status, `Http${status}`, err.message || "request failed");
  }
  if (isProtocolError(err)) {
    // a view asked the engine about something that does not exist (unknown strategy, set, pod …)
    return sendError(c, 422, err.code, err.message, { ...err.context });
  }
  if (isStoreError(err)) {
    logError(err, `${c.req.method} ${c.req.path}`);
    return sendError(c, 503, "StoreUnavailable", "the event store could not be read");
  }
  logError(err, `${c.req.method} ${c.req.path}`);
  return sendError(c, 500, "InternalError", "internal error");
}
