// Who wrote a line: badges, coloured display name, and the login when the name hides it.

import type { Badge, User } from 'tauri-plugin-twitch-chat-api'

import { nameColour } from './name-colour'

/**
 * The sender's badges as small text pills, e.g. `moderator` or `subscriber 12`.
 *
 * @example
 * ```typescript
 * row.append(badgePills(message.badges))
 * ```
 */
export function badgePills(badges: Badge[]): HTMLElement {
  const list = document.createElement('span')
  list.className = 'badges'
  for (const { name, version } of badges) {
    const badge = document.createElement('span')
    badge.className = 'badge'
    badge.dataset.badge = name
    badge.textContent =
      version === '1' || version === '0' ? name : `${name} ${version}`
    badge.title = `${name}/${version}`
    list.append(badge)
  }
  return list
}

/**
 * The sender's display name in their colour, followed by their login when the two differ
 * beyond letter case (a name written in another script, say).
 *
 * @example
 * ```typescript
 * row.append(...senderName(message.sender, message.color))
 * ```
 */
export function senderName(sender: User, colour: string | null): HTMLElement[] {
  const login = sender.login ?? ''
  const name = document.createElement('span')
  name.className = 'display-name'
  name.textContent = sender.displayName
  name.style.color = nameColour(colour, login || sender.displayName)

  if (login === '' || login === sender.displayName.toLowerCase()) {
    return [name]
  }
  const loginLabel = document.createElement('span')
  loginLabel.className = 'login'
  loginLabel.textContent = `(${login})`
  return [name, loginLabel]
}
