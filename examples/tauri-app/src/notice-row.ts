// Channel notices (subs, gifts, raids, announcements) and the window's own notes as rows of
// the message list, set apart from chat messages.

import type { NoticeEvent, UserNotice } from 'tauri-plugin-twitch-chat-api'

import { sentAt } from './clock'
import { textSpan } from './fragments'
import { badgePills, senderName } from './sender'

/**
 * A notice as a `.notice` row: what happened in Twitch's own words, then what the user wrote
 * with it, if anything.
 *
 * @example
 * ```typescript
 * list.append(noticeRow(notice))
 * ```
 */
export function noticeRow(notice: UserNotice): HTMLElement {
  const row = document.createElement('div')
  row.className = 'notice'
  row.dataset.id = notice.id
  row.dataset.channel = notice.channel
  row.dataset.notice = notice.event.type
  if (notice.event.type === 'announcement') {
    row.dataset.colour = notice.event.color.toLowerCase()
  }

  const label = document.createElement('span')
  label.className = 'notice-kind'
  label.textContent = noticeLabel(notice.event)

  row.append(sentAt(notice.serverTime), label)
  // Twitch leaves it empty for some notices, such as announcements: their text says it all.
  if (notice.systemMessage !== '') {
    const systemMessage = document.createElement('span')
    systemMessage.className = 'system-message'
    systemMessage.textContent = notice.systemMessage
    row.append(systemMessage)
  }
  if (notice.text !== null) {
    row.append(userText(notice))
  }
  return row
}

/**
 * A note of the window's own, such as a reconnect or a cleared chat, as a `.note` row.
 *
 * @example
 * ```typescript
 * list.append(noteRow('The chat was cleared by a moderator.'))
 * ```
 */
export function noteRow(text: string): HTMLElement {
  const row = document.createElement('div')
  row.className = 'note'
  row.textContent = text
  return row
}

function userText(notice: UserNotice): HTMLElement {
  const line = document.createElement('div')
  line.className = 'notice-text'

  const text = textSpan(notice.fragments, notice.text ?? '')

  line.append(
    badgePills(notice.badges),
    ...senderName(notice.sender, notice.color),
    ': ',
    text
  )
  return line
}

function noticeLabel(event: NoticeEvent): string {
  switch (event.type) {
    case 'sub':
      return event.isResub
        ? `resub · ${event.cumulativeMonths} months`
        : 'new sub'
    case 'subGift':
      return 'gift sub'
    case 'subMysteryGift':
      return `${event.count} gift subs`
    case 'giftPaidUpgrade':
    case 'primePaidUpgrade':
      return 'upgrade'
    case 'raid':
      return `raid · ${event.viewerCount} viewers`
    case 'unraid':
      return 'raid cancelled'
    case 'ritual':
      return event.name
    case 'bitsBadgeTier':
      return `${event.threshold} bits badge`
    case 'announcement':
      return 'announcement'
    case 'viewerMilestone':
      return 'milestone'
    case 'unknown':
      return event.msgId
  }
}
