import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { AuthUser } from '@/types/api';

/** Cache key of the logged-in user. */
export const userQueryKey = ['auth', 'user'] as const;

/** `GET /api/auth/user/` → `{pk, username, email, ...}`. */
export function getUser(): Promise<AuthUser> {
  return apiRequest<AuthUser>('/api/auth/user/');
}

/** Query options for `GET /api/auth/user/`; the user does not change while logged in. */
export function userQueryOptions() {
  return queryOptions({ queryKey: userQueryKey, queryFn: getUser, staleTime: Infinity });
}

/** The logged-in user. */
export function useUser() {
  return useQuery(userQueryOptions());
}
