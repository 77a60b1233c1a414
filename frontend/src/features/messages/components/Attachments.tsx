import { useEffect, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { Dialog } from '@/components/Dialog';
import { DownloadIcon, FileIcon } from '@/components/Icons';
import { apiBlob, ApiError, errorMessage } from '@/lib/api-client';
import { formatSize } from '@/lib/format';
import type { Attachment } from '@/types/api';
import { useAttachmentBlob } from '../api/get-attachment';
import { isImageType, thumbnailBox } from '../lib/attachments';
import { useMessageTabIndex } from '../lib/message-focus';

/**
 * An object URL for `blob` while the component shows it, revoked when it
 * goes (or the blob changes), so the bytes can be freed.
 */
export function useObjectUrl(blob: Blob | null | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return;
    const next = URL.createObjectURL(blob);
    setUrl(next);
    return () => {
      URL.revokeObjectURL(next);
      setUrl(null);
    };
  }, [blob]);
  return url;
}

/** Saves `blob` as `name` through a temporary `<a download>` (the server's Content-Disposition is not seen by a blob URL). */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the URL by now; a revoke in the same task could cancel it.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function unavailable(error: unknown): string {
  return error instanceof ApiError && error.status === 404 ? 'This file is no longer available.' : errorMessage(error);
}

/** A message's files: images as thumbnails that open a lightbox, the others as download cards. */
export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments" data-testid="attachments">
      {attachments.map((a) => (
        <li key={a.id} className="attachments__item">
          {a.thumbnail_url ? (
            <ImageAttachment attachment={a} thumbnailUrl={a.thumbnail_url} />
          ) : (
            <FileCard attachment={a} />
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * A thumbnail at the image's aspect ratio, in a box sized before it loads
 * (no jump when it does); a click opens the full image.
 */
function ImageAttachment({ attachment, thumbnailUrl }: { attachment: Attachment; thumbnailUrl: string }) {
  const [open, setOpen] = useState(false);
  const tabIndex = useMessageTabIndex();
  const thumbnail = useAttachmentBlob(thumbnailUrl);
  const src = useObjectUrl(thumbnail.data);
  const box = thumbnailBox(attachment.width ?? 320, attachment.height ?? 240);
  return (
    <>
      <button
        type="button"
        className="attachment-image"
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        tabIndex={tabIndex}
        aria-label={`Open image ${attachment.name}`}
        aria-haspopup="dialog"
        data-testid="attachment-image"
        data-name={attachment.name}
        data-loaded={src ? 'true' : undefined}
        onClick={() => setOpen(true)}
      >
        {src ? (
          <img src={src} alt={attachment.name} width={box.width} height={box.height} />
        ) : thumbnail.isError ? (
          <span className="attachment-image__note">{unavailable(thumbnail.error)}</span>
        ) : (
          <span className="attachment-image__note">Loading…</span>
        )}
      </button>
      {open && <Lightbox attachment={attachment} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * The full image in a dialog (Escape closes it), with a download link. Put
 * on the page's body, and keys kept from the message row, whose arrow keys
 * would otherwise move focus out of it.
 */
function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const full = useAttachmentBlob(attachment.url);
  const src = useObjectUrl(full.data);
  return createPortal(
    <div onKeyDown={(e: KeyboardEvent) => e.stopPropagation()}>
      <Dialog title={attachment.name} onClose={onClose} className="dialog--wide">
        <div className="lightbox" data-testid="lightbox">
          {src ? (
            <img
              className="lightbox__image"
              src={src}
              alt={attachment.name}
              width={attachment.width ?? undefined}
              height={attachment.height ?? undefined}
            />
          ) : full.isError ? (
            <p className="field__error" role="alert">
              {unavailable(full.error)}
            </p>
          ) : (
            <p className="muted" role="status">
              Loading…
            </p>
          )}
        </div>
        <div className="lightbox__actions">
          <span className="muted">{formatSize(attachment.size)}</span>
          {src && (
            <a className="button" href={src} download={attachment.name} data-testid="lightbox-download">
              <DownloadIcon /> Download
            </a>
          )}
        </div>
      </Dialog>
    </div>,
    document.body,
  );
}

/** A file that is not shown inline: icon, name and size; a click downloads it under its name. */
function FileCard({ attachment }: { attachment: Attachment }) {
  const tabIndex = useMessageTabIndex();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function download() {
    setBusy(true);
    setError(null);
    apiBlob(attachment.url)
      .then((blob) => saveBlob(blob, attachment.name))
      .catch((e: unknown) => setError(unavailable(e)))
      .finally(() => setBusy(false));
  }

  return (
    <>
      <button
        type="button"
        className="file-card"
        tabIndex={tabIndex}
        onClick={download}
        disabled={busy}
        aria-label={`Download ${attachment.name}, ${formatSize(attachment.size)}`}
        data-testid="attachment-file"
        data-name={attachment.name}
      >
        <span className="file-card__icon">
          <FileIcon />
        </span>
        <span className="file-card__text">
          <span className="file-card__name">{attachment.name}</span>
          <span className="file-card__size">{busy ? 'Downloading…' : formatSize(attachment.size)}</span>
        </span>
        <span className="file-card__action">
          <DownloadIcon />
        </span>
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** The files of a send not confirmed yet: images previewed from the local file, others as name and size. */
export function PendingAttachments({ files }: { files: readonly File[] }) {
  return (
    <ul className="attachments" aria-label="Attachments" data-testid="pending-attachments">
      {files.map((file, i) => (
        <li key={`${i}-${file.name}`} className="attachments__item">
          {isImageType(file.type) ? <LocalImage file={file} /> : <PendingFile file={file} />}
        </li>
      ))}
    </ul>
  );
}

function LocalImage({ file }: { file: File }) {
  const src = useObjectUrl(file);
  return <span className="attachment-image attachment-image--local">{src && <img src={src} alt={file.name} />}</span>;
}

function PendingFile({ file }: { file: File }) {
  return (
    <span className="file-card file-card--pending">
      <span className="file-card__icon">
        <FileIcon />
      </span>
      <span className="file-card__text">
        <span className="file-card__name">{file.name}</span>
        <span className="file-card__size">{formatSize(file.size)}</span>
      </span>
    </span>
  );
}
