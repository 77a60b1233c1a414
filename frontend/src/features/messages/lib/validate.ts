import { MAX_BODY_LENGTH } from '@/types/api';

/**
 * Checks a message body (contract: 1 to 4000 characters after stripping
 * white space). Returns the trimmed body, or a reason it cannot be sent.
 */
export function validateBody(
  raw: string,
): { ok: true; body: string } | { ok: false; reason: 'empty' | 'too_long'; length: number } {
  const body = raw.trim();
  if (body.length === 0) return { ok: false, reason: 'empty', length: 0 };
  if (body.length > MAX_BODY_LENGTH) return { ok: false, reason: 'too_long', length: body.length };
  return { ok: true, body };
}
