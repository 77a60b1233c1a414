import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormField } from '@/components/FormField';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useRegister } from '../api/register';
import { useServerErrors } from '../lib/use-server-errors';
import { AuthCard } from './AuthCard';

/**
 * "Sign up": Username, Email (optional), Password, Confirm password. The
 * registration 400 body's field errors (e.g. a taken username under
 * `username`, weak passwords under `password1`) show under their fields.
 */
export function SignupForm() {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password1, setPassword1] = useState('');
  const [password2, setPassword2] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const registerMutation = useRegister();
  const server = useServerErrors(registerMutation.error);
  const errors = { ...server.errors, ...local };
  const formError =
    errors.non_field_errors ??
    (registerMutation.error &&
    !server.stale &&
    !(registerMutation.error instanceof ApiError && registerMutation.error.status === 400)
      ? errorMessage(registerMutation.error)
      : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!username.trim()) problems.username = 'Choose a username.';
    if (!password1) problems.password1 = 'Choose a password.';
    if (password1 !== password2) problems.password2 = 'The two passwords do not match.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    registerMutation.mutate({ username: username.trim(), password1, password2, email: email.trim() || undefined });
  }

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="form">
        {formError && (
          <div className="form-error" role="alert" data-testid="form-error">
            {formError}
          </div>
        )}
        <FormField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            server.edited('username');
          }}
          error={errors.username}
        />
        <FormField
          label="Email (optional)"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            server.edited('email');
          }}
          error={errors.email}
        />
        <FormField
          label="Password"
          name="password1"
          type="password"
          autoComplete="new-password"
          required
          value={password1}
          onChange={(e) => {
            setPassword1(e.target.value);
            server.edited('password1');
          }}
          error={errors.password1}
        />
        <FormField
          label="Confirm password"
          name="password2"
          type="password"
          autoComplete="new-password"
          required
          value={password2}
          onChange={(e) => {
            setPassword2(e.target.value);
            server.edited('password2');
          }}
          error={errors.password2}
        />
        <button type="submit" className="button button--primary button--block" disabled={registerMutation.isPending}>
          {registerMutation.isPending ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
    </AuthCard>
  );
}
