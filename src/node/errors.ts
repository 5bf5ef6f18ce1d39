/** Errors the node returns before or around the engine, each with a stable code and an HTTP status. */
export class NodeError extends Error {
  override readonly name = "NodeError";
  readonly code: string;
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;
  readonly context: Readonly<Record<string, unknown>>;
  constructor(code: string, status: NodeError["status"], message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.context = context;
  }
}

/** Engine codes that mean "this signer may not do this" rather than "the protocol state forbids it". */
export const AUTH_CODES = new Set([
  "InvalidPermissions",
  "OnlyAdmin",
  "OnlyPauser",
  "OnlyBeaconReporter",
  "InvalidCaller",
  "CallerCannotUndelegate",
  "WithdrawerNotCaller",
  "NotAdmin",
  "UnauthorizedCaller",
  // the LRT layer (src/lrt): role-gated commands
  "OnlyCoreAdmin",
  "OnlyLrtAdmin",
  "OnlyLrtOracle",
  "OnlyLrtManager",
  "OnlyLrtPauser",
  "OnlyRiskOracle",
  "OnlyLstOracle",
  "OnlyBridgeVerifier",
  "NotRequestOwner",
]);
