import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '@/lib/auth-token';
import { makeMessage } from '@/test/factories';
import { renderWithProviders } from '@/test/render';
import type { Attachment } from '@/types/api';
import { MessageItem, PendingItem } from './MessageItem';

const photo: Attachment = {
  id: 5,
  name: 'photo.png',
  size: 48_000,
  content_type: 'image/png',
  url: '/api/attachments/5/',
  width: 1600,
  height: 900,
  thumbnail_url: '/api/attachments/5/thumbnail/',
};

const notes: Attachment = {
  id: 6,
  name: 'notes.txt',
  size: 1536,
  content_type: 'text/plain',
  url: '/api/attachments/6/',
  width: null,
  height: null,
  thumbnail_url: null,
};

let created: Blob[] = [];
let revoked: string[] = [];
let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  created = [];
  revoked = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    created.push(blob);
    return `blob:${created.length}`;
  });
  URL.revokeObjectURL = vi.fn((url: string) => void revoked.push(url));
  setToken('abc');
  fetchMock = vi.fn(async (url: string) =>
    url === '/api/attachments/9/'
      ? new Response(JSON.stringify({ detail: 'Not found.' }), { status: 404 })
      : new Response(`bytes of ${url}`, { status: 200 }),
  );
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  setToken(null);
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function show(attachments: Attachment[], overrides = {}) {
  return renderWithProviders(
    <ul>
      <MessageItem
        message={makeMessage(7, 1, { body: '', attachments, ...overrides })}
        isMine={false}
        canDelete={false}
        compact={false}
      />
    </ul>,
  );
}

describe('an image attachment', () => {
  it('is a thumbnail box sized from width/height before it loads, filled from a blob fetched with the token', async () => {
    show([photo]);
    const button = screen.getByRole('button', { name: 'Open image photo.png' });
    expect(button.style.width).toBe('320px');
    expect(button.style.aspectRatio).toBe('320 / 180');
    await waitFor(() => expect(button.querySelector('img')?.getAttribute('src')).toBe('blob:1'));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/attachments/5/thumbnail/');
    expect((init.headers as Record<string, string>).Authorization).toBe('Token abc');
    expect(await created[0]!.text()).toBe('bytes of /api/attachments/5/thumbnail/');
    // A message of only files shows no empty body.
    expect(screen.queryByTestId('message-body')).toBeNull();
  });

  it('opens a lightbox with the full image and a download link; Escape closes it and focus comes back', async () => {
    show([photo]);
    const button = screen.getByRole('button', { name: 'Open image photo.png' });
    await waitFor(() => expect(button.querySelector('img')).not.toBeNull());
    button.focus();
    fireEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'photo.png' });
    const download = await screen.findByTestId('lightbox-download');
    expect(download.getAttribute('download')).toBe('photo.png');
    expect(download.getAttribute('href')).toBe('blob:2');
    expect(dialog.querySelector('img')?.getAttribute('src')).toBe('blob:2');
    expect(fetchMock.mock.calls.map((c) => c[0])).toContain('/api/attachments/5/');

    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(revoked).toContain('blob:2');
    expect(document.activeElement).toBe(button);
  });

  it('gives its blob URL back when it goes', async () => {
    const view = show([photo]);
    await waitFor(() => expect(created).toHaveLength(1));
    view.unmount();
    expect(revoked).toEqual(['blob:1']);
  });
});

describe('a file attachment', () => {
  it('is a card with name and size that downloads under its name', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('notes.txt');
      expect(this.getAttribute('href')).toBe('blob:1');
    });
    show([notes]);
    const card = screen.getByRole('button', { name: 'Download notes.txt, 1.5 KB' });
    expect(card.textContent).toContain('notes.txt');
    fireEvent.click(card);
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/attachments/6/');
    expect((init.headers as Record<string, string>).Authorization).toBe('Token abc');
    expect(await created[0]!.text()).toBe('bytes of /api/attachments/6/');
  });

  it('says so when the file is no longer available', async () => {
    show([{ ...notes, id: 9, url: '/api/attachments/9/' }]);
    fireEvent.click(screen.getByRole('button', { name: /^Download notes.txt/ }));
    expect((await screen.findByRole('alert')).textContent).toBe('This file is no longer available.');
  });
});

describe('attachments and message states', () => {
  it('a deleted message shows none', () => {
    show([photo, notes], { deleted: true });
    expect(screen.queryByTestId('attachments')).toBeNull();
    expect(screen.getByTestId('message-deleted')).toBeTruthy();
  });

  it('a pending upload previews its files and says it is uploading; a failed one offers Retry and Discard', async () => {
    const onRetry = vi.fn();
    const files = [new File(['x'], 'a.png', { type: 'image/png' }), new File(['hello'], 'b.txt')];
    const pending = {
      client_id: 'c1',
      room: 7,
      body: 'look',
      author: null,
      created_at: '2024-01-01T12:00:00Z',
      state: 'pending' as const,
      error: null,
      files,
    };
    const view = renderWithProviders(
      <ul>
        <PendingItem pending={pending} onRetry={onRetry} onDiscard={() => undefined} />
      </ul>,
    );
    expect(screen.getByText('Uploading…')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('img', { name: 'a.png' }).getAttribute('src')).toBe('blob:1'));
    expect(screen.getByTestId('pending-attachments').textContent).toContain('b.txt5 B');

    view.unmount();
    renderWithProviders(
      <ul>
        <PendingItem
          pending={{ ...pending, state: 'failed', error: 'Not sent: too large (the limit is 25 MB).' }}
          onRetry={onRetry}
          onDiscard={() => undefined}
        />
      </ul>,
    );
    expect(screen.getByRole('alert').textContent).toContain('Not sent: too large (the limit is 25 MB).');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});
