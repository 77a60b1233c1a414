import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormField } from '@/components/FormField';
import { ApiError, errorMessage, fieldErrors } from '@/lib/api-client';
import { useRequestPasswordReset } from '../api/password-reset';
import { AuthCard } from './AuthCard';

/** "Forgot your password?": asks for the account's email; the answer is the same whether or not it is known. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const reset = useRequestPasswordReset();
  const errors = fieldErrors(reset.error);
  const formError =
    reset.error && !(reset.error instanceof ApiError && reset.error.status === 400)
      ? errorMessage(reset.error)
      : undefined;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      setMissing('Enter your email address.');
      return;
    }
    setMissing(undefined);
    reset.mutate(email.trim());
  }

  return (
    <AuthCard
      title="Reset your password"
      footer={
        <>
          Remembered it? <Link to="/login">Log in</Link>
        </>
      }
    >
      {reset.isSuccess ? (
        <p className="form-notice" role="status" data-testid="reset-requested">
          If an account has the address {email.trim()}, an email with a link to choose a new password is on its way.
        </p>
      ) : (
        <form onSubmit={onSubmit} noValidate className="form">
          {formError && (
            <div className="form-error" role="alert">
              {formError}
            </div>
          )}
          <FormField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={missing ?? errors.email}
          />
          <button type="submit" className="button button--primary button--block" disabled={reset.isPending}>
            {reset.isPending ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
