// Rendering paced by the display: however many events arrive, the page is updated at most
// once per animation frame.

/**
 * Wraps a render function so that calling the result many times within a frame renders once,
 * at the next animation frame.
 *
 * @example
 * ```typescript
 * const requestRender = oncePerFrame(() => list.render(state.selectedLog))
 * requestRender()
 * requestRender() // still one render
 * ```
 */
export function oncePerFrame(render: () => void): () => void {
  let requested = false
  return () => {
    if (requested) {
      return
    }
    requested = true
    requestAnimationFrame(() => {
      requested = false
      render()
    })
  }
}
