import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { membersQueryKey } from './get-members';
import { roomsQueryKey } from './get-rooms';

/** `POST /api/rooms/{id}/members/` `{username}` → 201 (owner and moderators; private rooms). */
export function addMember(roomId: number, username: string): Promise<unknown> {
  return apiRequest<unknown>(`/api/rooms/${roomId}/members/`, { method: 'POST', body: { username } });
}

/** Adds a user to a private room, then refreshes its member list and my room list (member_count). */
export function useAddMember(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) => addMember(roomId, username),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: membersQueryKey(roomId) });
      void queryClient.invalidateQueries({ queryKey: roomsQueryKey });
    },
  });
}
