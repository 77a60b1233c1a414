/**
 * Short-lived notices for the user ("You are sending too fast…"), shown by
 * the app's notice area. A tiny external store: push, dismiss, subscribe.
 */

export interface Notice {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

type Listener = () => void;

let notices: readonly Notice[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit(): void {
  for (const listener of [...listeners]) listener();
}

/** Shows `text` for `ttlMs` (0 keeps it until dismissed); the same text is not stacked twice. Returns its id. */
export function pushNotice(text: string, kind: Notice['kind'] = 'error', ttlMs = 6000): number {
  const existing = notices.find((n) => n.text === text);
  if (existing) dismissNotice(existing.id);
  const notice: Notice = { id: nextId++, text, kind };
  notices = [...notices.slice(-3), notice];
  if (ttlMs > 0)
    timers.set(
      notice.id,
      setTimeout(() => dismissNotice(notice.id), ttlMs),
    );
  emit();
  return notice.id;
}

/** Removes notice `id`. */
export function dismissNotice(id: number): void {
  const timer = timers.get(id);
  if (timer) clearTimeout(timer);
  timers.delete(id);
  const next = notices.filter((n) => n.id !== id);
  if (next.length === notices.length) return;
  notices = next;
  emit();
}

/** The notices on screen, oldest first. */
export function getNotices(): readonly Notice[] {
  return notices;
}

/** Calls `listener` on every change; returns the unsubscribe function. */
export function subscribeNotices(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
