import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { setToken } from '@/lib/auth-token';

/** `POST /api/auth/logout/` → 200; the token stops working. */
export function logout(): Promise<void> {
  return apiRequest<void>('/api/auth/logout/', { method: 'POST' });
}

/**
 * Logs out: tells the server (best effort), then forgets the token and every
 * cached query, whether or not the server answered.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await logout();
      } catch {
        // Logging out locally must work even when the server is unreachable.
      }
    },
    onSettled: () => {
      setToken(null);
      queryClient.clear();
    },
  });
}
