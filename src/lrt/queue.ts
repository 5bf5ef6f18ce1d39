import type { Address } from "../core/eigenlayer/state.ts";
import { require } from "../core/shared/errors.ts";
import { emit, putLrt, type Run } from "./context.ts";
import type { LrtRecord, WithdrawalRequest, World } from "./state.ts";

/** The LRT withdrawal queue's records: one per request, numbered from 1 per LRT, finalized in order (FIFO). */

export function getRequest(w: World, lrt: string, id: bigint): WithdrawalRequest {
  const req = w.lrt.requests.get(`${lrt}|${id}`);
  require(req !== undefined, "UnknownRequest", undefined, { lrt, id });
  return req;
}

export function requestsOf(w: World, lrt: string): WithdrawalRequest[] {
  const out: WithdrawalRequest[] = [];
  for (const r of w.lrt.requests.values()) if (r.lrt === lrt) out.push(r);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function newRequest(
  run: Run,
  rec: LrtRecord,
  owner: Address,
  asset: Address,
  shares: bigint,
  amountAtRequest: bigint,
  rateAtRequest: bigint,
): WithdrawalRequest {
  const id = rec.nextRequestId;
  const req: WithdrawalRequest = {
    lrt: rec.id,
    id,
    owner,
    asset,
    shares,
    amountAtRequest,
    rateAtRequest,
    requestedBlock: run.ctx.block,
    requestedAt: run.ctx.timestamp,
    status: "pending",
    payout: null,
    frozenRate: null,
    finalizedAt: null,
  };
  run.w.lrt.requests.set(`${rec.id}|${id}`, req);
  const latest = run.w.lrt.lrts.get(rec.id)!;
  putLrt(run.w, { ...latest, nextRequestId: id + 1n });
  emit(run, "WithdrawalRequested", { lrt: rec.id, id, owner, asset, shares, amountAtRequest, rateAtRequest });
  return req;
}
