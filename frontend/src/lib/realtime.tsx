import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ServerEvent } from '@/types/api';
import type { ConnectionStatus } from './ws-client';

/**
 * What components may ask of the live connection. Components never touch the
 * WebSocket: the app provides this (see app/realtime), and every change it
 * makes lands in the query cache.
 */
export interface RealtimeApi {
  /** The socket's status, and a way to hear its changes. */
  getStatus(): ConnectionStatus;
  subscribeStatus(listener: () => void): () => void;
  /**
   * Sends `body` (already trimmed, 1–4000 chars) to `roomId` as
   * `message.send` with a new client_id; it shows at once as pending, or as
   * failed when the socket is down; `replyTo`: the id of the message it
   * answers. Returns the client_id.
   */
  sendMessage(roomId: number, body: string, replyTo?: number | null): string | null;
  /**
   * Sends `files` (1 or more, checked against the server's limits) with
   * `body` (trimmed, may be empty) to `roomId` by REST, with a new client_id;
   * shown at once as pending, and as failed with the reason when refused or
   * cut off. Null (nothing sent) while the room's history is not loaded.
   */
  sendFiles(roomId: number, body: string, files: readonly File[], replyTo?: number | null): string | null;
  /** Re-sends a failed message (or upload) with the SAME client_id. */
  retryMessage(roomId: number, clientId: string): void;
  /** Forgets a failed message (an upload still going is cancelled). */
  discardMessage(roomId: number, clientId: string): void;
  /** Re-sends every failed message of the room, each with its own client_id. */
  retryAll(roomId: number): void;
  /** Forgets every failed message of the room. */
  discardAll(roomId: number): void;
  /** Says "I am typing" in `roomId`, at most once every 2 s. */
  notifyTyping(roomId: number): void;
  /** Moves my read position in `roomId` to `seq` (never backwards) and clears the badge. */
  markRead(roomId: number, seq: number): void;
  /**
   * Applies the answer of my own REST call to the cache as the server event it
   * stands for (`room.added` for a join, `message.updated` for an edit, ...),
   * through the same reducer as socket events, so the event that follows finds
   * nothing left to do. `member.*` events apply only while that room's member
   * list is cached: without it their counts are not idempotent.
   */
  applyLocal(event: ServerEvent): void;
}

/** Provided by the app (app/realtime/RealtimeProvider). */
export const RealtimeContext = createContext<RealtimeApi | null>(null);

/** The live connection's API; throws outside the provider. */
export function useRealtime(): RealtimeApi {
  const api = useContext(RealtimeContext);
  if (!api) throw new Error('useRealtime must be used inside the realtime provider');
  return api;
}

/** The socket's status, re-rendering on every change. */
export function useConnectionStatus(): ConnectionStatus {
  const api = useRealtime();
  return useSyncExternalStore(api.subscribeStatus, api.getStatus, api.getStatus);
}
