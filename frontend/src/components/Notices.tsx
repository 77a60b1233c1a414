import { useSyncExternalStore } from 'react';
import { dismissNotice, getNotices, subscribeNotices } from '@/lib/notices';

/** The stack of short notices (errors that belong to no single message). */
export function Notices() {
  const notices = useSyncExternalStore(subscribeNotices, getNotices, getNotices);
  return (
    <div className="notices" aria-live="assertive">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice--${notice.kind}`} role="alert" data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
