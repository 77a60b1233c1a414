import { useState, type FormEvent } from 'react';
import { Dialog } from '@/components/Dialog';
import { FormField } from '@/components/FormField';
import { errorMessage, fieldErrors } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { useUpdateRoom, type RoomChange } from '../api/update-room';

/** The fields of `change` that differ from `room` (only those are sent). */
export function roomChanges(
  room: Room,
  name: string,
  topic: string,
  locked: boolean,
  notices: boolean = room.membership_notices ?? false,
): RoomChange {
  const change: RoomChange = {};
  if (name.trim() !== room.name) change.name = name.trim();
  if (topic.trim() !== room.topic) change.topic = topic.trim();
  if (locked !== room.is_locked) change.is_locked = locked;
  if (notices !== (room.membership_notices ?? false)) change.membership_notices = notices;
  return change;
}

/**
 * "Room settings" for owners and moderators: name, topic, lock and join/leave notices
 * (`PATCH /api/rooms/{id}/`, sending only what changed). A locked room lets
 * only its owners and moderators post. Closes when saved.
 */
export function RoomSettingsDialog({ room, onClose }: { room: Room; onClose: () => void }) {
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic);
  const [locked, setLocked] = useState(room.is_locked);
  const [notices, setNotices] = useState(room.membership_notices ?? false);
  const [nameMissing, setNameMissing] = useState(false);
  const update = useUpdateRoom(room.id);
  const errors = fieldErrors(update.error);
  const otherError =
    update.error && !errors.name && !errors.topic ? (errors.non_field_errors ?? errorMessage(update.error)) : null;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameMissing(true);
      return;
    }
    setNameMissing(false);
    const change = roomChanges(room, name, topic, locked, notices);
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    update.mutate(change, { onSuccess: onClose });
  }

  return (
    <Dialog title="Room settings" onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {otherError && (
          <div className="form-error" role="alert">
            {otherError}
          </div>
        )}
        <FormField
          label="Room name"
          name="name"
          maxLength={100}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameMissing ? 'Give the room a name.' : errors.name}
        />
        <FormField
          label="Topic"
          name="topic"
          maxLength={500}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          error={errors.topic}
          hint="Shown under the room's name."
        />
        <label className="choice">
          <input type="checkbox" name="is_locked" checked={locked} onChange={(e) => setLocked(e.target.checked)} />
          <span>
            <strong>Lock the room</strong> — only owners and moderators can post
          </span>
        </label>
        {room.kind !== 'direct' && (
          <label className="choice">
            <input
              type="checkbox"
              name="membership_notices"
              checked={notices}
              onChange={(e) => setNotices(e.target.checked)}
            />
            <span>
              <strong>Show joins and leaves</strong> — the timeline says when members join or leave
            </span>
          </label>
        )}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
