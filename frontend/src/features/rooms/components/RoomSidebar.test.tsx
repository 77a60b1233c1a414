import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeRoom } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import { QueryClient } from '@tanstack/react-query';
import { getNotices } from '@/lib/notices';
import { roomsQueryKey, useRooms } from '../api/get-rooms';
import { SIDEBAR_PREFS_KEY } from '../lib/sidebar-prefs';
import type { Room } from '@/types/api';
import { RoomSidebar } from './RoomSidebar';

beforeEach(() => window.localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

const rooms: Room[] = [
  makeRoom(1, { name: 'general' }),
  makeRoom(2, { name: 'bob', kind: 'direct' }),
  makeRoom(3, { name: 'ops', kind: 'private', starred: true }),
  makeRoom(4, { name: 'random', unread_count: 2 }),
];

function sectionNames(section: string): string[] {
  const list = screen.getByTestId(`section-${section}`);
  return within(list)
    .queryAllByTestId('room-link')
    .map((link) => link.dataset.roomName!);
}

describe('RoomSidebar', () => {
  it('shows Starred, Direct messages and Rooms under headings that collapse, remembered', () => {
    const { unmount } = renderWithProviders(<RoomSidebar rooms={rooms} />);
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
      expect.stringContaining('Starred'),
      expect.stringContaining('Direct messages'),
      expect.stringContaining('Rooms'),
    ]);
    expect(sectionNames('starred')).toEqual(['ops']);
    expect(sectionNames('direct')).toEqual(['bob']);
    expect(sectionNames('rooms')).toEqual(['general', 'random']);

    const toggle = screen.getByRole('button', { name: /^Rooms/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)!.hidden).toBe(true);
    expect(JSON.parse(window.localStorage.getItem(SIDEBAR_PREFS_KEY)!)).toMatchObject({ collapsed: ['rooms'] });
    unmount();
    renderWithProviders(<RoomSidebar rooms={rooms} />);
    expect(screen.getByRole('button', { name: /^Rooms/ }).getAttribute('aria-expanded')).toBe('false');
  });

  it('filters every section by name and says how many match', () => {
    renderWithProviders(<RoomSidebar rooms={rooms} />);
    fireEvent.change(screen.getByLabelText('Filter rooms and people'), { target: { value: 'O' } });
    expect(screen.getAllByTestId('room-link').map((l) => l.dataset.roomName)).toEqual(['ops', 'bob', 'random']);
    expect(screen.getByRole('status').textContent).toBe('3 rooms match');
    fireEvent.change(screen.getByLabelText('Filter rooms and people'), { target: { value: 'zzz' } });
    expect(screen.queryAllByTestId('room-link')).toEqual([]);
    expect(screen.getByText('No room or person matches “zzz”.')).toBeTruthy();
    fireEvent.keyDown(screen.getByLabelText('Filter rooms and people'), { key: 'Escape' });
    expect(screen.getAllByTestId('room-link')).toHaveLength(4);
  });

  it('puts unread rooms first when toggled, and keeps the toggle', () => {
    renderWithProviders(<RoomSidebar rooms={rooms} />);
    const toggle = screen.getByRole('button', { name: 'Unread first' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(sectionNames('rooms')).toEqual(['random', 'general']);
    expect(JSON.parse(window.localStorage.getItem(SIDEBAR_PREFS_KEY)!)).toMatchObject({ unreadFirst: true });
  });

  it('stars a room over REST and moves it to Starred at once', async () => {
    const calls = stubFetch((method) => respond(200, method === 'PUT' ? { ...rooms[0], starred: true } : rooms));
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    queryClient.setQueryData(roomsQueryKey, rooms);
    function Live() {
      const live = useRooms();
      return <RoomSidebar rooms={live.data ?? []} />;
    }
    renderWithProviders(<Live />, { queryClient });
    fireEvent.click(screen.getByRole('button', { name: 'Star general' }));
    await vi.waitFor(() => expect(sectionNames('starred')).toEqual(['general', 'ops']));
    expect(screen.getByRole('button', { name: 'Star general' }).getAttribute('aria-pressed')).toBe('true');
    await vi.waitFor(() => expect(calls.map((c) => [c.method, c.url])).toEqual([['PUT', '/api/rooms/1/star/']]));
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)!.find((r) => r.id === 1)!.starred).toBe(true);
  });

  it('moves the room back with a notice when the server refuses', async () => {
    stubFetch(() => respond(403, { detail: 'You are not a member of this room.', code: 'forbidden' }));
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    queryClient.setQueryData(roomsQueryKey, rooms);
    renderWithProviders(<RoomSidebar rooms={rooms} />, { queryClient });
    fireEvent.click(screen.getByRole('button', { name: 'Star general' }));
    await vi.waitFor(() =>
      expect(getNotices().map((n) => n.text)).toContain('Could not star the room: You are not a member of this room.'),
    );
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)!.find((r) => r.id === 1)!.starred).toBe(false);
  });
});
