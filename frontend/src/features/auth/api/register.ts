import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { setToken } from '@/lib/auth-token';

export interface RegisterInput {
  username: string;
  password1: string;
  password2: string;
  email?: string;
}

/**
 * `POST /api/auth/registration/` `{username, password1, password2, email?}` →
 * 201 `{key}`; 400 carries field errors (`username`, `password1`, `password2`, `email`, `non_field_errors`).
 */
export function register(input: RegisterInput): Promise<{ key: string }> {
  const body: RegisterInput = { ...input };
  if (!body.email) delete body.email;
  return apiRequest<{ key: string }>('/api/auth/registration/', { method: 'POST', body });
}

/** Signs up and stores the token (the new account is logged in at once). */
export function useRegister() {
  return useMutation({
    mutationFn: register,
    onSuccess: (data) => setToken(data.key),
  });
}
