import { invoke, type InvokeArgs } from '@tauri-apps/api/core'

import { toTwitchChatError } from './error'
import type { StatusSnapshot } from './generated/StatusSnapshot'

/**
 * Calls one command of the plugin. A rejection is always a `TwitchChatError`.
 *
 * @example
 * ```typescript
 * const logins = await invokePlugin<string[]>('tracked')
 * ```
 */
export async function invokePlugin<T>(
  command: string,
  args?: InvokeArgs
): Promise<T> {
  try {
    return await invoke<T>(`plugin:twitch-chat|${command}`, args)
  } catch (error) {
    throw toTwitchChatError(error)
  }
}

/**
 * Starts tracking a channel: the plugin joins its chat and keeps it joined across reconnects.
 * Tracking a channel that is already tracked changes nothing.
 *
 * Resolves to the channel's login as the plugin keeps it (lowercase, without `#`). Rejects
 * with kind `invalidChannel`, `channelNotAllowed` or `shutdown`.
 *
 * @example
 * ```typescript
 * import { track } from 'tauri-plugin-twitch-chat-api'
 *
 * const login = await track('#SomeStreamer') // 'somestreamer'
 * ```
 */
export async function track(channel: string): Promise<string> {
  return await invokePlugin<string>('track', { channel })
}

/**
 * Stops tracking a channel and leaves its chat.
 *
 * Resolves to `true` if the channel was tracked. Rejects with kind `invalidChannel`.
 *
 * @example
 * ```typescript
 * import { untrack } from 'tauri-plugin-twitch-chat-api'
 *
 * const wasTracked = await untrack('somestreamer')
 * ```
 */
export async function untrack(channel: string): Promise<boolean> {
  return await invokePlugin<boolean>('untrack', { channel })
}

/**
 * The logins of the tracked channels, sorted.
 *
 * @example
 * ```typescript
 * import { tracked } from 'tauri-plugin-twitch-chat-api'
 *
 * const logins = await tracked() // ['somestreamer', 'otherstreamer']
 * ```
 */
export async function tracked(): Promise<string[]> {
  return await invokePlugin<string[]>('tracked')
}

/**
 * The connection's state and the state of every tracked channel, as they are now.
 *
 * @example
 * ```typescript
 * import { status } from 'tauri-plugin-twitch-chat-api'
 *
 * const { connection, channels } = await status()
 * if (connection.state === 'reconnecting') {
 *   console.log(`reconnecting in ${connection.retryInMs} ms: ${connection.reason}`)
 * }
 * ```
 */
export async function status(): Promise<StatusSnapshot> {
  return await invokePlugin<StatusSnapshot>('status')
}
