import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { toPlainJson } from "../../core/shared/codec.ts";

/**
 * JSON responses and the error format. Every error the API returns has the shape
 * `{ "code": "...", "message": "...", "context"?: {...} }` and never a stack trace.
 */

export interface ErrorPayload {
  code: string;
  message: string;
  context?: Record<string, unknown>;
}

/** Serialises with bigints as decimal strings. */
export function sendJson(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(toPlainJson(value), status, { "Content-Type": "application/json; charset=UTF-8" });
}

export function sendError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  context?: Record<string, unknown>,
): Response {
  const body: ErrorPayload = { code, message };
  if (context !== undefined && Object.keys(context).length > 0) body.context = context;
  return sendJson(c, body, status);
}

const MAX_ISSUES = 20;

function isParamsPath(path: PropertyKey[]): boolean {
  return path[0] === "params" || (path[0] === "txs" && path[2] === "params");
}

/**
 * A zod validation failure as a 400. Problems inside a transaction's `params` are `InvalidParams` (the command's
 * parameters are wrong); anything else (the envelope, the query, the path) is `InvalidRequest`.
 */
export function validationError(c: Context, target: string, error: ZodError): Response {
  const all = error.issues.map((i) => `${i.path.map(String).join(".") || `(${target})`}: ${i.message}`);
  const issues = all.slice(0, MAX_ISSUES);
  const onlyParams = target === "json" && error.issues.length > 0 && error.issues.every((i) => isParamsPath(i.path));
  const code = onlyParams ? "InvalidParams" : "InvalidRequest";
  const more = all.length > issues.length ? ` (and ${all.length - issues.length} more)` : "";
  return sendError(c, 400, code, `${issues.slice(0, 3).join("; ")}${more}`, { target, issues });
}
