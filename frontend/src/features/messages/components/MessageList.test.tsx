import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { alice, bob, makeMessage } from '@/test/factories';
import { renderWithProviders } from '@/test/render';
import { messagesQueryKey } from '../api/get-messages';
import { addPending, emptyRoomMessages, mergeMessages, type RoomMessages } from '../lib/message-store';
import { MessageList } from './MessageList';
import { QueryClient } from '@tanstack/react-query';

function seeded(store: RoomMessages): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(messagesQueryKey(7), store);
  return queryClient;
}

describe('MessageList', () => {
  it('shows a system message as one line about its author, without message actions', () => {
    const store = mergeMessages(emptyRoomMessages(), [
      makeMessage(7, 1, { author: bob, body: 'hello' }),
      makeMessage(7, 2, { author: alice, body: 'joined the room', system: 'joined' }),
      makeMessage(7, 3, { author: bob, body: 'was removed from the room', system: 'removed' }),
    ]);
    renderWithProviders(
      <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={true} unreadCount={0} />,
      { queryClient: seeded(store) },
    );
    const log = screen.getByRole('log', { name: 'Messages in general' });
    expect(
      within(log)
        .getAllByTestId('message')
        .map((m) => m.dataset.seq),
    ).toEqual(['1']);
    const notices = within(log).getAllByTestId('system-message');
    expect(notices.map((n) => [n.dataset.seq, n.querySelector('span')!.textContent])).toEqual([
      ['2', 'alice joined the room'],
      ['3', 'bob was removed from the room'],
    ]);
    expect(within(notices[0]!).queryByRole('button')).toBeNull();
  });

  it('renders the history as a log with seq and state on every message', () => {
    let store = mergeMessages(emptyRoomMessages(), [
      makeMessage(7, 1, { author: bob, body: 'hi <b>there</b> https://example.com' }),
      makeMessage(7, 2, { author: alice, body: 'changed', edited_at: '2024-01-01T12:05:00Z' }),
      makeMessage(7, 3, { author: bob, body: '', deleted: true }),
    ]);
    store = addPending(store, {
      client_id: 'c-1',
      room: 7,
      body: 'on its way',
      author: alice,
      created_at: '2024-01-01T12:06:00Z',
      state: 'pending',
      error: null,
    });
    store = addPending(store, {
      client_id: 'c-2',
      room: 7,
      body: 'did not make it',
      author: alice,
      created_at: '2024-01-01T12:07:00Z',
      state: 'failed',
      error: 'Not sent: the connection is down. Retry when it is back.',
    });
    const { realtime } = renderWithProviders(
      <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={false} unreadCount={0} />,
      { queryClient: seeded(store) },
    );

    const log = screen.getByRole('log', { name: 'Messages in general' });
    const messages = within(log).getAllByTestId('message');
    expect(messages.map((m) => [m.dataset.seq ?? null, m.dataset.state])).toEqual([
      ['1', 'sent'],
      ['2', 'sent'],
      ['3', 'sent'],
      [null, 'pending'],
      [null, 'failed'],
    ]);
    // Text stays text; only the http(s) URL is a link.
    expect(messages[0]!.querySelector('b')).toBeNull();
    expect(messages[0]!.textContent).toContain('hi <b>there</b>');
    const link = within(messages[0]!).getByRole('link', { name: 'https://example.com' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(messages[1]!).getByTestId('message-edited').textContent).toContain('(edited)');
    expect(within(messages[2]!).getByTestId('message-deleted').textContent).toBe('message deleted');

    // Only my messages can be edited; the failed one can be retried with its client_id.
    expect(within(messages[0]!).queryByRole('button', { name: 'Edit message' })).toBeNull();
    expect(within(messages[1]!).getByRole('button', { name: 'Edit message' })).toBeTruthy();
    fireEvent.click(within(messages[4]!).getByRole('button', { name: 'Retry' }));
    expect(realtime.retryMessage).toHaveBeenCalledWith(7, 'c-2');
  });

  it('marks the newest message read when it is in view', () => {
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 4), makeMessage(7, 5)]);
    const { realtime } = renderWithProviders(
      <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={false} unreadCount={2} />,
      { queryClient: seeded(store) },
    );
    expect(realtime.markRead).toHaveBeenCalledWith(7, 5);
  });

  it('offers older history when the server has more', () => {
    const store = { ...mergeMessages(emptyRoomMessages(), [makeMessage(7, 51)]), hasOlder: true };
    renderWithProviders(
      <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={false} unreadCount={0} />,
      {
        queryClient: seeded(store),
      },
    );
    expect(screen.getByRole('button', { name: 'Load older messages' })).toBeTruthy();
  });

  it('gives each message one Tab stop; its controls join the Tab order while focus is inside it', () => {
    const store = mergeMessages(emptyRoomMessages(), [
      makeMessage(7, 1, { author: alice, body: 'see [docs](https://docs.example)' }),
      makeMessage(7, 2, { author: bob, body: 'two' }),
    ]);
    renderWithProviders(
      <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={false} unreadCount={0} />,
      {
        queryClient: seeded(store),
      },
    );
    const [first, second] = screen.getAllByTestId('message');
    const tabbable = (row: HTMLElement) =>
      [...row.querySelectorAll<HTMLElement>('a, button')].filter((el) => el.tabIndex >= 0).length;
    expect(first!.tabIndex).toBe(0);
    expect(second!.tabIndex).toBe(0);
    expect(tabbable(first!)).toBe(0);
    expect(tabbable(second!)).toBe(0);

    first!.focus();
    fireEvent.keyDown(first!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first!, { key: 'Enter' });
    expect(document.activeElement).toBe(within(first!).getByRole('button', { name: 'Reply' }));
    expect(tabbable(first!)).toBeGreaterThan(3);
    expect(tabbable(second!)).toBe(0);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(document.activeElement).toBe(first);
    expect(tabbable(first!)).toBe(0);
  });
});
