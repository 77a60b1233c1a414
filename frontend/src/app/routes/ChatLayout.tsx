import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { titleCount } from '@/features/messages/lib/notify';
import { ConnectionBanner } from '@/components/ConnectionBanner';
import { ChatIcon, MenuIcon } from '@/components/Icons';
import { useUser } from '@/features/auth/api/get-user';
import { useLogout } from '@/features/auth/api/logout';
import { useRooms } from '@/features/rooms/api/get-rooms';
import { BrowseRoomsDialog } from '@/features/rooms/components/BrowseRoomsDialog';
import { CreateRoomDialog } from '@/features/rooms/components/CreateRoomDialog';
import { DirectMessageDialog } from '@/features/rooms/components/DirectMessageDialog';
import { QuickSwitcher } from '@/features/rooms/components/QuickSwitcher';
import { RoomSidebar } from '@/features/rooms/components/RoomSidebar';
import { isSwitcherShortcut } from '@/features/rooms/lib/sidebar';
import { SearchBox } from '@/features/search/components/SearchBox';
import { errorMessage } from '@/lib/api-client';

/** What the pages inside the layout get from it (react-router outlet context). */
export interface ChatLayoutContext {
  /** The button that opens the sidebar on narrow screens (render it in the page header). */
  sidebarToggle: ReactNode;
}

type DialogName = 'create' | 'browse' | 'direct' | 'switcher' | null;
const ON_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * The logged-in shell: the sidebar (New room / Browse rooms / New message,
 * a message search box, "Jump to…", my rooms in sections, who I am, Log
 * out), the connection banner, and the page. On narrow screens the sidebar
 * slides in from a "Show rooms" button. Ctrl+K (Cmd+K) anywhere opens the
 * quick switcher.
 */
export function ChatLayout() {
  const rooms = useRooms();
  const user = useUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const [dialog, setDialog] = useState<DialogName>(null);
  // The drawer is open on the page where it was opened: navigating closes it.
  const [sidebarOpenOn, setSidebarOpenOn] = useState<string | null>(null);
  const sidebarOpen = sidebarOpenOn === location.pathname;
  const setSidebarOpen = useCallback(
    (open: boolean) => setSidebarOpenOn(open ? location.pathname : null),
    [location.pathname],
  );
  const toggleRef = useRef<HTMLButtonElement>(null);
  const sidebarRef = useRef<HTMLElement>(null);

  const closeSidebar = useCallback(() => setSidebarOpen(false), [setSidebarOpen]);
  const openRoom = useCallback(
    (roomId: number) => {
      setDialog(null);
      setSidebarOpen(false);
      void navigate(`/rooms/${roomId}`);
    },
    [navigate, setSidebarOpen],
  );

  // Move focus into the drawer when it opens; Escape closes it and returns focus.
  useEffect(() => {
    if (!sidebarOpen) return;
    sidebarRef.current?.querySelector<HTMLElement>('button, a')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setSidebarOpen(false);
        toggleRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [sidebarOpen, setSidebarOpen]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isSwitcherShortcut(event) || event.repeat) return;
      // The browser's own Ctrl+K (focus its search bar) gives way inside the app.
      event.preventDefault();
      setDialog('switcher');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Muted rooms count only their mentions (features/messages/lib/notify).
  const totalUnread = titleCount(rooms.data ?? []);
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Chat` : 'Chat';
  }, [totalUnread]);
  const [notifyPermission, setNotifyPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'denied' : Notification.permission,
  );
  const notificationsButton =
    notifyPermission === 'default' ? (
      <button
        type="button"
        className="button button--small button--ghost"
        data-testid="enable-notifications"
        onClick={() => void Notification.requestPermission().then(setNotifyPermission)}
      >
        Enable desktop notifications
      </button>
    ) : null;

  const sidebarToggle = (
    <button
      ref={toggleRef}
      type="button"
      className="icon-button sidebar-toggle"
      aria-label="Show rooms"
      aria-expanded={sidebarOpen}
      aria-controls="sidebar"
      onClick={() => setSidebarOpen(true)}
    >
      <MenuIcon />
      {totalUnread > 0 && <span className="sidebar-toggle__dot" aria-hidden="true" />}
    </button>
  );

  const username = user.data?.username ?? '';

  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside id="sidebar" ref={sidebarRef} className={`sidebar${sidebarOpen ? ' is-open' : ''}`} aria-label="Rooms">
        <div className="sidebar__header">
          <span className="brand">
            <span className="brand-mark">
              <ChatIcon />
            </span>
            Chat
          </span>
          <button type="button" className="icon-button sidebar__close" aria-label="Hide rooms" onClick={closeSidebar}>
            ×
          </button>
        </div>
        <div className="sidebar__actions">
          <button type="button" className="button button--primary button--block" onClick={() => setDialog('create')}>
            New room
          </button>
          <div className="sidebar__actions-row">
            <button type="button" className="button button--block" onClick={() => setDialog('browse')}>
              Browse rooms
            </button>
            <button type="button" className="button button--block" onClick={() => setDialog('direct')}>
              New message
            </button>
          </div>
        </div>
        <SearchBox
          className="sidebar__search"
          onSearch={(q) => void navigate(`/search?${new URLSearchParams({ q })}`)}
        />
        <button
          type="button"
          className="sidebar__jump"
          aria-keyshortcuts="Control+K Meta+K"
          data-testid="open-switcher"
          onClick={() => setDialog('switcher')}
        >
          <span>Jump to…</span>
          <kbd aria-hidden="true">{ON_MAC ? '⌘K' : 'Ctrl K'}</kbd>
        </button>
        <nav className="sidebar__rooms" aria-label="Your rooms">
          {rooms.isPending ? (
            <p className="sidebar__empty">Loading rooms…</p>
          ) : rooms.isError ? (
            <div className="sidebar__empty" role="alert">
              {errorMessage(rooms.error)}{' '}
              <button type="button" className="link-button" onClick={() => void rooms.refetch()}>
                Try again
              </button>
            </div>
          ) : (
            <RoomSidebar rooms={rooms.data} onNavigate={closeSidebar} />
          )}
        </nav>
        {notificationsButton}
        <div className="sidebar__footer">
          <span className="avatar avatar--small" aria-hidden="true">
            {username.slice(0, 1).toUpperCase()}
          </span>
          <span className="sidebar__user" data-testid="current-user">
            {username}
          </span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Log out
          </button>
        </div>
      </aside>
      {sidebarOpen && <div className="sidebar-scrim" onClick={closeSidebar} aria-hidden="true" />}
      <div className="main-column">
        <ConnectionBanner />
        <main id="main" className="main" tabIndex={-1}>
          <Outlet context={{ sidebarToggle } satisfies ChatLayoutContext} />
        </main>
      </div>
      {dialog === 'create' && (
        <CreateRoomDialog onClose={() => setDialog(null)} onCreated={(room) => openRoom(room.id)} />
      )}
      {dialog === 'browse' && <BrowseRoomsDialog onClose={() => setDialog(null)} onOpen={openRoom} />}
      {dialog === 'switcher' && (
        <QuickSwitcher rooms={rooms.data ?? []} onClose={() => setDialog(null)} onOpen={openRoom} />
      )}
      {dialog === 'direct' && (
        <DirectMessageDialog onClose={() => setDialog(null)} onOpened={(room) => openRoom(room.id)} />
      )}
    </div>
  );
}
