import { vi } from 'vitest';

/** A JSON response (no body for undefined, as a 204). */
export function respond(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** One recorded request: method, path + query, and the parsed JSON body. */
export interface Call {
  method: string;
  url: string;
  body: unknown;
}

/**
 * Stubs `fetch` with `handler(method, url, body)`; returns the calls made,
 * in order, for assertions.
 */
export function stubFetch(handler: (method: string, url: string, body: unknown) => Response): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ method, url, body });
      return handler(method, url, body);
    }),
  );
  return calls;
}
