import { QueryClient } from '@tanstack/react-query';
import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRoom } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import type { Room } from '@/types/api';
import { roomsQueryKey } from '../api/get-rooms';
import { roomChanges, RoomSettingsDialog } from './RoomSettingsDialog';

afterEach(() => vi.unstubAllGlobals());

const room = makeRoom(7, { name: 'general', topic: 'hello', my_role: 'owner', unread_count: 4 });

describe('roomChanges', () => {
  it('keeps only what changed, trimmed', () => {
    expect(roomChanges(room, ' general ', 'hello', false)).toEqual({});
    expect(roomChanges(room, 'news', ' hi ', true)).toEqual({ name: 'news', topic: 'hi', is_locked: true });
    expect(roomChanges(room, 'general', '', false)).toEqual({ topic: '' });
    expect(roomChanges(room, 'general', 'hello', false, true)).toEqual({ membership_notices: true });
    expect(roomChanges({ ...room, membership_notices: true }, 'general', 'hello', false, true)).toEqual({});
  });
});

describe('RoomSettingsDialog', () => {
  it('saves the changed fields and shows them in my room list at once', async () => {
    const calls = stubFetch(() => respond(200, { ...room, topic: 'Be kind', is_locked: true, unread_count: 0 }));
    const queryClient = new QueryClient();
    queryClient.setQueryData(roomsQueryKey, [room]);
    const onClose = vi.fn();
    renderWithProviders(<RoomSettingsDialog room={room} onClose={onClose} />, { queryClient });
    expect((screen.getByLabelText('Room name') as HTMLInputElement).value).toBe('general');
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'Be kind' } });
    fireEvent.click(screen.getByLabelText(/Lock the room/));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/rooms/7/', body: { topic: 'Be kind', is_locked: true } }]);
    // The viewer's own unread count survives, as with room.updated.
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]).toMatchObject({
      topic: 'Be kind',
      is_locked: true,
      unread_count: 4,
    });
  });

  it("refuses a blank name without asking the server, and shows the server's refusal", async () => {
    const calls = stubFetch(() =>
      respond(403, { detail: 'Only the room’s owner and moderators may do this.', code: 'forbidden' }),
    );
    const onClose = vi.fn();
    renderWithProviders(<RoomSettingsDialog room={room} onClose={onClose} />);
    fireEvent.change(screen.getByLabelText('Room name'), { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByTestId('field-error').textContent).toBe('Give the room a name.');
    expect(calls).toEqual([]);

    fireEvent.change(screen.getByLabelText('Room name'), { target: { value: 'renamed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only the room’s owner and moderators may do this.');
    expect(onClose).not.toHaveBeenCalled();
  });
});
