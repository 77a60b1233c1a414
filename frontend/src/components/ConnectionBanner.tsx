import { useConnectionStatus } from '@/lib/realtime';

/**
 * "Connecting…" / "Reconnecting…" while the socket is not open. The live
 * region always exists so screen readers hear the change; the banner itself
 * (`data-testid="connection-banner"`, `data-status`) is present only while down.
 */
export function ConnectionBanner() {
  const status = useConnectionStatus();
  const down = status === 'connecting' || status === 'reconnecting';
  return (
    <div role="status" aria-live="polite" className="connection-region">
      {down && (
        <div className="connection-banner" data-testid="connection-banner" data-status={status}>
          <span className="connection-banner__dot" aria-hidden="true" />
          {status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </div>
      )}
    </div>
  );
}
