import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { applyLocalEvent } from '@/app/realtime/chat-sync';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { RealtimeContext, type RealtimeApi } from '@/lib/realtime';
import type { ConnectionStatus } from '@/lib/ws-client';
import { alice } from './factories';

/**
 * A RealtimeApi whose methods are spies and whose status the test sets.
 * `applyLocal` also runs the real reducer on the cache that
 * renderWithProviders binds, as the app's ChatSync does (me: `alice`).
 */
export function fakeRealtime(status: ConnectionStatus = 'open') {
  let current = status;
  let cache: QueryClient | null = null;
  const listeners = new Set<() => void>();
  const api = {
    getStatus: () => current,
    subscribeStatus: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    sendMessage: vi.fn<RealtimeApi['sendMessage']>(() => 'cid'),
    sendFiles: vi.fn<RealtimeApi['sendFiles']>(() => 'cid'),
    retryMessage: vi.fn<RealtimeApi['retryMessage']>(),
    discardMessage: vi.fn<RealtimeApi['discardMessage']>(),
    retryAll: vi.fn<RealtimeApi['retryAll']>(),
    discardAll: vi.fn<RealtimeApi['discardAll']>(),
    notifyTyping: vi.fn<RealtimeApi['notifyTyping']>(),
    markRead: vi.fn<RealtimeApi['markRead']>(),
    applyLocal: vi.fn<RealtimeApi['applyLocal']>((event) => {
      if (cache) applyLocalEvent(cache, event, { now: Date.now(), me: alice.id });
    }),
    bindCache(queryClient: QueryClient) {
      cache = queryClient;
    },
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
  realtime.bindCache(queryClient);
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RealtimeContext.Provider value={realtime}>
        <MemoryRouter>{ui}</MemoryRouter>
      </RealtimeContext.Provider>
    </QueryClientProvider>,
  );
  return { ...result, realtime, queryClient };
}
