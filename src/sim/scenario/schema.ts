import { z } from "zod";
import { PRESETS } from "../../lrt/presets.ts";
import {
  type AgentsSpec,
  DEFAULT_SLASH_POLICY,
  type FaultType,
  type NetworkSpec,
  type OperatorSelector,
  type PresetName,
  type Scenario,
  type TimelineEvent,
} from "./types.ts";
import { Invalid, show, toFraction, toInt, toNumber, toPrice, toWei } from "./units.ts";

/**
 * The scenario file's schema (zod 4), from the plain values of the YAML to the model (types.ts). Every object is
 * strict (an unknown key is an error that lists the allowed ones); every leaf converts with its own message
 * (units.ts). Checks that need more than one value (event order, references) are in checks.ts.
 * docs/scenarios.md is the reference for each key.
 */

// ---------------------------------------------------------------------------------------------------------------
// building blocks

/** A leaf: `convert` returns the value or `Invalid` with the whole message ("expected …, got …"). */
function leaf<T>(convert: (v: unknown) => T | Invalid) {
  return z.any().transform((v, ctx): T => {
    const r = convert(v);
    if (r instanceof Invalid) {
      ctx.addIssue({ code: "custom", message: r.message, input: v });
      return z.NEVER;
    }
    return r;
  });
}

/** Marks the message of an unknown-key issue, which carries the allowed keys to the issue reader (issues.ts). */
export const ALLOWED_KEYS = "allowed: ";

/** A strict object: unknown keys are rejected, and the issue lists the keys the object takes. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = ALLOWED_KEYS + Object.keys(shape).join(", ");
  return z.strictObject(shape, { error: (iss) => (iss.code === "unrecognized_keys" ? allowed : undefined) });
}

/** A section that may be written empty (`liquidators:`): nothing there means every default. */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? {} : v), schema);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const isId = (v: unknown): v is string => typeof v === "string" && ID.test(v);
const idWhat = "an id (letters, digits, '.', '_' or '-', such as op-1)";

export const id = leaf((v) => (isId(v) ? v : new Invalid(`expected ${idWhat}, got ${show(v)}`)));
const ids = z.array(id);
const name = leaf((v) =>
  typeof v === "string" && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v)
    ? v
    : new Invalid(`expected a kebab-case name (such as small-cascade), got ${show(v)}`),
);

export const amount = leaf(toWei);
export const fraction = leaf(toFraction);
export const block = leaf((v) => toInt(v, 0, "a block number (an integer ≥ 0)"));
const count = (min: number) => leaf((v) => toInt(v, min, `an integer ≥ ${min}`));
const atLeast = (min: number, what: string) => leaf((v) => toNumber(v, min, what));
/** the PRNG takes 32 bits of seed (pure-rand's xoroshiro128plus), so larger seeds would repeat smaller ones */
const seed = leaf((v) => toInt(v, 0, "a seed (an integer in [0, 4294967295])", 0xffff_ffff));

export const PRESET_NAMES = ["small", "mid", "mainnet-2026"] as const satisfies readonly PresetName[];
/** LRT presets by their LRT-layer id (src/lrt/presets.ts) */
export const LRT_IDS = Object.values(PRESETS).map((p) => p.id) as [string, ...string[]];
export const FAULT_TYPES = ["doubleSign", "downtime", "invalidStateTransition"] as const satisfies readonly FaultType[];

/** fraction of allocated magnitude slashed, per fault type (each optional) */
const slashPolicy = strict({
  doubleSign: fraction.optional(),
  downtime: fraction.optional(),
  invalidStateTransition: fraction.optional(),
}).transform(defined);

function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

// ---------------------------------------------------------------------------------------------------------------
// network

const presetParams = strict({
  operators: count(1).optional(),
  avss: count(1).optional(),
  stakers: count(0).optional(),
  lrtHolders: count(0).optional(),
  lrts: z.array(z.enum(LRT_IDS)).optional(),
  lrtShare: fraction.optional(),
  totalRestaked: amount.optional(),
  operatorTail: leaf((v) =>
    typeof v === "number" && Number.isFinite(v) && v > 0 ? v : new Invalid(`expected a number > 0, got ${show(v)}`),
  ).optional(),
  clients: count(1).optional(),
  loopers: count(0).optional(),
  poolDepth: fraction.optional(),
}).transform(defined);

/** A looper's market: "aave", or the index of a Morpho market in `lending.morpho`. */
const looperMarket = leaf((v): "aave" | number | Invalid =>
  v === "aave" || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0)
    ? v
    : new Invalid(`expected "aave" or the index of a Morpho market (0, 1, …), got ${show(v)}`),
);

const explicitNetwork = strict({
  operators: z.array(strict({ id, clients: ids.default([]) })).min(1),
  avss: z.array(strict({ id, client: id, operators: ids, allocation: fraction, slashPolicy: slashPolicy.optional() })),
  stakers: z.array(strict({ id, operator: id, amount, asset: z.enum(["eth", "steth"]).default("eth") })).default([]),
  lrts: z
    .array(
      strict({
        id: z.enum(LRT_IDS),
        delegators: z
          .array(strict({ operator: id, weightBps: leaf((v) => toInt(v, 0, "basis points in [0, 10000]", 10_000)) }))
          .min(1),
        deposits: amount,
        holders: count(1),
        poolWeth: amount.default(0n),
        amplification: count(1).optional(),
        bridges: z
          .array(
            strict({
              chain: id,
              amount,
              mechanism: z.enum(["lockAndMint", "burnAndMint"]).default("lockAndMint"),
            }),
          )
          .optional(),
      }),
    )
    .default([]),
  lending: section(
    strict({
      aave: strict({ lrts: z.array(z.enum(LRT_IDS)), eMode: z.boolean().default(true), wethSupply: amount }).optional(),
      morpho: z
        .array(
          strict({
            lrt: z.enum(LRT_IDS),
            lltv: fraction,
            wethSupply: amount,
            oracle: z.enum(["rate", "dex"]).default("rate"),
          }),
        )
        .optional(),
      loopers: z
        .array(
          strict({
            id,
            lrt: z.enum(LRT_IDS),
            market: looperMarket,
            equity: amount,
            leverage: atLeast(1, "a leverage ≥ 1"),
          }),
        )
        .optional(),
    }),
  ).default({}),
});

/** `{preset, params?}` or `{explicit}`: one object with three optional keys, so an unknown key lists all three. */
const network = strict({
  preset: z.enum(PRESET_NAMES).optional(),
  params: section(presetParams).optional(),
  explicit: explicitNetwork.optional(),
})
  .superRefine((n, ctx) => {
    if (n.preset !== undefined && n.explicit !== undefined) {
      ctx.addIssue({ code: "custom", path: ["explicit"], message: "a network is a preset or explicit, not both" });
    } else if (n.preset === undefined && n.explicit === undefined) {
      ctx.addIssue({ code: "custom", message: `a network needs "preset" (${PRESET_NAMES.join(", ")}) or "explicit"` });
    } else if (n.params !== undefined && n.preset === undefined) {
      ctx.addIssue({ code: "custom", path: ["params"], message: '"params" go with a "preset"' });
    }
  })
  .transform((n): NetworkSpec => {
    if (n.explicit !== undefined) return { explicit: n.explicit };
    return { preset: n.preset!, params: n.params ?? {} };
  });

// ---------------------------------------------------------------------------------------------------------------
// run

const run = strict({
  blocks: count(1),
  step: count(1).default(1),
  security: z.boolean().default(true),
  securityProfit: fraction.default(0.05),
  checkConservation: z.boolean().default(false),
});

// ---------------------------------------------------------------------------------------------------------------
// timeline

/** `[op-1, op-2]` → `{ids}`, `{random: n}` → `{random}`. */
const operatorSelector = z.any().transform((v, ctx): OperatorSelector => {
  const schema = Array.isArray(v) ? ids.min(1) : v !== null && typeof v === "object" ? randomSelector : undefined;
  if (schema === undefined) {
    ctx.addIssue({
      code: "custom",
      input: v,
      message: `expected a list of operator ids or {random: n}, got ${show(v)}`,
    });
    return z.NEVER;
  }
  const r = schema.safeParse(v);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return Array.isArray(r.data) ? { ids: r.data } : (r.data as { random: number });
});
const randomSelector = strict({ random: count(1) });

const at = block;
const avsSlash = strict({ at, event: z.literal("avsSlash"), avs: id, operators: operatorSelector, fraction });
const fault = strict({
  at,
  event: z.literal("fault"),
  fault: z.enum(FAULT_TYPES),
  operators: operatorSelector.optional(),
  client: id.optional(),
  avss: ids.optional(),
}).superRefine((e, ctx) => {
  if (e.operators !== undefined && e.client !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["client"],
      message: 'a fault names its operators by "operators" or by "client", not both',
    });
  } else if (e.operators === undefined && e.client === undefined) {
    ctx.addIssue({ code: "custom", message: 'a fault needs "operators" (ids or {random: n}) or "client"' });
  }
});
/** the correlation penalty can take a validator's whole 32 ETH, no more */
const penalty = leaf((v) => {
  const w = toWei(v);
  return w instanceof Invalid || w <= 32n * 10n ** 18n ? w : new Invalid(`a validator holds 32 ETH, got ${show(v)}`);
});
const beaconSlash = strict({
  at,
  event: z.literal("beaconSlash"),
  lrt: id.optional(),
  validators: count(1),
  penalty: penalty.default(10n ** 18n),
});
const lrtExploit = strict({ at, event: z.literal("lrtExploit"), lrt: id, fraction });
const bridgeMint = strict({
  at,
  event: z.literal("bridgeMint"),
  lrt: id,
  chain: id,
  amount,
  borrowToHf: leaf((v) =>
    v === 0 || (typeof v === "number" && Number.isFinite(v) && v >= 1)
      ? v
      : new Invalid(`expected a health factor ≥ 1 (or 0: keep the tokens), got ${show(v)}`),
  ).optional(),
});
const oracle = strict({
  at,
  event: z.literal("oracle"),
  oracle: id,
  action: z.enum(["freeze", "unfreeze", "set"]),
  price: leaf(toPrice).optional(),
}).superRefine((e, ctx) => {
  if (e.action === "set" && e.price === undefined) {
    ctx.addIssue({ code: "custom", message: 'action "set" needs a "price" (base currency per token, such as 2950)' });
  } else if (e.action !== "set" && e.price !== undefined) {
    ctx.addIssue({ code: "custom", path: ["price"], message: `"price" goes with action "set", not "${e.action}"` });
  }
});
const depeg = strict({
  at,
  event: z.literal("depeg"),
  lrt: id,
  amount: amount.optional(),
  toPrice: leaf((v) =>
    typeof v === "number" && Number.isFinite(v) && v > 0 && v <= 1
      ? v
      : new Invalid(`expected a pool price in (0, 1] (ETH per token), got ${show(v)}`),
  ).optional(),
}).superRefine((e, ctx) => {
  if (e.amount !== undefined && e.toPrice !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["toPrice"],
      message: 'a depeg sells an "amount" or down "toPrice", not both',
    });
  } else if (e.amount === undefined && e.toPrice === undefined) {
    ctx.addIssue({ code: "custom", message: 'a depeg needs "amount" (ETH of LRT sold) or "toPrice"' });
  }
});
const massWithdrawal = strict({ at, event: z.literal("massWithdrawal"), lrt: id.optional(), fraction });
/** `{aaveReserve: X}` or `{lrt: X}` (Morpho markets are immutable: nothing to change) */
const paramsTarget = strict({ aaveReserve: id.optional(), lrt: id.optional() })
  .superRefine((t, ctx) => {
    if ((t.aaveReserve === undefined) === (t.lrt === undefined)) {
      ctx.addIssue({ code: "custom", message: 'a target is either "aaveReserve" or "lrt"' });
    }
  })
  .transform((t): { aaveReserve: string } | { lrt: string } =>
    t.aaveReserve !== undefined ? { aaveReserve: t.aaveReserve } : { lrt: t.lrt! },
  );
const params = strict({
  at,
  event: z.literal("params"),
  target: paramsTarget,
  freeze: z.boolean().optional(),
  pause: z.boolean().optional(),
  ltv: fraction.optional(),
}).superRefine((e, ctx) => {
  if (e.freeze === undefined && e.pause === undefined && e.ltv === undefined) {
    ctx.addIssue({ code: "custom", message: 'a parameter change needs "freeze", "pause" or "ltv"' });
  } else if ("lrt" in e.target && (e.freeze !== undefined || e.ltv !== undefined)) {
    const key = e.freeze !== undefined ? "freeze" : "ltv";
    ctx.addIssue({ code: "custom", path: [key], message: `an LRT can only be paused ("pause"), not given "${key}"` });
  }
});

export const EVENT_TYPES = [
  "avsSlash",
  "fault",
  "beaconSlash",
  "lrtExploit",
  "bridgeMint",
  "oracle",
  "depeg",
  "massWithdrawal",
  "params",
] as const satisfies readonly TimelineEvent["event"][];

const timelineEvent = z.discriminatedUnion("event", [
  avsSlash,
  fault,
  beaconSlash,
  lrtExploit,
  bridgeMint,
  oracle,
  depeg,
  massWithdrawal,
  params,
]);

// ---------------------------------------------------------------------------------------------------------------
// agents

/** Defaults of the agent sections (a section that is present takes these for the keys it leaves out). */
export const AGENT_DEFAULTS = {
  fearfulStakers: { threshold: 0.02, perStep: 0.05, action: "withdraw" },
  arbitrageurs: { capital: 1_000n * 10n ** 18n, count: 3, minDiscount: 0.002 },
  liquidators: { minProfit: 0n },
  loopers: { unwindBelowHf: 1.05 },
} as const satisfies Required<Omit<AgentsSpec, "avsPolicies">>;

/** zod's records drop a key named "__proto__" without a word: name it as the bad key it is */
const noProtoKey = z.any().superRefine((v, ctx) => {
  if (v !== null && typeof v === "object" && Object.hasOwn(v, "__proto__")) {
    ctx.addIssue({ code: "custom", path: ["__proto__"], message: '"__proto__" is not an id' });
  }
});

const D = AGENT_DEFAULTS;
const agents = strict({
  fearfulStakers: section(
    strict({
      threshold: fraction.default(D.fearfulStakers.threshold),
      perStep: fraction.default(D.fearfulStakers.perStep),
      action: z.enum(["withdraw", "sell", "mixed"]).default(D.fearfulStakers.action),
    }),
  ).optional(),
  arbitrageurs: section(
    strict({
      capital: amount.default(D.arbitrageurs.capital),
      count: count(1).default(D.arbitrageurs.count),
      minDiscount: fraction.default(D.arbitrageurs.minDiscount),
    }),
  ).optional(),
  liquidators: section(strict({ minProfit: amount.default(D.liquidators.minProfit) })).optional(),
  loopers: section(
    strict({ unwindBelowHf: atLeast(1, "a health factor ≥ 1").default(D.loopers.unwindBelowHf) }),
  ).optional(),
  avsPolicies: section(
    strict({
      default: slashPolicy.optional(),
      overrides: noProtoKey.pipe(z.record(z.string().regex(ID), slashPolicy)).optional(),
    }),
  )
    .transform(
      (p): NonNullable<AgentsSpec["avsPolicies"]> => ({
        // without a `default`, each AVS keeps the network's own policy (which starts from the guides' shape)
        ...(p.default === undefined ? {} : { default: { ...DEFAULT_SLASH_POLICY, ...p.default } }),
        ...(p.overrides === undefined ? {} : { overrides: { ...p.overrides } }),
      }),
    )
    .optional(),
}).transform((a) => defined(a) as AgentsSpec);

// ---------------------------------------------------------------------------------------------------------------
// the file

export const DEFAULT_SEED = 1;

export const scenarioSchema = strict({
  name,
  description: z.string().optional(),
  seed: seed.default(DEFAULT_SEED),
  network,
  run,
  timeline: z.preprocess((v) => (v === null ? [] : v), z.array(timelineEvent)).default([]),
  agents: section(agents).default({}),
}).transform(
  (s): Scenario => ({
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    seed: s.seed,
    network: s.network,
    run: s.run,
    timeline: s.timeline,
    agents: s.agents,
  }),
);
