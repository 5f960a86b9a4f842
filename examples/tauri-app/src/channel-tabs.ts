// One tab per tracked channel, showing whether it is joined; selecting a tab shows its chat and
// its close button stops tracking it.

import type { ChannelState } from 'tauri-plugin-twitch-chat-api'

import type { ChatState } from './chat-state'

/** What the tabs ask of the window when the reader uses them. */
export interface TabActions {
  select(channel: string): void
  close(channel: string): void
}

/**
 * Keeps the tab bar in step with the tracked channels.
 *
 * @example
 * ```typescript
 * const tabs = new ChannelTabs(document.querySelector('#tabs')!, { select, close })
 * tabs.render(state)
 * ```
 */
export class ChannelTabs {
  private readonly bar: HTMLElement
  private readonly tabs = new Map<string, HTMLElement>()

  constructor(bar: HTMLElement, actions: TabActions) {
    this.bar = bar

    bar.addEventListener('click', (event) => {
      const target = event.target as Element
      const tab = target.closest<HTMLElement>('.tab')
      const channel = tab?.dataset.channel
      if (channel === undefined) {
        return
      }
      if (target.closest('.tab-close')) {
        actions.close(channel)
      } else {
        actions.select(channel)
      }
    })
    bar.addEventListener('keydown', (event) => {
      const tab = (event.target as Element).closest<HTMLElement>('.tab')
      if (
        tab?.dataset.channel &&
        (event.key === 'Enter' || event.key === ' ')
      ) {
        event.preventDefault()
        actions.select(tab.dataset.channel)
      }
    })
  }

  /** Adds, removes and updates tabs; leaves alone those that did not change. */
  render(state: ChatState): void {
    for (const [channel, tab] of this.tabs) {
      if (!state.logs.has(channel)) {
        tab.remove()
        this.tabs.delete(channel)
      }
    }

    for (const [channel, log] of state.logs) {
      let tab = this.tabs.get(channel)
      if (!tab) {
        tab = newTab(channel)
        this.tabs.set(channel, tab)
        this.bar.append(tab)
      }
      updateTab(tab, log.state, channel === state.selected)
    }
  }
}

function newTab(channel: string): HTMLElement {
  const tab = document.createElement('div')
  tab.className = 'tab'
  tab.dataset.channel = channel
  tab.setAttribute('role', 'tab')
  tab.tabIndex = 0

  const name = document.createElement('span')
  name.className = 'tab-name'
  name.textContent = `#${channel}`

  const state = document.createElement('span')
  state.className = 'tab-state'

  const close = document.createElement('button')
  close.type = 'button'
  close.className = 'tab-close'
  close.textContent = '×'
  close.title = `Stop tracking #${channel}`
  close.setAttribute('aria-label', close.title)

  tab.append(name, state, close)
  return tab
}

function updateTab(
  tab: HTMLElement,
  state: ChannelState | null,
  selected: boolean
): void {
  const stateName = state?.state ?? 'joining'
  if (tab.dataset.state !== stateName) {
    tab.dataset.state = stateName
  }
  tab.classList.toggle('selected', selected)
  tab.classList.toggle('failed', stateName === 'failed')
  tab.setAttribute('aria-selected', String(selected))

  const label = tab.querySelector<HTMLElement>('.tab-state')
  const text = stateName === 'joined' ? '' : stateName
  if (label && label.textContent !== text) {
    label.textContent = text
    tab.title = state?.state === 'failed' ? state.message : ''
  }
}
