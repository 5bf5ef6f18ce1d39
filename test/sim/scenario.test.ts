import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { networkNames } from "../../src/sim/network/names.ts";
import type { NetworkNames } from "../../src/sim/network/types.ts";
import { isScenarioError, type ScenarioError, type ScenarioErrorCode } from "../../src/sim/scenario/errors.ts";
import { parseScenario } from "../../src/sim/scenario/parse.ts";
import { EVENT_TYPES } from "../../src/sim/scenario/schema.ts";
import type { NetworkSpec, Scenario } from "../../src/sim/scenario/types.ts";
import { formatEth, Invalid, parseEth } from "../../src/sim/scenario/units.ts";

const E = 10n ** 18n;

/** The small preset's names, written out by hand (src/sim/network/names.ts computes the same from the preset). */
const SMALL: NetworkNames = {
  operators: Array.from({ length: 8 }, (_, i) => `op-${i}`),
  avss: ["avs-0", "avs-1", "avs-2", "avs-3"],
  clients: ["client-0", "client-1", "client-2"],
  lrts: ["eeth", "ezeth", "rseth"],
  oracles: ["ETH", "weETH-rate", "weETH-dex", "ezETH-rate", "ezETH-dex", "rsETH-rate", "rsETH-dex"],
  aaveReserves: ["WETH", "weETH", "ezETH", "rsETH"],
  morphoMarkets: ["ezETH-86"],
  chains: { eeth: ["arbitrum"], ezeth: ["base"], rseth: ["unichain"] },
};

/** Hand-made names: the small preset's for any preset, the listed ids for an explicit network. */
function names(spec: NetworkSpec): NetworkNames {
  if (!("explicit" in spec)) return SMALL;
  const x = spec.explicit;
  return {
    operators: x.operators.map((o) => o.id),
    avss: x.avss.map((a) => a.id),
    clients: [...new Set([...x.operators.flatMap((o) => o.clients), ...x.avss.map((a) => a.client)])],
    lrts: x.lrts.map((l) => l.id),
    oracles: [],
    aaveReserves: [],
    morphoMarkets: (x.lending.morpho ?? []).map((m) => `${m.lrt}-${Math.round(m.lltv * 100)}`),
    chains: {},
  };
}

const parse = (text: string, file = "scenario.yaml"): Scenario => parseScenario(text, { file, names });

function errorOf(text: string, n: (spec: NetworkSpec) => NetworkNames = names): ScenarioError {
  try {
    parseScenario(text, { file: "scenario.yaml", names: n });
  } catch (e) {
    if (isScenarioError(e)) return e;
    throw e;
  }
  throw new Error("the file parsed");
}

// ---------------------------------------------------------------------------------------------------------------

describe("a valid scenario", () => {
  it("parses a full file to the model: amounts exact in wei, percents, every event type and agent section", () => {
    const text = `
name: full-example
description: every event type
seed: 42
network:
  preset: mid
  params:
    operators: 120
    avss: 10
    stakers: 500
    lrtHolders: 900
    lrts: [eeth, ezeth]
    lrtShare: "66.5%"
    totalRestaked: 450000.000000000000000001
    operatorTail: 0.65
    clients: 5
    loopers: 12
    poolDepth: 0.03
run:
  blocks: 7200
  step: 300
  security: false
  checkConservation: true
timeline:
  - { at: 0, event: avsSlash, avs: avs-1, operators: [op-1, op-2], fraction: "12.5%" }
  - { at: 10, event: fault, fault: doubleSign, operators: { random: 3 }, avss: [avs-2] }
  - { at: 10, event: fault, fault: downtime, client: client-0 }
  - { at: 20, event: beaconSlash, lrt: eeth, validators: 5, penalty: 0.5 }
  - { at: 20, event: beaconSlash, validators: 1 }
  - { at: 30, event: lrtExploit, lrt: ezeth, fraction: 0.25 }
  - { at: 40, event: bridgeMint, lrt: rseth, chain: unichain, amount: "116500", borrowToHf: 1.1 }
  - { at: 50, event: oracle, oracle: ezETH-dex, action: set, price: 2950.12345678 }
  - { at: 51, event: oracle, oracle: ezETH-dex, action: freeze }
  - { at: 60, event: depeg, lrt: ezeth, amount: 4000.5 }
  - { at: 61, event: depeg, lrt: ezeth, toPrice: 0.9 }
  - { at: 70, event: massWithdrawal, fraction: "7.3%" }
  - { at: 80, event: params, target: { aaveReserve: ezETH }, freeze: true, ltv: 0 }
  - { at: 90, event: params, target: { lrt: rseth }, pause: true }
agents:
  fearfulStakers: { threshold: "1%", perStep: 0.1, action: sell }
  arbitrageurs: { capital: "0.000000000000000001", count: 4, minDiscount: "0.25%" }
  liquidators: { minProfit: 0.05 }
  loopers: { unwindBelowHf: 1.02 }
  avsPolicies:
    default: { downtime: "5%" }
    overrides:
      avs-3: { doubleSign: 0.5 }
`;
    const expected: Scenario = {
      name: "full-example",
      description: "every event type",
      seed: 42,
      network: {
        preset: "mid",
        params: {
          operators: 120,
          avss: 10,
          stakers: 500,
          lrtHolders: 900,
          lrts: ["eeth", "ezeth"],
          lrtShare: 0.665,
          totalRestaked: 450_000n * E + 1n,
          operatorTail: 0.65,
          clients: 5,
          loopers: 12,
          poolDepth: 0.03,
        },
      },
      run: { blocks: 7200, step: 300, security: false, securityProfit: 0.05, checkConservation: true },
      timeline: [
        { at: 0, event: "avsSlash", avs: "avs-1", operators: { ids: ["op-1", "op-2"] }, fraction: 0.125 },
        { at: 10, event: "fault", fault: "doubleSign", operators: { random: 3 }, avss: ["avs-2"] },
        { at: 10, event: "fault", fault: "downtime", client: "client-0" },
        { at: 20, event: "beaconSlash", lrt: "eeth", validators: 5, penalty: E / 2n },
        { at: 20, event: "beaconSlash", validators: 1, penalty: E },
        { at: 30, event: "lrtExploit", lrt: "ezeth", fraction: 0.25 },
        { at: 40, event: "bridgeMint", lrt: "rseth", chain: "unichain", amount: 116_500n * E, borrowToHf: 1.1 },
        { at: 50, event: "oracle", oracle: "ezETH-dex", action: "set", price: 295_012_345_678n },
        { at: 51, event: "oracle", oracle: "ezETH-dex", action: "freeze" },
        { at: 60, event: "depeg", lrt: "ezeth", amount: 4_000_500_000_000_000_000_000n },
        { at: 61, event: "depeg", lrt: "ezeth", toPrice: 0.9 },
        { at: 70, event: "massWithdrawal", fraction: 0.073 },
        { at: 80, event: "params", target: { aaveReserve: "ezETH" }, freeze: true, ltv: 0 },
        { at: 90, event: "params", target: { lrt: "rseth" }, pause: true },
      ],
      agents: {
        fearfulStakers: { threshold: 0.01, perStep: 0.1, action: "sell" },
        arbitrageurs: { capital: 1n, count: 4, minDiscount: 0.0025 },
        liquidators: { minProfit: 5n * 10n ** 16n },
        loopers: { unwindBelowHf: 1.02 },
        avsPolicies: {
          default: { doubleSign: 1, downtime: 0.05, invalidStateTransition: 0.5 },
          overrides: { "avs-3": { doubleSign: 0.5 } },
        },
      },
    };
    expect(parse(text)).toEqual(expected);
  });

  it("fills the defaults: seed 1, step 1, security on, no conservation check, no events, no agents", () => {
    const s = parse("name: bare\nnetwork: { preset: small }\nrun: { blocks: 10 }\n");
    expect(parse("name: bare\nnetwork: { preset: small }\nrun: { blocks: 10 }\ntimeline:\nagents:\n")).toEqual(s);
    expect(s).toEqual({
      name: "bare",
      seed: 1,
      network: { preset: "small", params: {} },
      run: { blocks: 10, step: 1, security: true, securityProfit: 0.05, checkConservation: false },
      timeline: [],
      agents: {},
    });
  });

  it("turns an agent section written empty into that agent with every default", () => {
    const s = parse(
      "name: agents\nnetwork: { preset: small }\nrun: { blocks: 10 }\nagents:\n  fearfulStakers:\n  arbitrageurs: {}\n  liquidators:\n  loopers:\n  avsPolicies:\n",
    );
    expect(s.agents).toEqual({
      fearfulStakers: { threshold: 0.02, perStep: 0.05, action: "withdraw" },
      arbitrageurs: { capital: 1000n * E, count: 3, minDiscount: 0.002 },
      liquidators: { minProfit: 0n },
      loopers: { unwindBelowHf: 1.05 },
      avsPolicies: {},
    });
  });

  it("parses an explicit network, with its own references checked", () => {
    const s = parse(EXPLICIT);
    expect(s.network).toEqual({
      explicit: {
        operators: [
          { id: "alpha", clients: ["geth-like"] },
          { id: "beta", clients: [] },
        ],
        avss: [
          {
            id: "oracle-avs",
            client: "geth-like",
            operators: ["alpha", "beta"],
            allocation: 0.4,
            slashPolicy: { downtime: 0.1 },
          },
        ],
        stakers: [{ id: "whale", operator: "alpha", amount: 3200n * E, asset: "eth" }],
        lrts: [
          {
            id: "ezeth",
            delegators: [
              { operator: "alpha", weightBps: 6000 },
              { operator: "beta", weightBps: 4000 },
            ],
            deposits: 10_000n * E,
            holders: 20,
            poolWeth: 500n * E,
          },
        ],
        lending: {
          aave: { lrts: ["ezeth"], eMode: true, wethSupply: 5000n * E },
          morpho: [{ lrt: "ezeth", lltv: 0.86, wethSupply: 2000n * E, oracle: "dex" }],
          loopers: [
            { id: "looper-1", lrt: "ezeth", market: 0, equity: 100n * E, leverage: 4 },
            { id: "looper-2", lrt: "ezeth", market: "aave", equity: 50n * E, leverage: 3 },
          ],
        },
      },
    });
    expect(s.timeline).toEqual([
      { at: 5, event: "avsSlash", avs: "oracle-avs", operators: { ids: ["beta"] }, fraction: 1 },
    ]);
  });

  it("keeps events at the same block in file order", () => {
    const s = parse(
      "name: order\nnetwork: { preset: small }\nrun: { blocks: 10 }\ntimeline:\n" +
        "  - { at: 3, event: lrtExploit, lrt: eeth, fraction: 0.1 }\n" +
        "  - { at: 3, event: lrtExploit, lrt: ezeth, fraction: 0.2 }\n" +
        "  - { at: 3, event: lrtExploit, lrt: rseth, fraction: 0.3 }\n",
    );
    expect(s.timeline.map((e) => ("lrt" in e ? e.lrt : ""))).toEqual(["eeth", "ezeth", "rseth"]);
  });

  it("follows YAML anchors and aliases", () => {
    const s = parse(
      "name: alias\nnetwork: { preset: small }\nrun: { blocks: 10 }\ntimeline:\n" +
        "  - { at: 1, event: avsSlash, avs: avs-0, operators: &ops [op-1, op-2], fraction: 0.1 }\n" +
        "  - { at: 2, event: fault, fault: downtime, operators: *ops }\n",
    );
    expect(s.timeline[1]).toEqual({ at: 2, event: "fault", fault: "downtime", operators: { ids: ["op-1", "op-2"] } });
  });
});

describe("the shipped example", () => {
  const text = readFileSync(new URL("../../scenarios/examples/small-cascade.yaml", import.meta.url), "utf8");

  it("parses with the hand-made names and with the network's own (names.ts)", () => {
    const s = parse(text, "small-cascade.yaml");
    expect(parseScenario(text, { names: networkNames })).toEqual(s);
    expect(s.name).toBe("small-cascade");
    expect("preset" in s.network && s.network.preset).toBe("small");
    // several event types, and every agent section
    expect(new Set(s.timeline.map((e) => e.event)).size).toBeGreaterThanOrEqual(6);
    expect(Object.keys(s.agents).sort()).toEqual(
      ["arbitrageurs", "avsPolicies", "fearfulStakers", "liquidators", "loopers"].sort(),
    );
  });
});

describe("docs/scenarios.md", () => {
  it("has examples that parse: whole files, networks, and one event of each type", () => {
    const md = readFileSync(new URL("../../docs/scenarios.md", import.meta.url), "utf8");
    const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const events = new Set<string>();
    for (const b of blocks) {
      let text = b;
      if (b.startsWith("- ")) {
        const timeline = b.split("\n").map((l) => `  ${l}`);
        text = `name: doc\nnetwork: { preset: small }\nrun: { blocks: 1000 }\ntimeline:\n${timeline.join("\n")}`;
      } else if (b.startsWith("network:")) text = `name: doc\nrun: { blocks: 10 }\n${b}`;
      const s = parseScenario(text, { names: networkNames });
      for (const e of s.timeline) events.add(e.event);
    }
    expect([...events].sort()).toEqual([...EVENT_TYPES].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------------
// bad files: one error each, with its code, place and path

const BASE = `name: table-base
seed: 3
network:
  preset: small
  params:
    operators: 8
run:
  blocks: 500
  step: 5
timeline:
  - at: 10
    event: avsSlash
    avs: avs-1
    operators: [op-1, op-2]
    fraction: "5%"
  - at: 20
    event: fault
    fault: doubleSign
    client: client-0
  - at: 30
    event: bridgeMint
    lrt: rseth
    chain: unichain
    amount: "116500"
  - at: 40
    event: oracle
    oracle: ezETH-dex
    action: freeze
  - at: 50
    event: params
    target: { aaveReserve: rsETH }
    freeze: true
agents:
  liquidators:
  avsPolicies:
    overrides:
      avs-0: { downtime: 0.1 }
`;

const EXPLICIT = `name: explicit-base
network:
  explicit:
    operators:
      - { id: alpha, clients: [geth-like] }
      - { id: beta }
    avss:
      - id: oracle-avs
        client: geth-like
        operators: [alpha, beta]
        allocation: 0.4
        slashPolicy: { downtime: 0.1 }
    stakers:
      - { id: whale, operator: alpha, amount: 3200 }
    lrts:
      - id: ezeth
        delegators:
          - { operator: alpha, weightBps: 6000 }
          - { operator: beta, weightBps: 4000 }
        deposits: 10000
        holders: 20
        poolWeth: 500
    lending:
      aave: { lrts: [ezeth], wethSupply: 5000 }
      morpho:
        - { lrt: ezeth, lltv: "86%", wethSupply: 2000, oracle: dex }
      loopers:
        - { id: looper-1, lrt: ezeth, market: 0, equity: 100, leverage: 4 }
        - { id: looper-2, lrt: ezeth, market: aave, equity: 50, leverage: 3 }
run: { blocks: 100 }
timeline:
  - { at: 5, event: avsSlash, avs: oracle-avs, operators: [beta], fraction: 1 }
`;

/** The text with line `n` (1-based) replaced by `by` (several lines allowed; "" deletes it). */
function withLine(text: string, n: number, by: string): string {
  const lines = text.split("\n");
  lines.splice(n - 1, 1, ...(by === "" ? [] : [by]));
  return lines.join("\n");
}

/** 1-based column of `token` on line `n` of `text`. */
function col(text: string, n: number, token: string): number {
  const line = text.split("\n")[n - 1]!;
  const i = line.indexOf(token);
  if (i < 0) throw new Error(`no ${token} on line ${n}: ${line}`);
  return i + 1;
}

interface Bad {
  name: string;
  text: string;
  code: ScenarioErrorCode;
  line: number;
  /** a token on that line whose first character is the column, or the column itself */
  column: string | number;
  path: string;
  message: RegExp;
  names?: (spec: NetworkSpec) => NetworkNames;
}

const BAD: Bad[] = [
  {
    name: "unknown key at the top level",
    text: `${BASE}extra: 1\n`,
    code: "ScenarioSchema",
    line: 38,
    column: "extra",
    path: "extra",
    message: /^unknown key "extra" \(allowed: name, description, seed, network, run, timeline, agents\)$/,
  },
  {
    name: "unknown key nested, with a suggestion",
    text: withLine(BASE, 9, "  stepp: 5"),
    code: "ScenarioSchema",
    line: 9,
    column: "stepp",
    path: "run.stepp",
    message:
      /^unknown key "stepp" — did you mean "step"\? \(allowed: blocks, step, security, securityProfit, checkConservation\)$/,
  },
  {
    name: "a misspelt key in an event: the unknown key, not the missing one it leaves",
    text: withLine(BASE, 15, '    fractoin: "5%"'),
    code: "ScenarioSchema",
    line: 15,
    column: "fractoin",
    path: "timeline[0].fractoin",
    message: /unknown key "fractoin" — did you mean "fraction"\? \(allowed: at, event, avs, operators, fraction\)/,
  },
  {
    name: "a key unknown in a preset's params",
    text: withLine(BASE, 6, "    validators: 8"),
    code: "ScenarioSchema",
    line: 6,
    column: "validators",
    path: "network.params.validators",
    message: /unknown key "validators" \(allowed: operators, avss, stakers, lrtHolders, lrts, lrtShare, totalRestaked/,
  },
  {
    name: "wrong type: text for a count",
    text: withLine(BASE, 8, "  blocks: many"),
    code: "ScenarioSchema",
    line: 8,
    column: "many",
    path: "run.blocks",
    message: /^expected an integer ≥ 1, got "many"$/,
  },
  {
    name: "wrong type: a word for a boolean",
    text: withLine(BASE, 9, "  security: yes"),
    code: "ScenarioSchema",
    line: 9,
    column: "yes",
    path: "run.security",
    message: /^expected true or false, got "yes"$/,
  },
  {
    name: "wrong type: one id where a selector (a list or {random: n}) goes",
    text: withLine(BASE, 14, "    operators: op-1"),
    code: "ScenarioSchema",
    line: 14,
    column: "op-1",
    path: "timeline[0].operators",
    message: /^expected a list of operator ids or \{random: n\}, got "op-1"$/,
  },
  {
    name: "a number where an id goes, inside a selector list",
    text: withLine(BASE, 14, "    operators: [op-1, 7]"),
    code: "ScenarioSchema",
    line: 14,
    column: "7",
    path: "timeline[0].operators[1]",
    message: /^expected an id .*, got 7$/,
  },
  {
    name: 'bad amount "1.2.3"',
    text: withLine(BASE, 24, '    amount: "1.2.3"'),
    code: "ScenarioSchema",
    line: 24,
    column: '"1.2.3"',
    path: "timeline[2].amount",
    message: /^expected an amount of ETH .*, got "1\.2\.3"$/,
  },
  {
    name: "an amount with 19 decimals",
    text: withLine(BASE, 24, "    amount: 0.0000000000000000001"),
    code: "ScenarioSchema",
    line: 24,
    column: "0.0",
    path: "timeline[2].amount",
    message: /more than 18 decimals/,
  },
  {
    name: "a negative amount",
    text: withLine(BASE, 24, "    amount: -5"),
    code: "ScenarioSchema",
    line: 24,
    column: "-5",
    path: "timeline[2].amount",
    message: /got -5 \(negative\)$/,
  },
  {
    name: "a fraction above 1",
    text: withLine(BASE, 15, "    fraction: 1.5"),
    code: "ScenarioSchema",
    line: 15,
    column: "1.5",
    path: "timeline[0].fraction",
    message: /^expected a fraction in \[0, 1\] or a percent such as "5%", got 1\.5 \(out of \[0, 1\]\)$/,
  },
  {
    name: "a percent above 100 %",
    text: withLine(BASE, 15, '    fraction: "120%"'),
    code: "ScenarioSchema",
    line: 15,
    column: '"120%"',
    path: "timeline[0].fraction",
    message: /got "120%"$/,
  },
  {
    name: "events out of block order",
    text: withLine(BASE, 25, "  - at: 15"),
    code: "ScenarioSchema",
    line: 25,
    column: "15",
    path: "timeline[3].at",
    message: /^block 15 comes before the previous event's block 30/,
  },
  {
    name: "an event at or past run.blocks",
    text: withLine(BASE, 29, "  - at: 500"),
    code: "ScenarioSchema",
    line: 29,
    column: "500",
    path: "timeline[4].at",
    message: /^block 500 is past the end of the run \(run.blocks is 500: events go at 0 … 499\)$/,
  },
  {
    name: "a negative block",
    text: withLine(BASE, 11, "  - at: -1"),
    code: "ScenarioSchema",
    line: 11,
    column: "-1",
    path: "timeline[0].at",
    message: /^expected a block number \(an integer ≥ 0\), got -1$/,
  },
  {
    name: "unknown event type",
    text: withLine(BASE, 12, "    event: avsSlashh"),
    code: "ScenarioSchema",
    line: 12,
    column: "avsSlashh",
    path: "timeline[0].event",
    message:
      /^unknown event type "avsSlashh" \(allowed: avsSlash, fault, beaconSlash, lrtExploit, bridgeMint, oracle, depeg, massWithdrawal, params\)$/,
  },
  {
    name: "an event without its type",
    text: withLine(BASE, 12, ""),
    code: "ScenarioSchema",
    line: 11,
    column: "at",
    path: "timeline[0].event",
    message: /^missing required key "event" \(one of: avsSlash, fault,/,
  },
  {
    name: "a fault with both operators and client",
    text: withLine(BASE, 19, "    client: client-0\n    operators: [op-1]"),
    code: "ScenarioSchema",
    line: 19,
    column: "client-0",
    path: "timeline[1].client",
    message: /by "operators" or by "client", not both/,
  },
  {
    name: "a fault with neither operators nor client",
    text: withLine(BASE, 19, ""),
    code: "ScenarioSchema",
    line: 16,
    column: "at",
    path: "timeline[1]",
    message: /a fault needs "operators" \(ids or \{random: n\}\) or "client"/,
  },
  {
    name: "missing required key",
    text: withLine(BASE, 8, ""),
    code: "ScenarioSchema",
    line: 7,
    column: "run",
    path: "run.blocks",
    message: /^missing required key "blocks"$/,
  },
  {
    name: "missing network",
    text: withLine(withLine(withLine(withLine(BASE, 6, ""), 5, ""), 4, ""), 3, ""),
    code: "ScenarioSchema",
    line: 1,
    column: 1,
    path: "network",
    message: /^missing required key "network"$/,
  },
  {
    name: "an unknown preset",
    text: withLine(BASE, 4, "  preset: tiny"),
    code: "ScenarioSchema",
    line: 4,
    column: "tiny",
    path: "network.preset",
    message: /^expected one of small, mid, mainnet-2026, got "tiny"$/,
  },
  {
    name: "a Morpho market as a params target (they are immutable)",
    text: withLine(BASE, 31, "    target: { morphoMarket: ezETH-86 }"),
    code: "ScenarioSchema",
    line: 31,
    column: "morphoMarket",
    path: "timeline[4].target.morphoMarket",
    message: /^unknown key "morphoMarket" \(allowed: aaveReserve, lrt\)$/,
  },
  {
    name: "a beacon penalty beyond a validator's 32 ETH",
    text: withLine(BASE, 33, "  - { at: 60, event: beaconSlash, validators: 2, penalty: 33 }\nagents:"),
    code: "ScenarioSchema",
    line: 33,
    column: "33",
    path: "timeline[5].penalty",
    message: /^a validator holds 32 ETH, got 33$/,
  },
  {
    name: "a seed past 32 bits",
    text: withLine(BASE, 2, "seed: 4294967296"),
    code: "ScenarioSchema",
    line: 2,
    column: "4294967296",
    path: "seed",
    message: /^expected a seed/,
  },
  {
    name: "YAML syntax error: an unclosed flow list",
    text: withLine(BASE, 14, "    operators: [op-1, op-2"),
    code: "ScenarioSyntax",
    line: 15,
    column: "fraction",
    path: "",
    message: /flow sequence/i,
  },
  {
    name: "YAML syntax error: a duplicate key",
    text: withLine(BASE, 9, "  blocks: 400"),
    code: "ScenarioSyntax",
    line: 9,
    column: "blocks",
    path: "",
    message: /unique/,
  },
  {
    name: "an empty file",
    text: "# nothing here\n",
    code: "ScenarioSchema",
    line: 1,
    column: 1,
    path: "",
    message: /the file is empty/,
  },
  // references: each kind of missing entity
  {
    name: "unknown operator",
    text: withLine(BASE, 14, "    operators: [op-1, op-99]"),
    code: "ScenarioReference",
    line: 14,
    column: "op-99",
    path: "timeline[0].operators[1]",
    message: /^unknown operator "op-99" \(the network has op-0 … op-7\)$/,
  },
  {
    name: "more random operators than the network has",
    text: withLine(BASE, 14, "    operators: { random: 9 }"),
    code: "ScenarioReference",
    line: 14,
    column: "9",
    path: "timeline[0].operators.random",
    message: /^9 operators drawn, but the network has 8$/,
  },
  {
    name: "unknown AVS",
    text: withLine(BASE, 13, "    avs: avs-99"),
    code: "ScenarioReference",
    line: 13,
    column: "avs-99",
    path: "timeline[0].avs",
    message: /^unknown AVS "avs-99" \(the network has avs-0, avs-1, avs-2, avs-3\)$/,
  },
  {
    name: "unknown client",
    text: withLine(BASE, 19, "    client: client-7"),
    code: "ScenarioReference",
    line: 19,
    column: "client-7",
    path: "timeline[1].client",
    message: /^unknown client "client-7"/,
  },
  {
    name: "unknown LRT",
    text: withLine(BASE, 22, "    lrt: steth"),
    code: "ScenarioReference",
    line: 22,
    column: "steth",
    path: "timeline[2].lrt",
    message: /^unknown LRT "steth" \(the network has eeth, ezeth, rseth\)$/,
  },
  {
    name: "a chain the LRT is not bridged to",
    text: withLine(BASE, 23, "    chain: base"),
    code: "ScenarioReference",
    line: 23,
    column: "base",
    path: "timeline[2].chain",
    message: /^LRT "rseth" is not bridged to "base" \(its chains: unichain\)$/,
  },
  {
    name: "unknown oracle",
    text: withLine(BASE, 27, "    oracle: ezETH-feed"),
    code: "ScenarioReference",
    line: 27,
    column: "ezETH-feed",
    path: "timeline[3].oracle",
    message: /^unknown oracle "ezETH-feed" \(the network has ETH … rsETH-dex\)$/,
  },
  {
    name: "unknown Aave reserve",
    text: withLine(BASE, 31, "    target: { aaveReserve: pufETH }"),
    code: "ScenarioReference",
    line: 31,
    column: "pufETH",
    path: "timeline[4].target.aaveReserve",
    message: /^unknown Aave reserve "pufETH" \(the network has WETH, weETH, ezETH, rsETH\)$/,
  },
  {
    name: "an agent override for an unknown AVS",
    text: withLine(BASE, 37, "      avs-9: { downtime: 0.1 }"),
    code: "ScenarioReference",
    line: 37,
    column: "avs-9",
    path: 'agents.avsPolicies.overrides["avs-9"]',
    message: /^unknown AVS "avs-9"/,
  },
  {
    name: "an override keyed __proto__ (not dropped in silence)",
    text: withLine(BASE, 37, "      __proto__: { downtime: 0.1 }"),
    code: "ScenarioSchema",
    line: 37,
    column: "{",
    path: "agents.avsPolicies.overrides.__proto__",
    message: /^"__proto__" is not an id$/,
  },
  {
    name: "the first of two bad references in document order",
    text: withLine(withLine(BASE, 27, "    oracle: nope"), 13, "    avs: nope"),
    code: "ScenarioReference",
    line: 13,
    column: "nope",
    path: "timeline[0].avs",
    message: /^unknown AVS "nope"/,
  },
  {
    name: "preset parameters the network generator rejects (names.ts)",
    text: withLine(BASE, 6, "    lrts: []"),
    names: networkNames,
    code: "ScenarioNetwork",
    line: 6,
    column: "lrts",
    path: "network.params",
    message: /lrtShare/, // the generator's own words (src/sim/network/presets.ts)
  },
  // an explicit network's own references
  {
    name: "explicit: a delegator that is not an operator",
    text: withLine(EXPLICIT, 19, "          - { operator: gamma, weightBps: 4000 }"),
    code: "ScenarioReference",
    line: 19,
    column: "gamma",
    path: "network.explicit.lrts[0].delegators[1].operator",
    message: /^unknown operator "gamma" \(the network has alpha, beta\)$/,
  },
  {
    name: "explicit: delegator weights that do not sum to 10,000",
    text: withLine(EXPLICIT, 19, "          - { operator: beta, weightBps: 3000 }"),
    code: "ScenarioSchema",
    line: 18,
    column: "-",
    path: "network.explicit.lrts[0].delegators",
    message: /^delegator weights add up to 9000 bps, not 10000$/,
  },
  {
    name: "explicit: an AVS member that is not an operator",
    text: withLine(EXPLICIT, 10, "        operators: [alpha, gamma]"),
    code: "ScenarioReference",
    line: 10,
    column: "gamma",
    path: "network.explicit.avss[0].operators[1]",
    message: /^unknown operator "gamma"/,
  },
  {
    name: "explicit: a looper's Morpho market index out of range",
    text: withLine(EXPLICIT, 28, "        - { id: looper-1, lrt: ezeth, market: 3, equity: 100, leverage: 4 }"),
    code: "ScenarioReference",
    line: 28,
    column: "3",
    path: "network.explicit.lending.loopers[0].market",
    message: /^no Morpho market 3 \(lending.morpho has 1\)$/,
  },
  {
    name: "explicit: a lending LRT the network does not deploy",
    text: withLine(EXPLICIT, 24, "      aave: { lrts: [rseth], wethSupply: 5000 }"),
    code: "ScenarioReference",
    line: 24,
    column: "rseth",
    path: "network.explicit.lending.aave.lrts[0]",
    message: /^unknown LRT "rseth" \(the network has ezeth\)$/,
  },
  {
    name: "explicit: a duplicate operator id",
    text: withLine(EXPLICIT, 6, "      - { id: alpha }"),
    code: "ScenarioReference",
    line: 6,
    column: "alpha",
    path: "network.explicit.operators[1].id",
    message: /^operator id "alpha" is used twice$/,
  },
  {
    name: "explicit: an LRT that is not an LRT preset",
    text: withLine(EXPLICIT, 16, "      - id: foo"),
    code: "ScenarioSchema",
    line: 16,
    column: "foo",
    path: "network.explicit.lrts[0].id",
    message: /^expected one of eeth, ezeth, rseth, pufeth, rsweth, got "foo"$/,
  },
  {
    name: "explicit and preset at once",
    text: withLine(EXPLICIT, 2, "network:\n  preset: small"),
    code: "ScenarioSchema",
    line: 5,
    column: "operators",
    path: "network.explicit",
    message: /^a network is a preset or explicit, not both$/,
  },
];

describe("a bad scenario file gives one clear error", () => {
  it.each(BAD)("$name", (bad) => {
    const e = errorOf(bad.text, bad.names);
    const column = typeof bad.column === "number" ? bad.column : col(bad.text, bad.line, bad.column);
    expect({ code: e.code, line: e.line, column: e.column, path: e.path }).toEqual({
      code: bad.code,
      line: bad.line,
      column,
      path: bad.path,
    });
    expect(e.message).toMatch(bad.message);
    expect(e.file).toBe("scenario.yaml");
    expect(e.toString()).toBe(
      `scenario.yaml:${bad.line}:${column} ${bad.path === "" ? "" : `${bad.path}: `}${e.message}`,
    );
  });

  it("formats like a compiler's message", () => {
    const e = errorOf(withLine(BASE, 13, "    avs: avs-99"), () => ({
      ...SMALL,
      avss: SMALL.avss.concat(Array.from({ length: 8 }, (_, i) => `avs-${i + 4}`)),
    }));
    expect(e.toString()).toBe(
      'scenario.yaml:13:10 timeline[0].avs: unknown AVS "avs-99" (the network has avs-0 … avs-11)',
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("ScenarioError");
  });

  it("checks no references without names, and the base files are valid", () => {
    expect(() => parse(BASE)).not.toThrow();
    expect(() => parse(EXPLICIT)).not.toThrow();
    expect(parseScenario(withLine(BASE, 13, "    avs: avs-99")).timeline[0]).toMatchObject({ avs: "avs-99" });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("amounts are exact", () => {
  const decimal = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.stringMatching(/^\d{0,18}$/))
    .map(([int, frac]) => ({
      text: frac === "" ? `${int}` : `${int}.${frac}`,
      wei: int * E + BigInt(frac.padEnd(18, "0")),
    }));
  const file = (amount: string) =>
    `name: amounts\nnetwork: { preset: small }\nrun: { blocks: 10 }\ntimeline:\n  - { at: 0, event: depeg, lrt: ezeth, amount: ${amount} }\n`;
  const amountOf = (s: Scenario): bigint | undefined => {
    const e = s.timeline[0]!;
    return e.event === "depeg" ? e.amount : undefined;
  };

  it("any decimal ETH string round-trips to wei, quoted or written as a YAML number", () => {
    fc.assert(
      fc.property(decimal, ({ text, wei }) => {
        expect(parseEth(text)).toBe(wei);
        expect(amountOf(parse(file(`"${text}"`)))).toBe(wei);
        expect(amountOf(parse(file(text)))).toBe(wei);
        expect(parseEth(formatEth(wei))).toBe(wei);
      }),
      { numRuns: 300 },
    );
  });

  it("takes exponents and numbers a float cannot hold, digit for digit", () => {
    expect(parseEth("1e3")).toBe(1000n * E);
    expect(parseEth("1.5e-18")).toBeInstanceOf(Invalid); // 1.5 wei: too many decimals
    expect(parseEth("25e-18")).toBe(25n);
    expect(amountOf(parse(file("123456789012345678901234.123456789012345678")))).toBe(
      123456789012345678901234123456789012345678n,
    );
    expect(amountOf(parse(file("0.1")))).toBe(10n ** 17n);
    expect(amountOf(parse(file("1e21")))).toBe(10n ** 39n);
  });
});
