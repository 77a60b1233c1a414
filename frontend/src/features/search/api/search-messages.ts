import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { ApiError, apiRequest, sameOriginPath } from '@/lib/api-client';
import type { Message } from '@/types/api';

/** What to look for: text, and optionally one room's id. */
export interface SearchParams {
  q: string;
  room?: number;
}

/**
 * One answer of `GET /api/search/`: `{"results": [Message, ...]}`, plus DRF
 * pagination keys (`count`, `next`, `previous`) when the server pages it.
 */
export interface SearchPage {
  results: Message[];
  count?: number;
  next?: string | null;
  previous?: string | null;
}

/** Cache key of one search: the trimmed text and the room (null: every room I may read). */
export const searchQueryKey = (params: SearchParams) => ['search', params.q.trim(), params.room ?? null] as const;

function asSearchPage(data: unknown): SearchPage {
  if (Array.isArray(data)) return { results: data as Message[] };
  if (data && typeof data === 'object' && Array.isArray((data as SearchPage).results)) return data as SearchPage;
  throw new ApiError(200, data, 'Unexpected search response from the server.');
}

/**
 * `GET /api/search/?q=TEXT&room=ID` → 200 `{"results": [Message, ...]}`
 * (contract "Messages and history"; only rooms the caller may read; `room`
 * optional; empty `q`: 400). With `page`, fetches that DRF `next` link
 * instead, kept same-origin.
 */
export async function searchMessages(
  params: SearchParams,
  options: { signal?: AbortSignal; page?: string | null } = {},
): Promise<SearchPage> {
  const data = options.page
    ? await apiRequest<unknown>(sameOriginPath(options.page), { signal: options.signal })
    : await apiRequest<unknown>('/api/search/', {
        params: { q: params.q.trim(), room: params.room },
        signal: options.signal,
      });
  return asSearchPage(data);
}

/** Infinite-query options: page after page through `next`; disabled for blank text. */
export function searchQueryOptions(params: SearchParams) {
  return infiniteQueryOptions({
    queryKey: searchQueryKey(params),
    queryFn: ({ pageParam, signal }) => searchMessages(params, { signal, page: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: SearchPage) => last.next ?? undefined,
    enabled: params.q.trim().length > 0,
    staleTime: 30_000,
  });
}

/** The messages matching `params.q`, newest pages appended by `fetchNextPage()`. */
export function useSearchMessages(params: SearchParams) {
  return useInfiniteQuery(searchQueryOptions(params));
}
