import type { Document } from "yaml";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ScenarioErrorCode } from "./errors.ts";

/**
 * The YAML side of the scenario parser: the text becomes plain values (for the schema) while the document keeps
 * every node's offset, so that a path found by the schema or the checks (`timeline[2].avs`) maps back to a line
 * and a column.
 */

export type PathSegment = string | number;

/**
 * A place in the file: 1-based line and column, and the offset that orders places in document order. A problem with
 * a whole mapping or list, or a key missing from it, is ordered at its end: a typo's "unknown key" comes before the
 * "missing key" it causes, and a problem inside a list before "the list does not add up".
 */
export interface Place {
  line: number;
  column: number;
  offset: number;
}

/** Where a problem is: a path in the scenario, and which part of the entry to point at. */
export interface Problem {
  path: PathSegment[];
  message: string;
  /** point at the key rather than its value (unknown keys, record keys) */
  at?: "key" | "value";
  /** the error code, when it is not the phase's own */
  code?: ScenarioErrorCode;
}

export interface YamlFile {
  doc: Document.Parsed;
  lines: LineCounter;
}

export type ReadResult = { ok: true; file: YamlFile; value: unknown } | { ok: false; message: string; place: Place };

/** Parses the text; the first YAML error (in document order) is the answer when there is one. */
export function readYaml(text: string): ReadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const file = { doc, lines };
  const first = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (first !== undefined) return { ok: false, message: syntaxMessage(first.message), place: at(file, first.pos[0]) };
  const reader = new PlainReader(file);
  try {
    return { ok: true, file, value: reader.read(doc.contents) };
  } catch (e) {
    if (e instanceof ReadFailure) return { ok: false, message: e.message, place: at(file, e.offset) };
    throw e;
  }
}

/** The YAML parser's message without its own position suffix (the error carries the position). */
function syntaxMessage(m: string): string {
  const s = m.replace(/ at line \d+, column \d+[\s\S]*$/, "").trim();
  return s.charAt(0).toLowerCase() + s.slice(1);
}

class ReadFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Alias expansion beyond this many nodes is refused (a "billion laughs" file). */
const MAX_NODES = 2_000_000;

class PlainReader {
  private nodes = 0;
  private readonly open = new Set<Node>();
  constructor(private readonly file: YamlFile) {}

  read(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (++this.nodes > MAX_NODES) throw new ReadFailure("the file expands to too many values (aliases)", 0);
    if (isAlias(node)) {
      const target = node.resolve(this.file.doc);
      if (target === undefined) throw new ReadFailure(`unknown alias *${node.source}`, node.range?.[0] ?? 0);
      if (this.open.has(target)) throw new ReadFailure("an alias refers to a value that contains it", node.range![0]);
      return this.read(target);
    }
    if (isScalar(node)) return exactScalar(node.value, node.source);
    if (isSeq(node)) return this.nested(node, () => node.items.map((item) => this.read(item)));
    if (isMap(node)) {
      return this.nested(node, () => {
        // no prototype: a key named "__proto__" is a key like any other
        const out: Record<string, unknown> = Object.create(null);
        for (const pair of node.items) {
          const key = pair.key;
          if (!isScalar(key) || (key.value !== null && typeof key.value === "object")) {
            const offset = (key as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0;
            throw new ReadFailure("a key must be plain text", offset);
          }
          out[String(key.value)] = this.read(pair.value);
        }
        return out;
      });
    }
    throw new ReadFailure("unsupported YAML value", (node as Node).range?.[0] ?? 0);
  }

  private nested<T>(node: Node, f: () => T): T {
    this.open.add(node);
    try {
      return f();
    } finally {
      this.open.delete(node);
    }
  }
}

const DECIMAL_SOURCE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * A scalar's value, with one exception: a number whose written digits a float cannot hold (more than 17
 * significant digits, or an integer past 2^53) is kept as its text, so that an amount written unquoted stays
 * exact. `String(n)` of every other number denotes exactly the decimal that was written.
 */
export function exactScalar(value: unknown, source: string | undefined): unknown {
  if (typeof value !== "number" || source === undefined || !Number.isFinite(value)) return value;
  // hexadecimal and octal integers pass as they are
  if (!DECIMAL_SOURCE.test(source) || canonicalDecimal(source) === canonicalDecimal(String(value))) return value;
  // normalised so that the amount reader takes it: "+.5…" → "0.5…"
  return source.replace(/^\+/, "").replace(/^(-?)\./, "$10.");
}

/** A decimal's canonical form `<sign><digits>e<exp>` (no leading or trailing zeros), to compare two spellings. */
export function canonicalDecimal(text: string): string {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (m === null) return text;
  const frac = m[3] ?? "";
  let digits = `${m[2] ?? ""}${frac}`.replace(/^0+/, "");
  if (digits === "") return "0";
  let exp = Number(m[4] ?? 0) - frac.length;
  const kept = digits.replace(/0+$/, "");
  exp += digits.length - kept.length;
  digits = kept;
  return `${m[1] === "-" ? "-" : ""}${digits}e${exp}`;
}

export function at(file: YamlFile, offset: number): Place {
  const { line, col } = file.lines.linePos(offset);
  return { line, column: col, offset };
}

/**
 * The place of a path: the value's node, or its key's (`at: "key"`). A path that leaves the file (a missing key,
 * or a path into a value the schema transformed) stops at the deepest entry found: the key holding the map that
 * lacks the entry, or the map itself when no key holds it (the top, a list item).
 */
export function locate(file: YamlFile, path: readonly PathSegment[], which: "key" | "value" = "value"): Place {
  let node: unknown = file.doc.contents;
  let key: Node | undefined;
  const place = (n: unknown): Place => at(file, offsetOf(n) ?? 0);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(file.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      // a missing entry is shown at the map (or its key) but ordered at the map's end, after what the map does hold
      if (pair === undefined) return { ...place(key ?? node), offset: node.range?.[1] ?? 0 };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      node = node.items[seg];
      key = undefined;
    } else {
      return place(node ?? key);
    }
  }
  if (which === "key" && key !== undefined) return place(key);
  // an empty value (`key:` and nothing) has no text of its own: point at its key
  const empty = node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
  const shown = place(empty && key !== undefined ? key : (node ?? key));
  // a problem with a whole mapping or list ("needs X or Y", weights that do not add up) is shown where it starts
  // and ordered where it ends, after the problems inside it
  const node2 = isAlias(node) ? node.resolve(file.doc) : node;
  return isMap(node2) || isSeq(node2) ? { ...shown, offset: node2.range?.[1] ?? shown.offset } : shown;
}

function offsetOf(n: unknown): number | undefined {
  return (n as Node | null | undefined)?.range?.[0];
}
