import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';

/**
 * `POST /api/auth/password/reset/` `{email}` → 200 `{detail}`, the same for
 * every address: an account with that email gets a link to
 * `/reset-password/UID/TOKEN`.
 */
export function requestPasswordReset(email: string): Promise<{ detail: string }> {
  return apiRequest<{ detail: string }>('/api/auth/password/reset/', { method: 'POST', body: { email } });
}

export interface PasswordResetConfirmInput {
  uid: string;
  token: string;
  new_password1: string;
  new_password2: string;
}

/**
 * `POST /api/auth/password/reset/confirm/` → 200 `{detail}`; a used or forged
 * link: 400 with `token` or `uid`; a weak or mismatched password: 400 with
 * `new_password1` / `new_password2`. Every session of the user ends.
 */
export function confirmPasswordReset(input: PasswordResetConfirmInput): Promise<{ detail: string }> {
  return apiRequest<{ detail: string }>('/api/auth/password/reset/confirm/', { method: 'POST', body: input });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: confirmPasswordReset });
}
