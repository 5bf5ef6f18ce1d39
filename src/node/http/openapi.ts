import type { z } from "@hono/zod-openapi";
import { ErrorBody } from "./schemas.ts";

/** OpenAPI response descriptions shared by every route module, so all errors are documented the same way. */

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON, wrong types, unknown fields or out-of-range numbers (InvalidRequest, InvalidParams)",
  401: "Bad signature, wrong chain or deployment, or an expired deadline (InvalidSignature, TxExpired)",
  403: "The signer may not do this (OnlyAdmin, InvalidPermissions, InvalidCaller, OnlyBeaconReporter, …)",
  404: "No such resource (NotFound)",
  409: "Wrong nonce (InvalidNonce) or a manual-clock command on a real-time node",
  413: "Body larger than the limit (PayloadTooLarge)",
  415: "Body is not application/json (UnsupportedMediaType)",
  422: "The protocol rejected the command; the code is EigenLayer's revert name",
  429: "Too many requests from this client (RateLimited)",
  500: "A restake bug (InternalError); never a stack trace",
  503: "The event store could not be written or read (StoreUnavailable)",
};

export function errors(...statuses: number[]): Record<number, ReturnType<typeof json>> {
  const out: Record<number, ReturnType<typeof json>> = {};
  for (const s of [...statuses, 429, 500]) out[s] = json(ErrorBody, ERROR_DESCRIPTIONS[s] ?? "Error");
  return out;
}
