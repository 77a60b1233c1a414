import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { makeMessage } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { searchMessages, searchQueryKey, searchQueryOptions } from './search-messages';

afterEach(() => vi.unstubAllGlobals());

describe('searchMessages', () => {
  it('asks GET /api/search/ with the trimmed text and the room, and reads {results}', async () => {
    const hit = makeMessage(7, 3, { body: 'deploy on friday' });
    const calls = stubFetch(() => respond(200, { results: [hit] }));
    const page = await searchMessages({ q: '  deploy & friday ', room: 7 });
    expect(calls.map((c) => c.url)).toEqual(['/api/search/?q=deploy+%26+friday&room=7']);
    expect(page.results).toEqual([hit]);
    expect(page.next).toBeUndefined();
  });

  it('leaves room out when searching every room', async () => {
    const calls = stubFetch(() => respond(200, { results: [] }));
    await searchMessages({ q: 'x' });
    expect(calls[0]!.url).toBe('/api/search/?q=x');
  });

  it('follows a DRF next link on the same origin', async () => {
    const calls = stubFetch(() => respond(200, { count: 3, next: null, previous: 'x', results: [makeMessage(7, 1)] }));
    const page = await searchMessages({ q: 'x' }, { page: 'http://elsewhere.example/api/search/?page=2&q=x' });
    expect(calls[0]!.url).toBe('/api/search/?page=2&q=x');
    expect(page.count).toBe(3);
  });

  it("throws the server's refusal (400 for empty text) as an ApiError with its detail", async () => {
    stubFetch(() => respond(400, { detail: 'Give some text to search for.', code: 'invalid' }));
    const error = await searchMessages({ q: ' ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe('Give some text to search for.');
  });

  it('refuses an answer without results', async () => {
    stubFetch(() => respond(200, { hits: [] }));
    await expect(searchMessages({ q: 'x' })).rejects.toThrow('Unexpected search response from the server.');
  });
});

describe('searchQueryOptions', () => {
  it('pages through next links and stops when there is none', async () => {
    stubFetch((_m, url) =>
      url.includes('page=2')
        ? respond(200, { count: 2, next: null, previous: '/api/search/?q=x', results: [makeMessage(8, 1)] })
        : respond(200, {
            count: 2,
            next: 'http://host/api/search/?page=2&q=x',
            previous: null,
            results: [makeMessage(7, 1)],
          }),
    );
    const queryClient = new QueryClient();
    const options = searchQueryOptions({ q: 'x' });
    await queryClient.fetchInfiniteQuery({ ...options, pages: 2 });
    const data = queryClient.getQueryData(options.queryKey)!;
    expect(data.pages.flatMap((p) => p.results.map((m) => m.room))).toEqual([7, 8]);
    expect(data.pageParams).toEqual([null, 'http://host/api/search/?page=2&q=x']);
    expect(
      options.getNextPageParam(data.pages[1]!, data.pages, null, data.pageParams as (string | null)[]),
    ).toBeUndefined();
  });

  it('is disabled for blank text and keyed by text and room', () => {
    expect(searchQueryOptions({ q: '   ' }).enabled).toBe(false);
    expect(searchQueryOptions({ q: 'x' }).enabled).toBe(true);
    expect(searchQueryKey({ q: ' x ', room: 7 })).toEqual(['search', 'x', 7]);
    expect(searchQueryKey({ q: 'x' })).toEqual(['search', 'x', null]);
  });
});
