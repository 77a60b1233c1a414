import { useState } from 'react';
import { fieldErrors } from '@/lib/api-client';

const NONE: ReadonlySet<string> = new Set();

export interface ServerErrors {
  /** The field errors of `error` (see fieldErrors) minus those of fields edited since it came. */
  errors: Record<string, string>;
  /** A field was edited since `error` came: its form-wide error is stale too. */
  stale: boolean;
  /** Call from a field's onChange. */
  edited: (field: string) => void;
}

/**
 * The server's answer to the last submit, as long as it still applies: a
 * field's error goes once that field changes, and the form-wide error
 * (`non_field_errors`, a network error) once any field changes. A new error
 * starts afresh.
 */
export function useServerErrors(error: unknown): ServerErrors {
  const [edits, setEdits] = useState<{ error: unknown; fields: ReadonlySet<string> }>({ error: null, fields: NONE });
  const fields = edits.error === error ? edits.fields : NONE;
  const errors: Record<string, string> = {};
  for (const [name, text] of Object.entries(fieldErrors(error))) {
    if (fields.has(name) || (name === 'non_field_errors' && fields.size > 0)) continue;
    errors[name] = text;
  }
  return {
    errors,
    stale: fields.size > 0,
    edited: (field) => {
      if (!error || fields.has(field)) return;
      setEdits({ error, fields: new Set([...fields, field]) });
    },
  };
}
