// The shown channel's chat modes, or why it has no chat, in the header.

import type { ChannelLog, ChatModes } from './channel-log'
import { duration } from './duration'

/**
 * Describes the shown channel in the header: `#channel · slow mode 30 s · emote-only`, or the
 * reason the channel could not be joined.
 *
 * @example
 * ```typescript
 * showRoomState(document.querySelector('#room-state')!, state.selectedLog)
 * ```
 */
export function showRoomState(
  element: HTMLElement,
  log: ChannelLog | null
): void {
  const text = log ? describe(log) : ''
  if (element.textContent !== text) {
    element.textContent = text
  }
}

function describe(log: ChannelLog): string {
  const channel = `#${log.channel}`
  switch (log.state?.state) {
    case 'failed':
      return `${channel} could not be joined: ${log.state.message}`
    case 'parted':
      return `${channel} · left`
    case 'joined':
      return [channel, ...modeNames(log.modes)].join(' · ')
    default:
      return `${channel} · joining…`
  }
}

function modeNames(modes: ChatModes): string[] {
  const names: string[] = []
  if (modes.emoteOnly) {
    names.push('emote-only')
  }
  if (modes.followersOnly?.mode === 'on') {
    const { minutes } = modes.followersOnly
    names.push(
      minutes > 0
        ? `followers-only (${duration(minutes * 60)})`
        : 'followers-only'
    )
  }
  if (modes.slowSeconds) {
    names.push(`slow mode ${duration(modes.slowSeconds)}`)
  }
  if (modes.subscribersOnly) {
    names.push('subscribers-only')
  }
  if (modes.uniqueChat) {
    names.push('unique chat')
  }
  if (names.length === 0) {
    names.push(
      Object.keys(modes).length === 0
        ? 'chat modes not known yet'
        : 'no chat modes'
    )
  }
  return names
}
