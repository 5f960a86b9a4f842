import { Channel } from '@tauri-apps/api/core'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, test, vi } from 'vitest'

import {
  listen,
  listenMessages,
  listenModeration,
  listenNotices,
  listenRoomState,
  listenStatus,
  type ChatEvent,
  type Delivery,
  type EventKind,
  type KindListenOptions
} from './index'

interface Call {
  cmd: string
  args: Record<string, unknown>
}

interface MockedPlugin {
  calls: Call[]
  /** Sends one batch on the subscription's channel, the way the Rust side does. */
  send: (batch: Delivery[]) => void
}

interface TauriInternals {
  runCallback: (id: number, data: unknown) => void
}

const SUBSCRIPTION_ID = 7

/** A plugin that accepts one subscription and lets the test push batches into it. */
function mockPlugin(): MockedPlugin {
  const calls: Call[] = []
  let onEvent: Channel<Delivery[]> | undefined
  let index = 0

  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> })
    if (cmd === 'plugin:twitch-chat|subscribe') {
      onEvent = (args as { onEvent: Channel<Delivery[]> }).onEvent
      return SUBSCRIPTION_ID
    }
    return true
  })

  const send = (batch: Delivery[]) => {
    if (onEvent === undefined) {
      throw new Error('nothing subscribed yet')
    }
    const internals = (
      window as unknown as { __TAURI_INTERNALS__: TauriInternals }
    ).__TAURI_INTERNALS__
    internals.runCallback(onEvent.id, { index, message: batch })
    index += 1
  }

  return { calls, send }
}

function subscribeCalls(calls: Call[]): Call[] {
  return calls.filter(({ cmd }) => cmd === 'plugin:twitch-chat|subscribe')
}

function ackCalls(calls: Call[]): Call[] {
  return calls.filter(({ cmd }) => cmd === 'plugin:twitch-chat|ack')
}

function unsubscribeCalls(calls: Call[]): Call[] {
  return calls.filter(({ cmd }) => cmd === 'plugin:twitch-chat|unsubscribe')
}

function message(id: string, text: string): ChatEvent {
  return {
    kind: 'message',
    id,
    channel: 'alpha',
    channelId: '100000001',
    sender: { login: 'viewer_one', id: '200000001', displayName: 'ViewerOne' },
    color: null,
    badges: [],
    badgeInfo: [],
    text,
    isAction: false,
    fragments: [],
    bits: null,
    reply: null,
    firstMessage: false,
    returningChatter: false,
    highlighted: false,
    rewardId: null,
    msgId: null,
    sharedChat: null,
    historical: false,
    deleted: false,
    serverTime: 1700000001731
  }
}

const connected: ChatEvent = {
  kind: 'connection',
  state: 'connected',
  mayHaveMissed: false
}

const lagged: ChatEvent = { kind: 'lagged', dropped: 3 }

/** Numbers the events from `first` on, as the plugin does. */
function deliveries(first: number, ...events: ChatEvent[]): Delivery[] {
  return events.map((event, offset) => ({ seq: first + offset, event }))
}

afterEach(() => {
  clearMocks()
  vi.restoreAllMocks()
})

describe('listen', () => {
  test('subscribes to everything, with the backlog, when given no options', async () => {
    const plugin = mockPlugin()

    await listen(() => {})

    const [call] = subscribeCalls(plugin.calls)
    expect(call.args.onEvent).toBeInstanceOf(Channel)
    expect(call.args.options).toEqual({
      kinds: null,
      channel: null,
      replay: true
    })
  })

  test('passes kinds, channel and replay to the plugin as given', async () => {
    const plugin = mockPlugin()

    await listen(() => {}, {
      kinds: ['message', 'lagged'],
      channel: 'alpha',
      replay: false
    })

    const [call] = subscribeCalls(plugin.calls)
    expect(call.args.options).toEqual({
      kinds: ['message', 'lagged'],
      channel: 'alpha',
      replay: false
    })
  })

  test('hands over every event of every batch in order, filtering nothing', async () => {
    const plugin = mockPlugin()
    const received: Array<[ChatEvent, number]> = []
    await listen((event, seq) => received.push([event, seq]), {
      kinds: ['message']
    })

    plugin.send(deliveries(0, connected, message('m1', 'first')))
    plugin.send(deliveries(2, lagged, message('m2', 'second')))

    expect(received).toEqual([
      [connected, 0],
      [message('m1', 'first'), 1],
      [lagged, 2],
      [message('m2', 'second'), 3]
    ])
  })

  test('onBatch takes whole batches instead of the handler', async () => {
    const plugin = mockPlugin()
    const handler = vi.fn()
    const batches: Delivery[][] = []
    await listen(handler, { onBatch: (batch) => batches.push(batch) })
    const first = deliveries(0, message('m1', 'first'), message('m2', 'second'))
    const second = deliveries(2, lagged)

    plugin.send(first)
    plugin.send(second)

    expect(batches).toEqual([first, second])
    expect(handler).not.toHaveBeenCalled()
  })

  test('a refused subscription rejects with the plugin error', async () => {
    const refusal = {
      kind: 'shutdown',
      message: 'the chat relay has shut down'
    }
    mockIPC(() => Promise.reject(refusal))

    const error: unknown = await listen(() => {}).catch(
      (error: unknown) => error
    )

    expect(error).toEqual(refusal)
  })
})

describe('acknowledgement', () => {
  test('each handled batch is acknowledged once, with the subscription id', async () => {
    const plugin = mockPlugin()
    await listen(() => {})

    plugin.send(deliveries(0, connected))
    plugin.send(deliveries(1, message('m1', 'one'), message('m2', 'two')))

    expect(ackCalls(plugin.calls).map(({ args }) => args)).toEqual([
      { id: SUBSCRIPTION_ID, batches: 1 },
      { id: SUBSCRIPTION_ID, batches: 1 }
    ])
  })

  test('a batch that arrives before subscribe answers is acknowledged once it has', async () => {
    const calls: Call[] = []
    let answer: (id: number) => void = () => {}
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> })
      if (cmd !== 'plugin:twitch-chat|subscribe') {
        return true
      }
      const onEvent = (args as { onEvent: Channel<Delivery[]> }).onEvent
      const internals = (
        window as unknown as { __TAURI_INTERNALS__: TauriInternals }
      ).__TAURI_INTERNALS__
      internals.runCallback(onEvent.id, {
        index: 0,
        message: deliveries(0, connected)
      })
      return new Promise<number>((resolve) => (answer = resolve))
    })
    const received: ChatEvent[] = []

    const listening = listen((event) => received.push(event))
    await Promise.resolve()
    const acknowledgedEarly = ackCalls(calls).length
    answer(SUBSCRIPTION_ID)
    await listening

    expect(received).toEqual([connected])
    expect(acknowledgedEarly).toBe(0)
    expect(ackCalls(calls).map(({ args }) => args)).toEqual([
      { id: SUBSCRIPTION_ID, batches: 1 }
    ])
  })

  test('a refused acknowledgement is reported once, as an error', async () => {
    let onEvent: Channel<Delivery[]> | undefined
    mockIPC((cmd, args) => {
      if (cmd === 'plugin:twitch-chat|subscribe') {
        onEvent = (args as { onEvent: Channel<Delivery[]> }).onEvent
        return SUBSCRIPTION_ID
      }
      if (cmd === 'plugin:twitch-chat|ack') {
        throw new Error('twitch-chat.ack not allowed')
      }
      return true
    })
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    await listen(() => {})
    const internals = (
      window as unknown as { __TAURI_INTERNALS__: TauriInternals }
    ).__TAURI_INTERNALS__

    for (let index = 0; index < 3; index += 1) {
      internals.runCallback(onEvent?.id ?? -1, {
        index,
        message: deliveries(index, connected)
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 0))

    expect(error).toHaveBeenCalledTimes(1)
    expect(String(error.mock.calls[0]?.[0])).toContain('allow-ack')
  })

  test('nothing is acknowledged after unlisten', async () => {
    const plugin = mockPlugin()
    const unlisten = await listen(() => {})

    await unlisten()
    plugin.send(deliveries(0, connected))

    expect(ackCalls(plugin.calls)).toEqual([])
  })
})

describe('unlisten', () => {
  test('calls unsubscribe exactly once, with the subscription id', async () => {
    const plugin = mockPlugin()
    const unlisten = await listen(() => {})

    await unlisten()
    await unlisten()

    expect(unsubscribeCalls(plugin.calls)).toEqual([
      { cmd: 'plugin:twitch-chat|unsubscribe', args: { id: SUBSCRIPTION_ID } }
    ])
  })

  test('stops delivery at once, before the plugin has answered', async () => {
    const plugin = mockPlugin()
    const handler = vi.fn()
    const unlisten = await listen(handler)

    const unsubscribed = unlisten()
    plugin.send(deliveries(0, message('m1', 'too late')))
    await unsubscribed

    expect(handler).not.toHaveBeenCalled()
  })

  test('called from the handler, drops the rest of the batch', async () => {
    const plugin = mockPlugin()
    const texts: string[] = []
    const unlisten = await listen((event) => {
      if (event.kind === 'message') {
        texts.push(event.text)
        void unlisten()
      }
    })

    plugin.send(
      deliveries(0, message('m1', 'first'), message('m2', 'second'), lagged)
    )

    expect(texts).toEqual(['first'])
  })
})

describe('sequence numbers', () => {
  test('a jump is reported through onGap with the expected and the received seq', async () => {
    const plugin = mockPlugin()
    const onGap = vi.fn()
    const seqs: number[] = []
    await listen((_event, seq) => seqs.push(seq), { onGap })

    plugin.send(deliveries(0, message('m1', 'a'), message('m2', 'b')))
    plugin.send(deliveries(5, message('m3', 'c'), message('m4', 'd')))

    expect(onGap.mock.calls).toEqual([[2, 5]])
    expect(seqs).toEqual([0, 1, 5, 6])
  })

  test('a jump is checked on batches taken whole too', async () => {
    const plugin = mockPlugin()
    const onGap = vi.fn()
    await listen(() => {}, { onBatch: () => {}, onGap })

    plugin.send(deliveries(1, message('m1', 'a')))

    expect(onGap.mock.calls).toEqual([[0, 1]])
  })

  test('without onGap, a jump is a console warning', async () => {
    const plugin = mockPlugin()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await listen(() => {})

    plugin.send(deliveries(0, message('m1', 'a'), message('m1', 'a again')))
    plugin.send(deliveries(1, message('m2', 'b')))

    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toContain(
      'delivery 1 arrived where 2 was expected'
    )
  })
})

describe('helpers for one kind', () => {
  type Helper = (
    handler: () => void,
    options?: KindListenOptions
  ) => Promise<unknown>
  const helpers: Array<[string, Helper, EventKind[]]> = [
    ['listenMessages', listenMessages, ['message']],
    ['listenNotices', listenNotices, ['notice']],
    ['listenModeration', listenModeration, ['moderation']],
    ['listenRoomState', listenRoomState, ['roomState']],
    ['listenStatus', listenStatus, ['connection', 'channel']]
  ]

  test.each(helpers)(
    '%s asks the plugin for its kinds only',
    async (_name, helper, kinds) => {
      const plugin = mockPlugin()

      await helper(() => {}, { channel: 'alpha', replay: false })

      const [call] = subscribeCalls(plugin.calls)
      expect(call.args.options).toEqual({
        kinds,
        channel: 'alpha',
        replay: false
      })
    }
  )

  test('listenMessages hands over the messages, and warns of a lagged event', async () => {
    const plugin = mockPlugin()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const texts: string[] = []
    await listenMessages((message) => texts.push(message.text))

    plugin.send(
      deliveries(0, message('m1', 'first'), lagged, message('m2', 'second'))
    )

    expect(texts).toEqual(['first', 'second'])
    expect(warn.mock.calls).toEqual([
      ['twitch-chat: this page fell behind and lost 3 events']
    ])
  })

  test('listenStatus hands over connection and channel events with their kind', async () => {
    const plugin = mockPlugin()
    const kinds: string[] = []
    await listenStatus((event) => kinds.push(event.kind))
    const joined: ChatEvent = {
      kind: 'channel',
      channel: 'alpha',
      state: { state: 'joined' }
    }

    plugin.send(deliveries(0, connected, joined))

    expect(kinds).toEqual(['connection', 'channel'])
  })
})
