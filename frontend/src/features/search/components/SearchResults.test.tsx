import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, bob, makeMessage } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import type { RoomKind } from '@/types/api';
import { SearchResults, type RoomLookup } from './SearchResults';

afterEach(() => vi.unstubAllGlobals());

const rooms: Record<number, { name: string; kind: RoomKind }> = {
  7: { name: 'general', kind: 'public' },
  9: { name: 'bob', kind: 'direct' },
};
const lookup: RoomLookup = (id) => rooms[id];

describe('SearchResults', () => {
  it('shows room, author, time and text (as text, words marked), each linking to its room', async () => {
    stubFetch(() =>
      respond(200, {
        results: [
          makeMessage(7, 3, { author: alice, body: 'ship the <b>search</b> now', created_at: '2024-05-01T10:00:00Z' }),
          makeMessage(9, 1, { author: bob, body: 'Search me' }),
          makeMessage(12, 4, { body: 'search elsewhere' }),
        ],
      }),
    );
    renderWithProviders(<SearchResults params={{ q: 'search' }} lookup={lookup} />);
    const items = await screen.findAllByTestId('search-result');
    expect(screen.getByTestId('search-summary').textContent).toBe('3 messages match “search”.');
    expect(items.map((i) => within(i).getByTestId('search-result-room').textContent)).toEqual([
      '#general',
      '@bob',
      'Room 12',
    ]);
    expect(items.map((i) => within(i).getByTestId('search-result-author').textContent)).toEqual([
      'alice',
      'bob',
      'bob',
    ]);
    expect(items.map((i) => i.querySelector('a')!.getAttribute('href'))).toEqual([
      '/rooms/7/m/3',
      '/rooms/9/m/1',
      '/rooms/12/m/4',
    ]);
    const body = within(items[0]!).getByTestId('search-result-body');
    expect(body.textContent).toBe('ship the <b>search</b> now');
    expect(body.querySelector('b')).toBeNull();
    expect([...body.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['search']);
    expect(items[0]!.querySelector('time')!.getAttribute('datetime')).toBe('2024-05-01T10:00:00Z');
  });

  it('says when nothing matches', async () => {
    stubFetch(() => respond(200, { count: 0, next: null, previous: null, results: [] }));
    renderWithProviders(<SearchResults params={{ q: 'zebra', room: 7 }} lookup={lookup} />);
    expect((await screen.findByTestId('search-summary')).textContent).toBe('No messages match “zebra”.');
    expect(screen.queryByRole('list', { name: 'Search results' })).toBeNull();
  });

  it('loads the next page on "Show more results", without repeating a message', async () => {
    const calls = stubFetch((_m, url) =>
      url.includes('page=2')
        ? respond(200, { count: 3, next: null, previous: null, results: [makeMessage(7, 2), makeMessage(7, 1)] })
        : respond(200, {
            count: 3,
            next: '/api/search/?page=2&q=message',
            previous: null,
            results: [makeMessage(7, 3), makeMessage(7, 2)],
          }),
    );
    renderWithProviders(<SearchResults params={{ q: 'message' }} lookup={lookup} />);
    expect(await screen.findAllByTestId('search-result')).toHaveLength(2);
    expect(screen.getByTestId('search-summary').textContent).toBe('3 messages match “message”.');
    fireEvent.click(screen.getByRole('button', { name: 'Show more results' }));
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('search-result').map((i) => i.dataset.messageId)).toEqual(['7003', '7002', '7001']),
    );
    expect(screen.queryByRole('button', { name: 'Show more results' })).toBeNull();
    expect(calls.map((c) => c.url)).toEqual(['/api/search/?q=message', '/api/search/?page=2&q=message']);
  });

  it("shows the server's refusal", async () => {
    stubFetch(() => respond(400, { detail: 'Give some text to search for.', code: 'invalid' }));
    renderWithProviders(<SearchResults params={{ q: 'x' }} lookup={lookup} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Give some text to search for.');
  });
});
