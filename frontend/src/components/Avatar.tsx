import type { CSSProperties } from 'react';

/** A stable hue (0–359) per name, so people are easy to tell apart. */
export function nameHue(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/** A person's initial on a colour of their own (decorative: aria-hidden). */
export function Avatar({ name, className = '' }: { name: string; className?: string }) {
  return (
    <span
      className={className ? `avatar ${className}` : 'avatar'}
      aria-hidden="true"
      style={{ '--avatar-hue': nameHue(name) } as CSSProperties}
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}
