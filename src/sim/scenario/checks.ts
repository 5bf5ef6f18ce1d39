import type { NetworkNames } from "../network/types.ts";
import type { ExplicitNetwork, OperatorSelector, Scenario } from "./types.ts";
import type { PathSegment, Problem } from "./yamlTree.ts";

/**
 * The checks that need more than one value, after the schema: the timeline's order and range, an explicit
 * network's internal references (`checkScenario`), and every name the scenario uses against the names the network
 * will have (`checkReferences`). Paths are the file's (`timeline[2].operators[0]`, not the model's `.ids[0]`).
 */

export function checkScenario(s: Scenario): Problem[] {
  const out: Problem[] = [];
  let previous = 0;
  s.timeline.forEach((e, i) => {
    const path = ["timeline", i, "at"];
    if (e.at >= s.run.blocks) {
      out.push({
        path,
        message: `block ${e.at} is past the end of the run (run.blocks is ${s.run.blocks}: events go at 0 … ${s.run.blocks - 1})`,
      });
    } else if (e.at < previous) {
      out.push({
        path,
        message: `block ${e.at} comes before the previous event's block ${previous} (events are listed in block order)`,
      });
    }
    previous = Math.max(previous, e.at);
  });
  if ("explicit" in s.network) out.push(...checkExplicit(s.network.explicit));
  return out;
}

const ref = (path: PathSegment[], message: string): Problem => ({ path, message, code: "ScenarioReference" });

/** Ids are unique, and every operator, LRT and market an explicit network names is in it. */
function checkExplicit(x: ExplicitNetwork): Problem[] {
  const out: Problem[] = [];
  const base = ["network", "explicit"];
  const unique = (list: { id: string }[], key: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) out.push(ref([...base, key, i, "id"], `${what} id "${item.id}" is used twice`));
      seen.add(item.id);
    });
  };
  unique(x.operators, "operators", "operator");
  unique(x.avss, "avss", "AVS");
  unique(x.stakers, "stakers", "staker");
  unique(x.lrts, "lrts", "LRT");
  unique(x.lending.loopers ?? [], "loopers", "looper");

  const operators = x.operators.map((o) => o.id);
  const lrts = x.lrts.map((l) => l.id);
  const known = (list: string[], what: string, id: string, path: PathSegment[]) => {
    if (!list.includes(id)) out.push(ref(path, `unknown ${what} "${id}" (${have(list)})`));
  };
  x.avss.forEach((a, i) => {
    a.operators.forEach((op, j) => {
      known(operators, "operator", op, [...base, "avss", i, "operators", j]);
    });
  });
  x.stakers.forEach((st, i) => {
    known(operators, "operator", st.operator, [...base, "stakers", i, "operator"]);
  });
  x.lrts.forEach((l, i) => {
    const path = [...base, "lrts", i, "delegators"];
    l.delegators.forEach((d, j) => {
      known(operators, "operator", d.operator, [...path, j, "operator"]);
    });
    const total = l.delegators.reduce((t, d) => t + d.weightBps, 0);
    if (total !== 10_000) {
      out.push({ path, message: `delegator weights add up to ${total} bps, not 10000`, code: "ScenarioSchema" });
    }
    // the LRT layer's chain ids (src/lrt/bridge.ts): an L2's lower-case name, one route per chain
    const chains = new Set<string>();
    (l.bridges ?? []).forEach((b, j) => {
      const at = [...base, "lrts", i, "bridges", j, "chain"];
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(b.chain) || b.chain === "ethereum") {
        out.push({
          path: at,
          message: `a bridged chain is an L2's lower-case id (such as unichain), got "${b.chain}"`,
        });
      } else if (chains.has(b.chain)) out.push(ref(at, `chain "${b.chain}" is bridged twice`));
      chains.add(b.chain);
    });
  });
  const lending = [...base, "lending"];
  x.lending.aave?.lrts.forEach((id, i) => {
    known(lrts, "LRT", id, [...lending, "aave", "lrts", i]);
  });
  const morpho = x.lending.morpho ?? [];
  morpho.forEach((m, i) => {
    known(lrts, "LRT", m.lrt, [...lending, "morpho", i, "lrt"]);
    const pooled = x.lrts.find((l) => l.id === m.lrt)?.poolWeth ?? 0n;
    if (m.oracle === "dex" && lrts.includes(m.lrt) && pooled === 0n) {
      out.push(
        ref(
          [...lending, "morpho", i, "oracle"],
          `a "dex" oracle needs a pool, and LRT "${m.lrt}" has none (poolWeth 0)`,
        ),
      );
    }
  });
  (x.lending.loopers ?? []).forEach((lp, i) => {
    const path = [...lending, "loopers", i];
    known(lrts, "LRT", lp.lrt, [...path, "lrt"]);
    if (lp.market === "aave") {
      if (x.lending.aave === undefined)
        out.push(ref([...path, "market"], "there is no Aave-style pool (lending.aave)"));
      else if (!x.lending.aave.lrts.includes(lp.lrt)) {
        out.push(ref([...path, "market"], `the Aave-style pool does not list "${lp.lrt}" (lending.aave.lrts)`));
      }
    } else if (lp.market >= morpho.length) {
      out.push(ref([...path, "market"], `no Morpho market ${lp.market} (lending.morpho has ${morpho.length})`));
    } else if (morpho[lp.market]!.lrt !== lp.lrt) {
      out.push(
        ref([...path, "market"], `Morpho market ${lp.market} takes "${morpho[lp.market]!.lrt}", not "${lp.lrt}"`),
      );
    }
  });
  return out;
}

/** Every id the scenario names is one the network will have. */
export function checkReferences(s: Scenario, n: NetworkNames): Problem[] {
  const out: Problem[] = [];
  const known = (list: readonly string[], what: string, id: string, path: PathSegment[]) => {
    if (!list.includes(id)) out.push(ref(path, `unknown ${what} "${id}" (${have(list)})`));
  };
  const operators = (sel: OperatorSelector, path: PathSegment[]) => {
    if ("random" in sel) {
      if (sel.random > n.operators.length) {
        out.push(ref([...path, "random"], `${sel.random} operators drawn, but the network has ${n.operators.length}`));
      }
      return;
    }
    const seen = new Set<string>();
    sel.ids.forEach((id, j) => {
      known(n.operators, "operator", id, [...path, j]);
      if (seen.has(id)) out.push(ref([...path, j], `operator "${id}" is listed twice`));
      seen.add(id);
    });
  };
  const lrt = (id: string | undefined, path: PathSegment[]) => {
    if (id !== undefined) known(n.lrts, "LRT", id, path);
  };
  s.timeline.forEach((e, i) => {
    const at = (...p: PathSegment[]): PathSegment[] => ["timeline", i, ...p];
    switch (e.event) {
      case "avsSlash":
        known(n.avss, "AVS", e.avs, at("avs"));
        operators(e.operators, at("operators"));
        break;
      case "fault":
        if (e.operators !== undefined) operators(e.operators, at("operators"));
        if (e.client !== undefined) known(n.clients, "client", e.client, at("client"));
        e.avss?.forEach((id, j) => {
          known(n.avss, "AVS", id, at("avss", j));
        });
        break;
      case "beaconSlash":
      case "lrtExploit":
      case "depeg":
      case "massWithdrawal":
        lrt(e.lrt, at("lrt"));
        break;
      case "bridgeMint": {
        lrt(e.lrt, at("lrt"));
        const chains = n.chains[e.lrt];
        if (chains !== undefined && !chains.includes(e.chain)) {
          const where = chains.length === 0 ? "it is bridged nowhere" : `its chains: ${chains.join(", ")}`;
          out.push(ref(at("chain"), `LRT "${e.lrt}" is not bridged to "${e.chain}" (${where})`));
        }
        break;
      }
      case "oracle":
        known(n.oracles, "oracle", e.oracle, at("oracle"));
        break;
      case "params":
        if ("aaveReserve" in e.target)
          known(n.aaveReserves, "Aave reserve", e.target.aaveReserve, at("target", "aaveReserve"));
        else lrt(e.target.lrt, at("target", "lrt"));
        break;
    }
  });
  for (const id of Object.keys(s.agents.avsPolicies?.overrides ?? {})) {
    const path = ["agents", "avsPolicies", "overrides", id];
    if (!n.avss.includes(id)) out.push({ ...ref(path, `unknown AVS "${id}" (${have(n.avss)})`), at: "key" });
  }
  // two explicit Morpho markets on one LRT at the same LLTV would share one id
  if ("explicit" in s.network) {
    const seen = new Set<string>();
    n.morphoMarkets.forEach((m, i) => {
      if (seen.has(m)) {
        out.push(
          ref(["network", "explicit", "lending", "morpho", i], `a second Morpho market "${m}" (same LRT and LLTV)`),
        );
      }
      seen.add(m);
    });
  }
  return out;
}

/** "the network has avs-0 … avs-11": all of a short list, the ends of a long one. */
export function have(list: readonly string[]): string {
  if (list.length === 0) return "the network has none";
  if (list.length <= 6) return `the network has ${list.join(", ")}`;
  return `the network has ${list[0]} … ${list.at(-1)}`;
}
