import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { RealtimeContext, type RealtimeApi } from '@/lib/realtime';
import type { ConnectionStatus } from '@/lib/ws-client';

/** A RealtimeApi whose methods are spies and whose status the test sets. */
export function fakeRealtime(status: ConnectionStatus = 'open') {
  let current = status;
  const listeners = new Set<() => void>();
  const api = {
    getStatus: () => current,
    subscribeStatus: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    sendMessage: vi.fn<RealtimeApi['sendMessage']>(() => 'cid'),
    retryMessage: vi.fn<RealtimeApi['retryMessage']>(),
    discardMessage: vi.fn<RealtimeApi['discardMessage']>(),
    retryAll: vi.fn<RealtimeApi['retryAll']>(),
    discardAll: vi.fn<RealtimeApi['discardAll']>(),
    notifyTyping: vi.fn<RealtimeApi['notifyTyping']>(),
    markRead: vi.fn<RealtimeApi['markRead']>(),
    setStatus(next: ConnectionStatus) {
      current = next;
      listeners.forEach((l) => l());
    },
  };
  return api;
}

/** Renders `ui` with a fresh QueryClient, a memory router and the given realtime API. */
export function renderWithProviders(
  ui: ReactElement,
  { realtime = fakeRealtime(), queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } }) } = {},
) {
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RealtimeContext.Provider value={realtime}>
        <MemoryRouter>{ui}</MemoryRouter>
      </RealtimeContext.Provider>
    </QueryClientProvider>,
  );
  return { ...result, realtime, queryClient };
}
