import { Navigate, useLocation, useParams } from 'react-router';
import { ForgotPasswordForm } from '@/features/auth/components/ForgotPasswordForm';
import { LoginForm } from '@/features/auth/components/LoginForm';
import { ResetPasswordForm } from '@/features/auth/components/ResetPasswordForm';
import { SignupForm } from '@/features/auth/components/SignupForm';
import { useAuthToken } from '@/features/auth/hooks/use-auth-token';

function useAfterLogin(): string {
  const state = useLocation().state as { from?: string } | null;
  return state?.from && state.from.startsWith('/') ? state.from : '/';
}

/** `/login`; already logged in → where the user was going. */
export function LoginRoute() {
  const token = useAuthToken();
  const target = useAfterLogin();
  if (token) return <Navigate to={target} replace />;
  return <LoginForm />;
}

/** `/signup`; already logged in → `/`. */
export function SignupRoute() {
  const token = useAuthToken();
  if (token) return <Navigate to="/" replace />;
  return <SignupForm />;
}

/** `/forgot-password`: ask for a reset link by email. */
export function ForgotPasswordRoute() {
  return <ForgotPasswordForm />;
}

/** `/reset-password/:uid/:token`: the reset email's link, logged in or not (the reset ends every session). */
export function ResetPasswordRoute() {
  const { uid = '', token = '' } = useParams();
  return <ResetPasswordForm uid={uid} token={token} />;
}
