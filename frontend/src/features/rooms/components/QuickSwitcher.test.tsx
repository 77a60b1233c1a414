import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRoom } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import { QuickSwitcher } from './QuickSwitcher';

afterEach(() => vi.unstubAllGlobals());

const mine = [
  makeRoom(1, { name: 'random-design' }),
  makeRoom(2, { name: 'design', unread_count: 3 }),
  makeRoom(3, { name: 'dana', kind: 'direct' }),
];
const publicRooms = [makeRoom(9, { name: 'designers', my_role: null })];

function options() {
  return screen.getAllByRole('option').map((o) => [o.dataset.roomId, o.getAttribute('aria-selected')]);
}

describe('QuickSwitcher', () => {
  it('ranks by name, moves with the arrow keys and opens with Enter', async () => {
    stubFetch(() => respond(200, publicRooms));
    const onOpen = vi.fn();
    renderWithProviders(<QuickSwitcher rooms={mine} onClose={() => undefined} onOpen={onOpen} />);
    const input = screen.getByRole('combobox', { name: 'Room or person' });
    expect(screen.getByRole('dialog', { name: 'Jump to a room' })).toBeTruthy();
    expect(document.activeElement).toBe(input);
    // Empty: my rooms, unread first.
    expect(options()).toEqual([
      ['2', 'true'],
      ['1', 'false'],
      ['3', 'false'],
    ]);
    fireEvent.change(input, { target: { value: 'des' } });
    await vi.waitFor(() => expect(options().map(([id]) => id)).toEqual(['2', '9', '1']));
    expect(screen.getAllByRole('option')[0]!.textContent).toContain('3 unread');
    expect(screen.getAllByRole('option')[1]!.textContent).toContain('Join');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[2]!.id);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(options()[0]).toEqual(['2', 'true']);
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(1);
  });

  it('closes on Escape and says when nothing matches', () => {
    stubFetch(() => respond(200, []));
    const onClose = vi.fn();
    renderWithProviders(<QuickSwitcher rooms={mine} onClose={onClose} onOpen={() => undefined} />);
    const input = screen.getByRole('combobox');
    fireEvent.change(input, { target: { value: 'zzz' } });
    expect(screen.queryAllByRole('option')).toEqual([]);
    expect(screen.getByText('Nothing matches “zzz”.')).toBeTruthy();
    expect(input.getAttribute('aria-activedescendant')).toBeNull();
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
