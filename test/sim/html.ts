/**
 * A strict-enough HTML well-formedness check for the generated reports: every non-void element is closed, in
 * order (so the inline SVG nests properly too), attributes are quoted, and nothing is loaded from elsewhere.
 */
const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (!html.startsWith("<!DOCTYPE html>")) problems.push("no doctype");
  if (/<script\b/i.test(html)) problems.push("has a script");
  if (/\s(?:src|href)\s*=\s*"(?:https?:)?\/\//i.test(html)) problems.push("loads something from the network");
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(\/?)>/g;
  const stripped = html.replace(/<!DOCTYPE html>/, "");
  let last = 0;
  for (let m = tag.exec(stripped); m !== null; m = tag.exec(stripped)) {
    const between = stripped.slice(last, m.index);
    if (between.includes("<"))
      problems.push(
        `unparsed markup near ${JSON.stringify(between.slice(between.indexOf("<"), between.indexOf("<") + 40))}`,
      );
    last = m.index + m[0].length;
    const [, close, rawName, , selfClose] = m;
    const name = rawName!.toLowerCase();
    if (close === "/") {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}>`);
    } else if (selfClose !== "/" && !VOID.has(name)) {
      stack.push(name);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(" > ")}`);
  return problems;
}
