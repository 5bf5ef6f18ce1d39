import { describe, expect, it } from "vitest";
import { readVector, runConformance, vectorFiles } from "../../src/cli/conformance.ts";
import { replayVector } from "../../src/conformance/eigenlayerVectors.ts";

const DIR = "test/vectors/eigenlayer";

describe("conformance runner", () => {
  it("replays every recorded vector to the wei", () => {
    const files = vectorFiles([DIR]);
    expect(files.length).toBeGreaterThanOrEqual(76);
    const summary = runConformance([DIR]);
    expect(summary.lines).toEqual([]);
    expect(summary.passed).toBe(files.length);
  });

  it("reports the first mismatch when a recorded quantity is changed by one wei", () => {
    const v = readVector(files0());
    const step = v.steps.find((s) => s.op === "deposit" && s.status === "ok")!;
    const st = (step.state.strategies as Record<string, { totalShares: string }>).ST0!;
    const expected = BigInt(st.totalShares) + 1n;
    st.totalShares = expected.toString();
    const report = replayVector(v);
    expect(report.mismatch).toMatchObject({ step: step.i, quantity: "state.strategies.ST0.totalShares" });
    expect(report.mismatch!.expected).toBe(JSON.stringify(expected.toString()));
  });

  it("reports a status mismatch when a success is recorded as a revert", () => {
    const v = readVector(files0());
    const step = v.steps.find((s) => s.op === "delegateTo" && s.status === "ok")!;
    step.status = "reverted";
    step.error = "FullySlashed";
    expect(replayVector(v).mismatch).toMatchObject({ step: step.i, quantity: "status" });
  });
});

function files0(): string {
  return vectorFiles([DIR])[0]!;
}
