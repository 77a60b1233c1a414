import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import type { AuthUser } from '../../../types/api';

export const userQueryKey = ['auth', 'user'] as const;

/** `GET /api/auth/user/` → `{pk, username, email, ...}`. */
export function getUser(): Promise<AuthUser> {
  return apiRequest<AuthUser>('/api/auth/user/');
}

export function userQueryOptions() {
  return queryOptions({ queryKey: userQueryKey, queryFn: getUser, staleTime: Infinity });
}

/** The logged-in user. */
export function useUser() {
  return useQuery(userQueryOptions());
}
