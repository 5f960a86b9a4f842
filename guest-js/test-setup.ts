// `@tauri-apps/api` and its mocks reach the backend through `window.__TAURI_INTERNALS__`.
// Node has no `window`; the global object stands in for it, which spares the tests a DOM.
Object.defineProperty(globalThis, 'window', {
  value: globalThis,
  configurable: true
})
