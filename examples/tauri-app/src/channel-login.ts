// Channel names as people type them, turned into the login the plugin keeps.

/**
 * The login for a typed channel name: trimmed, without a leading `#`, lowercase. The plugin
 * checks the rest (length, characters) when the channel is tracked.
 *
 * @example
 * ```typescript
 * channelLogin('  #SomeStreamer ') // 'somestreamer'
 * ```
 */
export function channelLogin(typed: string): string {
  return typed.trim().replace(/^#/, '').toLowerCase()
}
