import { useSyncExternalStore } from 'react';
import { formatSize } from '@/lib/format';
import type { Limits } from '@/types/api';

/** Types the server serves inline and makes thumbnails of. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isImageType(contentType: string): boolean {
  return IMAGE_TYPES.has(contentType.toLowerCase());
}

/** The largest side of a thumbnail (the server's), and so of an image in the timeline. */
export const THUMBNAIL_MAX = 320;

/**
 * The size an image of `width` × `height` shows at in the timeline: its own,
 * scaled down so no side passes THUMBNAIL_MAX. Known before the thumbnail
 * arrives, so the row does not grow when it does.
 */
export function thumbnailBox(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_MAX / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A file picked for the next send; `key` tells two picks of the same name apart. */
export interface ChosenFile {
  key: string;
  file: File;
}

/**
 * Which of `incoming` may join `current` under `limits` (the server's
 * `GET /api/limits/`; without them only empty files are refused, and the
 * server checks the rest). Each refusal is a sentence naming the file.
 */
export function checkFiles(
  current: readonly File[],
  incoming: readonly File[],
  limits: Limits | undefined,
): { accepted: File[]; refused: string[] } {
  const accepted: File[] = [];
  const refused: string[] = [];
  let total = current.reduce((sum, f) => sum + f.size, 0);
  for (const file of incoming) {
    if (file.size === 0) {
      refused.push(`${file.name} is empty.`);
    } else if (limits && file.size > limits.upload_max_bytes) {
      refused.push(
        `${file.name} is too large (${formatSize(file.size)}; the limit is ${formatSize(limits.upload_max_bytes)}).`,
      );
    } else if (limits && current.length + accepted.length >= limits.upload_max_files) {
      refused.push(`${file.name} was not added: at most ${limits.upload_max_files} files per message.`);
    } else if (limits && total + file.size > limits.upload_max_request_bytes) {
      refused.push(
        `${file.name} was not added: the files of one message may total ${formatSize(limits.upload_max_request_bytes)}.`,
      );
    } else {
      accepted.push(file);
      total += file.size;
    }
  }
  return { accepted, refused };
}

/**
 * The files each room's composer holds for its next send, and why the last
 * ones offered were refused. Kept outside the composer so a drop anywhere on
 * the room, or a paste, adds to the same list; kept in memory only (a File
 * cannot be stored), so they are gone after a reload.
 */
export interface ChosenFiles {
  files: ChosenFile[];
  refused: string[];
}

const EMPTY: ChosenFiles = { files: [], refused: [] };
const chosen = new Map<number, ChosenFiles>();
const listeners = new Set<() => void>();
let nextKey = 0;

function set(roomId: number, value: ChosenFiles): void {
  if (value.files.length === 0 && value.refused.length === 0) chosen.delete(roomId);
  else chosen.set(roomId, value);
  listeners.forEach((listener) => listener());
}

/** Adds what `limits` allow of `files` to the room's list, and says why the others were not. */
export function chooseFiles(roomId: number, files: readonly File[], limits: Limits | undefined): void {
  const current = chosen.get(roomId) ?? EMPTY;
  const { accepted, refused } = checkFiles(
    current.files.map((c) => c.file),
    files,
    limits,
  );
  nextKey += accepted.length;
  const added = accepted.map((file, i) => ({ key: `f${nextKey - accepted.length + i}`, file }));
  set(roomId, { files: [...current.files, ...added], refused });
}

/** Takes one file off the room's list. */
export function unchooseFile(roomId: number, key: string): void {
  const current = chosen.get(roomId) ?? EMPTY;
  set(roomId, { files: current.files.filter((c) => c.key !== key), refused: [] });
}

/** Forgets why the last files were refused (the user read it). */
export function dismissRefused(roomId: number): void {
  const current = chosen.get(roomId) ?? EMPTY;
  set(roomId, { files: current.files, refused: [] });
}

/** Empties the room's list (after a send). */
export function clearChosenFiles(roomId: number): void {
  set(roomId, EMPTY);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The room's chosen files, re-rendering when they change. */
export function useChosenFiles(roomId: number): ChosenFiles {
  return useSyncExternalStore(
    subscribe,
    () => chosen.get(roomId) ?? EMPTY,
    () => EMPTY,
  );
}
