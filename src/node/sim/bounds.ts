import type { Scenario } from "../../sim/scenario/types.ts";

/**
 * How big a network a scenario may ask the node for. The CLI runs anything; the API runs on a shared node, and a
 * scenario's counts turn into arrays and accounts before anything else happens, so a posted `operators: 1e9` must
 * be refused up front. The bounds are twice the mainnet-2026 preset (2,000 operators, 45 AVSs, 60,000 stakers,
 * 140,000 LRT holders, 300 loopers): every shipped scenario fits.
 */
export const API_NETWORK_BOUNDS = {
  operators: 4_000,
  avss: 100,
  stakers: 120_000,
  lrtHolders: 280_000,
  loopers: 1_000,
  clients: 100,
} as const;

export interface BoundProblem {
  path: string;
  value: number;
  max: number;
}

/** The first count over its bound, or null. Presets not given a count keep theirs, which fit. */
export function overBounds(s: Scenario): BoundProblem | null {
  const over = (path: string, value: number, max: number) => (value > max ? { path, value, max } : null);
  if ("preset" in s.network) {
    const p = s.network.params;
    for (const key of Object.keys(API_NETWORK_BOUNDS) as (keyof typeof API_NETWORK_BOUNDS)[]) {
      const v = p[key];
      const hit = v === undefined ? null : over(`network.params.${key}`, v, API_NETWORK_BOUNDS[key]);
      if (hit) return hit;
    }
    return null;
  }
  const x = s.network.explicit;
  const holders = x.lrts.reduce((a, l) => a + l.holders, 0);
  return (
    over("network.explicit.operators", x.operators.length, API_NETWORK_BOUNDS.operators) ??
    over("network.explicit.avss", x.avss.length, API_NETWORK_BOUNDS.avss) ??
    over("network.explicit.stakers", x.stakers.length, API_NETWORK_BOUNDS.stakers) ??
    over("network.explicit.lrts[].holders", holders, API_NETWORK_BOUNDS.lrtHolders) ??
    over("network.explicit.lending.loopers", x.lending.loopers?.length ?? 0, API_NETWORK_BOUNDS.loopers)
  );
}
