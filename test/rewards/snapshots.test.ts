import { describe, expect, it } from "vitest";
import * as views from "../../src/core/eigenlayer/views.ts";
import {
  type DailySnapshotter,
  OPERATOR_SLOTS,
  type Shares,
  DailySnapshotter as Snapshotter,
} from "../../src/rewards/snapshots.ts";
import { createRandomRun } from "../../src/sim/randomOps.ts";

/** Positions after each boundary, keyed by addresses: `${staker}|${operator or -}` → strategy → shares. */
function materialise(snap: DailySnapshotter): Map<string, Map<string, bigint>>[] {
  const current = new Map<string, Map<string, bigint>>();
  const out: Map<string, Map<string, bigint>>[] = [];
  for (const b of snap.boundaries) {
    for (const c of b.changes) {
      const slot = c.key % OPERATOR_SLOTS;
      const staker = snap.stakers.at((c.key - slot) / OPERATOR_SLOTS);
      const key = `${staker}|${slot === 0 ? "-" : snap.operators.at(slot - 1)}`;
      if (c.shares === null) current.delete(key);
      else current.set(key, byStrategy(snap, c.shares));
    }
    out.push(new Map([...current].sort(([a], [b]) => (a < b ? -1 : 1))));
  }
  return out;
}

function byStrategy(snap: DailySnapshotter, shares: Shares): Map<string, bigint> {
  const m = new Map<string, bigint>();
  shares.forEach((v, i) => {
    if (v !== undefined && v !== 0n) m.set(snap.strategies.at(i), v);
  });
  return m;
}

describe("daily snapshots", () => {
  it.each([1, 2, 3, 4, 5, 6])(
    "re-reading only touched stakers gives the same positions as re-reading everyone (random run, seed %i)",
    (seed) => {
      const run = createRandomRun({ seed, stakers: 8, operators: 3, strategies: 3, avss: 2 });
      // 10-minute "days" (50 blocks) so that a few thousand steps cross a few hundred boundaries
      const cadence = 600n;
      const inc = new Snapshotter({ cadence });
      const full = new Snapshotter({ cadence, fullRecompute: true });
      let queuedSeen = 0;
      for (let i = 0; i < 3000; i++) {
        const block = run.block;
        for (const snap of [inc, full]) snap.advance(run.state, block * 12n, block);
        const out = run.step();
        for (const call of out.executed ?? []) {
          const entry = { block, timestamp: block * 12n, sender: call.caller, events: call.events };
          inc.observe(entry);
          full.observe(entry);
        }
        for (const staker of run.stakers) queuedSeen += views.queuedWithdrawals(run.state, run.block, staker).length;
      }
      const until = inc.last! + cadence;
      for (const snap of [inc, full]) snap.finish(run.state, until);
      expect(inc.boundaries.length).toBeGreaterThan(100);
      expect(queuedSeen).toBeGreaterThan(0);
      const a = materialise(inc);
      const b = materialise(full);
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(a[i], `boundary ${i}`).toEqual(b[i]);
      // and the boundaries are not all empty
      expect(a.some((m) => m.size > 0)).toBe(true);
    },
  );
});
