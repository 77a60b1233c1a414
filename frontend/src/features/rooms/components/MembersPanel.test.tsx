import { QueryClient } from '@tanstack/react-query';
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, bob, makeMember, makeRoom } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import type { Member, Room, RoomRole } from '@/types/api';
import { membersQueryKey } from '../api/get-members';
import { roomsQueryKey } from '../api/get-rooms';
import { MembersPanel } from './MembersPanel';

const carol = { id: 3, username: 'carol' };

afterEach(() => vi.unstubAllGlobals());

function setup(myRole: RoomRole, members: Member[], kind: Room['kind'] = 'public') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const room = makeRoom(7, { my_role: myRole, kind, member_count: members.length });
  queryClient.setQueryData(membersQueryKey(7), members);
  queryClient.setQueryData(roomsQueryKey, [room]);
  const onShowBans = vi.fn();
  renderWithProviders(<MembersPanel room={room} meId={alice.id} onShowBans={onShowBans} />, { queryClient });
  return { queryClient, onShowBans };
}

function row(username: string): HTMLElement {
  const found = screen.getAllByTestId('member').find((el) => el.dataset.username === username);
  if (!found) throw new Error(`no member ${username}`);
  return found;
}

const team = () => [
  makeMember(alice, { role: 'owner', online: true }),
  makeMember(carol, { role: 'moderator', online: true }),
  makeMember(bob, { online: true }),
];

describe('MembersPanel moderation', () => {
  it('offers an owner every action on others, none on herself', () => {
    setup('owner', team());
    expect(screen.queryByRole('button', { name: 'Manage alice' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    const group = within(row('bob')).getByRole('group', { name: 'Moderate bob' });
    expect(
      within(group)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Make moderator', 'Make owner', 'Mute', 'Remove', 'Ban']);
    expect(screen.getByRole('button', { name: 'Bans' })).toBeTruthy();
  });

  it('offers a moderator mute, remove and ban on plain members only', () => {
    setup('moderator', [
      makeMember(carol, { role: 'owner' }),
      makeMember(alice, { role: 'moderator' }),
      makeMember(bob),
    ]);
    expect(screen.queryByRole('button', { name: 'Manage carol' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    const group = within(row('bob')).getByRole('group', { name: 'Moderate bob' });
    expect(
      within(group)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Mute', 'Remove', 'Ban']);
  });

  it('offers a plain member nothing', () => {
    setup('member', team());
    expect(screen.queryByRole('button', { name: /^Manage/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Bans' })).toBeNull();
  });

  it('mutes with PATCH and shows the muted badge from the answer', async () => {
    const calls = stubFetch(() => respond(200, makeMember(bob, { muted: true, online: true })));
    const { queryClient } = setup('owner', team());
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Mute bob' }));
    await vi.waitFor(() => expect(row('bob').dataset.muted).toBe('true'));
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/rooms/7/members/2/', body: { muted: true } }]);
    expect(within(row('bob')).getByTestId('member-muted').textContent).toBe('muted');
    expect(screen.getByRole('button', { name: 'Unmute bob' })).toBeTruthy();
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.member_count).toBe(3);
  });

  it('bans after a confirmation, with the reason; the member leaves the list and the count', async () => {
    const calls = stubFetch(() =>
      respond(201, { user: bob, reason: 'spam', banned_by: alice, created_at: '2024-01-01T00:00:00Z' }),
    );
    const { queryClient } = setup('owner', team());
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Ban bob' }));
    expect(calls).toEqual([]);
    fireEvent.change(screen.getByLabelText('Reason (optional)'), { target: { value: '  spam ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm ban' }));
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('member').map((m) => m.dataset.username)).toEqual(['alice', 'carol']),
    );
    expect(calls).toEqual([{ method: 'POST', url: '/api/rooms/7/bans/', body: { username: 'bob', reason: 'spam' } }]);
    // The row (and the focus in it) is gone: focus lands on the panel's title.
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Members' })));
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.member_count).toBe(2);
  });

  it('removes after a confirmation; Cancel sends nothing', async () => {
    const calls = stubFetch(() => respond(204));
    setup('owner', team());
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm remove' }));
    await vi.waitFor(() =>
      expect(screen.queryAllByTestId('member').map((m) => m.dataset.username)).toEqual(['alice', 'carol']),
    );
    expect(calls).toEqual([{ method: 'DELETE', url: '/api/rooms/7/members/2/', body: undefined }]);
  });

  it('making an owner asks first; then the member is out of reach and focus goes to the title', async () => {
    const calls = stubFetch(() => respond(200, makeMember(bob, { role: 'owner', online: true })));
    setup('owner', team());
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Make owner: bob' }));
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Confirm owner' }));
    await vi.waitFor(() => expect(row('bob').dataset.role).toBe('owner'));
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/rooms/7/members/2/', body: { role: 'owner' } }]);
    expect(screen.queryByRole('button', { name: 'Manage bob' })).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Members' })));
    // Owners first, in join order.
    expect(screen.getAllByTestId('member').map((m) => m.dataset.username)).toEqual(['alice', 'bob', 'carol']);
  });

  it("promotes with the role and shows the server's refusal in words", async () => {
    stubFetch(() => respond(403, { detail: 'Only the room\u2019s owner may change roles.', code: 'forbidden' }));
    setup('owner', team());
    fireEvent.click(screen.getByRole('button', { name: 'Manage bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Make moderator: bob' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only the room\u2019s owner may change roles.');
    expect(row('bob').dataset.role).toBe('member');
  });

  it('keeps focus in place: Cancel returns to the asking button, Escape to the Manage toggle', () => {
    stubFetch(() => respond(204));
    setup('owner', team());
    const toggle = screen.getByRole('button', { name: 'Manage bob' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Remove bob' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Confirm remove' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove bob' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Moderate bob' })).toBeNull();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
  });

  it('offers no moderation in a direct room', () => {
    setup('owner', team(), 'direct');
    expect(screen.queryByRole('button', { name: /^Manage/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Bans' })).toBeNull();
  });
});
