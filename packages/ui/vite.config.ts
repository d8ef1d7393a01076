import { defaultClientConditions, defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The server serves dist/ at `/` with history-routing fallback, so assets are absolute (`/assets/…`).
// `npm run dev` proxies the API to a server on :5000 (`npm start`).
export default defineConfig({
  plugins: [react()],
  base: '/',
  // Bundle @orchard/sdk/rest and @orchard/protocol from their TypeScript sources, so the UI builds
  // without the other packages being compiled first.
  resolve: { conditions: ['orchard-source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000, reportCompressedSize: false },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000', '/ajax-api': 'http://127.0.0.1:5000', '/get-artifact': 'http://127.0.0.1:5000' },
  },
})
