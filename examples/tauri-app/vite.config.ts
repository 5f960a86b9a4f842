import { defineConfig } from 'vite'

// The Tauri CLI opens devUrl (http://localhost:1420) from tauri.conf.json, so the port is
// fixed and Vite must fail rather than pick another one.
export default defineConfig({
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: '127.0.0.1',
    watch: { ignored: ['**/src-tauri/**'] }
  },
  resolve: {
    // The bindings are linked from the repository root with their own node_modules; one
    // copy of the Tauri API keeps a single IPC layer in the page.
    dedupe: ['@tauri-apps/api']
  },
  build: {
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true
  }
})
