import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { ADDR, events, fakeApi, staker } from "./fixtures.ts";
import { renderApp } from "./render.tsx";

const E18 = 10n ** 18n;

describe("live updates", () => {
  it("refetches what is on screen when a transaction lands, and only then", async () => {
    let head = 5;
    let stETH = 100n * E18;
    const api = fakeApi([
      ["/events", () => events(head)],
      ["/stakers/", () => staker(stETH.toString())],
    ]);
    await renderApp(`/position/${ADDR.staker}`, api, { pollMs: 40 });
    await expect.element(page.getByTestId("head-seq")).toHaveTextContent("tx 5");
    const row = page
      .getByRole("region", { name: "Deposits per strategy" })
      .getByRole("row")
      .filter({ hasText: "stETH" });
    await expect.element(row).toHaveTextContent("100 stETH");

    // polls without a change do not refetch the views
    const stakerCalls = () => api.calls.filter((c) => c.startsWith("/stakers/")).length;
    const before = stakerCalls();
    await new Promise((r) => setTimeout(r, 200));
    expect(stakerCalls()).toBe(before);

    // a deposit lands: the head moves and the page shows the new amount without a reload
    stETH += 5n * E18;
    head = 6;
    await expect.element(row).toHaveTextContent("105 stETH");
    await expect.element(page.getByTestId("head-seq")).toHaveTextContent("tx 6");
    expect(stakerCalls()).toBe(before + 1);
  });

  it("tells when the node cannot be reached", async () => {
    await renderApp(
      "/",
      fakeApi([
        [
          "/events",
          () => {
            throw new TypeError("Failed to fetch");
          },
        ],
      ]),
      { pollMs: 40 },
    );
    await expect.element(page.getByText("Node unreachable, retrying")).toBeVisible();
  });
});

describe("keyboard and small screens", () => {
  it("the skip link comes first and navigation moves focus to the new page's heading", async () => {
    await renderApp("/", fakeApi());
    await expect.element(page.getByTestId("hhi")).toHaveTextContent("6,250.00");
    (document.activeElement as HTMLElement | null)?.blur();
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe("Skip to content");
    await userEvent.tab();
    expect(document.activeElement?.getAttribute("aria-label")).toBe("restake dashboard, overview");

    // follow an operator link with the keyboard
    const link = page.getByRole("link", { name: `operator ${ADDR.opA}` }).first();
    (link.element() as HTMLElement).focus();
    await userEvent.keyboard("{Enter}");
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Operator 0xa1a1…a1a1");
    expect(document.activeElement?.id).toBe("page-title");
    expect(document.title).toBe(`Operator ${ADDR.opA} · restake`);
  });

  it("every form control has a label and every scrollable table is reachable by keyboard", async () => {
    await renderApp(`/avs/${ADDR.avs}/sets/0`, fakeApi());
    await expect.element(page.getByLabelText("Future block")).toBeVisible();
    for (const input of document.querySelectorAll("input")) {
      expect(document.querySelector(`label[for="${input.id}"]`), input.outerHTML).not.toBeNull();
    }
    await expect.poll(() => document.querySelectorAll(".table-wrap").length).toBeGreaterThan(1);
    for (const region of document.querySelectorAll(".table-wrap")) {
      expect(region.getAttribute("tabindex")).toBe("0");
      expect(region.getAttribute("aria-label")).toBeTruthy();
    }
  });

  it("fits a phone-sized screen without sideways scrolling of the page", async () => {
    await page.viewport(375, 740);
    try {
      await renderApp(`/position/${ADDR.staker}`, fakeApi());
      await expect.element(page.getByTestId("exposed-eth")).toHaveTextContent("27.5 ETH");
      await expect.element(page.getByRole("img", { name: /Exposure by AVS/ })).toBeVisible();
      // wide tables scroll inside their own region; the page itself never does
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(375);
      const main = document.querySelector("main")!;
      expect(main.getBoundingClientRect().width).toBeLessThanOrEqual(375);
    } finally {
      await page.viewport(1280, 900);
    }
  });
});
