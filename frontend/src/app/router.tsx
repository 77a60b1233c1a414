import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { useAuthToken } from '@/features/auth/hooks/use-auth-token';
import { ChatLayout } from './routes/ChatLayout';
import { HomeRoute } from './routes/HomeRoute';
import { ForgotPasswordRoute, LoginRoute, ResetPasswordRoute, SignupRoute } from './routes/AuthRoutes';
import { RoomRoute } from './routes/RoomRoute';
import { SearchRoute } from './routes/SearchRoute';
import { RealtimeProvider } from './realtime/RealtimeProvider';

/** Logged-in pages: without a token, go to /login (and come back after). */
function RequireAuth() {
  const token = useAuthToken();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return (
    <RealtimeProvider key={token}>
      <Outlet />
    </RealtimeProvider>
  );
}

/**
 * Routes: `/login`, `/signup`, `/forgot-password`, `/reset-password/:uid/:token`
 * (the reset email's link), `/` (room list), `/rooms/:roomId`,
 * `/rooms/:roomId/m/:seq` (a message's permalink),
 * `/search?q=&room=`; anything
 * else goes to `/`. Django serves index.html for every non-API path, so deep
 * links work on reload.
 */
export function createAppRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginRoute /> },
    { path: '/signup', element: <SignupRoute /> },
    { path: '/forgot-password', element: <ForgotPasswordRoute /> },
    { path: '/reset-password/:uid/:token', element: <ResetPasswordRoute /> },
    {
      element: <RequireAuth />,
      children: [
        {
          element: <ChatLayout />,
          children: [
            { index: true, element: <HomeRoute /> },
            { path: 'rooms/:roomId', element: <RoomRoute /> },
            { path: 'rooms/:roomId/m/:seq', element: <RoomRoute /> },
            { path: 'search', element: <SearchRoute /> },
          ],
        },
      ],
    },
    { path: '*', element: <Navigate to="/" replace /> },
  ]);
}
