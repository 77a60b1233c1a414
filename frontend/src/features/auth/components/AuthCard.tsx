import type { ReactNode } from 'react';
import { ChatIcon } from '@/components/Icons';

/** The centred card around the login and sign-up forms. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-card__brand" aria-hidden="true">
          <span className="brand-mark brand-mark--large">
            <ChatIcon size={30} />
          </span>
        </div>
        <h1>{title}</h1>
        {children}
        <p className="auth-card__footer">{footer}</p>
      </div>
    </main>
  );
}
