/**
 * What a command of the plugin rejects with. Branch on `kind`; show `message`, which says what
 * went wrong and what to do.
 *
 * Kinds the plugin sends:
 * - `invalidChannel`: the channel name is empty, longer than 25 characters or has characters a
 *   Twitch login cannot have.
 * - `channelNotAllowed`: the app's capability does not allow this channel.
 * - `shutdown`: the plugin is shutting down.
 * - `invalidEndpoint`: the app gave the plugin a chat endpoint it cannot use.
 * - `tauri`: Tauri failed while the command ran.
 *
 * And one these bindings add:
 * - `ipc`: Tauri refused the call before it reached the plugin (a missing permission, an
 *   argument it could not read); `message` is Tauri's own text.
 */
export interface TwitchChatError {
  kind: string
  message: string
}

/**
 * Tells whether a value is a {@link TwitchChatError}, such as what a command rejected with.
 *
 * @example
 * ```typescript
 * import { isTwitchChatError, track } from 'tauri-plugin-twitch-chat-api'
 *
 * try {
 *   await track('#some channel')
 * } catch (error) {
 *   if (isTwitchChatError(error) && error.kind === 'invalidChannel') {
 *     console.log(error.message)
 *   }
 * }
 * ```
 */
export function isTwitchChatError(value: unknown): value is TwitchChatError {
  if (typeof value !== 'object' || value === null) {
    return false
  }

  const { kind, message } = value as Record<string, unknown>
  return typeof kind === 'string' && typeof message === 'string'
}

/**
 * Turns whatever an invoke rejected with into a {@link TwitchChatError}: the plugin's own errors
 * pass through, and Tauri's bare strings become kind `ipc`.
 *
 * @example
 * ```typescript
 * toTwitchChatError('twitch-chat.track not allowed')
 * // { kind: 'ipc', message: 'twitch-chat.track not allowed' }
 * ```
 */
export function toTwitchChatError(error: unknown): TwitchChatError {
  if (isTwitchChatError(error)) {
    return error
  }

  const message = error instanceof Error ? error.message : String(error)
  return { kind: 'ipc', message }
}
