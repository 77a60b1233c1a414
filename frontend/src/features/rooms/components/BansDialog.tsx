import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { Dialog } from '@/components/Dialog';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatShortStamp } from '@/lib/format';
import type { Room } from '@/types/api';
import { useBanUser } from '../api/ban-user';
import { useBans } from '../api/get-bans';
import { useUnbanUser } from '../api/unban-user';

/** "Ban a user": by username, with an optional reason (`POST /api/rooms/{id}/bans/`), e.g. someone not in the room yet. */
function BanByNameForm({ roomId, nameRef }: { roomId: number; nameRef: RefObject<HTMLInputElement | null> }) {
  const [username, setUsername] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const ban = useBanUser(roomId);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!name) return;
    setDone(null);
    const why = reason.trim();
    ban.mutate(
      { username: name, ...(why ? { reason: why } : {}) },
      {
        onSuccess: () => {
          setDone(name);
          setUsername('');
          setReason('');
          // The Ban button is disabled with the field empty: focus stays in the dialog.
          nameRef.current?.focus();
        },
      },
    );
  }

  return (
    <form className="ban-form" onSubmit={onSubmit} noValidate>
      <div className="ban-form__fields">
        <div className="field field--compact">
          <label htmlFor={`ban-name-${roomId}`}>Username to ban</label>
          <input
            id={`ban-name-${roomId}`}
            ref={nameRef}
            value={username}
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={ban.error ? true : undefined}
          />
        </div>
        <div className="field field--compact">
          <label htmlFor={`ban-reason-${roomId}`}>Reason (optional)</label>
          <input
            id={`ban-reason-${roomId}`}
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      </div>
      <div className="ban-form__actions">
        <p className={ban.error ? 'field__error' : 'field__hint'} role={ban.error ? 'alert' : 'status'}>
          {ban.error ? errorMessage(ban.error) : done ? `${done} is banned.` : ''}
        </p>
        <button type="submit" className="button button--danger" disabled={ban.isPending || !username.trim()}>
          Ban user
        </button>
      </div>
    </form>
  );
}

/**
 * The room's bans (`GET /api/rooms/{id}/bans/`) for its owner and
 * moderators: who, why, by whom and when, each with "Unban"; and a form to
 * ban someone by name. After a ban or an unban (whose button goes away)
 * focus returns to the username field, so the dialog keeps the keyboard.
 */
export function BansDialog({ room, onClose }: { room: Room; onClose: () => void }) {
  const bans = useBans(room.id);
  const unban = useUnbanUser(room.id);
  const nameRef = useRef<HTMLInputElement>(null);

  return (
    <Dialog title={`Bans in #${room.name}`} onClose={onClose}>
      <BanByNameForm roomId={room.id} nameRef={nameRef} />
      {unban.error && (
        <div className="form-error" role="alert">
          {errorMessage(unban.error)}
        </div>
      )}
      {bans.isPending ? (
        <p className="muted">Loading bans…</p>
      ) : bans.isError ? (
        <div className="form-error" role="alert">
          {errorMessage(bans.error)}{' '}
          <button type="button" className="link-button" onClick={() => void bans.refetch()}>
            Try again
          </button>
        </div>
      ) : bans.data.length === 0 ? (
        <p className="muted ban-empty">Nobody is banned from this room.</p>
      ) : (
        <ul className="browse-list" aria-label="Banned users">
          {bans.data.map((ban) => (
            <li key={ban.user.id} className="browse-item" data-testid="ban" data-username={ban.user.username}>
              <div className="browse-item__text">
                <span className="browse-item__name">{ban.user.username}</span>
                <span className="browse-item__meta">
                  {ban.banned_by ? `by ${ban.banned_by.username} · ` : ''}
                  <time dateTime={ban.created_at} title={formatDateTime(ban.created_at)}>
                    {formatShortStamp(ban.created_at)}
                  </time>
                </span>
                {ban.reason && <span className="ban-reason">“{ban.reason}”</span>}
              </div>
              <button
                type="button"
                className="button"
                aria-label={`Unban ${ban.user.username}`}
                disabled={unban.isPending && unban.variables === ban.user.id}
                onClick={() => unban.mutate(ban.user.id, { onSettled: () => nameRef.current?.focus() })}
              >
                Unban
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
