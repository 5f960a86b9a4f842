// The connection's state in words, always on screen.

import type { ConnectionStatus } from 'tauri-plugin-twitch-chat-api'

/**
 * Shows the connection's state in the status element: its text starts with `connecting`,
 * `connected`, `reconnecting` or `disconnected`, and `data-state` names the state.
 *
 * @example
 * ```typescript
 * showConnection(document.querySelector('#connection-status')!, state.connection, null)
 * ```
 */
export function showConnection(
  element: HTMLElement,
  connection: ConnectionStatus | null,
  serverNotice: string | null
): void {
  const state = connection?.state ?? 'unknown'
  const text =
    connectionText(connection) + (serverNotice ? ` · ${serverNotice}` : '')
  if (element.dataset.state !== state) {
    element.dataset.state = state
  }
  if (element.textContent !== text) {
    element.textContent = text
  }
}

function connectionText(connection: ConnectionStatus | null): string {
  switch (connection?.state) {
    case undefined:
      return 'waiting for the plugin'
    case 'connecting':
      return `connecting (attempt ${connection.attempt})`
    case 'connected':
      return connection.mayHaveMissed
        ? 'connected · messages may have been missed'
        : 'connected'
    case 'reconnecting':
      return `reconnecting (attempt ${connection.attempt}) in ${seconds(connection.retryInMs)}: ${connection.reason}`
    case 'disconnected':
      return `disconnected: ${connection.reason}`
  }
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`
}
