/**
 * Unsent composer text, kept in the browser's localStorage per user and
 * room so it survives switching rooms and reloading. Storage that is full
 * or switched off only means the draft is not kept.
 */

const PREFIX = 'chat.draft.';

/** The storage key of `userId`'s draft in `roomId`. */
export function draftKey(userId: number, roomId: number): string {
  return `${PREFIX}${userId}.${roomId}`;
}

/** The saved draft under `key`, or "". */
export function loadDraft(key: string): string {
  try {
    return window.localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Saves `text` under `key`; blank text removes the draft. */
export function saveDraft(key: string, text: string): void {
  try {
    if (text.trim()) window.localStorage.setItem(key, text);
    else window.localStorage.removeItem(key);
  } catch {
    // Quota or privacy mode: the draft just is not kept.
  }
}
