import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/test/render';
import { ForgotPasswordForm } from './ForgotPasswordForm';
import { ResetPasswordForm } from './ResetPasswordForm';

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function sentBody(fetchMock: ReturnType<typeof vi.fn>) {
  const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
  return { url, body: JSON.parse(init.body as string) };
}

afterEach(() => vi.unstubAllGlobals());

describe('ForgotPasswordForm', () => {
  it('posts the email and says the same whatever the server knows', async () => {
    const fetchMock = vi.fn(async () => respond(200, { detail: 'Password reset e-mail has been sent.' }));
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ForgotPasswordForm />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: ' ada@example.com ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect((await screen.findByTestId('reset-requested')).textContent).toContain('ada@example.com');
    expect(sentBody(fetchMock)).toEqual({ url: '/api/auth/password/reset/', body: { email: 'ada@example.com' } });
  });

  it('asks for an address before sending anything', () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ForgotPasswordForm />);
    fireEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(screen.getByText('Enter your email address.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('ResetPasswordForm', () => {
  function fill(password1: string, password2: string) {
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: password1 } });
    fireEvent.change(screen.getByLabelText('Confirm new password'), { target: { value: password2 } });
    fireEvent.click(screen.getByRole('button', { name: 'Set new password' }));
  }

  it('sends uid, token and the new password, then offers the login', async () => {
    const fetchMock = vi.fn(async () => respond(200, { detail: 'Password has been reset with the new password.' }));
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ResetPasswordForm uid="2" token="abc-123" />);
    fill('Fresh-pass-1', 'Fresh-pass-1');
    expect((await screen.findByTestId('reset-done')).textContent).toContain('every session of your account has ended');
    expect(sentBody(fetchMock)).toEqual({
      url: '/api/auth/password/reset/confirm/',
      body: { uid: '2', token: 'abc-123', new_password1: 'Fresh-pass-1', new_password2: 'Fresh-pass-1' },
    });
    const logins = screen.getAllByRole('link', { name: 'Log in' });
    expect(logins.map((link) => link.getAttribute('href'))).toEqual(['/login', '/login']);
  });

  it('says a used link is used and offers a new one', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(400, { token: ['Invalid value'] })),
    );
    renderWithProviders(<ResetPasswordForm uid="2" token="used" />);
    fill('Fresh-pass-1', 'Fresh-pass-1');
    expect((await screen.findByTestId('form-error')).textContent).toBe(
      'This reset link has expired or was already used. Ask for a new one.',
    );
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/forgot-password');
  });

  it('shows the password rules under the field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond(400, { new_password2: ['This password is too common.'] })),
    );
    renderWithProviders(<ResetPasswordForm uid="2" token="t" />);
    fill('password', 'password');
    expect(await screen.findByText('This password is too common.')).toBeTruthy();
  });
});
