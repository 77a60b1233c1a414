import { useSyncExternalStore } from 'react';
import { getToken, subscribeToken } from '@/lib/auth-token';

/** The stored token (null when logged out), re-rendering on login, logout, a 401, or another tab. */
export function useAuthToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, getToken);
}
