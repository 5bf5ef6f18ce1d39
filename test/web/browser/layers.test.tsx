import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { ApiError } from "../../../web/src/api/client.ts";
import { ADDR, events, fakeApi } from "./fixtures.ts";
import { eethHistory, health, LAYER, lrts, unconfigured } from "./layerFixtures.ts";
import { rawOf, renderApp } from "./render.tsx";

const E18 = 10n ** 18n;

describe("LRT pages", () => {
  it("the list shows each LRT's rate, DEX price against it, queue and the backing check", async () => {
    await renderApp("/lrts", fakeApi());
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Liquid restaking tokens");
    const table = page.getByRole("region", { name: "LRTs" });
    const eeth = table.getByRole("row").filter({ hasText: "eETH / weETH" });
    await expect.element(eeth).toHaveTextContent("1.02 ETH");
    // weETH at 1.015 on its pool: (1.015 − 1.02)/1.02 = −0.49%
    await expect.element(eeth).toHaveTextContent("1.015 ETH (-0.49%)");
    await expect.element(eeth).toHaveTextContent("backed");
    const rseth = table.getByRole("row").filter({ hasText: "rsETH" });
    await expect.element(rseth).toHaveTextContent("unbacked 5 rsETH");
    await expect.element(rseth).toHaveTextContent("paused: bridge");
    await expect.element(rseth).toHaveTextContent("no pool");
    await rseth.getByRole("link").click();
    await expect.element(page.getByRole("alert")).toHaveTextContent("There is no LRT “rseth” on this node.");
  });

  it("one LRT: rate against DEX price over time, supply by chain with the backing check, queue, fees, delegation", async () => {
    await renderApp("/lrts/eeth", fakeApi());
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("eETH / weETH");
    expect(rawOf(page.getByTestId("lrt-rate").element())).toBe(((1020n * E18) / 1000n).toString());
    await expect.element(page.getByText("-396.03 bps")).toBeVisible();

    // the depeg chart: three days of chain time, described in words
    const chart = page.getByRole("img", { name: /weETH rate 1.02 ETH/ });
    await expect.element(chart).toBeVisible();
    expect(chart.element().getAttribute("aria-label")).toContain("largest discount -396.03 bps");
    await expect.poll(() => chart.element().querySelector("svg") !== null, { timeout: 10_000 }).toBe(true);
    await expect.element(page.getByText("From 2026-01-01 00:00 UTC to 2026-01-03 00:00 UTC.")).toBeVisible();
    await expect.element(page.getByTestId("depeg-now")).toHaveTextContent("-49.01 bps against the rate");

    // supply by chain: canonical 200 + 100 + 10 in flight = 310 = backed
    await expect.element(page.getByTestId("backing-check")).toHaveTextContent("backing check holds");
    await expect.element(page.getByTestId("backing-check")).toHaveTextContent("= 310 weETH; backed 310 weETH");
    const supply = page.getByRole("region", { name: "Supply by chain" });
    await expect.element(supply.getByRole("row").filter({ hasText: "arbitrum" })).toHaveTextContent("100 weETH");
    await expect.element(supply.getByRole("row").filter({ hasText: "in flight" })).toHaveTextContent("10 weETH");

    // the queue: a pending request paying 25 ETH now, a finalized one owed 10 ETH
    await expect.element(page.getByTestId("queue-pending")).toHaveTextContent("1");
    const requests = page.getByRole("region", { name: "Withdrawal requests" });
    await expect.element(requests.getByRole("row").filter({ hasText: "#2" })).toHaveTextContent("25 ETH now");
    await expect.element(requests.getByRole("row").filter({ hasText: "#1" })).toHaveTextContent("finalized");

    // fees
    const fees = page.getByRole("region", { name: "Fee schedule" });
    await expect.element(fees.getByRole("row").filter({ hasText: "Protocol fee" })).toHaveTextContent("10.00%");
    await expect.element(fees.getByRole("row").filter({ hasText: "exit fee" })).toHaveTextContent("0.30%");
    await expect.element(page.getByTestId("fees-collected")).toHaveTextContent("2 ETH");

    // delegation: targets and actual shares
    const delegation = page.getByRole("region", { name: "Operator delegators" });
    await expect.element(delegation.getByRole("row").nth(1)).toHaveTextContent("60.00%");
  });

  it("plots by transaction when no chain time passed, and says so", async () => {
    const sameTime = {
      ...eethHistory,
      samples: eethHistory.samples.map((s) => ({ ...s, timestamp: eethHistory.samples[0]!.timestamp })),
    };
    await renderApp("/lrts/eeth", fakeApi([["/lrts/eeth/history", sameTime]]));
    await expect
      .element(page.getByText("Plotted by transaction: no chain time passed between these points."))
      .toBeVisible();
  });

  it("an LRT with no history yet says so", async () => {
    await renderApp("/lrts/eeth", fakeApi([["/lrts/eeth/history", { ...eethHistory, samples: [] }]]));
    await expect.element(page.getByText("No history yet.")).toBeVisible();
  });

  it("a failing endpoint is an error with its code in its own section", async () => {
    await renderApp(
      "/lrts/eeth",
      fakeApi([
        [
          "/lrts/eeth/requests",
          () => {
            throw new ApiError(500, "InternalError", "internal error");
          },
        ],
      ]),
      { retry: false },
    );
    const alert = page.getByRole("alert").filter({ hasText: "Could not load the redemption queue." });
    await expect.element(alert).toHaveTextContent("InternalError");
    await expect.element(page.getByTestId("backing-check")).toHaveTextContent("backing check holds");
  });
});

describe("Markets page", () => {
  it("pools against LRT rates, the health-factor distribution, lending markets and liquidations", async () => {
    await renderApp("/markets", fakeApi());
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Markets");
    const pools = page.getByRole("region", { name: "Pools" });
    const weeth = pools.getByRole("row").filter({ hasText: "weETH-WETH" });
    await expect.element(weeth).toHaveTextContent("1.015 WETH per weETH");
    await expect.element(weeth).toHaveTextContent("-0.49%");
    await expect.element(weeth).toHaveTextContent("StableSwap, A = 100");
    await expect.element(pools.getByRole("row").filter({ hasText: "WETH-USDC" })).toHaveTextContent("3,000 USDC");

    // health factors: 0.95 (liquidatable), 1.03 (close), 1.5
    await expect.element(page.getByTestId("liquidatable")).toHaveTextContent("1");
    await expect.element(page.getByTestId("lowest-hf")).toHaveTextContent("0.95");
    const bands = page.getByRole("region", { name: "Health-factor bands" });
    await expect.element(bands.getByRole("row").filter({ hasText: "< 1" })).toHaveTextContent("30,000 USD");
    const chart = page.getByRole("img", { name: /Debt by health-factor band/ });
    await expect.element(chart).toBeVisible();
    expect(chart.element().getAttribute("aria-label")).toContain("1–1.05: 1 positions, 60,000 USD");
    const positions = page.getByRole("region", { name: "Borrowing positions" });
    await expect.element(positions.getByRole("row").nth(1)).toHaveTextContent("liquidatable");
    await expect.element(positions.getByRole("row").nth(2)).toHaveTextContent("close to 1");
    await positions.getByRole("link", { name: `position ${LAYER.borrowerMid}` }).click();
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Position 0xb1b1…b1b1");
  });

  it("lending reserves and the liquidations table", async () => {
    await renderApp("/markets", fakeApi());
    const reserves = page.getByRole("region", { name: "Aave-style reserves" });
    const weth = reserves.getByRole("row").filter({ hasText: "WETH" });
    await expect.element(weth).toHaveTextContent("25.0%");
    await expect.element(weth).toHaveTextContent("80.00% / 83.00%");
    await expect.element(weth).toHaveTextContent("3.00%");
    await expect.element(page.getByText(/“ETH correlated” \(weETH → WETH/)).toBeVisible();
    const liq = page.getByRole("region", { name: "Liquidations" });
    const row = liq.getByRole("row").filter({ hasText: "Morpho weETH-WETH-86" });
    await expect.element(row).toHaveTextContent("50 WETH");
    await expect.element(row).toHaveTextContent("0.982 → 1.068");
    await expect.element(row).toHaveTextContent("none");
  });

  it("says so when nobody borrows and nothing was liquidated", async () => {
    await renderApp(
      "/markets",
      fakeApi([
        ["/markets/health", { ...health, positions: [], bands: [], liquidatable: 0, totalDebtBase: "0" }],
        [
          "/markets",
          {
            assets: [],
            pools: [],
            lending: { reserves: [], eModes: [], morpho: [] },
            liquidations: [],
          },
        ],
      ]),
    );
    await expect.element(page.getByText("Nobody is borrowing.")).toBeVisible();
    await expect.element(page.getByText("No pool has been created.")).toBeVisible();
    await expect.element(page.getByText("No lending market has been created.")).toBeVisible();
    await expect.element(page.getByText("No position has been liquidated.")).toBeVisible();
  });
});

describe("security summary and LRT checklists", () => {
  it("the overview states the verdict, γ*, Claim 1 and the tightest coalition", async () => {
    await renderApp("/", fakeApi());
    await expect.element(page.getByTestId("security-verdict")).toHaveTextContent("secure");
    await expect.element(page.getByTestId("security-slack")).toHaveTextContent("0.1000");
    await expect.element(page.getByTestId("claim1-status")).toHaveTextContent("fails");
    const section = page.getByRole("region", { name: "Security" });
    await expect.element(section).toHaveTextContent("Claim 1 fails for tessera-da / 0");
    await expect.element(section).toHaveTextContent("The exact search still finds no profitable attack.");
    await expect.element(page.getByTestId("worst-attack")).toHaveTextContent("would gain 50 ETH and cost 55 ETH");
  });

  it("without risk parameters the overview says nothing was analysed", async () => {
    await renderApp("/", fakeApi([["/risk/summary", unconfigured]]));
    await expect.element(page.getByText("No risk parameters are stored with this node")).toBeVisible();
  });

  it("the position page lists each LRT held with its checklist; items open with the keyboard", async () => {
    await renderApp(`/position/${ADDR.staker}`, fakeApi());
    const held = page.getByRole("article", { name: /eETH/ });
    await expect.element(held).toHaveTextContent("40 eETH on ethereum");
    await expect.element(held).toHaveTextContent("12 weETH on arbitrum");
    await expect.element(held).toHaveTextContent("5 weETH in aave");
    await expect.element(held).toHaveTextContent("1 open withdrawal request(s)");
    await expect.element(page.getByTestId("checklist-severity-eeth")).toHaveTextContent("high");
    const list = page.getByRole("list", { name: "Evaluation checklist for eETH" });
    await expect.poll(() => list.getByRole("listitem").elements().length).toBeGreaterThanOrEqual(3);
    const finding = page.getByText("one 1-of-1 verifier per route");
    expect(finding.element().checkVisibility()).toBe(false);
    const summary = document.querySelector<HTMLElement>('[data-item="deployment"] summary')!;
    summary.focus();
    await userEvent.keyboard("{Enter}");
    await expect.element(finding).toBeVisible();
    await expect.element(page.getByText("The state cannot answer this; check it yourself.")).toBeInTheDocument();
  });

  it("an address with no LRT says so", async () => {
    await renderApp(`/position/${ADDR.nobody}`, fakeApi());
    await expect.element(page.getByText("This address holds no LRT")).toBeVisible();
  });
});

describe("live updates on the new pages", () => {
  it("the LRT list follows a new rate when a transaction lands", async () => {
    let head = 5;
    let list = lrts;
    const api = fakeApi([
      ["/events", () => events(head)],
      ["/lrts/", () => undefined],
      ["/lrts", () => list],
    ]);
    await renderApp("/lrts", api, { pollMs: 40 });
    const row = page.getByRole("region", { name: "LRTs" }).getByRole("row").filter({ hasText: "eETH / weETH" });
    await expect.element(row).toHaveTextContent("1.02 ETH");
    // a report lands: the head moves and the rate on screen follows without a reload
    list = { lrts: [{ ...lrts.lrts[0]!, rate: ((1025n * E18) / 1000n).toString() }, lrts.lrts[1]!] };
    head = 6;
    await expect.element(row).toHaveTextContent("1.025 ETH");
  });
});
