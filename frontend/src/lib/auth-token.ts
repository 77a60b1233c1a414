/**
 * The DRF token (`{"key": TOKEN}` from login/registration), kept in
 * localStorage so a reload stays logged in. Subscribers hear every change,
 * including changes made in another tab (the `storage` event).
 */

const STORAGE_KEY = 'chat.token';

type Listener = () => void;
const listeners = new Set<Listener>();

function readStorage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: string | null = typeof window === 'undefined' ? null : readStorage();

function emit(): void {
  for (const listener of [...listeners]) listener();
}

/** The current token, or null when logged out. */
export function getToken(): string | null {
  return current;
}

/** Stores `token` (null logs out) and notifies subscribers if it changed. */
export function setToken(token: string | null): void {
  if (token === current) return;
  current = token;
  try {
    if (token === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage can be unavailable (private mode); the in-memory token still works.
  }
  emit();
}

/** Calls `listener` on every token change; returns the unsubscribe function. */
export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    const next = readStorage();
    if (next !== current) {
      current = next;
      emit();
    }
  });
}
