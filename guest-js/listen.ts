import { Channel } from '@tauri-apps/api/core'

import { invokePlugin } from './commands'
import type { ChatEvent } from './generated/ChatEvent'
import type { ChatMessage } from './generated/ChatMessage'
import type { Delivery } from './generated/Delivery'
import type { EventKind } from './generated/EventKind'
import type { Moderation } from './generated/Moderation'
import type { RoomState } from './generated/RoomState'
import type { SubscribeOptions } from './generated/SubscribeOptions'
import type { UserNotice } from './generated/UserNotice'

/**
 * Ends a subscription: no event reaches its handler after the call, not even the rest of a batch
 * being delivered. Resolves once the plugin has dropped the subscription; calling it again does
 * nothing more and returns the same promise.
 */
export type UnlistenFn = () => Promise<void>

/** Which events {@link listen} asks the plugin for, and how it hands them over. */
export interface ListenOptions {
  /** Only events of these kinds. Default: every kind. */
  kinds?: EventKind[]
  /**
   * Only events of this channel (a login). Events that belong to no channel, such as
   * `connection` and `lagged`, still arrive when their kind is asked for.
   */
  channel?: string
  /**
   * First deliver the recent events of the tracked channels, oldest first, then the live ones,
   * with no gap or repeat between the two. Default: `true`.
   */
  replay?: boolean
  /**
   * Takes each batch whole, in order, instead of the handler taking its events one at a time:
   * an app that renders once per batch wants this.
   */
  onBatch?: (deliveries: Delivery[]) => void
  /**
   * Told when a delivery's `seq` is not the one expected, meaning events were lost or repeated
   * on their way to this page. Default: a `console.warn`.
   */
  onGap?: (expected: number, got: number) => void
}

/** Options of the helpers that listen to one kind of event. */
export interface KindListenOptions {
  /** Only events of this channel (a login). */
  channel?: string
  /** First deliver the tracked channels' recent events. Default: `true`. */
  replay?: boolean
}

/** An event about the connection or about one tracked channel. */
export type StatusEvent = Extract<ChatEvent, { kind: 'connection' | 'channel' }>

/**
 * Subscribes to the plugin's events. The handler is called once per event, in the order the
 * plugin sent them; `seq` counts the subscription's deliveries from 0. The plugin does the
 * filtering that `options` asks for: what arrives is handed over as it is.
 *
 * Rejects with a `TwitchChatError` if the plugin refuses the subscription.
 *
 * @example
 * ```typescript
 * import { listen } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listen(
 *   (event) => {
 *     if (event.kind === 'message') {
 *       console.log(`${event.sender.displayName}: ${event.text}`)
 *     } else if (event.kind === 'lagged') {
 *       console.log(`${event.dropped} events were dropped`)
 *     }
 *   },
 *   { kinds: ['message', 'lagged'], channel: 'somestreamer' }
 * )
 *
 * // later, when the view goes away
 * await unlisten()
 * ```
 */
export async function listen(
  handler: (event: ChatEvent, seq: number) => void,
  options: ListenOptions = {}
): Promise<UnlistenFn> {
  const { kinds, channel, replay, onBatch, onGap = warnGap } = options
  let listening = true
  let expectedSeq = 0

  const checkSeq = (seq: number) => {
    if (seq !== expectedSeq) {
      onGap(expectedSeq, seq)
    }
    expectedSeq = seq + 1
  }

  // Without the `twitch-chat:allow-ack` permission the plugin stops after a few batches: say
  // so once, loudly, rather than let the page go quiet.
  let ackRefusalReported = false
  const reportRefusedAck = (error: unknown) => {
    if (listening && !ackRefusalReported) {
      ackRefusalReported = true
      console.error(
        'twitch-chat: acknowledging a batch failed; is twitch-chat:allow-ack granted?',
        error
      )
    }
  }

  // The plugin sends a few batches ahead and then waits until they are acknowledged, so a
  // page that falls behind is told what it lost instead of piling batches up in the webview.
  // A batch can arrive before `subscribe` has answered with the id; its acknowledgement waits.
  let id: number | undefined
  let unacknowledged = 0
  const acknowledge = () => {
    if (id === undefined) {
      unacknowledged += 1
      return
    }
    invokePlugin<boolean>('ack', { id, batches: 1 }).catch(reportRefusedAck)
  }

  const deliver = (batch: Delivery[]) => {
    if (onBatch) {
      batch.forEach(({ seq }) => checkSeq(seq))
      onBatch(batch)
      return
    }

    for (const { seq, event } of batch) {
      // The handler may unlisten halfway through a batch; the rest of it is not delivered.
      if (!listening) {
        return
      }
      checkSeq(seq)
      handler(event, seq)
    }
  }

  const onEvent = new Channel<Delivery[]>((batch) => {
    if (!listening) {
      return
    }
    try {
      deliver(batch)
    } finally {
      if (listening) {
        acknowledge()
      }
    }
  })

  // Every field is sent: the plugin's own default for a missing `replay` is false.
  const subscribeOptions: SubscribeOptions = {
    kinds: kinds ?? null,
    channel: channel ?? null,
    replay: replay ?? true
  }

  try {
    id = await invokePlugin<number>('subscribe', {
      onEvent,
      options: subscribeOptions
    })
  } catch (error) {
    listening = false
    throw error
  }
  if (unacknowledged > 0) {
    invokePlugin<boolean>('ack', { id, batches: unacknowledged }).catch(
      reportRefusedAck
    )
    unacknowledged = 0
  }
  const subscription = id

  let unsubscribed: Promise<void> | undefined
  return () => {
    listening = false
    unsubscribed ??= invokePlugin<boolean>('unsubscribe', {
      id: subscription
    }).then(() => {})
    return unsubscribed
  }
}

/**
 * Subscribes to chat messages only.
 *
 * @example
 * ```typescript
 * import { listenMessages } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listenMessages(
 *   (message) => console.log(`${message.sender.displayName}: ${message.text}`),
 *   { channel: 'somestreamer' }
 * )
 * ```
 */
export async function listenMessages(
  handler: (message: ChatMessage) => void,
  options: KindListenOptions = {}
): Promise<UnlistenFn> {
  return await listenKinds(['message'], handler, options)
}

/**
 * Subscribes to channel notices only: subscriptions, gifts, raids, announcements and the like.
 *
 * @example
 * ```typescript
 * import { listenNotices } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listenNotices((notice) => {
 *   if (notice.event.type === 'raid') {
 *     console.log(`${notice.sender.displayName} raids with ${notice.event.viewerCount}`)
 *   }
 * })
 * ```
 */
export async function listenNotices(
  handler: (notice: UserNotice) => void,
  options: KindListenOptions = {}
): Promise<UnlistenFn> {
  return await listenKinds(['notice'], handler, options)
}

/**
 * Subscribes to moderation only: bans, timeouts, cleared chat and deleted messages, so that an
 * app can hide what a moderator removed.
 *
 * @example
 * ```typescript
 * import { listenModeration } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listenModeration(({ action }) => {
 *   if (action.type === 'deleteMessage') {
 *     document.getElementById(action.messageId)?.remove()
 *   }
 * })
 * ```
 */
export async function listenModeration(
  handler: (moderation: Moderation) => void,
  options: KindListenOptions = {}
): Promise<UnlistenFn> {
  return await listenKinds(['moderation'], handler, options)
}

/**
 * Subscribes to changes of chat modes only (emote-only, followers-only, slow mode and so on).
 * A field that is absent did not change.
 *
 * @example
 * ```typescript
 * import { listenRoomState } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listenRoomState((room) => {
 *   if (room.slowSeconds !== null) {
 *     console.log(`slow mode: ${room.slowSeconds} s`)
 *   }
 * })
 * ```
 */
export async function listenRoomState(
  handler: (roomState: RoomState) => void,
  options: KindListenOptions = {}
): Promise<UnlistenFn> {
  return await listenKinds(['roomState'], handler, options)
}

/**
 * Subscribes to the connection's state and the tracked channels' states. The current states
 * arrive first, then every change.
 *
 * @example
 * ```typescript
 * import { listenStatus } from 'tauri-plugin-twitch-chat-api'
 *
 * const unlisten = await listenStatus((event) => {
 *   if (event.kind === 'connection') {
 *     console.log(`connection: ${event.state}`)
 *   } else {
 *     console.log(`${event.channel}: ${event.state.state}`)
 *   }
 * })
 * ```
 */
export async function listenStatus(
  handler: (event: StatusEvent) => void,
  options: KindListenOptions = {}
): Promise<UnlistenFn> {
  return await listenKinds(['connection', 'channel'], handler, options)
}

/**
 * Listens to the given kinds and hands over only events of those kinds, so that the handler's
 * type holds even if the plugin sends another kind.
 */
async function listenKinds<K extends EventKind>(
  kinds: K[],
  handler: (event: Extract<ChatEvent, { kind: K }>) => void,
  { channel, replay }: KindListenOptions
): Promise<UnlistenFn> {
  const wanted = new Set<EventKind>(kinds)
  const narrowed = (event: ChatEvent) => {
    if (wanted.has(event.kind)) {
      handler(event as Extract<ChatEvent, { kind: K }>)
    } else if (event.kind === 'lagged') {
      // Limitation: the plugin reports dropped events to every subscriber, but these helpers
      // have no place to hand that to; an app that must know uses `listen` with `lagged`.
      console.warn(
        `twitch-chat: this page fell behind and lost ${event.dropped} events`
      )
    }
  }

  return await listen(narrowed, { kinds, channel, replay })
}

function warnGap(expected: number, got: number) {
  console.warn(
    `twitch-chat: delivery ${got} arrived where ${expected} was expected, so events were ` +
      'lost or repeated on their way to this page'
  )
}
