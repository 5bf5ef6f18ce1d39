import type { z } from "zod";
import { ALLOWED_KEYS } from "./schema.ts";
import { show } from "./units.ts";
import type { PathSegment, Problem } from "./yamlTree.ts";

/**
 * zod's issues, read back as the scenario file's problems: one message per issue that says what was found and what
 * is allowed (an unknown key names the keys the object takes, a wrong event type lists the event types, a missing
 * key says it is missing rather than "expected string, received undefined").
 */

type Issue = z.core.$ZodIssue;

export function problemsOf(issues: readonly Issue[], input: unknown, prefix: PathSegment[] = []): Problem[] {
  return issues.flatMap((issue) => problemOf(issue, input, [...prefix, ...(issue.path as PathSegment[])]));
}

function problemOf(issue: Issue, input: unknown, path: PathSegment[]): Problem[] {
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = issue.message.startsWith(ALLOWED_KEYS)
        ? issue.message.slice(ALLOWED_KEYS.length).split(", ")
        : [];
      return issue.keys.map((key) => ({ path: [...path, key], at: "key" as const, message: unknownKey(key, allowed) }));
    }
    case "invalid_union": {
      // a discriminated union whose key matched no option (zod gives no branch errors then)
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        const options = ("options" in issue ? (issue.options ?? []) : []).map(String).join(", ");
        const disc = String(issue.discriminator ?? path.at(-1));
        if (value === undefined) return [{ path, message: `missing required key "${disc}" (one of: ${options})` }];
        return [
          { path, message: `unknown ${disc === "event" ? "event type" : disc} ${show(value)} (allowed: ${options})` },
        ];
      }
      // the branch that got furthest into the value says the most
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
      if (best !== undefined && depth(best) > 0) return problemsOf(best, input, path);
      return [{ path, message: `${show(value)} matches none of the allowed forms` }];
    }
    case "invalid_key":
      return [{ path, at: "key", message: `${show(path.at(-1))} is not an id (letters, digits, '.', '_' or '-')` }];
    default:
      break;
  }
  if (isMissing(input, path)) return [{ path, message: `missing required key "${String(path.at(-1))}"` }];
  switch (issue.code) {
    case "invalid_type":
      return [{ path, message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${show(value)}` }];
    case "invalid_value": {
      const options = issue.values.map((v) => (typeof v === "string" ? v : String(v)));
      const what = options.length === 1 ? `"${options[0]}"` : `one of ${options.join(", ")}`;
      return [{ path, message: `expected ${what}, got ${show(value)}` }];
    }
    case "too_small":
      if (issue.origin === "array") {
        const n = Number(issue.minimum);
        return [
          { path, message: `expected at least ${n} item${n === 1 ? "" : "s"}, got ${(value as unknown[]).length}` },
        ];
      }
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list",
};

const depth = (issues: readonly Issue[]): number => Math.max(0, ...issues.map((i) => i.path.length));

/** The value at a path of the plain input (undefined when the path leaves it). */
export function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let v = input;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    if (!Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}

/** The last segment is a key that the mapping holding it lacks. */
function isMissing(input: unknown, path: readonly PathSegment[]): boolean {
  const last = path.at(-1);
  if (typeof last !== "string") return false;
  const parent = valueAt(input, path.slice(0, -1));
  return parent !== null && typeof parent === "object" && !Array.isArray(parent) && !Object.hasOwn(parent, last);
}

function unknownKey(key: string, allowed: readonly string[]): string {
  const near = closest(key, allowed);
  const hint = near === undefined ? "" : ` — did you mean "${near}"?`;
  return `unknown key ${show(key)}${hint}${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : ""}`;
}

/** The allowed key a typo most likely meant: same letters ignoring case, or within two edits. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const a of allowed) {
    const d = a.toLowerCase() === key.toLowerCase() ? 0 : editDistance(a, key);
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** `timeline[2].operators[0]`, `agents.avsPolicies.overrides["avs-9"]` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
