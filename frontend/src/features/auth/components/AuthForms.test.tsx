import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getToken, setToken } from '@/lib/auth-token';
import { renderWithProviders } from '@/test/render';
import { LoginForm } from './LoginForm';
import { SignupForm } from './SignupForm';

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => {
  setToken(null);
  vi.unstubAllGlobals();
});

describe('LoginForm', () => {
  it('shows the error of wrong credentials and stays logged out', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(400, { non_field_errors: ['Unable to log in with provided credentials.'] })),
    );
    renderWithProviders(<LoginForm />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Unable to log in with provided credentials.');
    expect(getToken()).toBeNull();
    // The answer was about what was typed before: editing a field clears it.
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope2' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('stores the token on success', async () => {
    const fetchMock = vi.fn(async () => respond(200, { key: 'tok-1' }));
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<LoginForm />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: ' alice ' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(getToken()).toBe('tok-1'));
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(JSON.parse(init.body as string)).toEqual({ username: 'alice', password: 'pw' });
  });
});

describe('SignupForm', () => {
  it('shows the field errors of the 400 body under their fields', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        respond(400, {
          username: ['A user with that username already exists.'],
          password1: ['This password is too common.'],
        }),
      ),
    );
    renderWithProviders(<SignupForm />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'taken' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'password' } });
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    await screen.findByText('A user with that username already exists.');
    const username = screen.getByLabelText('Username');
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(username.getAttribute('aria-describedby')!)!.textContent).toBe(
      'A user with that username already exists.',
    );
    expect(screen.getByText('This password is too common.')).toBeTruthy();
    // Changing the username clears its error only.
    fireEvent.change(username, { target: { value: 'untaken' } });
    expect(screen.queryByText('A user with that username already exists.')).toBeNull();
    expect(username.getAttribute('aria-invalid')).not.toBe('true');
    expect(screen.getByText('This password is too common.')).toBeTruthy();
  });

  it('catches mismatched passwords before calling the server', () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<SignupForm />);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'new' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'one-password' } });
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'another' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(screen.getByText('The two passwords do not match.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
