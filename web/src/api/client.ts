import type { ApiErrorBody } from "./types.ts";

/** A failed API call: the node's JSON error (`code`, `message`), or `NetworkError` when it could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly context: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, context?: Record<string, unknown>) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.context = context;
  }

  /** 4xx: asking again will not help (bad address, unknown operator …). */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}

export interface ApiClient {
  /** GET `/api<path>` and parse its JSON body; throws ApiError on any failure. */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** POST `body` as JSON to `/api<path>` (the simulation lab starts jobs this way); read-only clients leave it out. */
  post?<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

function isErrorBody(v: unknown): v is ApiErrorBody {
  return typeof v === "object" && v !== null && typeof (v as ApiErrorBody).code === "string";
}

export function httpClient(base = "/api", fetchImpl: FetchLike = (input, init) => fetch(input, init)): ApiClient {
  async function request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        ...init,
        signal,
        headers: { accept: "application/json", ...init.headers },
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ApiError(0, "NetworkError", "the node could not be reached");
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ApiError(res.status, res.ok ? "InvalidResponse" : `Http${res.status}`, "the node sent no JSON");
    }
    if (!res.ok) {
      if (isErrorBody(body)) throw new ApiError(res.status, body.code, body.message, body.context);
      throw new ApiError(res.status, `Http${res.status}`, "request failed");
    }
    return body as T;
  }
  return {
    get: <T>(path: string, signal?: AbortSignal) => request<T>(path, {}, signal),
    post: <T>(path: string, body: unknown, signal?: AbortSignal) =>
      request<T>(
        path,
        { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } },
        signal,
      ),
  };
}
