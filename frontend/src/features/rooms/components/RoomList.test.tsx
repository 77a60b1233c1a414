import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeRoom } from '@/test/factories';
import { renderWithProviders } from '@/test/render';
import { RoomList } from './RoomList';

describe('RoomList', () => {
  it("shows a direct room's other member online or offline, as a dot and in the link's name", () => {
    renderWithProviders(
      <RoomList
        rooms={[
          makeRoom(1, { kind: 'direct', name: 'bob', peer_online: true, last_message: null }),
          makeRoom(2, { kind: 'direct', name: 'carol', peer_online: false, last_message: null }),
          makeRoom(3, { name: 'general', peer_online: null, last_message: null }),
        ]}
      />,
    );
    const dots = screen.getAllByTestId('peer-presence');
    expect(dots.map((d) => [d.dataset.online, d.classList.contains('is-online')])).toEqual([
      ['true', true],
      ['false', false],
    ]);
    expect(screen.getByRole('link', { name: /^bob\s*\(online\)/ })).toBeTruthy();
    expect(screen.getByRole('link', { name: /^carol\s*\(offline\)/ })).toBeTruthy();
    expect(screen.getByRole('link', { name: /^general/ }).textContent).not.toMatch(/online|offline/);
  });
});
