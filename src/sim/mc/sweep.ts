import { parseDocument, parse as parseYaml } from "yaml";
import { networkNames } from "../network/names.ts";
import { parseScenario } from "../scenario/parse.ts";
import type { Scenario } from "../scenario/types.ts";

/**
 * `--sweep key=v1,v2,…`: one scenario per value, made by setting the value into the scenario file's YAML at the
 * dotted path (`agents.fearfulStakers.threshold`, `timeline.0.amount`; numeric segments index lists) and parsing the
 * result like any scenario file, so a swept value is read, converted and checked exactly as if it had been written
 * in the file ("5%", "116500", 0.05). A bad value gives the parser's error, naming the value.
 */

export function pathOf(key: string): (string | number)[] {
  const segments = key.split(".");
  if (segments.some((s) => s === "")) throw new RangeError(`--sweep key ${JSON.stringify(key)} has an empty segment`);
  return segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The scenario text with `value` (a YAML scalar, as written on the command line) set at `key`. */
export function withValue(text: string, key: string, value: string): string {
  const doc = parseDocument(text);
  doc.setIn(pathOf(key), doc.createNode(parseYaml(value)));
  return doc.toString();
}

export function sweepScenarios(
  text: string,
  file: string,
  key: string,
  values: readonly string[],
): { label: string; scenario: Scenario }[] {
  if (values.length === 0 || values.some((v) => v.trim() === "")) {
    throw new RangeError(`--sweep ${key} needs a comma-separated list of values`);
  }
  return values.map((raw) => {
    const label = raw.trim();
    return {
      label,
      scenario: parseScenario(withValue(text, key, label), { file: `${file} [${key}=${label}]`, names: networkNames }),
    };
  });
}
