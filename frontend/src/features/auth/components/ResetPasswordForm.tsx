import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormField } from '@/components/FormField';
import { ApiError, errorMessage, fieldErrors } from '@/lib/api-client';
import { useConfirmPasswordReset } from '../api/password-reset';
import { AuthCard } from './AuthCard';

/** The page of the reset email's link (`/reset-password/:uid/:token`): choose a new password, once. */
export function ResetPasswordForm({ uid, token }: { uid: string; token: string }) {
  const [password1, setPassword1] = useState('');
  const [password2, setPassword2] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const confirm = useConfirmPasswordReset();
  const errors = { ...fieldErrors(confirm.error), ...missing };
  const linkBroken = Boolean(errors.token || errors.uid);
  const formError = linkBroken
    ? 'This reset link has expired or was already used. Ask for a new one.'
    : (errors.non_field_errors ??
      (confirm.error && !(confirm.error instanceof ApiError && confirm.error.status === 400)
        ? errorMessage(confirm.error)
        : undefined));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const required: Record<string, string> = {};
    if (!password1) required.new_password1 = 'Choose a new password.';
    if (!password2) required.new_password2 = 'Type the new password again.';
    setMissing(required);
    if (Object.keys(required).length > 0) return;
    confirm.mutate({ uid, token, new_password1: password1, new_password2: password2 });
  }

  return (
    <AuthCard
      title="Choose a new password"
      footer={linkBroken ? <Link to="/forgot-password">Ask for a new link</Link> : <Link to="/login">Log in</Link>}
    >
      {confirm.isSuccess ? (
        <p className="form-notice" role="status" data-testid="reset-done">
          Your password has been changed, and every session of your account has ended. <Link to="/login">Log in</Link>{' '}
          with the new password.
        </p>
      ) : (
        <form onSubmit={onSubmit} noValidate className="form">
          {formError && (
            <div className="form-error" role="alert" data-testid="form-error">
              {formError}
            </div>
          )}
          <FormField
            label="New password"
            name="new_password1"
            type="password"
            autoComplete="new-password"
            required
            value={password1}
            onChange={(e) => setPassword1(e.target.value)}
            error={errors.new_password1}
          />
          <FormField
            label="Confirm new password"
            name="new_password2"
            type="password"
            autoComplete="new-password"
            required
            value={password2}
            onChange={(e) => setPassword2(e.target.value)}
            error={errors.new_password2}
          />
          <button type="submit" className="button button--primary button--block" disabled={confirm.isPending}>
            {confirm.isPending ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
