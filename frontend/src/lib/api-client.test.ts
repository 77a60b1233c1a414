import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiList, apiRequest, ApiError, fieldErrors } from './api-client';
import { getToken, setToken } from './auth-token';

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

afterEach(() => {
  setToken(null);
  vi.unstubAllGlobals();
});

describe('apiRequest', () => {
  it('sends the token header and JSON body', async () => {
    setToken('abc');
    const fetchMock = vi.fn(async () => respond(201, { id: 1 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(apiRequest('/api/rooms/', { method: 'POST', body: { name: 'x' } })).resolves.toEqual({ id: 1 });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/rooms/');
    expect((init.headers as Record<string, string>).Authorization).toBe('Token abc');
    expect(init.body).toBe('{"name":"x"}');
  });

  it('a 401 logs out; a 400 carries the field errors', async () => {
    setToken('stale');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(401, { detail: 'Invalid token.' })),
    );
    await expect(apiRequest('/api/rooms/')).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();

    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        respond(400, {
          username: ['A user with that username already exists.'],
          password1: ['Too short.', 'Too common.'],
        }),
      ),
    );
    const error = await apiRequest('/api/auth/registration/', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('A user with that username already exists.');
    expect(fieldErrors(error)).toEqual({
      username: 'A user with that username already exists.',
      password1: 'Too short. Too common.',
    });
  });

  it('reads Retry-After on 429', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(429, { detail: 'Throttled.' }, { 'Retry-After': '7' })),
    );
    await expect(apiRequest('/api/x/')).rejects.toMatchObject({ status: 429, retryAfter: 7, message: 'Throttled.' });
  });
});

describe('apiList', () => {
  it('accepts a plain array', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(200, [{ id: 1 }, { id: 2 }])),
    );
    await expect(apiList('/api/rooms/')).resolves.toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('accepts DRF pages and follows next links on the same origin', async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url === '/api/rooms/'
        ? respond(200, {
            count: 3,
            next: 'http://testserver/api/rooms/?page=2',
            previous: null,
            results: [{ id: 1 }, { id: 2 }],
          })
        : respond(200, { count: 3, next: null, previous: '/api/rooms/', results: [{ id: 3 }] }),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(apiList('/api/rooms/')).resolves.toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/rooms/', '/api/rooms/?page=2']);
  });
});
