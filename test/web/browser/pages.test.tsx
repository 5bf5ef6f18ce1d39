import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { ApiError } from "../../../web/src/api/client.ts";
import { ADDR, fakeApi, notFound, SET } from "./fixtures.ts";
import { rawOf, renderApp } from "./render.tsx";

const E18 = 10n ** 18n;

describe("Operator page", () => {
  it("shows delegated stake by strategy, allocations per set, stakers and slashing history", async () => {
    await renderApp(`/operators/${ADDR.opA}`, fakeApi());
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Operator 0xa1a1…a1a1");
    await expect.element(page.getByTestId("stakers")).toHaveTextContent("3");

    const delegated = page.getByRole("region", { name: "Delegated stake by strategy" });
    const stETH = delegated.getByRole("row").filter({ hasText: "stETH" });
    await expect.element(stETH).toHaveTextContent("200 stETH");
    expect(rawOf(stETH.getByText("200").element())).toBe((200n * E18).toString());
    await expect.element(stETH).toHaveTextContent("25.0%");
    // USDC holds nothing and allocates nothing: not listed
    expect(delegated.getByRole("row").filter({ hasText: "USDC" }).elements()).toHaveLength(0);

    const allocations = page.getByRole("region", { name: "Allocations per operator set" });
    const native = allocations.getByRole("row").filter({ hasText: "ETH (native)" });
    await expect.element(native).toHaveTextContent("25.00%");
    await expect.element(native).toHaveTextContent("−10.00% at block 35");
    await expect.element(allocations.getByRole("link", { name: "operator set 0 of tessera-da" })).toBeVisible();

    await expect.element(page.getByText("Never slashed.")).toBeVisible();
  });

  it("says when an address is not an operator, and links to its position", async () => {
    await renderApp(`/operators/${ADDR.nobody}`, fakeApi());
    await expect.element(page.getByText("is not a registered operator")).toBeVisible();
    await page.getByRole("link", { name: "Look it up as a position" }).click();
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Position 0xf6f6…f6f6");
    await expect.element(page.getByText("This address holds nothing in the core")).toBeVisible();
  });
});

describe("AVS and operator-set pages", () => {
  it("the AVS page lists its sets with allocated stake and slash counts", async () => {
    await renderApp(`/avs/${ADDR.avs}`, fakeApi());
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("tessera-da");
    const sets = page.getByRole("region", { name: "Operator sets" });
    const row = sets.getByRole("row").filter({ hasText: "tessera-da / 0" });
    await expect.element(row).toHaveTextContent("85 ETH");
    await expect.element(row).toHaveTextContent("stETH, ETH (native)");
    await expect.element(row).toHaveTextContent("burned");
    const ops = page.getByRole("region", { name: "Operators of this AVS" });
    await expect.element(ops.getByRole("row").nth(1)).toHaveTextContent("75 ETH");
    await expect.element(page.getByText("double signing")).toBeVisible();
  });

  it("the operator-set page evaluates slashable stake at an entered future block", async () => {
    const api = fakeApi();
    await renderApp(`/avs/${ADDR.avs}/sets/0`, api);
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("tessera-da / set 0");
    await expect.element(page.getByTestId("slash-count")).toHaveTextContent("1");

    // the default future block: now (10) + the deallocation delay (25)
    const input = page.getByLabelText("Future block");
    await expect.element(input).toHaveValue("35");
    const table = page.getByRole("region", { name: "Slashable stake per operator" });
    const rowA = table.getByRole("row").filter({ hasText: "0xa1a1…a1a1" });
    await expect.element(rowA).toHaveTextContent("75 ETH");
    // at block 35, A's native allocation has dropped by 10 ETH
    await expect.element(rowA.getByRole("cell").nth(2)).toHaveTextContent("65 ETH");
    expect(api.calls).toContain(`/operator-sets/${ADDR.avs}/0?futureBlock=35`);

    // before the deallocation takes effect
    await userEvent.clear(input);
    await userEvent.type(input, "20");
    await userEvent.keyboard("{Enter}");
    await expect.element(table.getByRole("columnheader", { name: "Minimum at block 20" })).toBeVisible();
    await expect.element(rowA.getByRole("cell").nth(2)).toHaveTextContent("75 ETH");
    expect(api.calls).toContain(`/operator-sets/${ADDR.avs}/0?futureBlock=20`);

    // a block in the past is refused before asking the node
    await userEvent.clear(input);
    await userEvent.type(input, "3");
    await page.getByRole("button", { name: "Evaluate" }).click();
    await expect.element(page.getByRole("alert")).toHaveTextContent("must not be before the current block 10");
    await expect.element(input).toHaveAttribute("aria-invalid", "true");
    expect(api.calls.some((c) => c.endsWith("futureBlock=3"))).toBe(false);
    expect(SET).toContain(ADDR.avs);
  });

  it("an unknown operator set is reported, not an endless spinner", async () => {
    await renderApp(`/avs/${ADDR.avs}/sets/7`, fakeApi([["/operator-sets/", () => notFound("operatorSet")]]));
    await expect.element(page.getByRole("alert")).toHaveTextContent("This AVS has no operator set 7.");
    await page.getByRole("link", { name: "tessera-da" }).click();
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("tessera-da");
  });

  it("a failing node is an error with its message", async () => {
    await renderApp(
      `/avs/${ADDR.avs}/sets/0`,
      fakeApi([
        [
          "/operator-sets/",
          () => {
            throw new ApiError(500, "InternalError", "internal error");
          },
        ],
      ]),
      { retry: false },
    );
    await expect.element(page.getByRole("alert")).toHaveTextContent("Could not load the operator set.");
    await expect.element(page.getByRole("alert")).toHaveTextContent("InternalError");
  });
});
