import { fireEvent, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, makeMessage } from '@/test/factories';
import { renderWithProviders } from '@/test/render';
import { messagesQueryKey } from '../api/get-messages';
import { emptyRoomMessages, mergeMessages, type RoomMessages } from '../lib/message-store';
import { MessageList } from './MessageList';

function respond(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(
    messagesQueryKey(7),
    mergeMessages(emptyRoomMessages(), [makeMessage(7, 1, { author: alice, body: 'first draft' })]),
  );
  renderWithProviders(
    <MessageList roomId={7} roomName="general" meId={alice.id} canModerate={false} unreadCount={0} />,
    {
      queryClient,
    },
  );
  return queryClient;
}

afterEach(() => vi.unstubAllGlobals());

describe('editing and deleting my message', () => {
  it('Edit → Enter PATCHes the body and shows it with "(edited)"', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
      respond(200, makeMessage(7, 1, { author: alice, body: 'final', edited_at: '2024-01-01T13:00:00Z' })),
    );
    vi.stubGlobal('fetch', fetchMock);
    const queryClient = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    const box = screen.getByRole('textbox', { name: 'Edit message' });
    fireEvent.change(box, { target: { value: '  final ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await screen.findByTestId('message-edited');
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/messages/7001/');
    expect(fetchMock.mock.calls[0]![1]).toMatchObject({ method: 'PATCH', body: '{"body":"final"}' });
    expect(screen.getByTestId('message-body').textContent).toBe('final');
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.items[0]!.edited_at).toBe(
      '2024-01-01T13:00:00Z',
    );
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit message' })));
  });

  it('Escape leaves the editor without a request', () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    setup();
    fireEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Edit message' }), { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    expect(screen.getByTestId('message-body').textContent).toBe('first draft');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('Delete asks first, then DELETEs and shows the placeholder', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => respond(204));
    vi.stubGlobal('fetch', fetchMock);
    setup();
    fireEvent.click(screen.getByRole('button', { name: 'Delete message' }));
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete' }));
    expect((await screen.findByTestId('message-deleted')).textContent).toBe('message deleted');
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/messages/7001/');
    expect(fetchMock.mock.calls[0]![1]).toMatchObject({ method: 'DELETE' });
    expect(screen.getByTestId('message').dataset.deleted).toBe('true');
  });
});
