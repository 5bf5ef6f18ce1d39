/**
 * Typed protocol errors. The code of an error raised by an EigenLayer rule is the name of the revert that the
 * contracts raise in the same situation (see docs/errors.md), so a recorded revert compares by name.
 */
export class ProtocolError extends Error {
  override readonly name: string;
  readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message?: string, context: Record<string, unknown> = {}) {
    super(message ? `${code}: ${message}` : code);
    this.name = code;
    this.code = code;
    this.context = context;
  }
}

/** Throws `ProtocolError(code)` unless `condition` holds; the require() of the contracts. */
export function require(
  condition: unknown,
  code: string,
  message?: string,
  context?: Record<string, unknown>,
): asserts condition {
  if (!condition) throw new ProtocolError(code, message, context);
}

export function isProtocolError(e: unknown, code?: string): e is ProtocolError {
  return e instanceof ProtocolError && (code === undefined || e.code === code);
}

/**
 * Raised when an internal invariant fails. That is a bug in restake, never the caller's fault, so it is not a
 * ProtocolError and the API reports it as a 500.
 */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
  readonly context: Readonly<Record<string, unknown>>;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.context = context;
  }
}

export function invariant(condition: unknown, message: string, context?: Record<string, unknown>): asserts condition {
  if (!condition) throw new InvariantViolation(message, context);
}
