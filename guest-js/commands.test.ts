import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, test } from 'vitest'

import {
  isTwitchChatError,
  status,
  track,
  tracked,
  untrack,
  type StatusSnapshot
} from './index'

interface Call {
  cmd: string
  args: unknown
}

/** Answers every command with `answer` and records what was called. */
function mockPlugin(answer: unknown): Call[] {
  const calls: Call[] = []
  mockIPC((cmd, args) => {
    calls.push({ cmd, args })
    return answer
  })
  return calls
}

afterEach(() => {
  clearMocks()
})

describe('commands', () => {
  test('track sends the channel as given and resolves to its login', async () => {
    const calls = mockPlugin('somestreamer')

    const login = await track('#SomeStreamer')

    expect(login).toBe('somestreamer')
    expect(calls).toEqual([
      { cmd: 'plugin:twitch-chat|track', args: { channel: '#SomeStreamer' } }
    ])
  })

  test('untrack sends the channel and resolves to whether it was tracked', async () => {
    const calls = mockPlugin(false)

    const wasTracked = await untrack('somestreamer')

    expect(wasTracked).toBe(false)
    expect(calls).toEqual([
      { cmd: 'plugin:twitch-chat|untrack', args: { channel: 'somestreamer' } }
    ])
  })

  test('tracked resolves to the logins the plugin lists', async () => {
    const calls = mockPlugin(['alpha', 'beta'])

    const logins = await tracked()

    expect(logins).toEqual(['alpha', 'beta'])
    expect(calls.map(({ cmd }) => cmd)).toEqual(['plugin:twitch-chat|tracked'])
  })

  test('status resolves to the snapshot as the plugin sends it', async () => {
    const snapshot: StatusSnapshot = {
      connection: { state: 'connected', mayHaveMissed: false },
      channels: [{ channel: 'alpha', state: { state: 'joined' } }]
    }
    const calls = mockPlugin(snapshot)

    const current = await status()

    expect(current).toEqual(snapshot)
    expect(calls.map(({ cmd }) => cmd)).toEqual(['plugin:twitch-chat|status'])
  })
})

describe('errors', () => {
  test('a plugin error rejects with its kind and message unchanged', async () => {
    const refusal = {
      kind: 'invalidChannel',
      message: 'invalid channel name "a b": a login has no spaces'
    }
    mockIPC(() => Promise.reject(refusal))

    const error: unknown = await track('a b').catch((error: unknown) => error)

    expect(error).toEqual(refusal)
    expect(isTwitchChatError(error)).toBe(true)
  })

  test('a bare string from Tauri becomes an error of kind ipc', async () => {
    const denial = 'twitch-chat.track not allowed by the capabilities'
    mockIPC(() => Promise.reject(denial))

    const error: unknown = await track('alpha').catch((error: unknown) => error)

    expect(error).toEqual({ kind: 'ipc', message: denial })
  })

  test('isTwitchChatError accepts only objects with a string kind and message', () => {
    const values = [
      { kind: 'shutdown', message: 'the chat relay has shut down' },
      { kind: 'shutdown' },
      { kind: 1, message: 'not a kind' },
      'invalidChannel',
      null
    ]

    const verdicts = values.map(isTwitchChatError)

    expect(verdicts).toEqual([true, false, false, false, false])
  })
})
