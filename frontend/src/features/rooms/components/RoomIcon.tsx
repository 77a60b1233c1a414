import { LockIcon } from '@/components/Icons';
import type { RoomKind } from '@/types/api';

const LABEL: Record<RoomKind, string> = { public: 'Public room', private: 'Private room', direct: 'Direct message' };

/** The room kind as a small glyph, with its name for screen readers when `labelled`. */
export function RoomIcon({ kind, labelled = false }: { kind: RoomKind; labelled?: boolean }) {
  return (
    <span className={`room-icon room-icon--${kind}`} aria-hidden={labelled ? undefined : true} title={LABEL[kind]}>
      {labelled ? <span className="visually-hidden">{LABEL[kind]}: </span> : null}
      <span aria-hidden="true">{kind === 'private' ? <LockIcon /> : kind === 'public' ? '#' : '@'}</span>
    </span>
  );
}
