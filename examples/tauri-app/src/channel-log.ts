// What the window remembers of one tracked channel: its last lines, their moderation, its chat
// modes and whether it is joined.

import type {
  ChannelState,
  ChatMessage,
  FollowersOnly,
  Moderation,
  RoomState,
  UserNotice
} from 'tauri-plugin-twitch-chat-api'

import { duration } from './duration'

/** Lines kept per channel; older ones are forgotten. */
export const LOG_CAPACITY = 500

/** Why a message is no longer shown as sent. */
export type Removal = 'deleted' | 'banned' | 'timedOut'

/** One line of a channel's chat: a message, a channel notice or a note of the window's own. */
export type Line =
  | {
      kind: 'message'
      number: number
      message: ChatMessage
      removal: Removal | null
    }
  | { kind: 'notice'; number: number; notice: UserNotice }
  | { kind: 'note'; number: number; text: string }

/** The chat modes known so far; `undefined` until the server has named them. */
export interface ChatModes {
  emoteOnly?: boolean
  followersOnly?: FollowersOnly
  slowSeconds?: number
  subscribersOnly?: boolean
  uniqueChat?: boolean
}

type MessageLine = Extract<Line, { kind: 'message' }>

/** The last {@link LOG_CAPACITY} lines of a channel and its state. */
export class ChannelLog {
  readonly channel: string
  /** The channel's join state; `null` until the plugin reports it. */
  state: ChannelState | null = null
  modes: ChatModes = {}
  /** Bumped when a clear empties the log, so a view knows to start over. */
  generation = 0
  /** Lines whose removal changed, for the view to restyle; kept only while someone watches. */
  readonly restyled = new Set<Line>()
  watched = false

  private readonly lines: Line[] = []
  private readonly messagesById = new Map<string, MessageLine>()
  private nextNumber = 0

  constructor(channel: string) {
    this.channel = channel
  }

  /** The lines in order, oldest first. */
  get all(): readonly Line[] {
    return this.lines
  }

  /** Number of the newest line, or -1 before the first. */
  get lastNumber(): number {
    return this.nextNumber - 1
  }

  /** The lines numbered after `number`, oldest first. */
  linesAfter(number: number): Line[] {
    const first = this.lines.length - (this.lastNumber - number)
    return this.lines.slice(Math.max(first, 0))
  }

  addMessage(message: ChatMessage): void {
    const line: MessageLine = {
      kind: 'message',
      number: this.nextNumber,
      message,
      removal: null
    }
    this.append(line)
    this.messagesById.set(message.id, line)
  }

  addNotice(notice: UserNotice): void {
    this.append({ kind: 'notice', number: this.nextNumber, notice })
  }

  addNote(text: string): void {
    this.append({ kind: 'note', number: this.nextNumber, text })
  }

  moderate({ action }: Moderation): void {
    switch (action.type) {
      case 'deleteMessage': {
        const line = this.messagesById.get(action.messageId)
        if (line) {
          this.remove(line, 'deleted')
        }
        return
      }
      case 'ban':
      case 'clearUser':
        this.removeMessagesOf(action.userLogin, 'banned')
        this.addNote(`${action.userLogin} was banned.`)
        return
      case 'timeout':
        this.removeMessagesOf(action.userLogin, 'timedOut')
        this.addNote(
          `${action.userLogin} was timed out for ${duration(action.durationSeconds)}.`
        )
        return
      case 'clear':
        this.lines.length = 0
        this.messagesById.clear()
        this.restyled.clear()
        this.generation += 1
        this.addNote('The chat was cleared by a moderator.')
        return
    }
  }

  /** Takes in a ROOMSTATE: a field it leaves out keeps its value. */
  updateModes(update: RoomState): void {
    const known = Object.entries({
      emoteOnly: update.emoteOnly,
      followersOnly: update.followersOnly,
      slowSeconds: update.slowSeconds,
      subscribersOnly: update.subscribersOnly,
      uniqueChat: update.uniqueChat
    }).filter(([, value]) => value !== null)
    this.modes = { ...this.modes, ...Object.fromEntries(known) }
  }

  // Adds a line numbered `nextNumber` and forgets the oldest beyond the capacity.
  private append(line: Line): void {
    this.nextNumber += 1
    this.lines.push(line)

    if (this.lines.length > LOG_CAPACITY) {
      const oldest = this.lines.shift()
      if (oldest?.kind === 'message') {
        this.messagesById.delete(oldest.message.id)
      }
      if (oldest) {
        this.restyled.delete(oldest)
      }
    }
  }

  private removeMessagesOf(login: string, removal: Removal): void {
    for (const line of this.lines) {
      if (line.kind === 'message' && line.message.sender.login === login) {
        this.remove(line, removal)
      }
    }
  }

  private remove(line: MessageLine, removal: Removal): void {
    line.removal = removal
    if (this.watched) {
      this.restyled.add(line)
    }
  }
}
