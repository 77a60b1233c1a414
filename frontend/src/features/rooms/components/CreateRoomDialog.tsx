import { useState, type FormEvent } from 'react';
import { Dialog } from '@/components/Dialog';
import { FormField } from '@/components/FormField';
import { errorMessage, fieldErrors } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { useCreateRoom } from '../api/create-room';

/** "New room": Room name, Topic (optional), Public/Private; submit "Create room" (`POST /api/rooms/`). */
export function CreateRoomDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (room: Room) => void }) {
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<'public' | 'private'>('public');
  const [nameMissing, setNameMissing] = useState(false);
  const create = useCreateRoom();
  const errors = fieldErrors(create.error);
  const otherError =
    create.error && Object.keys(errors).length === 0
      ? errorMessage(create.error)
      : (errors.non_field_errors ?? errors.kind);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameMissing(true);
      return;
    }
    setNameMissing(false);
    create.mutate(
      { name: name.trim(), kind, topic: topic.trim() || undefined },
      { onSuccess: (room) => onCreated(room) },
    );
  }

  return (
    <Dialog title="Create a room" onClose={onClose}>
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
          label="Topic (optional)"
          name="topic"
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          error={errors.topic}
        />
        <fieldset className="choice-group">
          <legend>Who can join?</legend>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              value="public"
              checked={kind === 'public'}
              onChange={() => setKind('public')}
            />
            <span>
              <strong>Public</strong> — anyone can find and join it
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              value="private"
              checked={kind === 'private'}
              onChange={() => setKind('private')}
            />
            <span>
              <strong>Private</strong> — only people you add
            </span>
          </label>
        </fieldset>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create room'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
