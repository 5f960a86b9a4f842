// When a line was sent, as the reader's clock shows it.

// One formatter for every line: creating one per line is slow at a thousand lines a second.
const hoursAndMinutes = new Intl.DateTimeFormat([], {
  hour: '2-digit',
  minute: '2-digit'
})

/**
 * A `<time>` element with the hour and minute of a server timestamp.
 *
 * @example
 * ```typescript
 * row.append(sentAt(message.serverTime))
 * ```
 */
export function sentAt(serverTime: number): HTMLElement {
  const at = new Date(serverTime)
  const element = document.createElement('time')
  element.className = 'time'
  element.dateTime = at.toISOString()
  element.textContent = hoursAndMinutes.format(at)
  return element
}
