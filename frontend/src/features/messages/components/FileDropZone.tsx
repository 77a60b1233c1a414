import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useLimits } from '../api/get-limits';
import { chooseFiles } from '../lib/attachments';

interface FileDropZoneProps {
  roomId: number;
  roomName: string;
  /** No drop while posting is impossible (the composer says why). */
  disabled: boolean;
  className?: string;
  children: ReactNode;
}

function carriesFiles(event: DragEvent): boolean {
  return [...event.dataTransfer.types].includes('Files');
}

/**
 * The room's conversation as a drop target: files dropped anywhere on it
 * join the composer's next send (lib/attachments, checked against the
 * limits), and focus goes to the composer so Enter sends them. While files
 * are dragged over it, an overlay says where they will go.
 */
export function FileDropZone({ roomId, roomName, disabled, className, children }: FileDropZoneProps) {
  const limits = useLimits().data;
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the pointer left.
  const depth = useRef(0);

  function onDragEnter(event: DragEvent) {
    if (disabled || !carriesFiles(event)) return;
    event.preventDefault();
    depth.current += 1;
    setOver(true);
  }

  function onDragOver(event: DragEvent) {
    if (disabled || !carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }

  function onDragLeave(event: DragEvent) {
    if (disabled || !carriesFiles(event)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setOver(false);
  }

  function onDrop(event: DragEvent) {
    depth.current = 0;
    setOver(false);
    if (disabled || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    chooseFiles(roomId, [...event.dataTransfer.files], limits);
    document.getElementById(`composer-${roomId}`)?.focus();
  }

  return (
    <div
      className={`${className ?? ''} file-drop${over ? ' is-over' : ''}`}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      data-testid="file-drop"
    >
      {children}
      {over && (
        <div className="file-drop__overlay" aria-hidden="true">
          Drop files to send them to {roomName}
        </div>
      )}
    </div>
  );
}
