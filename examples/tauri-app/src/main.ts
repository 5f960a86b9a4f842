// The chat window: wires the plugin's events and commands to the views.

import {
  isTwitchChatError,
  listen,
  track,
  tracked,
  untrack
} from 'tauri-plugin-twitch-chat-api'

import { channelLogin } from './channel-login'
import { ChannelTabs } from './channel-tabs'
import { ChatState } from './chat-state'
import { showConnection } from './connection-status'
import { oncePerFrame } from './frame'
import { MessageList } from './message-list'
import { showRoomState } from './room-state'

const page = {
  trackForm: element<HTMLFormElement>('#track-form'),
  channelInput: element<HTMLInputElement>('#channel-input'),
  trackError: element<HTMLElement>('#track-error'),
  tabs: element<HTMLElement>('#tabs'),
  roomState: element<HTMLElement>('#room-state'),
  connection: element<HTMLElement>('#connection-status'),
  emptyHint: element<HTMLElement>('#empty-hint'),
  messages: element<HTMLElement>('#messages'),
  newMessages: element<HTMLButtonElement>('#new-messages')
}

const state = new ChatState()
const requestRender = oncePerFrame(render)
const tabs = new ChannelTabs(page.tabs, {
  select(channel) {
    state.select(channel)
    requestRender()
  },
  close: closeChannel
})
const messageList = new MessageList(
  page.messages,
  page.newMessages,
  requestRender
)

function render(): void {
  tabs.render(state)
  showConnection(page.connection, state.connection, state.serverNotice)
  showRoomState(page.roomState, state.selectedLog)
  page.emptyHint.hidden = state.logs.size > 0
  messageList.render(state.selectedLog)
}

async function trackChannel(typed: string): Promise<void> {
  const login = channelLogin(typed)
  if (login === '') {
    showError('Type the name of a channel to track.')
    return
  }

  // The tab opens before the plugin answers: the channel's first events may arrive before
  // the answer does, and events of a channel without a tab are dropped.
  state.open(login)
  requestRender()
  try {
    const tracking = await track(login)
    if (tracking !== login) {
      state.close(login)
      state.open(tracking)
    }
    showError(null)
    page.channelInput.value = ''
  } catch (error) {
    state.close(login)
    showError(errorText(error))
  }
  requestRender()
}

async function closeChannel(channel: string): Promise<void> {
  state.close(channel)
  requestRender()
  try {
    await untrack(channel)
  } catch (error) {
    showError(errorText(error))
  }
}

function showError(text: string | null): void {
  page.trackError.hidden = text === null
  page.trackError.textContent = text ?? ''
}

function errorText(error: unknown): string {
  return isTwitchChatError(error) ? error.message : String(error)
}

function element<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector)
  if (!found) {
    throw new Error(
      `The page has no ${selector}: index.html and main.ts disagree.`
    )
  }
  return found
}

async function start(): Promise<void> {
  page.trackForm.addEventListener('submit', (event) => {
    event.preventDefault()
    void trackChannel(page.channelInput.value)
  })

  // After a reload the plugin still tracks what the page had open: reopen those tabs first,
  // so that the replayed backlog below finds them.
  const channels = await tracked()
  channels.forEach((channel) => state.open(channel))
  if (channels.length > 0) {
    state.select(channels[0])
  }

  // One subscription for everything, replaying the backlog. Reloading or closing the page
  // ends it on the plugin's side, so it is never unlistened here.
  await listen(
    (event) => {
      state.apply(event)
      requestRender()
    },
    { replay: true }
  )
  requestRender()
}

start().catch((error: unknown) =>
  showError(`The chat could not start: ${errorText(error)}`)
)
