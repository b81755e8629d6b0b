// The web UI's build: static files under dist/ui that the API server serves (src/api/ui-files.ts).
// scripts/build.mjs builds into dist.next/ui; `npx vite ui` serves the UI with hot reload and sends
// /api to a running `arco dev` (ARCO_URL, default http://127.0.0.1:3000).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: '../dist/ui',
    // Hashed files under /static/ (src/api/ui-files.ts caches them as immutable); /assets/… is the UI's asset pages.
    assetsDir: 'static',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      output: {
        // React and TanStack Query change only with a dependency update: their own chunk stays cached
        // across releases of the app, and downloads beside the app's entry. Each page is a chunk of
        // its own already (React.lazy in App.tsx); the lineage graph's dagre goes with its page.
        codeSplitting: { groups: [{ name: 'vendor', test: /node_modules[\\/](react|react-dom|scheduler|@tanstack)[\\/]/ }] },
      },
      // TanStack Query marks its modules "use client" for server-rendering frameworks; a plain
      // browser bundle has no such boundary, so the notice says nothing here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': process.env.ARCO_URL ?? 'http://127.0.0.1:3000' } },
});
