import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useAddMember } from '../api/add-member';

function addError(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'There is no user with that name.';
  return errorMessage(error);
}

/** "Username to add" + "Add member" (`POST /api/rooms/{id}/members/`), for owners and moderators of private rooms. */
export function AddMemberForm({ roomId }: { roomId: number }) {
  const [username, setUsername] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const add = useAddMember(roomId);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!name) return;
    setAdded(null);
    add.mutate(name, {
      onSuccess: () => {
        setAdded(name);
        setUsername('');
      },
    });
  }

  return (
    <form className="add-member" onSubmit={onSubmit} noValidate>
      <label htmlFor={`add-member-${roomId}`}>Username to add</label>
      <div className="add-member__row">
        <input
          id={`add-member-${roomId}`}
          value={username}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={add.error ? true : undefined}
          aria-describedby={`add-member-${roomId}-note`}
        />
        <button type="submit" className="button button--primary" disabled={add.isPending || !username.trim()}>
          Add member
        </button>
      </div>
      <p
        id={`add-member-${roomId}-note`}
        className={add.error ? 'field__error' : 'field__hint'}
        role={add.error ? 'alert' : 'status'}
      >
        {add.error ? addError(add.error) : added ? `${added} was added.` : ''}
      </p>
    </form>
  );
}
