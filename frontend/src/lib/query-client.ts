import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/**
 * The app's QueryClient: no retries on 4xx (they will not change), one retry
 * otherwise; data stays fresh for 30 s. Live data (messages, members, rooms)
 * is kept current by WebSocket events, not by polling.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < 1;
        },
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
