// What the window knows: the tracked channels with their logs, which one is shown, and the
// state of the connection. Events from the plugin are applied here; views only read it.

import type { ChatEvent, ConnectionStatus } from 'tauri-plugin-twitch-chat-api'

import { ChannelLog } from './channel-log'

export class ChatState {
  /** Tracked channels in the order their tabs were opened. */
  readonly logs = new Map<string, ChannelLog>()
  /** The channel whose chat is shown, if any. */
  selected: string | null = null
  /** `null` until the plugin reports the connection. */
  connection: ConnectionStatus | null = null
  /** The last server notice that belongs to no channel, such as a refused login. */
  serverNotice: string | null = null

  /** Opens a tab for the channel (nothing changes if it is open) and shows it. */
  open(channel: string): ChannelLog {
    let log = this.logs.get(channel)
    if (!log) {
      log = new ChannelLog(channel)
      this.logs.set(channel, log)
    }
    this.select(channel)
    return log
  }

  /** Closes the channel's tab and forgets its lines, showing a neighbouring tab if it was shown. */
  close(channel: string): void {
    const order = [...this.logs.keys()]
    const at = order.indexOf(channel)
    if (at === -1) {
      return
    }
    this.logs.delete(channel)

    if (this.selected === channel) {
      const neighbour = order[at + 1] ?? order[at - 1] ?? null
      this.selected = null
      if (neighbour !== null) {
        this.select(neighbour)
      }
    }
  }

  select(channel: string): void {
    if (this.selected !== null) {
      const previous = this.logs.get(this.selected)
      if (previous) {
        previous.watched = false
        previous.restyled.clear()
      }
    }

    const log = this.logs.get(channel)
    this.selected = log ? channel : null
    if (log) {
      log.watched = true
    }
  }

  get selectedLog(): ChannelLog | null {
    return this.selected === null
      ? null
      : (this.logs.get(this.selected) ?? null)
  }

  /**
   * Applies one event from the plugin. Events of channels without a tab are dropped: they come
   * from a channel closed a moment ago or tracked by another window.
   */
  apply(event: ChatEvent): void {
    switch (event.kind) {
      case 'message':
        this.logs.get(event.channel)?.addMessage(event)
        return
      case 'notice':
        this.logs.get(event.channel)?.addNotice(event)
        return
      case 'moderation':
        this.logs.get(event.channel)?.moderate(event)
        return
      case 'roomState':
        this.logs.get(event.channel)?.updateModes(event)
        return
      case 'channel': {
        const log = this.logs.get(event.channel)
        if (log) {
          log.state = event.state
        }
        return
      }
      case 'serverNotice':
        this.applyServerNotice(event.channel, event.text ?? event.msgId ?? '')
        return
      case 'connection':
        this.connection = event
        if (event.state === 'connected' && event.mayHaveMissed) {
          this.noteEverywhere(
            'Reconnected: messages may have been missed while the connection was down.'
          )
        }
        return
      case 'lagged':
        this.noteEverywhere(
          `${event.dropped} events were dropped because this window fell behind.`
        )
        return
      case 'whisper':
      case 'userState':
        // Limitation: the example reads chat anonymously, so whispers and the user's own state
        // never arrive; a logged-in app would show them.
        return
    }
  }

  private applyServerNotice(channel: string | null, text: string): void {
    if (channel === null) {
      this.serverNotice = text
      return
    }
    this.logs.get(channel)?.addNote(text)
  }

  private noteEverywhere(text: string): void {
    for (const log of this.logs.values()) {
      log.addNote(text)
    }
  }
}
