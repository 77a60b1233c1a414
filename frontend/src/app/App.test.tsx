import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '@/lib/auth-token';
import { alice, bob, makeMessage, makeRoom } from '@/test/factories';
import { FakeSocket } from '@/test/fake-socket';
import { App } from './App';

function respond(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const general = makeRoom(1, {
  name: 'general',
  unread_count: 2,
  last_message: makeMessage(1, 2, { author: bob, body: 'hey' }),
});

function backend(url: string): Response {
  const path = new URL(url, 'http://localhost').pathname;
  if (path === '/api/auth/user/') return respond(200, { pk: alice.id, username: 'alice' });
  if (path === '/api/rooms/') return respond(200, { count: 1, next: null, previous: null, results: [general] });
  if (path === '/api/auth/ws-ticket/') return respond(201, { ticket: 'tick', expires_in: 60 });
  if (path === '/api/rooms/1/messages/')
    return respond(200, { results: [makeMessage(1, 1), makeMessage(1, 2, { body: 'hey' })], has_more: false });
  if (path === '/api/rooms/1/members/') return respond(200, []);
  if (path === '/api/rooms/public/') return respond(200, [general]);
  if (path === '/api/search/')
    return respond(200, { results: [makeMessage(1, 2, { author: bob, body: 'hey there <i>you</i>' })] });
  return respond(404, { detail: 'Not found.' });
}

beforeEach(() => {
  FakeSocket.reset();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => backend(url)),
  );
  window.history.pushState({}, '', '/');
});

afterEach(() => {
  setToken(null);
  vi.unstubAllGlobals();
});

describe('App', () => {
  it('sends a logged-out visitor to the login page', async () => {
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(window.location.pathname).toBe('/login');
  });

  it('shows my rooms, connects the socket, and opens a room with its history', async () => {
    setToken('tok');
    render(<App />);
    const link = await screen.findByRole('link', { name: /^general.*, 2 unread$/ });
    expect(screen.getByTestId('connection-banner').textContent).toBe('Connecting…');

    await vi.waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    const socket = FakeSocket.last;
    expect(socket.url).toBe('ws://localhost:3000/ws/chat/?ticket=tick');
    act(() => {
      socket.open();
      socket.receive({ type: 'hello', user: alice, rooms: [1] });
    });
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    fireEvent.click(link);
    const log = await screen.findByRole('log', { name: 'Messages in general' });
    await vi.waitFor(() => expect(within(log).getAllByTestId('message')).toHaveLength(2));
    // Viewing the newest message reads it: a read frame, and the badge clears.
    await vi.waitFor(() => expect(socket.frames).toContainEqual({ type: 'read', room: 1, seq: 2 }));
    await vi.waitFor(() => expect(screen.getByRole('link', { name: /^general/ }).dataset.unread).toBe('0'));

    // A live message from someone else appears in the log.
    act(() => socket.receive({ type: 'message.new', message: makeMessage(1, 3, { author: bob, body: 'live one' }) }));
    await vi.waitFor(() =>
      expect(
        within(log)
          .getAllByTestId('message')
          .map((m) => m.dataset.seq),
      ).toEqual(['1', '2', '3']),
    );
  });

  it('disables the composer while a member.updated says I am muted, and enables it again', async () => {
    setToken('tok');
    window.history.pushState({}, '', '/rooms/1');
    render(<App />);
    await vi.waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    const socket = FakeSocket.last;
    act(() => {
      socket.open();
      socket.receive({ type: 'hello', user: alice, rooms: [1] });
    });
    const box = (await screen.findByLabelText('Message')) as HTMLTextAreaElement;
    await vi.waitFor(() => expect(box.disabled).toBe(false));

    const me = { user: alice, role: 'member', joined_at: '2024-01-01T00:00:00Z', online: true };
    act(() => socket.receive({ type: 'member.updated', room: 1, member: { ...me, muted: true } }));
    await vi.waitFor(() => expect(box.disabled).toBe(true));
    expect(screen.getByTestId('composer-disabled-reason').textContent).toBe('You are muted in this room.');

    act(() => socket.receive({ type: 'member.updated', room: 1, member: { ...me, muted: false } }));
    await vi.waitFor(() => expect(box.disabled).toBe(false));
    expect(screen.queryByTestId('composer-disabled-reason')).toBeNull();
  });

  it('searches from the sidebar and opens the room of a result', async () => {
    setToken('tok');
    render(<App />);
    const box = await screen.findByLabelText('Search messages');
    fireEvent.change(box, { target: { value: 'hey' } });
    fireEvent.submit(box.closest('form')!);
    await vi.waitFor(() => expect(window.location.pathname).toBe('/search'));
    expect(window.location.search).toBe('?q=hey');
    const result = await screen.findByTestId('search-result');
    expect(within(result).getByTestId('search-result-room').textContent).toBe('#general');
    expect(within(result).getByTestId('search-result-body').textContent).toBe('hey there <i>you</i>');
    expect((screen.getByLabelText('Search for') as HTMLInputElement).value).toBe('hey');

    fireEvent.click(within(result).getByRole('link'));
    await vi.waitFor(() => expect(window.location.pathname).toBe('/rooms/1/m/2'));
    expect(await screen.findByRole('log', { name: 'Messages in general' })).toBeTruthy();
  });
});
