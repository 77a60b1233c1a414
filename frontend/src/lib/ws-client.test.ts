import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '@/test/fake-socket';
import type { ServerEvent } from '@/types/api';
import { chatSocketUrl, WsClient, type ConnectionStatus, type WsClientOptions } from './ws-client';

/** Lets pending promise callbacks (the ticket fetch) run under fake timers. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

/** Advances fake time 1 ms at a time until a new socket is created; returns the ms waited. */
async function msUntilNextSocket(limitMs = 60_000): Promise<number> {
  const count = FakeSocket.instances.length;
  for (let ms = 1; ms <= limitMs; ms += 1) {
    await vi.advanceTimersByTimeAsync(1);
    if (FakeSocket.instances.length > count) return ms;
  }
  throw new Error('no reconnect');
}

function setup(overrides: Partial<WsClientOptions> = {}) {
  let ticketNo = 0;
  const events: ServerEvent[] = [];
  const statuses: ConnectionStatus[] = [];
  const getTicket = vi.fn(async () => `t${++ticketNo}`);
  const client = new WsClient({
    getTicket,
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    url: (ticket) => `ws://test/ws/chat/?ticket=${ticket}`,
    createSocket: (url) => new FakeSocket(url),
    backoff: { baseMs: 1000, capMs: 30_000 },
    stableAfterMs: 10_000,
    pingIntervalMs: 0,
    random: () => 0.5,
    ...overrides,
  });
  return { client, events, statuses, getTicket };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('chatSocketUrl', () => {
  it('uses wss on https pages and ws on http, on the page host', () => {
    expect(chatSocketUrl('a b', { protocol: 'https:', host: 'chat.example:8443' })).toBe(
      'wss://chat.example:8443/ws/chat/?ticket=a%20b',
    );
    expect(chatSocketUrl('x', { protocol: 'http:', host: 'localhost:8000' })).toBe(
      'ws://localhost:8000/ws/chat/?ticket=x',
    );
  });
});

describe('WsClient', () => {
  it('reconnects at once after 4008 (too slow) and 4001 (session ended), after the backoff otherwise', async () => {
    const { client } = setup();
    client.start();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.drop(4008);
    expect(await msUntilNextSocket()).toBeLessThanOrEqual(2);
    FakeSocket.last.open();
    FakeSocket.last.drop(4001);
    expect(await msUntilNextSocket()).toBeLessThanOrEqual(2);
    FakeSocket.last.open();
    FakeSocket.last.drop(1013);
    expect(await msUntilNextSocket()).toBeGreaterThanOrEqual(500);
  });

  it('after 1012 (service restart) starts the backoff over, jittered below its first ceiling', async () => {
    let draw = 0.5;
    const { client } = setup({ random: () => draw });
    client.start();
    await flush();
    FakeSocket.last.drop(1013); // never opened: the backoff grows
    expect(await msUntilNextSocket()).toBeGreaterThanOrEqual(500);
    FakeSocket.last.drop(1013);
    expect(await msUntilNextSocket()).toBeGreaterThanOrEqual(1000);
    FakeSocket.last.open();
    FakeSocket.last.drop(1012);
    const first = await msUntilNextSocket();
    expect(first).toBeGreaterThanOrEqual(499);
    expect(first).toBeLessThanOrEqual(501);
    draw = 0.1;
    FakeSocket.last.open();
    FakeSocket.last.drop(1012);
    const second = await msUntilNextSocket();
    expect(second).toBeGreaterThanOrEqual(99);
    expect(second).toBeLessThanOrEqual(101);
    client.stop();
  });

  it('connects with a fresh ticket and reports open', async () => {
    const { client, statuses } = setup();
    client.start();
    await flush();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.last.url).toBe('ws://test/ws/chat/?ticket=t1');
    expect(client.status).toBe('connecting');
    FakeSocket.last.open();
    expect(client.status).toBe('open');
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('passes parsed frames with a type to onEvent and ignores the rest', async () => {
    const { client, events } = setup();
    client.start();
    await flush();
    const socket = FakeSocket.last;
    socket.open();
    socket.receive({ type: 'hello', user: { id: 1, username: 'a' }, rooms: [3] });
    socket.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    socket.receive({ no: 'type' });
    expect(events).toEqual([{ type: 'hello', user: { id: 1, username: 'a' }, rooms: [3] }]);
  });

  it('reconnects after a drop with exponential full-jitter delays and a new ticket each time', async () => {
    const { client, getTicket, statuses } = setup();
    client.start();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.drop();
    expect(client.status).toBe('reconnecting');
    expect(statuses.at(-1)).toBe('reconnecting');

    // attempt 0: 0.5 * min(30000, 1000 * 2^0) = 500 ms
    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(FakeSocket.last.url).toContain('ticket=t2');

    // The handshake is refused (no open): attempt 1 waits 0.5 * 2000 = 1000 ms.
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(3);

    // attempt 2: 2000 ms.
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeSocket.instances).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(4);
    expect(getTicket).toHaveBeenCalledTimes(4);
    expect(new Set(FakeSocket.instances.map((s) => s.url)).size).toBe(4);
  });

  it('caps the delay at capMs', async () => {
    const { client } = setup({ random: () => 0.999, backoff: { baseMs: 1000, capMs: 4000 } });
    client.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      FakeSocket.last.drop();
      delays.push(await msUntilNextSocket());
    }
    // 0.999 * min(4000, 1000 * 2^attempt), floored.
    expect(delays).toEqual([999, 1998, 3996, 3996, 3996]);
    expect(client.failedAttempts).toBe(5);
  });

  it('resets the backoff after a connection stayed open long enough', async () => {
    const { client } = setup();
    client.start();
    await flush();
    // Three failed handshakes: attempts 0, 1, 2 → 500, 1000, 2000 ms.
    for (const wait of [500, 1000, 2000]) {
      FakeSocket.last.drop();
      await vi.advanceTimersByTimeAsync(wait);
    }
    expect(client.failedAttempts).toBe(3);
    FakeSocket.last.open();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.failedAttempts).toBe(0);
    FakeSocket.last.drop();
    const before = FakeSocket.instances.length;
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.instances).toHaveLength(before + 1);
  });

  it('does not reset the backoff for a connection that drops before it is stable', async () => {
    const { client } = setup();
    client.start();
    await flush();
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    await vi.advanceTimersByTimeAsync(9_000);
    FakeSocket.last.drop();
    expect(client.failedAttempts).toBe(2);
    const before = FakeSocket.instances.length;
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.instances).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(before + 1);
  });

  it('retries when getting a ticket fails, and stops when told not to retry', async () => {
    let fail = true;
    const getTicket = vi.fn(async () => {
      if (fail) throw new Error('network');
      return 'ok';
    });
    const { client } = setup({ getTicket });
    client.start();
    await flush();
    expect(FakeSocket.instances).toHaveLength(0);
    expect(client.status).toBe('connecting');
    fail = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.instances).toHaveLength(1);

    const unauthorized = setup({
      getTicket: async () => {
        throw new Error('401');
      },
      shouldRetry: () => false,
    });
    unauthorized.client.start();
    await flush();
    expect(unauthorized.client.status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('stop() closes the socket and never reconnects', async () => {
    const { client } = setup();
    client.start();
    await flush();
    const socket = FakeSocket.last;
    socket.open();
    client.stop();
    expect(socket.closedWith).toBe(1000);
    expect(client.status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('send() returns false unless the socket is open', async () => {
    const { client } = setup();
    expect(client.send({ type: 'ping' })).toBe(false);
    client.start();
    await flush();
    expect(client.send({ type: 'ping' })).toBe(false);
    FakeSocket.last.open();
    expect(client.send({ type: 'typing', room: 4 })).toBe(true);
    expect(FakeSocket.last.frames).toEqual([{ type: 'typing', room: 4 }]);
    FakeSocket.last.drop();
    expect(client.send({ type: 'ping' })).toBe(false);
  });

  it('pings after silence and drops a socket that does not answer', async () => {
    const { client } = setup({ pingIntervalMs: 20_000, pongTimeoutMs: 5_000 });
    client.start();
    await flush();
    const socket = FakeSocket.last;
    socket.open();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.frames).toEqual([{ type: 'ping' }]);
    socket.receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.frames).toEqual([{ type: 'ping' }, { type: 'ping' }]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(socket.closedWith).toBe(4000);
    expect(client.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('reconnectNow() skips the backoff wait', async () => {
    const { client } = setup({ random: () => 0.99 });
    client.start();
    await flush();
    FakeSocket.last.drop();
    client.reconnectNow();
    await flush();
    expect(FakeSocket.instances).toHaveLength(2);
  });
});
