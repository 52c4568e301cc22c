// Builds the UI into web/dist, which the server serves at `/`. In development (`vite web`), API
// calls go to a running server, by default the one `npm start` opens.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.TRIBUTARY_URL ?? 'http://127.0.0.1:8080' },
  },
});
