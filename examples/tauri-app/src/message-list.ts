// The list of lines of the shown channel. It follows new lines while the reader is at the
// bottom; when they scroll up it stops moving and counts what arrived, until they come back.
//
// While following, the rows are the newest lines of the log, at most FOLLOW_ROWS of them
// added per frame: in a flood, rows that would scroll past unseen within the same frame are
// not laid out at all, which keeps each frame's work bounded. When the reader scrolls up, the
// lines that came since the last frame are put below and the older lines the log still holds
// above, so that all of them can be read.

import type { ChannelLog, Line } from './channel-log'
import { messageRow, restyleMessageRow } from './message-row'
import { noteRow, noticeRow } from './notice-row'

/** Most rows added in one frame while following: a few screens' worth. */
const FOLLOW_ROWS = 60

/** Pixels of scroll rounding that are not a movement. */
const TOLERANCE = 2

export class MessageList {
  private readonly list: HTMLElement
  private readonly newLinesButton: HTMLButtonElement
  /**
   * The button's words, changed in place every frame while paused. Replacing them instead
   * would lose the reader's click: WebKit drops a click when the node pressed leaves the page
   * before the release, and a click is long enough for more messages to arrive.
   */
  private readonly newLinesText = document.createTextNode('')
  private readonly requestRender: () => void

  /** The log shown and the generation of it that the rows come from. */
  private shown: ChannelLog | null = null
  private shownGeneration = -1
  /** The rows are the lines numbered from `firstRendered` to `lastRendered`, in order. */
  private firstRendered = 0
  private lastRendered = -1
  private following = true
  /** Whether the last render followed, to tell the frame in which the reader paused. */
  private followedLastRender = true
  /** Where the list was scrolled to last, by the reader or by following. */
  private lastScrollTop = 0
  private readonly rows = new WeakMap<Line, HTMLElement>()

  constructor(
    list: HTMLElement,
    newLinesButton: HTMLButtonElement,
    requestRender: () => void
  ) {
    this.list = list
    this.newLinesButton = newLinesButton
    this.requestRender = requestRender
    newLinesButton.replaceChildren(this.newLinesText)

    list.addEventListener('scroll', () => this.onScroll(), { passive: true })
    newLinesButton.addEventListener('click', () => this.returnToLive())
  }

  /** Brings the rows up to date with the log; called at most once per animation frame. */
  render(log: ChannelLog | null): void {
    if (
      log !== this.shown ||
      (log?.generation ?? -1) !== this.shownGeneration
    ) {
      this.show(log)
    }
    if (!log) {
      return
    }

    // The reader may have scrolled since the last frame without the scroll event having
    // arrived yet; following now would undo their scroll.
    this.readScroll()
    this.restyle(log)
    if (this.following) {
      this.follow(log)
    } else {
      if (this.followedLastRender) {
        this.addNewerLines(log)
      }
      this.addOlderLines(log)
      this.showNewLines(log.lastNumber - this.lastRendered)
    }
    this.followedLastRender = this.following
  }

  private show(log: ChannelLog | null): void {
    this.shown = log
    this.shownGeneration = log?.generation ?? -1
    this.following = true
    this.followedLastRender = true
    this.showNewLines(0)

    // No rows yet, placed just before the oldest line: following adds the newest ones.
    this.list.replaceChildren()
    this.lastScrollTop = 0
    this.firstRendered = log?.all[0]?.number ?? (log?.lastNumber ?? -1) + 1
    this.lastRendered = this.firstRendered - 1
    log?.restyled.clear()
  }

  private follow(log: ChannelLog): void {
    let fresh = log.linesAfter(this.lastRendered)
    const contiguous =
      fresh.length === 0 || fresh[0].number === this.lastRendered + 1
    if (fresh.length > FOLLOW_ROWS || !contiguous) {
      fresh = fresh.slice(-FOLLOW_ROWS)
      this.list.replaceChildren()
      this.firstRendered = fresh[0].number
    }
    if (fresh.length > 0) {
      this.list.append(this.rowsFor(fresh))
      this.lastRendered = fresh[fresh.length - 1].number
    }

    const oldestKept = log.all[0]?.number ?? this.lastRendered + 1
    while (this.firstRendered < oldestKept && this.list.firstElementChild) {
      this.list.firstElementChild.remove()
      this.firstRendered += 1
    }
    this.scrollToBottom()
  }

  // The reader has just scrolled up. The lines that came since the last frame go below, out of
  // their sight: in a flood they can be hundreds, and the paused list is to hold every line of
  // the log, with the count of new messages starting from the moment they paused.
  private addNewerLines(log: ChannelLog): void {
    const fresh = log.linesAfter(this.lastRendered)
    if (fresh.length === 0) {
      return
    }
    if (fresh[0].number !== this.lastRendered + 1) {
      // More came in one frame than the log keeps: the rows start over at its oldest line.
      this.list.replaceChildren()
      this.firstRendered = fresh[0].number
    }
    this.list.append(this.rowsFor(fresh))
    this.lastRendered = fresh[fresh.length - 1].number
  }

  // The reader scrolled up: give them every line the log still has, above what they see.
  private addOlderLines(log: ChannelLog): void {
    if ((log.all[0]?.number ?? Infinity) >= this.firstRendered) {
      return
    }
    const older = log.all.filter((line) => line.number < this.firstRendered)

    const heightBefore = this.list.scrollHeight
    this.list.prepend(this.rowsFor(older))
    this.firstRendered = older[0].number
    this.list.scrollTop += this.list.scrollHeight - heightBefore
    this.lastScrollTop = this.list.scrollTop
  }

  private rowsFor(lines: readonly Line[]): DocumentFragment {
    const rows = document.createDocumentFragment()
    for (const line of lines) {
      const row = lineRow(line)
      this.rows.set(line, row)
      rows.append(row)
    }
    return rows
  }

  private restyle(log: ChannelLog): void {
    for (const line of log.restyled) {
      const row = this.rows.get(line)
      if (row && line.kind === 'message') {
        restyleMessageRow(row, line.removal)
      }
    }
    log.restyled.clear()
  }

  private onScroll(): void {
    if (this.readScroll()) {
      this.requestRender()
    }
  }

  // Only the reader's own movement up pauses the list. Its distance from the bottom alone
  // would mislead: rows grow after they are laid out (an emote that fails to load becomes its
  // code), which moves the bottom away without the reader doing anything. Returns whether
  // the list started or stopped following.
  private readScroll(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.list
    const atBottom = scrollHeight - scrollTop - clientHeight <= TOLERANCE
    const movedUp = scrollTop < this.lastScrollTop - TOLERANCE
    this.lastScrollTop = scrollTop

    const following = atBottom || (this.following && !movedUp)
    const changed = following !== this.following
    this.following = following
    return changed
  }

  private returnToLive(): void {
    this.following = true
    this.showNewLines(0)
    this.requestRender()
  }

  private showNewLines(count: number): void {
    this.newLinesButton.hidden = count <= 0
    this.newLinesText.data =
      count === 1 ? '1 new message' : `${count} new messages`
  }

  private scrollToBottom(): void {
    this.list.scrollTop = this.list.scrollHeight
    this.lastScrollTop = this.list.scrollTop
  }
}

function lineRow(line: Line): HTMLElement {
  switch (line.kind) {
    case 'message':
      return messageRow(line.message, line.removal)
    case 'notice':
      return noticeRow(line.notice)
    case 'note':
      return noteRow(line.text)
  }
}
