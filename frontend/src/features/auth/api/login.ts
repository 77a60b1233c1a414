import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { setToken } from '@/lib/auth-token';

export interface LoginInput {
  username: string;
  password: string;
}

/** `POST /api/auth/login/` `{username, password}` → 200 `{key}`; bad credentials: 400 with `non_field_errors`. */
export function login(input: LoginInput): Promise<{ key: string }> {
  return apiRequest<{ key: string }>('/api/auth/login/', { method: 'POST', body: input });
}

/** Logs in and stores the token, which switches the app to the logged-in view. */
export function useLogin() {
  return useMutation({
    mutationFn: login,
    onSuccess: (data) => setToken(data.key),
  });
}
