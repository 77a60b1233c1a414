import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { Notices } from '@/components/Notices';
import { subscribeToken, getToken } from '@/lib/auth-token';
import { createQueryClient } from '@/lib/query-client';
import { createAppRouter } from './router';

/** The app: query cache, router, notices. Logging out (or a 401) empties the cache. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);

  useEffect(
    () =>
      subscribeToken(() => {
        if (getToken() === null) queryClient.clear();
      }),
    [queryClient],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Notices />
    </QueryClientProvider>
  );
}
