import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Limits } from '@/types/api';

export const limitsQueryKey = ['limits'] as const;

/** `GET /api/limits/` → what the server accepts: body length, file sizes and counts. */
export function getLimits(signal?: AbortSignal): Promise<Limits> {
  return apiRequest<Limits>('/api/limits/', { signal });
}

/** The limits change only with the server's settings: fetched once per session. */
export const limitsQueryOptions = queryOptions({
  queryKey: limitsQueryKey,
  queryFn: ({ signal }) => getLimits(signal),
  staleTime: Infinity,
  gcTime: Infinity,
});

/** The server's limits; `data` is undefined until they are known (the server checks anyway). */
export function useLimits() {
  return useQuery(limitsQueryOptions);
}
