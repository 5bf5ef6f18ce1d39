import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { ADDR, fakeApi, SET } from "./fixtures.ts";
import { rawOf, renderApp } from "./render.tsx";

const E18 = 10n ** 18n;

describe("Position page", () => {
  it("validates the address before looking it up", async () => {
    const api = fakeApi();
    await renderApp("/position", api);
    const input = page.getByLabelText("Address");
    await userEvent.type(input, "0x1234");
    await userEvent.keyboard("{Enter}");
    await expect.element(page.getByRole("alert")).toHaveTextContent("Enter a 20-byte hex address");
    await expect.element(input).toHaveAttribute("aria-invalid", "true");
    expect(api.calls.some((c) => c.startsWith("/stakers/"))).toBe(false);
  });

  it("searches an address and shows its holdings, queue and look-through exposure", async () => {
    const api = fakeApi();
    await renderApp("/position", api);
    await userEvent.type(page.getByLabelText("Address"), ADDR.staker.toUpperCase().replace("0X", "0x"));
    await page.getByRole("button", { name: "Look up" }).click();
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Position 0xe5e5…e5e5");
    expect(api.calls).toContain(`/stakers/${ADDR.staker}`);

    await expect.element(page.getByTestId("delegated-to")).toHaveAttribute("data-address", ADDR.opA);
    const deposits = page.getByRole("region", { name: "Deposits per strategy" });
    const stETH = deposits.getByRole("row").filter({ hasText: "stETH" });
    await expect.element(stETH).toHaveTextContent("100 stETH");

    // delegated layer: 100 of A's 200 stETH shares → half of A's 50 stETH exposure
    const exposure = page.getByRole("region", { name: "Look-through exposure" });
    const rows = exposure.getByRole("row");
    await expect.poll(() => rows.elements().length).toBe(3);
    const delegated = rows.elements().find((r) => r.getAttribute("data-layer") === "delegated")!;
    expect(delegated.getAttribute("data-set")).toBe(SET);
    expect(delegated.textContent).toContain("50.00%");
    expect(rawOf(delegated.querySelector('[data-col="exposure"] data'))).toBe((25n * E18).toString());
    // queued layer: 10 stETH still slashable until block 30, at the set's 25% of A's magnitude
    const queued = rows.elements().find((r) => r.getAttribute("data-layer") === "queued")!;
    expect(queued.textContent).toContain("queued, until block 30");
    expect(rawOf(queued.querySelector('[data-col="exposure"] data'))).toBe(((25n * E18) / 10n).toString());

    // by AVS: 27.5 of its 110 ETH-denominated slashable stake
    await expect.element(page.getByTestId("exposed-eth")).toHaveTextContent("27.5 ETH");
    const byAvs = page.getByRole("region", { name: "Exposure by AVS" });
    await expect.element(byAvs.getByRole("row").nth(1)).toHaveTextContent("25.0%");
    await expect
      .element(page.getByRole("img", { name: /Exposure by AVS, ETH: tessera-da 27\.5000, Not allocated 82\.5000/ }))
      .toBeVisible();

    const queue = page.getByRole("region", { name: "Queued withdrawals" });
    await expect.element(queue.getByRole("row").nth(1)).toHaveTextContent("31 (in 21 blocks)");
  });

  it("an undelegated, empty address has nothing to show and says so", async () => {
    await renderApp(`/position/${ADDR.nobody}`, fakeApi());
    await expect.element(page.getByText("This address holds nothing in the core")).toBeVisible();
    await expect.element(page.getByTestId("delegated-to")).toHaveTextContent("not delegated");
    await expect
      .element(page.getByText("Not delegated, and nothing in the withdrawal queue is slashable"))
      .toBeVisible();
    await expect.element(page.getByText("No slashable exposure.")).toBeVisible();
  });
});
