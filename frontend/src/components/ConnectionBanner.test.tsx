import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeRealtime, renderWithProviders } from '@/test/render';
import { ConnectionBanner } from './ConnectionBanner';

describe('ConnectionBanner', () => {
  it('shows "Reconnecting…" only while the socket is down', () => {
    const realtime = fakeRealtime('open');
    renderWithProviders(<ConnectionBanner />, { realtime });
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    act(() => realtime.setStatus('reconnecting'));
    const banner = screen.getByTestId('connection-banner');
    expect(banner.textContent).toBe('Reconnecting…');
    expect(banner.dataset.status).toBe('reconnecting');
    expect(banner.closest('[aria-live="polite"]')).not.toBeNull();

    act(() => realtime.setStatus('open'));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });
});
