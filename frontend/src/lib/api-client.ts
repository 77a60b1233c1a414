import { getToken, setToken } from './auth-token';
import type { Paginated } from '@/types/api';

/**
 * A failed REST call. `status` is the HTTP status (0 for a network failure);
 * `body` is the parsed JSON error body when there is one (DRF sends
 * `{"field": ["msg", ...]}`, `{"detail": "..."}` or `{"non_field_errors": [...]}`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** Seconds from a 429's `Retry-After` header, if any. */
  readonly retryAfter: number | null;

  constructor(status: number, body: unknown, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON, or as `multipart/form-data` when it is a FormData (the browser sets the boundary). */
  body?: unknown;
  /** Appended as a query string; undefined values are skipped. */
  params?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

function buildUrl(path: string, params?: RequestOptions['params']): string {
  if (!params) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const query = search.toString();
  if (!query) return path;
  return path + (path.includes('?') ? '&' : '?') + query;
}

function firstMessage(body: unknown): string | null {
  if (typeof body === 'string') return body || null;
  if (Array.isArray(body)) return body.length ? firstMessage(body[0]) : null;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['detail', 'non_field_errors']) {
      const msg = firstMessage(record[key]);
      if (msg) return msg;
    }
    for (const value of Object.values(record)) {
      const msg = firstMessage(value);
      if (msg) return msg;
    }
  }
  return null;
}

function fallbackMessage(status: number): string {
  if (status === 0) return 'Cannot reach the server. Check your connection.';
  if (status === 401) return 'Your session has ended. Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `Request failed (${status}).`;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Fetches `path` with `Authorization: Token ...` when logged in; resolves with
 * the Response when it is 2xx. Throws ApiError otherwise; a 401 also clears
 * the token, which logs the user out (contract: every endpoint but
 * registration/login/schema/health answers 401 without a valid token).
 */
async function authorizedFetch(path: string, options: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  const token = getToken();
  if (token) headers.Authorization = `Token ${token}`;
  const form = options.body instanceof FormData ? options.body : null;
  if (options.body !== undefined && !form) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.params), {
      method: options.method ?? 'GET',
      headers,
      body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null, fallbackMessage(0));
  }
  if (response.ok) return response;

  const data = parseBody(await response.text());
  // Only a token we sent can be rejected; a 401 on login itself is just a bad form.
  if (response.status === 401 && token && getToken() === token) setToken(null);
  const retryHeader = response.headers.get('Retry-After');
  const retryAfter = retryHeader !== null && !Number.isNaN(Number(retryHeader)) ? Number(retryHeader) : null;
  const message =
    (typeof data === 'object' && data !== null ? firstMessage(data) : null) ?? fallbackMessage(response.status);
  throw new ApiError(response.status, data, message, retryAfter);
}

/**
 * Calls the REST API (same origin, JSON or a FormData) with the token (see
 * authorizedFetch). Resolves with the parsed JSON body (undefined for 204);
 * throws ApiError otherwise.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorizedFetch(path, options, 'application/json');
  const text = response.status === 204 ? '' : await response.text();
  return parseBody(text) as T;
}

/** GETs a file (an attachment or its thumbnail) with the token, as a Blob; throws ApiError like apiRequest. */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const response = await authorizedFetch(path, { signal }, '*/*');
  return response.blob();
}

/** True when `value` looks like a DRF page `{count, next, previous, results}`. */
export function isPaginated<T>(value: unknown): value is Paginated<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { results?: unknown }).results)
  );
}

/**
 * GETs a list that the server may answer as a plain array or as DRF pages
 * (contract: "Lists may be paginated the DRF way"); follows `next` links
 * (at most `maxPages`) and returns all items in order.
 */
export async function apiList<T>(
  path: string,
  options: { signal?: AbortSignal; maxPages?: number } = {},
): Promise<T[]> {
  const maxPages = options.maxPages ?? 20;
  const items: T[] = [];
  let url: string | null = path;
  for (let page = 0; url && page < maxPages; page += 1) {
    const data: unknown = await apiRequest<unknown>(url, { signal: options.signal });
    if (Array.isArray(data)) return [...items, ...(data as T[])];
    if (!isPaginated<T>(data)) throw new ApiError(200, data, 'Unexpected list response from the server.');
    items.push(...data.results);
    url = data.next ? sameOriginPath(data.next) : null;
  }
  return items;
}

/** DRF builds absolute `next` links; keep only path + query so the call stays same-origin. */
export function sameOriginPath(link: string): string {
  try {
    const url = new URL(link, window.location.origin);
    return url.pathname + url.search;
  } catch {
    return link;
  }
}

/**
 * Field errors of a DRF 400 body: `{"field": ["msg", ...], "non_field_errors": [...]}`
 * → `{field: "msg msg"}`. `detail` is folded into `non_field_errors`.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const body = error.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const name = key === 'detail' ? 'non_field_errors' : key;
    const text = Array.isArray(value)
      ? value.filter((v) => typeof v === 'string').join(' ')
      : typeof value === 'string'
        ? value
        : '';
    if (text) out[name] = out[name] ? `${out[name]} ${text}` : text;
  }
  return out;
}

/** A readable sentence for any error thrown by the API layer. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
