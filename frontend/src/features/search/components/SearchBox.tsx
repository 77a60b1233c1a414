import { useId, useState, type FormEvent } from 'react';
import { SearchIcon } from '@/components/Icons';

interface SearchBoxProps {
  /** The search landmark's name; unique on the page. */
  landmark?: string;
  /** Called with the trimmed text when it is not blank. */
  onSearch: (q: string) => void;
  label?: string;
  className?: string;
}

/**
 * A search field (`role="search"`, named `landmark` so it differs from the
 * search page's own form): Enter searches messages.
 */
export function SearchBox({
  onSearch,
  label = 'Search messages',
  landmark = 'Quick search',
  className = '',
}: SearchBoxProps) {
  const [value, setValue] = useState('');
  const id = useId();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const q = value.trim();
    if (q) onSearch(q);
  }

  return (
    <form role="search" aria-label={landmark} className={`search-box ${className}`} onSubmit={onSubmit}>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <span className="search-box__icon" aria-hidden="true">
        <SearchIcon size={16} />
      </span>
      <input
        id={id}
        type="search"
        value={value}
        placeholder={`${label}…`}
        autoComplete="off"
        onChange={(e) => setValue(e.target.value)}
      />
    </form>
  );
}
