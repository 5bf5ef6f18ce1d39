import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../soak/lib.ts";
import { DEMO_STAKERS, demoStrategy, demoToken, stakerKey } from "../../../src/node/demo.ts";
import { accountOf, devKey } from "../../../src/node/keys.ts";
import { signTx } from "../../../src/node/tx.ts";
import type {
  AvsList,
  Checklist,
  LrtDetail,
  LrtHistory,
  LrtHoldings,
  LrtList,
  LrtRequests,
  MarketHealth,
  Markets,
  Neutral,
  NodeParams,
  Operator,
  OperatorSet,
  SecuritySummary,
  Staker,
  Strategies,
  Withdrawals,
} from "../../../web/src/api/types.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../chromium.ts";
import { type DemoNode, startDemoNode } from "./demoNode.ts";

/**
 * End to end: a demo node (SQLite in a temp dir, a free port on 127.0.0.1) serves the built dashboard; Chromium opens
 * every page, the numbers on screen are checked against the API (recomputed here, independently of the dashboard's
 * code), a transaction lands while a page is open, and each page is saved as a screenshot in test-output/web/.
 */

const SHOTS = join(REPO_ROOT, "test-output/web");
const E18 = 10n ** 18n;

let demo: DemoNode | undefined;
let base: string;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/api${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/* ------------------------------------------------------------------ expectations, computed from the API here */

function book(strategies: Strategies) {
  const info = new Map(strategies.strategies.map((s) => [s.address, s]));
  const beacon = strategies.beaconChainETH.strategy;
  return {
    isEth: (st: string) => st === beacon || (info.get(st)?.decimals === 18 && /eth/i.test(info.get(st)?.symbol ?? "")),
    /** StrategyBase.sharesToUnderlying: ⌊(balance + 1000)·shares/(totalShares + 1000)⌋; beacon shares are wei */
    asset: (st: string, shares: bigint) => {
      const s = info.get(st);
      if (s === undefined) return shares;
      return ((BigInt(s.balance) + 1000n) * shares) / (BigInt(s.totalShares) + 1000n);
    },
  };
}

function operatorEth(neutral: Neutral, b: ReturnType<typeof book>): Map<string, bigint> {
  return new Map(
    neutral.operators.map((o) => [
      o.operator,
      o.delegated.filter((d) => b.isEth(d.collateral)).reduce((a, d) => a + BigInt(d.assetAmount), 0n),
    ]),
  );
}

/* ------------------------------------------------------------------ page helpers */

async function shot(p: Page, name: string): Promise<void> {
  await p.waitForLoadState("networkidle");
  // every chart on the page has drawn
  await p.waitForFunction(
    "[...document.querySelectorAll('[role=\"img\"].chart')].every((c) => c.querySelector('svg') !== null)",
  );
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The raw integer of the first <data> inside `selector`. */
async function rawIn(p: Page, selector: string): Promise<string | null> {
  return p.locator(selector).locator("data").first().getAttribute("value");
}

async function submit(calls: [string, string, Record<string, unknown>][]): Promise<void> {
  const params = await api<NodeParams>("/params");
  const clock = await api<{ now: { timestamp: string } }>("/clock");
  const domain = { chainId: BigInt(params.chainId), deployment: params.deployment as `0x${string}` };
  const nonces = new Map<string, bigint>();
  const txs = [];
  for (const [name, command, p] of calls) {
    const key = devKey(name);
    const nonce = nonces.get(key.address) ?? BigInt((await api<{ nonce: string }>(`/nonces/${key.address}`)).nonce);
    nonces.set(key.address, nonce + 1n);
    txs.push(
      await signTx(accountOf(key), domain, {
        nonce,
        deadline: BigInt(clock.now.timestamp) + 3600n,
        command,
        params: p,
      }),
    );
  }
  const res = await fetch(`${base}/api/tx/batch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ txs }),
  });
  const body = (await res.json()) as { accepted: number; results: unknown[] };
  expect(body.accepted, JSON.stringify(body.results)).toBe(calls.length);
}

/* ------------------------------------------------------------------ the node and the browser */

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemoNode("restake-web-e2e-");
  base = demo.base;

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  desktop.setDefaultTimeout(10_000);
  page = await desktop.newPage();
  page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // a 404 answer is logged by Chromium as a failed resource; the not-found test asks for one on purpose
    if (m.type() === "error" && !m.text().includes("404")) pageErrors.push(`console: ${m.text()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/* ------------------------------------------------------------------ the pages */

describe("dashboard on the demo network", () => {
  it("serves the dashboard at / and deep links, with the API under /api", async () => {
    const index = await fetch(`${base}/`);
    expect(index.headers.get("content-type")).toContain("text/html");
    expect(await index.text()).toContain('<div id="root">');
    const deep = await fetch(`${base}/operators/0x${"00".repeat(20)}`);
    expect(await deep.text()).toContain('<div id="root">');
  });

  it("overview: totals, concentration, operators, AVSs, slashes and the queue match the API", async () => {
    const [strategies, neutral, avs, withdrawals] = await Promise.all([
      api<Strategies>("/strategies"),
      api<Neutral>("/neutral"),
      api<AvsList>("/avs"),
      api<Withdrawals>("/withdrawals?limit=5000"),
    ]);
    const b = book(strategies);
    const stakes = operatorEth(neutral, b);
    const values = [...stakes.values()].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0));
    const total = values.reduce((a, v) => a + v, 0n);
    const hhi = Number((values.reduce((a, v) => a + v * v, 0n) * 1_000_000n) / (total * total)) / 100;
    const nakamoto = (num: bigint, den: bigint) => {
      let acc = 0n;
      for (let i = 0; i < values.length; i++) {
        acc += values[i]!;
        if (acc * den > total * num) return i + 1;
      }
      return values.length;
    };

    await page.goto(`${base}/`);
    await page.getByRole("heading", { level: 1, name: "Network overview" }).waitFor();
    await page.getByTestId("hhi").waitFor();
    expect(await page.getByTestId("hhi").textContent()).toBe(
      hhi.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    );
    expect(await page.getByTestId("nakamoto-third").textContent()).toBe(String(nakamoto(1n, 3n)));
    expect(await page.getByTestId("nakamoto-half").textContent()).toBe(String(nakamoto(1n, 2n)));

    const rows = page.locator("tr[data-operator]");
    await expect.poll(() => rows.count()).toBe(neutral.operators.length);
    for (const [operator, eth] of stakes) {
      const delegated = page.locator(`tr[data-operator="${operator}"] td`).nth(1);
      expect(await delegated.locator("data").getAttribute("value"), operator).toBe(eth.toString());
    }
    expect(await page.locator("tr[data-avs]").count()).toBe(avs.avss.length);
    expect(await page.getByTestId("queue-count").textContent()).toBe(String(withdrawals.total));
    await page.getByText("demo: equivocating attestation on the Arc Bridge").waitFor();
    await shot(page, "overview");

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: "reduce" });
    const small = await phone.newPage();
    await small.goto(`${base}/`);
    await small.getByTestId("hhi").waitFor();
    expect(await small.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(small, "overview-phone");
    await phone.close();
  });

  it("operator page: delegated stake, allocations and stakers match the API", async () => {
    const [strategies, neutral] = await Promise.all([api<Strategies>("/strategies"), api<Neutral>("/neutral")]);
    const b = book(strategies);
    const largest = [...operatorEth(neutral, b)].sort(([, x], [, y]) => (x > y ? -1 : 1))[0]![0];
    const operator = await api<Operator>(`/operators/${largest}`);

    // by clicking through from the overview
    await page.goto(`${base}/`);
    await page.locator(`tr[data-operator="${largest}"] a`).first().click();
    await page.getByRole("heading", { level: 1, name: /^Operator / }).waitFor();
    expect(page.url()).toBe(`${base}/operators/${largest}`);
    expect(await page.getByTestId("stakers").textContent()).toBe(String(operator.delegatedStakers));
    for (const s of operator.strategies) {
      const row = page.locator(`section[aria-label="Delegated stake by strategy"] tr[data-strategy="${s.strategy}"]`);
      if (BigInt(s.operatorShares) === 0n && BigInt(s.encumberedMagnitude) === 0n) {
        expect(await row.count()).toBe(0);
        continue;
      }
      expect(await row.locator("data").first().getAttribute("value")).toBe(
        b.asset(s.strategy, BigInt(s.operatorShares)).toString(),
      );
    }
    const allocationRows = page.locator('section[aria-label="Allocations per operator set"] tbody tr');
    expect(await allocationRows.count()).toBe(operator.allocations.length);
    for (const a of operator.allocations) {
      const row = page.locator(
        `section[aria-label="Allocations per operator set"] tr[data-set="${a.operatorSet}"][data-strategy="${a.strategy}"]`,
      );
      expect(await row.locator("data").first().getAttribute("value")).toBe(
        b.asset(a.strategy, BigInt(a.allocatedStake)).toString(),
      );
    }
    await shot(page, "operator");
  });

  it("AVS and operator-set pages: allocated and slashable stake, now and at a future block, match the API", async () => {
    const [strategies, neutral, list, params] = await Promise.all([
      api<Strategies>("/strategies"),
      api<Neutral>("/neutral"),
      api<AvsList>("/avs"),
      api<NodeParams>("/params"),
    ]);
    const b = book(strategies);
    const bridge = list.avss.find((a) => a.metadataURI.includes("arc-bridge"))!;
    const set = bridge.operatorSets[0]!;

    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "AVS arc-bridge" }).click();
    await page.getByRole("heading", { level: 1, name: "arc-bridge" }).waitFor();
    const allocated = neutral.exposures
      .filter((e) => e.serviceSet === set && b.isEth(e.collateral))
      .reduce((a, e) => a + BigInt(e.assetAmount), 0n);
    await page.locator(`tr[data-set="${set}"]`).waitFor();
    expect(await rawIn(page, `tr[data-set="${set}"] td:nth-of-type(3)`)).toBe(allocated.toString());
    await shot(page, "avs");

    await page.locator(`tr[data-set="${set}"] a`).first().click();
    await page.getByRole("heading", { level: 1, name: "arc-bridge / set 0" }).waitFor();
    const now = await api<OperatorSet>(`/operator-sets/${set}`);
    expect(await page.getByTestId("slash-count").textContent()).toBe(now.slashCount);

    const checkAt = async (futureBlock: string) => {
      const later = await api<OperatorSet>(`/operator-sets/${set}?futureBlock=${futureBlock}`);
      const shown = BigInt(futureBlock).toLocaleString("en-US");
      await page
        .getByRole("columnheader", { name: `Minimum at block ${shown}` })
        .first()
        .waitFor();
      for (const operator of later.slashableOperators) {
        const expected = later.stake
          .filter((s) => s.operator === operator && b.isEth(s.strategy))
          .reduce((a, s) => a + b.asset(s.strategy, BigInt(s.minimumSlashableStake)), 0n);
        const cell = `tr[data-operator="${operator}"] td[data-col="later"]`;
        await expect.poll(() => rawIn(page, cell), { timeout: 5000 }).toBe(expected.toString());
        const allocatedNow = now.stake
          .filter((s) => s.operator === operator && b.isEth(s.strategy))
          .reduce((a, s) => a + b.asset(s.strategy, BigInt(s.allocatedStake)), 0n);
        expect(await rawIn(page, `tr[data-operator="${operator}"] td:nth-of-type(1)`)).toBe(allocatedNow.toString());
      }
    };
    // the default: the current block plus the deallocation delay
    const input = page.getByLabel("Future block");
    const dflt = (BigInt(now.block) + BigInt(params.deallocationDelayBlocks)).toString();
    await expect.poll(() => input.inputValue()).toBe(dflt);
    await checkAt(dflt);
    // an entered block
    const entered = (BigInt(now.block) + 1000n).toString();
    await input.fill(entered);
    await input.press("Enter");
    await checkAt(entered);
    await shot(page, "operator-set");
  });

  it("position: searched by address, its layers and numbers equal the API's, and it updates live", async () => {
    // a demo staker that holds deposits, delegates, and has a queued withdrawal still exposed to an operator set
    const exposures = (await api<Neutral>("/neutral")).exposures;
    const queueExposed = (st: Staker) =>
      st.queuedWithdrawals.some((w) =>
        w.strategies.some((c) => exposures.some((e) => e.operator === w.delegatedTo && e.collateral === c)),
      );
    let stakerName = "";
    let staker: Staker | undefined;
    for (let i = 1; i <= DEMO_STAKERS && staker === undefined; i++) {
      const st = await api<Staker>(`/stakers/${devKey(stakerKey(i)).address}`);
      if (st.strategies.length > 1 && st.delegatedTo !== null && queueExposed(st)) {
        staker = st;
        stakerName = stakerKey(i);
      }
    }
    expect(staker, "a demo staker with deposits, a delegation and an exposed queued withdrawal").toBeDefined();
    const s = staker!;
    const address = s.address;

    await page.goto(`${base}/`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Position" }).click();
    const search = page.getByLabel("Address");
    await search.fill(address);
    await search.press("Enter");
    await page.getByRole("heading", { level: 1, name: /^Position 0x/ }).waitFor();
    expect(page.url()).toBe(`${base}/position/${address}`);

    const [strategies, neutral] = await Promise.all([api<Strategies>("/strategies"), api<Neutral>("/neutral")]);
    const b = book(strategies);

    // layer 1: what it holds in the core
    await page.getByTestId("delegated-to").waitFor();
    expect(await page.getByTestId("delegated-to").getAttribute("data-address")).toBe(s.delegatedTo);
    for (const st of s.strategies) {
      const cell = `section[aria-label="Deposits per strategy"] tr[data-strategy="${st.strategy}"] td[data-col="withdrawable"]`;
      expect(await rawIn(page, cell), st.strategy).toBe(st.withdrawableAmount);
    }
    for (const w of s.queuedWithdrawals) {
      const block = await page.locator(`tr[data-root="${w.root}"] [data-block]`).getAttribute("data-block");
      expect(block).toBe(w.completableFrom);
    }

    // layer 2: look-through exposure, recomputed from the neutral view
    const op = neutral.operators.find((o) => o.operator === s.delegatedTo)!;
    const expected: { layer: string; set: string; strategy: string; amount: bigint }[] = [];
    for (const e of neutral.exposures) {
      if (e.operator !== s.delegatedTo) continue;
      const mine = s.strategies.find((x) => x.strategy === e.collateral);
      const theirs = op.delegated.find((d) => d.collateral === e.collateral);
      if (!mine || !theirs || BigInt(mine.withdrawableShares) === 0n) continue;
      const amount = (BigInt(e.assetAmount) * BigInt(mine.withdrawableShares)) / BigInt(theirs.shares);
      expected.push({ layer: "delegated", set: e.serviceSet, strategy: e.collateral, amount });
    }
    for (const w of s.queuedWithdrawals) {
      if (w.delegatedTo === null || BigInt(s.block) > BigInt(w.slashableUntil)) continue;
      w.strategies.forEach((strategy, i) => {
        const asset = b.asset(strategy, BigInt(w.shares[i]!));
        for (const e of neutral.exposures) {
          if (e.operator !== w.delegatedTo || e.collateral !== strategy || BigInt(e.fractionWad) === 0n) continue;
          expected.push({
            layer: "queued",
            set: e.serviceSet,
            strategy,
            amount: (asset * BigInt(e.fractionWad)) / E18,
          });
        }
      });
    }
    expect(expected.filter((r) => r.layer === "delegated").length).toBeGreaterThan(0);
    expect(expected.filter((r) => r.layer === "queued").length).toBeGreaterThan(0);
    const rows = page.locator('section[aria-label="Look-through exposure"] tbody tr');
    await expect.poll(() => rows.count()).toBe(expected.length);
    const shown: typeof expected = [];
    for (let i = 0; i < expected.length; i++) {
      const row = rows.nth(i);
      shown.push({
        layer: (await row.getAttribute("data-layer"))!,
        set: (await row.getAttribute("data-set"))!,
        strategy: (await row.getAttribute("data-strategy"))!,
        amount: BigInt((await row.locator('td[data-col="exposure"] data').getAttribute("value"))!),
      });
    }
    const key = (r: (typeof expected)[number]) => `${r.layer}|${r.set}|${r.strategy}|${r.amount}`;
    expect(shown.map(key).sort()).toEqual(expected.map(key).sort());

    // per AVS (ETH-denominated), as charted
    const byAvs = new Map<string, bigint>();
    for (const r of expected) {
      if (!b.isEth(r.strategy)) continue;
      const avs = r.set.slice(0, r.set.indexOf("/"));
      byAvs.set(avs, (byAvs.get(avs) ?? 0n) + r.amount);
    }
    for (const [avs, eth] of byAvs) {
      expect(await rawIn(page, `tr[data-avs="${avs}"] td[data-col="avs-exposure"]`), avs).toBe(eth.toString());
    }
    const exposed = [...byAvs.values()].reduce((a, v) => a + v, 0n);
    expect(await rawIn(page, '[data-testid="exposed-eth"]')).toBe(exposed.toString());
    await shot(page, "position");

    // a deposit lands while the page is open: the page follows without a reload
    const headBefore = await page.getByTestId("head-seq").textContent();
    const stETH = demoStrategy("stETH");
    const amount = (7n * E18).toString();
    await submit([
      ["admin", "mint", { token: demoToken("stETH"), to: address, amount }],
      [stakerName, "depositIntoStrategy", { strategy: stETH, amount }],
    ]);
    const after = await api<Staker>(`/stakers/${address}`);
    const now = after.strategies.find((x) => x.strategy === stETH)!.withdrawableAmount;
    expect(now).not.toBe(s.strategies.find((x) => x.strategy === stETH)?.withdrawableAmount);
    const cell = `section[aria-label="Deposits per strategy"] tr[data-strategy="${stETH}"] td[data-col="withdrawable"]`;
    await expect.poll(() => rawIn(page, cell), { timeout: 10_000 }).toBe(now);
    expect(await page.getByTestId("head-seq").textContent()).not.toBe(headBefore);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: "reduce" });
    const small = await phone.newPage();
    await small.goto(`${base}/position/${address}`);
    await small.getByTestId("exposed-eth").waitFor();
    expect(await small.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(small, "position-phone");
    await phone.close();
  });

  it("overview: the security summary is the node's (verdict, γ*, Claim 1)", async () => {
    await page.goto(`${base}/`);
    await page.getByTestId("security-verdict").waitFor();
    const summary = await api<SecuritySummary>("/risk/summary");
    expect(summary.configured).toBe(true);
    const verdict = summary.secure === null ? "undecided" : summary.secure ? "secure" : "insecure";
    expect(await page.getByTestId("security-verdict").getAttribute("data-verdict")).toBe(verdict);
    expect(await page.getByTestId("security-slack").getAttribute("data-value")).toBe(summary.slack ?? "");
    expect(await page.getByTestId("claim1-status").getAttribute("data-holds")).toBe(String(summary.claim1.holds));
    await page.locator("#security").screenshot({ path: join(SHOTS, "overview-security.png") });
  });

  it("LRT pages: the list and one LRT's rate, supply by chain, queue and depeg history equal the API's", async () => {
    const list = await api<LrtList>("/lrts");
    expect(list.lrts.map((l) => l.id)).toEqual(["eeth", "ezeth", "pufeth", "rseth", "rsweth"]);
    await page.goto(`${base}/`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "LRTs" }).click();
    await page.getByRole("heading", { level: 1, name: "Liquid restaking tokens" }).waitFor();
    for (const l of list.lrts) {
      expect(await rawIn(page, `tr[data-lrt="${l.id}"] td[data-col="rate"]`), l.id).toBe(l.rate);
    }
    await shot(page, "lrts");

    // ezETH: the demo's sale took its pool below the rate
    await page.getByRole("link", { name: "ezETH", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "ezETH" }).waitFor();
    expect(page.url()).toBe(`${base}/lrts/ezeth`);
    const [detail, requests, history] = await Promise.all([
      api<LrtDetail>("/lrts/ezeth"),
      api<LrtRequests>("/lrts/ezeth/requests"),
      api<LrtHistory>("/lrts/ezeth/history"),
    ]);
    await page.getByTestId("lrt-rate").waitFor();
    expect(await rawIn(page, '[data-testid="lrt-rate"]')).toBe(detail.summary.rate);
    expect(await rawIn(page, '[data-testid="lrt-supply"]')).toBe(detail.summary.supply);
    for (const c of detail.supplyByChain.chains) {
      expect(await rawIn(page, `tr[data-chain="${c.chain}"] td[data-col="supply"]`), c.chain).toBe(c.supply);
    }
    expect(detail.supplyByChain.chains.map((c) => c.chain)).toEqual(["ethereum", "base"]);
    expect(await page.getByTestId("backing-check").textContent()).toContain(
      detail.supplyByChain.holds ? "backing check holds" : "unbacked",
    );
    expect(await page.getByTestId("queue-pending").textContent()).toBe(String(requests.totals.pending));
    for (const r of requests.requests) {
      expect(await rawIn(page, `tr[data-request="${r.id}"] td[data-col="payout"]`), `request ${r.id}`).toBe(r.payout);
    }
    const now = history.samples[history.samples.length - 1]!;
    expect(await page.getByTestId("depeg-now").getAttribute("data-bps")).toBe(String(now.depegBps));
    expect(Math.min(...history.samples.map((x) => x.depegBps ?? 0))).toBeLessThan(-300);
    await shot(page, "lrt");

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: "reduce" });
    const small = await phone.newPage();
    await small.goto(`${base}/lrts/ezeth`);
    await small.getByTestId("lrt-rate").waitFor();
    expect(await small.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(small, "lrt-phone");
    await phone.close();
  });

  it("Markets page: pool prices, health factors and the liquidation equal the API's", async () => {
    await page.goto(`${base}/`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Markets" }).click();
    await page.getByRole("heading", { level: 1, name: "Markets" }).waitFor();
    const [markets, health] = await Promise.all([api<Markets>("/markets"), api<MarketHealth>("/markets/health")]);
    await page.locator("tr[data-pool]").first().waitFor();
    expect(await page.locator("tr[data-pool]").count()).toBe(markets.pools.length);
    for (const p of markets.pools) {
      expect(await rawIn(page, `tr[data-pool="${p.id}"] td[data-col="price"]`), p.id).toBe(p.prices[0]!.price);
    }
    await page.getByTestId("liquidatable").waitFor();
    expect(await page.getByTestId("liquidatable").textContent()).toBe(String(health.liquidatable));
    expect(await page.locator("tr[data-account][data-market]").count()).toBe(health.positions.length);
    for (const p of health.positions) {
      const cell = page.locator(`tr[data-account="${p.account}"][data-market="${p.market}"] td[data-col="hf"]`);
      expect(await cell.getAttribute("data-value"), p.account).toBe(p.healthFactor);
    }
    for (const b of health.bands) {
      expect(await page.locator(`tr[data-band="${b.label}"] td[data-col="count"]`).textContent()).toBe(String(b.count));
    }
    expect(markets.liquidations).toHaveLength(1);
    const liq = markets.liquidations[0]!;
    expect(await rawIn(page, `tr[data-borrower="${liq.borrower}"] td[data-col="repaid"]`)).toBe(liq.debtRepaid);
    await shot(page, "markets");

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: "reduce" });
    const small = await phone.newPage();
    await small.goto(`${base}/markets`);
    await small.getByTestId("liquidatable").waitFor();
    expect(await small.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(small, "markets-phone");
    await phone.close();
  });

  it("position: the evaluation checklist of each LRT it holds, as the API computes it", async () => {
    // staker-03 holds eETH (also weETH on Arbitrum and in the Aave-style pool) and rsETH
    const address = devKey(stakerKey(3)).address;
    const held = await api<LrtHoldings>(`/lrts/holdings/${address}`);
    expect(held.lrts.map((l) => l.lrt)).toEqual(["eeth", "rseth"]);
    await page.goto(`${base}/position/${address}`);
    for (const h of held.lrts) {
      const checklist = await api<Checklist>(`/risk/checklist/${h.lrt}`);
      const badge = page.getByTestId(`checklist-severity-${h.lrt}`).locator("[data-severity]");
      await badge.waitFor();
      expect(await badge.getAttribute("data-severity")).toBe(checklist.severity);
      const items = page.locator(`article[data-lrt="${h.lrt}"] li[data-item]`);
      expect(await items.count()).toBe(checklist.items.length);
      for (const item of checklist.items) {
        const row = page.locator(`article[data-lrt="${h.lrt}"] li[data-item="${item.key}"]`);
        expect(await row.getAttribute("data-severity"), `${h.lrt} ${item.key}`).toBe(item.severity);
      }
    }
    // open one item with the keyboard
    const summary = page.locator('article[data-lrt="eeth"] li[data-item="slashing"] summary');
    await summary.focus();
    await page.keyboard.press("Enter");
    await page.locator('article[data-lrt="eeth"] li[data-item="slashing"] details[open]').waitFor();
    await shot(page, "position-lrt");
  });

  it("unknown operators and paths get a clear message, and nothing threw in the browser", async () => {
    await page.goto(`${base}/operators/0x${"00".repeat(19)}01`);
    await page.getByText("is not a registered operator").waitFor();
    await page.goto(`${base}/no/such/page`);
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
