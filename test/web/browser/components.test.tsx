import { describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { render } from "vitest-browser-react";
import { ApiError } from "../../../web/src/api/client.ts";
import { Amount } from "../../../web/src/components/Amount.tsx";
import { ErrorState, Gate, Loading } from "../../../web/src/components/ui.tsx";

describe("Amount", () => {
  it("shows ETH to four decimals, truncated, with the exact wei on hover", async () => {
    await render(<Amount value="1234567891234567891234" />);
    const el = page.getByText("1,234.5678");
    await expect.element(el).toBeVisible();
    const data = el.element().closest("data")!;
    expect(data.getAttribute("value")).toBe("1234567891234567891234");
    expect(data.getAttribute("title")).toBe("1234567891234567891234 wei");
    expect(data.textContent).toBe("1,234.5678 ETH");
  });

  it("uses the asset's decimals and symbol, and says how small a tiny amount is", async () => {
    await render(
      <p>
        <Amount value="267885397900" decimals={6} unit="USDC" /> and <Amount value="42" />
      </p>,
    );
    await expect.element(page.getByText("267,885.3979")).toBeVisible();
    const usdc = page.getByText("267,885.3979").element().closest("data")!;
    expect(usdc.getAttribute("title")).toBe("267885397900 base units (6 decimals)");
    await expect.element(page.getByText("<0.0001")).toBeVisible();
  });
});

describe("states", () => {
  it("loading is announced politely", async () => {
    await render(<Loading what="operators" />);
    const status = page.getByRole("status");
    await expect.element(status).toHaveTextContent("Loading operators…");
    expect(status.element().getAttribute("aria-live")).toBe("polite");
  });

  it("an error is an alert with the node's message and a retry button", async () => {
    let retried = 0;
    await render(
      <ErrorState
        what="the operator"
        error={new ApiError(503, "StoreUnavailable", "the event store could not be read")}
        retry={() => retried++}
      />,
    );
    await expect.element(page.getByRole("alert")).toHaveTextContent("Could not load the operator.");
    await expect.element(page.getByRole("alert")).toHaveTextContent("StoreUnavailable");
    await page.getByRole("button", { name: "Try again" }).click();
    expect(retried).toBe(1);
  });

  it("Gate shows loading, then the first error without data, then children", async () => {
    const q = (data: unknown, error: Error | null = null) => ({ data, error, refetch: () => {} });
    const screen = await render(
      <Gate queries={[q(undefined)]} what="things">
        {() => <p>ready</p>}
      </Gate>,
    );
    await expect.element(page.getByRole("status")).toHaveTextContent("Loading things");
    await screen.rerender(
      <Gate queries={[q(1), q(undefined, new ApiError(0, "NetworkError", "down"))]} what="things">
        {() => <p>ready</p>}
      </Gate>,
    );
    await expect.element(page.getByRole("alert")).toHaveTextContent("could not be reached");
    await screen.rerender(
      <Gate queries={[q(1), q(2, new Error("refresh failed"))]} what="things">
        {() => <p>ready</p>}
      </Gate>,
    );
    await expect.element(page.getByText("ready")).toBeVisible();
    await expect.element(page.getByRole("status")).toHaveTextContent("Showing the last data received");
  });
});
