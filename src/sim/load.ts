import { readFileSync } from "node:fs";
import { networkNames } from "./network/names.ts";
import { ScenarioError } from "./scenario/errors.ts";
import { parseScenario } from "./scenario/parse.ts";
import type { Scenario } from "./scenario/types.ts";

/** A scenario file read and validated (ScenarioError on any problem, before anything runs), with its text. */
export function loadScenario(file: string): { scenario: Scenario; text: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ScenarioError({ code: "ScenarioRead", message: `cannot read the file: ${(e as Error).message}`, file });
  }
  return { scenario: parseScenario(text, { file, names: networkNames }), text };
}
