import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '@/lib/api-client';
import type { Member, RoomRole } from '@/types/api';
import { useBanUser } from '../api/ban-user';
import { useRemoveMember } from '../api/remove-member';
import { useUpdateMember } from '../api/update-member';
import type { MemberActions as Allowed } from '../lib/permissions';

const ROLE_LABEL: Record<RoomRole, string> = {
  owner: 'Make owner',
  moderator: 'Make moderator',
  member: 'Make member',
};

type Confirming = 'owner' | 'remove' | 'ban' | null;

/**
 * Runs `then` once `action` succeeds, even if this component is gone by then
 * (a removed member's row unmounts as soon as the cache changes, before
 * `mutate`'s own callbacks would run). A failure is shown from the
 * mutation's state.
 */
function afterSuccess(action: Promise<unknown>, then: () => void): void {
  action.then(then, () => undefined);
}

interface MemberActionsProps {
  id: string;
  roomId: number;
  member: Member;
  allowed: Allowed;
  /** Escape: close the panel (focus goes back to its toggle). */
  onClose: () => void;
  /** The member left the list (removed or banned). */
  onGone: () => void;
}

/**
 * The moderation a viewer may take on one member (see lib/permissions):
 * role changes (owner only), mute/unmute, remove and ban. Making an owner,
 * removing and banning (with an optional reason) ask for a confirmation
 * first. A refusal shows the server's `detail`.
 */
export function MemberActions({ id, roomId, member, allowed, onClose, onGone }: MemberActionsProps) {
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [reason, setReason] = useState('');
  const group = useRef<HTMLDivElement>(null);
  const lastAsked = useRef<Confirming>(null);
  const update = useUpdateMember(roomId);
  const remove = useRemoveMember(roomId);
  const ban = useBanUser(roomId);
  const name = member.user.username;
  const busy = update.isPending || remove.isPending || ban.isPending;
  const error = update.error ?? remove.error ?? ban.error;

  // Leaving a confirmation puts focus back on the button that asked for it.
  useEffect(() => {
    if (confirming !== null) {
      lastAsked.current = confirming;
      return;
    }
    const asked = lastAsked.current;
    lastAsked.current = null;
    if (asked) group.current?.querySelector<HTMLElement>(`[data-action="${asked}"]`)?.focus();
  }, [confirming]);

  function reset() {
    update.reset();
    remove.reset();
    ban.reset();
  }

  function changeRole(role: RoomRole) {
    reset();
    afterSuccess(update.mutateAsync({ userId: member.user.id, change: { role } }), () => {
      // An owner is out of reach: this panel goes away, so focus goes to the panel's title.
      if (role === 'owner') onGone();
      else group.current?.querySelector<HTMLElement>('button')?.focus();
    });
  }

  function toggleMute() {
    reset();
    update.mutate({ userId: member.user.id, change: { muted: !member.muted } });
  }

  function confirm() {
    if (confirming === 'owner') changeRole('owner');
    else if (confirming === 'remove') afterSuccess(remove.mutateAsync(member.user), onGone);
    else if (confirming === 'ban') {
      const why = reason.trim();
      afterSuccess(ban.mutateAsync({ username: name, ...(why ? { reason: why } : {}) }), onGone);
    }
  }

  function ask(what: Confirming) {
    reset();
    setReason('');
    setConfirming(what);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    if (confirming) setConfirming(null);
    else onClose();
  }

  return (
    <div
      ref={group}
      id={id}
      className="member-actions"
      role="group"
      aria-label={`Moderate ${name}`}
      onKeyDown={onKeyDown}
    >
      {confirming === null ? (
        <div className="member-actions__buttons">
          {allowed.roles.map((role) => (
            <button
              key={role}
              type="button"
              data-action={role === 'owner' ? 'owner' : undefined}
              className="button button--small"
              aria-label={`${ROLE_LABEL[role]}: ${name}`}
              disabled={busy}
              onClick={() => (role === 'owner' ? ask('owner') : changeRole(role))}
            >
              {ROLE_LABEL[role]}
            </button>
          ))}
          {allowed.mute && (
            <button
              type="button"
              className="button button--small"
              aria-label={`${member.muted ? 'Unmute' : 'Mute'} ${name}`}
              disabled={busy}
              onClick={toggleMute}
            >
              {member.muted ? 'Unmute' : 'Mute'}
            </button>
          )}
          {allowed.remove && (
            <button
              type="button"
              data-action="remove"
              className="button button--small button--danger-text"
              aria-label={`Remove ${name}`}
              disabled={busy}
              onClick={() => ask('remove')}
            >
              Remove
            </button>
          )}
          {allowed.ban && (
            <button
              type="button"
              data-action="ban"
              className="button button--small button--danger-text"
              aria-label={`Ban ${name}`}
              disabled={busy}
              onClick={() => ask('ban')}
            >
              Ban
            </button>
          )}
        </div>
      ) : (
        <form
          className="member-actions__confirm"
          onSubmit={(event) => {
            event.preventDefault();
            confirm();
          }}
        >
          <p>
            {confirming === 'owner'
              ? `Make ${name} an owner? Only staff can take that back.`
              : confirming === 'remove'
                ? `Remove ${name} from the room? They can join again.`
                : `Ban ${name}? They leave the room and cannot come back until unbanned.`}
          </p>
          {confirming === 'ban' && (
            <div className="field field--compact">
              <label htmlFor={`${id}-reason`}>Reason (optional)</label>
              <input
                id={`${id}-reason`}
                value={reason}
                maxLength={500}
                autoFocus
                onChange={(e) => setReason(e.target.value)}
              />
            </div>
          )}
          <div className="member-actions__buttons">
            <button type="button" className="button button--small" onClick={() => setConfirming(null)} disabled={busy}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button button--small ${confirming === 'owner' ? 'button--primary' : 'button--danger'}`}
              disabled={busy}
              autoFocus={confirming !== 'ban'}
            >
              {confirming === 'owner' ? 'Confirm owner' : confirming === 'remove' ? 'Confirm remove' : 'Confirm ban'}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="field__error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </div>
  );
}
