/** restake's pure core: protocol families behind one neutral seam. No I/O, no clock, no randomness. */
export * as eigen from "./eigenlayer/index.ts";
export * from "./protocol.ts";
export { fromJson, toJson, toPlainJson } from "./shared/codec.ts";
export { InvariantViolation, isProtocolError, ProtocolError } from "./shared/errors.ts";
export * from "./shared/math.ts";
