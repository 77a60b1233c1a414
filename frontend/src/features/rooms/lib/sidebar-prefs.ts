import { useCallback, useState } from 'react';
import type { SectionId } from './sidebar';

/**
 * The sidebar's view settings, kept per browser in localStorage (not per
 * account: they are about this screen): whether unread rooms come first and
 * which sections are collapsed. Storage that is full or switched off only
 * means the setting is not kept.
 */

export interface SidebarPrefs {
  unreadFirst: boolean;
  collapsed: readonly SectionId[];
}

export const SIDEBAR_PREFS_KEY = 'chat.sidebar';
const DEFAULTS: SidebarPrefs = { unreadFirst: false, collapsed: [] };
const SECTION_IDS: readonly SectionId[] = ['starred', 'direct', 'rooms'];

/** The saved settings, or the defaults for anything missing or malformed. */
export function loadSidebarPrefs(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): SidebarPrefs {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(SIDEBAR_PREFS_KEY) ?? 'null');
    if (!raw || typeof raw !== 'object') return DEFAULTS;
    const { unreadFirst, collapsed } = raw as Record<string, unknown>;
    return {
      unreadFirst: unreadFirst === true,
      collapsed: Array.isArray(collapsed) ? SECTION_IDS.filter((id) => collapsed.includes(id)) : DEFAULTS.collapsed,
    };
  } catch {
    return DEFAULTS;
  }
}

/** Saves the settings (quietly does nothing when storage refuses). */
export function saveSidebarPrefs(
  prefs: SidebarPrefs,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(SIDEBAR_PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Quota or privacy mode: the setting lasts until the page closes.
  }
}

/** The settings as React state, saved on every change. */
export function useSidebarPrefs(): [SidebarPrefs, (change: Partial<SidebarPrefs>) => void] {
  const [prefs, setPrefs] = useState(() => loadSidebarPrefs());
  const update = useCallback((change: Partial<SidebarPrefs>) => {
    setPrefs((current) => {
      const next = { ...current, ...change };
      saveSidebarPrefs(next);
      return next;
    });
  }, []);
  return [prefs, update];
}
