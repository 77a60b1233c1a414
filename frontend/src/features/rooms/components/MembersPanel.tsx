import { errorMessage } from '../../../lib/api-client';
import type { Member } from '../../../types/api';
import { useMembers } from '../api/get-members';
import { AddMemberForm } from './AddMemberForm';

function MemberRow({ member }: { member: Member }) {
  return (
    <li className="member" data-testid="member" data-username={member.user.username} data-online={member.online}>
      <span className={`presence-dot${member.online ? ' is-online' : ''}`} aria-hidden="true" />
      <span className="member__name">{member.user.username}</span>
      <span className="visually-hidden">{member.online ? ' (online)' : ' (offline)'}</span>
      {member.role !== 'member' && <span className="role-tag">{member.role}</span>}
      {member.muted && <span className="role-tag role-tag--muted">muted</span>}
    </li>
  );
}

/**
 * The room's members (`GET /api/rooms/{id}/members/`), online first, kept
 * live by `presence` events; owners and moderators of a private room can add
 * people here.
 */
export function MembersPanel({ roomId, canAdd }: { roomId: number; canAdd: boolean }) {
  const members = useMembers(roomId);
  const list = members.data ?? [];
  const online = list.filter((m) => m.online);
  const offline = list.filter((m) => !m.online);

  return (
    <section className="members-panel" aria-labelledby={`members-title-${roomId}`}>
      <h2 id={`members-title-${roomId}`} className="panel-title">
        Members
      </h2>
      {canAdd && <AddMemberForm roomId={roomId} />}
      {members.isPending ? (
        <p className="muted">Loading members…</p>
      ) : members.isError ? (
        <p className="field__error">{errorMessage(members.error)}</p>
      ) : (
        <>
          <h3 className="members-panel__group" id={`online-${roomId}`}>
            Online — {online.length}
          </h3>
          <ul className="member-list" aria-labelledby={`online-${roomId}`} data-testid="online-members">
            {online.map((m) => (
              <MemberRow key={m.user.id} member={m} />
            ))}
          </ul>
          {offline.length > 0 && (
            <>
              <h3 className="members-panel__group" id={`offline-${roomId}`}>
                Offline — {offline.length}
              </h3>
              <ul className="member-list" aria-labelledby={`offline-${roomId}`}>
                {offline.map((m) => (
                  <MemberRow key={m.user.id} member={m} />
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
