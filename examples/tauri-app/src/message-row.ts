// One chat message as a row of the message list.

import type { ChatMessage } from 'tauri-plugin-twitch-chat-api'

import type { Removal } from './channel-log'
import { sentAt } from './clock'
import { textSpan } from './fragments'
import { nameColour } from './name-colour'
import { badgePills, senderName } from './sender'

const REMOVAL_TITLES: Record<Removal, string> = {
  deleted: 'Deleted by a moderator',
  banned: 'The sender was banned',
  timedOut: 'The sender was timed out'
}

/**
 * A message as a `.message` row: reply context, time, badges, first-message mark, coloured
 * name and the text with its emotes and mentions.
 *
 * @example
 * ```typescript
 * list.append(messageRow(message, null))
 * ```
 */
export function messageRow(
  message: ChatMessage,
  removal: Removal | null
): HTMLElement {
  const row = document.createElement('div')
  row.className = 'message'
  row.dataset.id = message.id
  row.dataset.channel = message.channel
  row.classList.toggle('action', message.isAction)
  row.classList.toggle('first', message.firstMessage)
  row.classList.toggle('highlighted', message.highlighted)

  if (message.reply) {
    row.append(replyContext(message.reply.displayName, message.reply.body))
  }
  row.append(sentAt(message.serverTime), badgePills(message.badges))
  if (message.firstMessage) {
    row.append(mark('first-message', 'first message'))
  }
  row.append(...senderName(message.sender, message.color))
  if (!message.isAction) {
    row.append(mark('separator', ':'))
  }
  row.append(messageText(message))

  restyleMessageRow(row, removal)
  return row
}

/**
 * Shows a row as removed by a moderator (struck out, with the reason as its title), or as sent.
 *
 * @example
 * ```typescript
 * restyleMessageRow(row, 'deleted')
 * ```
 */
export function restyleMessageRow(
  row: HTMLElement,
  removal: Removal | null
): void {
  row.classList.toggle('deleted', removal !== null)
  if (removal === null) {
    delete row.dataset.removal
    row.removeAttribute('title')
  } else {
    row.dataset.removal = removal
    row.title = REMOVAL_TITLES[removal]
  }
}

function messageText(message: ChatMessage): HTMLElement {
  const text = textSpan(message.fragments, message.text)

  if (message.isAction) {
    text.style.color = nameColour(
      message.color,
      message.sender.login || message.sender.displayName
    )
  }
  return text
}

function replyContext(name: string, body: string): HTMLElement {
  const reply = document.createElement('div')
  reply.className = 'reply'
  reply.textContent = `↪ replying to @${name}: ${body}`
  return reply
}

function mark(className: string, text: string): HTMLElement {
  const span = document.createElement('span')
  span.className = className
  span.textContent = text
  return span
}
