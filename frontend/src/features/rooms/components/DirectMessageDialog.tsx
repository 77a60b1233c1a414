import { useState, type FormEvent } from 'react';
import { Dialog } from '@/components/Dialog';
import { FormField } from '@/components/FormField';
import { ApiError, errorMessage } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { useCreateDirect } from '../api/create-direct';

function directError(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'There is no user with that name.';
  if (error instanceof ApiError && error.status === 400) return error.message || 'You cannot message yourself.';
  return errorMessage(error);
}

/** "New direct message": Username to message; submit "Start conversation" (`POST /api/direct/`). */
export function DirectMessageDialog({ onClose, onOpened }: { onClose: () => void; onOpened: (room: Room) => void }) {
  const [username, setUsername] = useState('');
  const direct = useCreateDirect();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!name) return;
    direct.mutate(name, { onSuccess: (room) => onOpened(room) });
  }

  return (
    <Dialog title="New direct message" onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormField
          label="Username to message"
          name="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={direct.error ? directError(direct.error) : undefined}
        />
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={direct.isPending || !username.trim()}>
            Start conversation
          </button>
        </div>
      </form>
    </Dialog>
  );
}
