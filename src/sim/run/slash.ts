import * as dm from "../../core/eigenlayer/delegationManager.ts";
import { type Address, setKey } from "../../core/eigenlayer/state.ts";
import * as views from "../../core/eigenlayer/views.ts";
import * as lrtViews from "../../lrt/views.ts";
import type { SimAvs } from "../network/types.ts";
import type { RunContext } from "./context.ts";
import { fractionWad } from "./context.ts";
import { sharesValue } from "./read.ts";

/**
 * Slashing through the engine, with the loss attributed by layer: the ETH value the operator's delegated shares lose
 * is what was slashed; the part LRT holders bear is the fall of the LRTs' net asset values over the same command; the
 * rest falls on direct stakers. Both are measured, not assumed, so the split carries everything the engine does
 * (queued withdrawals still slashable, magnitudes, rounding).
 */

function lrtNavs(rc: RunContext): bigint[] {
  const w = { eigen: rc.net.chain.world.eigen, lrt: rc.net.chain.world.lrt };
  const at = { block: rc.net.chain.block, timestamp: rc.net.chain.timestamp };
  return rc.net.lrts.map((l) => lrtViews.nav(w, l.id, at).nav);
}

function operatorValue(rc: RunContext, operator: Address, strategies: readonly Address[]): bigint {
  const s = rc.net.chain.world.eigen;
  let v = 0n;
  for (const st of strategies) v += sharesValue(rc.net, st, dm.operatorShares(s, operator, st));
  return v;
}

/** Runs `fn` (which slashes) and books the loss it caused by layer; returns the ETH slashed. */
export function measured(
  rc: RunContext,
  operators: readonly Address[],
  strategies: readonly Address[],
  fn: () => void,
): bigint {
  const before = operators.map((o) => operatorValue(rc, o, strategies));
  const navBefore = lrtNavs(rc);
  fn();
  let slashed = 0n;
  operators.forEach((o, i) => {
    const d = (before[i] ?? 0n) - operatorValue(rc, o, strategies);
    if (d > 0n) slashed += d;
  });
  const navAfter = lrtNavs(rc);
  let lrtLoss = 0n;
  navBefore.forEach((b, i) => {
    const d = b - (navAfter[i] ?? 0n);
    if (d > 0n) lrtLoss += d;
  });
  rc.slashed += slashed;
  const lrtPart = lrtLoss < slashed ? lrtLoss : slashed;
  rc.lossLrtHolders += lrtPart;
  rc.lossStakers += slashed - lrtPart;
  return slashed;
}

/**
 * The AVS slashes `operators` by `fraction` of their allocated magnitude in every operator set they are members of,
 * over every strategy of the set. A command the engine rejects (not slashable, nothing allocated) is counted as a
 * revert and changes nothing.
 */
export function avsSlash(
  rc: RunContext,
  avs: SimAvs,
  operatorIds: readonly string[],
  fraction: number,
  description: string,
): bigint {
  if (fraction <= 0) return 0n;
  const wad = fractionWad(fraction);
  const chain = rc.net.chain;
  let total = 0n;
  for (const set of avs.operatorSets) {
    const members = operatorIds.filter((id) => set.operators.includes(id));
    if (members.length === 0) continue;
    const key = setKey(avs.address, set.id);
    for (const id of members) {
      const operator = rc.operatorAddress(id);
      const strategies = set.strategies.filter(
        (st) => views.allocation(chain.world.eigen, chain.block, operator, key, st).currentMagnitude > 0n,
      );
      if (strategies.length === 0) continue;
      total += measured(rc, [operator], strategies, () => {
        chain.try(avs.slasher, {
          layer: "eigen",
          command: {
            type: "slashOperator",
            avs: avs.address,
            operator,
            operatorSetId: set.id,
            strategies,
            wadsToSlash: strategies.map(() => wad),
            description,
          },
        });
      });
    }
  }
  return total;
}

/** Whether the operator is in any operator set of the AVS. */
export function serves(avs: SimAvs, operatorId: string): boolean {
  return avs.operatorSets.some((s) => s.operators.includes(operatorId));
}
