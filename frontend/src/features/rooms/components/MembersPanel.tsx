import { useRef, useState } from 'react';
import { MoreIcon } from '@/components/Icons';
import { errorMessage } from '@/lib/api-client';
import type { Member, Room } from '@/types/api';
import { useMembers } from '../api/get-members';
import { canManageRoom, hasActions, memberActions } from '../lib/permissions';
import { AddMemberForm } from './AddMemberForm';
import { MemberActions } from './MemberActions';

interface MemberRowProps {
  room: Room;
  member: Member;
  meId: number | null;
  onGone: () => void;
}

function MemberRow({ room, member, meId, onGone }: MemberRowProps) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const allowed = memberActions(room, meId, member);
  const manageable = hasActions(allowed);
  const name = member.user.username;
  const panelId = `member-actions-${room.id}-${member.user.id}`;

  return (
    <li
      className={`member${open && manageable ? ' member--open' : ''}`}
      data-testid="member"
      data-username={name}
      data-online={member.online}
      data-role={member.role}
      data-muted={member.muted}
    >
      <div className="member__line">
        <span className={`presence-dot${member.online ? ' is-online' : ''}`} aria-hidden="true" />
        <span className="member__name">
          {name}
          {member.user.id === meId && <span className="member__you"> (you)</span>}
        </span>
        <span className="visually-hidden">{member.online ? ' (online)' : ' (offline)'}</span>
        <span className="member__tags">
          {member.role !== 'member' && <span className="role-tag">{member.role}</span>}
          {member.muted && (
            <span className="role-tag role-tag--muted" data-testid="member-muted">
              muted
            </span>
          )}
        </span>
        {manageable && (
          <button
            ref={toggle}
            type="button"
            className="icon-button member__manage"
            aria-label={`Manage ${name}`}
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            onClick={() => setOpen((o) => !o)}
          >
            <MoreIcon />
          </button>
        )}
      </div>
      {open && manageable && (
        <MemberActions
          id={panelId}
          roomId={room.id}
          member={member}
          allowed={allowed}
          onGone={onGone}
          onClose={() => {
            setOpen(false);
            toggle.current?.focus();
          }}
        />
      )}
    </li>
  );
}

interface MembersPanelProps {
  room: Room;
  meId: number | null;
  /** Opens the room's ban list (shown to owners and moderators). */
  onShowBans?: () => void;
}

/**
 * The room's members (`GET /api/rooms/{id}/members/`), online first, kept
 * live by `presence` and `member.*` events. Owners and moderators can add
 * people to a private room, open the ban list, and moderate each member they
 * outrank from the "Manage <name>" button on the member's row.
 */
export function MembersPanel({ room, meId, onShowBans }: MembersPanelProps) {
  const members = useMembers(room.id);
  const heading = useRef<HTMLHeadingElement>(null);
  const list = members.data ?? [];
  const online = list.filter((m) => m.online);
  const offline = list.filter((m) => !m.online);
  const manager = canManageRoom(room);
  // A removed or banned member's row (and the focus in it) is gone: put focus on the panel's title.
  const onGone = () => heading.current?.focus();

  const rows = (items: Member[]) =>
    items.map((m) => <MemberRow key={m.user.id} room={room} member={m} meId={meId} onGone={onGone} />);

  return (
    <section className="members-panel" aria-labelledby={`members-title-${room.id}`}>
      <div className="members-panel__header">
        <h2 id={`members-title-${room.id}`} className="panel-title" ref={heading} tabIndex={-1}>
          Members
        </h2>
        {manager && onShowBans && (
          <button type="button" className="button button--ghost button--small" onClick={onShowBans}>
            Bans
          </button>
        )}
      </div>
      {room.kind === 'private' && manager && <AddMemberForm roomId={room.id} />}
      {members.isPending ? (
        <p className="muted">Loading members…</p>
      ) : members.isError ? (
        <p className="field__error">{errorMessage(members.error)}</p>
      ) : (
        <>
          <h3 className="members-panel__group" id={`online-${room.id}`}>
            Online — {online.length}
          </h3>
          <ul className="member-list" aria-labelledby={`online-${room.id}`} data-testid="online-members">
            {rows(online)}
          </ul>
          {offline.length > 0 && (
            <>
              <h3 className="members-panel__group" id={`offline-${room.id}`}>
                Offline — {offline.length}
              </h3>
              <ul className="member-list" aria-labelledby={`offline-${room.id}`}>
                {rows(offline)}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
