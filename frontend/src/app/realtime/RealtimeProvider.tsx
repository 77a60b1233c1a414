import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { getWsTicket } from '@/features/auth/api/ws-ticket';
import { useUser } from '@/features/auth/api/get-user';
import { ApiError } from '@/lib/api-client';
import { pushNotice } from '@/lib/notices';
import { RealtimeContext } from '@/lib/realtime';
import { ChatSync } from './chat-sync';

/**
 * Owns the app's one ChatSync (and so its one WebSocket) for as long as the
 * user is logged in, and gives components the RealtimeApi. A 401 on the
 * ticket means the token is gone: stop instead of retrying.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const user = useUser();
  const [sync] = useState(
    () =>
      new ChatSync({
        queryClient,
        getTicket: getWsTicket,
        notify: (text) => pushNotice(text),
        socket: { shouldRetry: (error) => !(error instanceof ApiError && error.status === 401) },
      }),
  );

  useEffect(() => {
    sync.start();
    const online = () => sync.reconnectNow();
    const offline = () => sync.goOffline();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      sync.stop();
    };
  }, [sync]);

  useEffect(() => {
    if (user.data) sync.setMe({ id: user.data.pk, username: user.data.username });
  }, [sync, user.data]);

  return <RealtimeContext.Provider value={sync}>{children}</RealtimeContext.Provider>;
}
