/**
 * The dashboard's build: `vite build` writes dist/, which query-api serves at `/`
 * (services/query-api/src/dashboard-static.ts). `vite` (dev) proxies the API of a local stack.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  // bundle the workspace packages' TypeScript sources (their default export is the compiled dist/)
  resolve: { conditions: ['@tally/source', 'module', 'browser', 'development|production'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 900 },
  server: {
    port: 5173,
    proxy: { '/v1': { target: process.env.QUERY_URL ?? 'http://127.0.0.1:3002', changeOrigin: true } },
  },
});
