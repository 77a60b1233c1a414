import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormField } from '@/components/FormField';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useLogin } from '../api/login';
import { useServerErrors } from '../lib/use-server-errors';
import { AuthCard } from './AuthCard';

/** "Log in": Username + Password; shows the server's field and form errors (400 on bad credentials). */
export function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const loginMutation = useLogin();
  const server = useServerErrors(loginMutation.error);
  const errors = { ...server.errors, ...missing };
  const formError =
    errors.non_field_errors ??
    (loginMutation.error &&
    !server.stale &&
    !(loginMutation.error instanceof ApiError && loginMutation.error.status === 400)
      ? errorMessage(loginMutation.error)
      : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const required: Record<string, string> = {};
    if (!username.trim()) required.username = 'Enter your username.';
    if (!password) required.password = 'Enter your password.';
    setMissing(required);
    if (Object.keys(required).length > 0) return;
    loginMutation.mutate({ username: username.trim(), password });
  }

  return (
    <AuthCard
      title="Log in"
      footer={
        <>
          New here? <Link to="/signup">Create an account</Link>
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
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            server.edited('password');
          }}
          error={errors.password}
        />
        <button type="submit" className="button button--primary button--block" disabled={loginMutation.isPending}>
          {loginMutation.isPending ? 'Logging in…' : 'Log in'}
        </button>
        <p className="form-aside">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
      </form>
    </AuthCard>
  );
}
