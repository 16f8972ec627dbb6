/**
 * The outbound HTTP call the bootstrap proxy needs, as an interface: `transport/http-client.ts` implements it
 * with `node:http`; tests may answer from memory.
 *
 * @module
 */

/** A GET request to the backend. */
export interface HttpGetRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Dial this unix socket instead of the URL's host (the URL still gives path and Host). */
  readonly socketPath?: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal: AbortSignal;
}

/** The backend's answer. */
export interface HttpGetResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Why a GET produced no answer. */
export type HttpGetFailure = 'unreachable' | 'timeout' | 'too-large' | 'aborted';

/** Performs a GET; resolves with a response or a failure, never rejects. */
export type HttpGet = (request: HttpGetRequest) => Promise<HttpGetResponse | { readonly failure: HttpGetFailure; readonly detail: string }>;
