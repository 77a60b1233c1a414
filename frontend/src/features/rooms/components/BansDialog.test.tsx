import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, bob, makeRoom } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import { BansDialog } from './BansDialog';

afterEach(() => vi.unstubAllGlobals());

const carol = { id: 3, username: 'carol' };
const bans = [
  { user: bob, reason: 'spam', banned_by: alice, created_at: '2024-01-02T00:00:00Z' },
  { user: carol, reason: '', banned_by: null, created_at: '2024-01-01T00:00:00Z' },
];

describe('BansDialog', () => {
  it('lists the bans with reason and who banned, and unbans one', async () => {
    const calls = stubFetch((method) => (method === 'GET' ? respond(200, bans) : respond(204)));
    renderWithProviders(
      <BansDialog room={makeRoom(7, { name: 'general', my_role: 'owner' })} onClose={() => undefined} />,
    );
    expect(screen.getByRole('dialog', { name: 'Bans in #general' })).toBeTruthy();
    const items = await screen.findAllByTestId('ban');
    expect(items.map((i) => i.dataset.username)).toEqual(['bob', 'carol']);
    expect(items[0]!.textContent).toContain('by alice');
    expect(items[0]!.textContent).toContain('“spam”');
    expect(items[1]!.textContent).not.toContain('by ');

    fireEvent.click(within(items[0]!).getByRole('button', { name: 'Unban bob' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('ban').map((i) => i.dataset.username)).toEqual(['carol']));
    // The Unban button is gone; focus stays in the dialog.
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Username to ban')));
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['GET', '/api/rooms/7/bans/'],
      ['DELETE', '/api/rooms/7/bans/2/'],
    ]);
  });

  it('bans by username and shows the server’s refusal', async () => {
    let list: unknown[] = [];
    const calls = stubFetch((method, _url, body) => {
      if (method === 'GET') return respond(200, list);
      if ((body as { username: string }).username === 'nobody')
        return respond(404, { detail: 'No such user.', code: 'not_found' });
      list = [{ user: carol, reason: 'trolling', banned_by: alice, created_at: '2024-01-03T00:00:00Z' }];
      return respond(201, list[0]);
    });
    renderWithProviders(
      <BansDialog room={makeRoom(7, { name: 'general', my_role: 'moderator' })} onClose={() => undefined} />,
    );
    expect(await screen.findByText('Nobody is banned from this room.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Username to ban'), { target: { value: 'nobody' } });
    fireEvent.click(screen.getByRole('button', { name: 'Ban user' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No such user.');

    fireEvent.change(screen.getByLabelText('Username to ban'), { target: { value: ' carol ' } });
    fireEvent.change(screen.getByLabelText('Reason (optional)'), { target: { value: 'trolling' } });
    fireEvent.click(screen.getByRole('button', { name: 'Ban user' }));
    expect((await screen.findAllByTestId('ban')).map((i) => i.dataset.username)).toEqual(['carol']);
    expect(screen.getByRole('status').textContent).toBe('carol is banned.');
    expect(document.activeElement).toBe(screen.getByLabelText('Username to ban'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { username: 'nobody' },
      { username: 'carol', reason: 'trolling' },
    ]);
  });

  it('closes on Escape even when focus has left it', () => {
    stubFetch(() => respond(200, []));
    const onClose = vi.fn();
    renderWithProviders(<BansDialog room={makeRoom(7, { my_role: 'owner' })} onClose={onClose} />);
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
