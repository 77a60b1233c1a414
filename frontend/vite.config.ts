/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The backend (Django + Channels under daphne) listens here in development;
// BACKEND_URL overrides it (e.g. BACKEND_URL=http://127.0.0.1:8001 npm run dev).
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:8000';

// In production Django serves dist/ from the same origin: index.html for every
// non-API path and the hashed bundles under /assets/. The dev server mirrors
// that by proxying the server-owned paths to the backend.
export default defineConfig({
  plugins: [react()],
  // `@/x` is src/x, as tsconfig.json's paths say; Vitest reads this config too.
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend },
      '/ws': { target: backend, ws: true },
      '/admin': { target: backend },
      '/healthz': { target: backend },
      // Django admin's own CSS/JS, so /admin looks right through the dev server.
      '/static': { target: backend },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
