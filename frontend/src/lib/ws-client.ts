import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ClientFrame, ServerEvent } from '@/types/api';

/**
 * `connecting`: first attempt under way; `open`: socket accepted;
 * `reconnecting`: down, retrying with backoff; `stopped`: stop() was called.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** The part of the browser WebSocket the client uses (lets tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface WsClientOptions {
  /** Gets a fresh single-use ticket (`POST /api/auth/ws-ticket/` → `{ticket}`). */
  getTicket: () => Promise<string>;
  /** Every parsed server frame, in arrival order. */
  onEvent: (event: ServerEvent) => void;
  /** Every status change. */
  onStatus?: (status: ConnectionStatus) => void;
  /** Builds the socket URL from a ticket; defaults to {@link chatSocketUrl}. */
  url?: (ticket: string) => string;
  /** Defaults to the browser WebSocket. */
  createSocket?: SocketFactory;
  backoff?: BackoffOptions;
  /** An open connection that lasted this long resets the backoff (ms). */
  stableAfterMs?: number;
  /** A `ping` is sent after this much silence from the server (ms); 0 disables. */
  pingIntervalMs?: number;
  /** With no frame this long after a ping, the socket is dropped and reconnected (ms). */
  pongTimeoutMs?: number;
  random?: () => number;
  /**
   * Called when getting a ticket fails; return false to stop reconnecting
   * (e.g. the user was logged out by a 401).
   */
  shouldRetry?: (error: unknown) => boolean;
}

const OPEN = 1;

/**
 * Close codes after which the client reconnects at once (docs/protocol.md):
 * 4008, the socket fell behind (catch up by seq on the new one); 4001, the
 * session ended or its rights changed (the new ticket's 401 logs out if the
 * token is gone). Any other close waits for the backoff.
 */
const RECONNECT_AT_ONCE = new Set([4001, 4008]);

/**
 * 1012, the server process is restarting (docs/protocol.md): the others are
 * up, so the backoff starts over, but with its jitter, so that the thousands
 * of sockets of one process do not all reconnect in the same millisecond.
 */
const SERVICE_RESTART = 1012;

/** `ws(s)://<host>/ws/chat/?ticket=...` on the page's own origin (contract "The WebSocket"). */
export function chatSocketUrl(ticket: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/chat/?ticket=${encodeURIComponent(ticket)}`;
}

/**
 * The one WebSocket of the app. start() connects with a fresh ticket; when the
 * socket closes (or never opens) it reconnects after
 * {@link backoffDelay}(attempt), attempt growing by one per failure and reset
 * to 0 once a connection stayed open `stableAfterMs`. Every connect gets a new
 * ticket, since tickets are single-use. Frames are JSON objects with a `type`.
 */
export class WsClient {
  private readonly options: Required<Omit<WsClientOptions, 'onStatus' | 'shouldRetry'>> &
    Pick<WsClientOptions, 'onStatus' | 'shouldRetry'>;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private running = false;
  private generation = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setTimeout> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private currentStatus: ConnectionStatus = 'stopped';
  private everOpened = false;

  constructor(options: WsClientOptions) {
    this.options = {
      url: (ticket) => chatSocketUrl(ticket),
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      backoff: DEFAULT_BACKOFF,
      stableAfterMs: 10_000,
      pingIntervalMs: 25_000,
      pongTimeoutMs: 10_000,
      random: Math.random,
      ...options,
    };
  }

  /** The current status. */
  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** The number of consecutive failed connects since the last stable connection. */
  get failedAttempts(): number {
    return this.attempt;
  }

  /** Starts connecting (no-op when already running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.everOpened = false;
    this.setStatus('connecting');
    void this.connect();
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.running = false;
    this.generation += 1;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      socket.close(1000, 'client stopped');
    }
    this.setStatus('stopped');
  }

  /**
   * Skips a pending backoff wait and connects now (e.g. the browser came back
   * online). No-op unless waiting to reconnect.
   */
  reconnectNow(): void {
    if (!this.running || this.reconnectTimer === null) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    void this.connect();
  }

  /**
   * Treats the socket as dead now (the browser said it went offline) and
   * reconnects after the backoff. No-op without a socket.
   */
  drop(): void {
    this.dropSocket('offline');
  }

  /** Sends `frame` if the socket is open; returns whether it was sent. */
  send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || this.currentStatus !== 'open') return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.options.onStatus?.(status);
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    let ticket: string;
    try {
      ticket = await this.options.getTicket();
    } catch (error) {
      if (generation !== this.generation || !this.running) return;
      if (this.options.shouldRetry && !this.options.shouldRetry(error)) {
        this.stop();
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation || !this.running) return;

    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url(ticket));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;

    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.everOpened = true;
      this.setStatus('open');
      this.stableTimer = setTimeout(() => {
        this.stableTimer = null;
        this.attempt = 0;
      }, this.options.stableAfterMs);
      this.armPing();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.socket) return;
      this.armPing();
      if (typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof (frame as { type?: unknown }).type === 'string') {
        this.options.onEvent(frame as ServerEvent);
      }
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting is handled there.
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.socket) return;
      this.detach(socket);
      this.socket = null;
      if (event.code === SERVICE_RESTART) this.attempt = 0;
      this.scheduleReconnect(RECONNECT_AT_ONCE.has(event.code));
    };
  }

  /** Reconnects after the backoff delay, or at once (with the backoff reset) when `atOnce`. */
  private scheduleReconnect(atOnce = false): void {
    this.clearTimers();
    if (!this.running) return;
    this.setStatus(this.everOpened ? 'reconnecting' : this.attempt === 0 ? 'connecting' : 'reconnecting');
    if (atOnce) this.attempt = 0;
    const delay = atOnce ? 0 : backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  /** Restarts the silence timer: ping after `pingIntervalMs`, drop after `pongTimeoutMs` more. */
  private armPing(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
    if (this.options.pingIntervalMs <= 0) return;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      if (!this.send({ type: 'ping' })) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        this.dropSocket('no pong');
      }, this.options.pongTimeoutMs);
    }, this.options.pingIntervalMs);
  }

  /** Treats the current socket as dead: close it and reconnect. */
  private dropSocket(why: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.detach(socket);
    this.socket = null;
    try {
      socket.close(4000, why);
    } catch {
      // Already closing.
    }
    this.scheduleReconnect();
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
  }

  private clearTimers(): void {
    for (const timer of [this.reconnectTimer, this.stableTimer, this.pingTimer, this.pongTimer]) {
      if (timer !== null) clearTimeout(timer);
    }
    this.reconnectTimer = null;
    this.stableTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
  }
}
