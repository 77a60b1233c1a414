import { useOutletContext } from 'react-router';
import { ChatIcon } from '@/components/Icons';
import type { ChatLayoutContext } from './ChatLayout';

/** `/`: nothing selected yet. */
export function HomeRoute() {
  const { sidebarToggle } = useOutletContext<ChatLayoutContext>();
  return (
    <div className="room-view">
      <header className="room-header room-header--bare">{sidebarToggle}</header>
      <div className="placeholder">
        <div className="placeholder__art">
          <ChatIcon size={56} />
        </div>
        <h1>Welcome</h1>
        <p>Pick a room from the list, browse public rooms, or start a direct conversation.</p>
      </div>
    </div>
  );
}
