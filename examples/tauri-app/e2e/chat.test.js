// The chat window in the real webview (WebKitGTK through tauri-driver), reading the bundled
// chat server: tracking, tabs, emotes, notices, moderation, replay after a reload, scrolling.

import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import { By, until } from 'selenium-webdriver'

import {
  restartChatServer,
  startRun,
  stopRun,
  SUSPENDED_CHANNEL
} from './support/app-session.js'

const screenshots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots')

/** Long enough for a slow machine, short enough that a broken run ends. */
const WAIT_MS = 30_000
/** Notices and deletions come every few seconds at the server's rate of 20 lines/s. */
const RARE_EVENT_MS = 60_000

/** The global emotes of the bundled server; each channel also has its own `<prefix>Hype`. */
const SERVER_EMOTES = [
  'Kappa',
  'Keepo',
  'PogChamp',
  'LUL',
  'Kreygasm',
  '4Head',
  'BibleThump',
  'HeyGuys',
  'NotLikeThis',
  'SeemsGood'
]

describe('chat window', { timeout: 10 * 60_000 }, () => {
  let run
  let driver

  before(async () => {
    try {
      run = await startRun()
    } catch (error) {
      run = error.run
      throw error
    }
    driver = run.driver
    await driver.wait(until.elementLocated(By.css('#channel-input')), WAIT_MS)
  })

  after(async () => {
    await stopRun(run)
  })

  it('tracking a channel through the form opens its tab and shows its chat', async (t) => {
    t.diagnostic(`logs of the programs: ${run.logDir}`)

    await trackThroughForm('#Alpha_Stream')

    await waitForTab('alpha_stream', 'joined')
    await waitForMessages('alpha_stream', 5)
    const status = await driver.findElement(By.css('#connection-status'))
    await driver.wait(
      async () => (await status.getAttribute('data-state')) === 'connected',
      WAIT_MS,
      'the connection status never said connected'
    )
    assert.match(await status.getText(), /^connected/)
    const names = await shownTexts('#messages .message .display-name')
    assert.ok(
      names.every((name) => name.length > 0),
      'a message has no display name'
    )
  })

  it('renders an emote as an image from the emote server, its code as alt and title', async () => {
    const emote = await driver.wait(
      until.elementLocated(By.css('#messages .message .text img.emote')),
      WAIT_MS,
      'no emote appeared'
    )

    const loaded = await driver.wait(
      () =>
        driver.executeScript(
          `const img = arguments[0]
           return img.complete && img.naturalWidth > 0`,
          emote
        ),
      WAIT_MS,
      'the emote image did not load'
    )

    assert.equal(loaded, true)
    const alt = await emote.getAttribute('alt')
    assert.ok(
      SERVER_EMOTES.includes(alt) || /^[a-z0-9]{1,4}Hype$/.test(alt),
      `alt "${alt}" is not an emote code of the server`
    )
    assert.equal(await emote.getAttribute('title'), alt)
    assert.ok(
      (await emote.getAttribute('src')).startsWith(`${run.emotes.url}/`),
      'the image does not come from the emote server'
    )
    assert.ok(run.emotes.served > 0, 'the emote server sent no image')
  })

  it('shows notices, deleted messages and the room state', async () => {
    const notice = await driver.wait(
      until.elementLocated(By.css('#messages .notice .system-message')),
      RARE_EVENT_MS,
      'no notice appeared'
    )
    assert.notEqual(await notice.getText(), '')

    await driver.wait(
      until.elementLocated(By.css('#messages .message.deleted')),
      RARE_EVENT_MS,
      'no deleted message was struck out'
    )

    const roomState = await driver.findElement(By.css('#room-state'))
    await driver.wait(
      async () =>
        /^#alpha_stream · (?!joining)/.test(await roomState.getText()),
      WAIT_MS,
      'the room state of #alpha_stream was never shown'
    )
  })

  it('switching tabs shows only the selected channel', async () => {
    await trackThroughForm('beta_stream')
    await waitForTab('beta_stream', 'joined')
    await waitForMessages('beta_stream', 3)
    assert.deepEqual(await shownChannels(), ['beta_stream'])

    await driver
      .findElement(By.css('.tab[data-channel="alpha_stream"] .tab-name'))
      .click()

    await waitForMessages('alpha_stream', 3)
    assert.deepEqual(await shownChannels(), ['alpha_stream'])
    const selected = await driver.findElement(By.css('.tab.selected'))
    assert.equal(await selected.getAttribute('data-channel'), 'alpha_stream')
  })

  it('reloading the page replays the backlog', async () => {
    const rows = await driver.findElements(By.css('#messages .message'))
    const lastSeen = await rows[rows.length - 1].getAttribute('data-id')

    await driver.navigate().refresh()

    await waitForTab('alpha_stream', 'joined')
    await waitForTab('beta_stream', 'joined')
    await waitForMessages('alpha_stream', 3)
    // Scrolling up brings every line the window holds into the list.
    await scrollToTop()
    await driver.wait(
      until.elementLocated(By.css(`#messages .message[data-id="${lastSeen}"]`)),
      WAIT_MS,
      'a message seen before the reload was not replayed'
    )
    await returnToLive()
  })

  it('closing a tab untracks its channel', async () => {
    await driver
      .findElement(By.css('.tab[data-channel="beta_stream"] .tab-close'))
      .click()

    await driver.wait(
      async () =>
        (await driver.findElements(By.css('.tab[data-channel="beta_stream"]')))
          .length === 0,
      WAIT_MS,
      'the tab of #beta_stream stayed open'
    )
    await driver.wait(
      async () =>
        JSON.stringify(await trackedByPlugin()) === '["alpha_stream"]',
      WAIT_MS,
      'the plugin still tracks #beta_stream'
    )
    assert.deepEqual(await shownChannels(), ['alpha_stream'])
  })

  it('a channel the server refuses is marked failed on its tab', async () => {
    await trackThroughForm(SUSPENDED_CHANNEL)

    await waitForTab(SUSPENDED_CHANNEL, 'failed')
    const tab = await driver.findElement(
      By.css(`.tab[data-channel="${SUSPENDED_CHANNEL}"]`)
    )
    assert.match(await tab.getText(), /failed/)
    const roomState = await driver.findElement(By.css('#room-state'))
    assert.match(await roomState.getText(), /could not be joined/)

    await tab.findElement(By.css('.tab-close')).click()
    await driver.wait(
      async () =>
        JSON.stringify(await trackedByPlugin()) === '["alpha_stream"]',
      WAIT_MS,
      `the plugin still tracks #${SUSPENDED_CHANNEL}`
    )
  })

  it('a lost connection is shown, then a note that messages may have been missed', async () => {
    const status = await driver.findElement(By.css('#connection-status'))

    await restartChatServer(run, () =>
      driver.wait(
        async () =>
          /^reconnecting \(attempt \d+\)/.test(await status.getText()),
        WAIT_MS,
        'the lost connection was not shown'
      )
    )

    await driver.wait(
      async () => (await status.getAttribute('data-state')) === 'connected',
      WAIT_MS,
      'the connection did not come back'
    )
    await driver.wait(
      () =>
        driver.executeScript(
          `return [...document.querySelectorAll('#messages .note')].some((note) =>
             note.textContent.includes('messages may have been missed'))`
        ),
      WAIT_MS,
      'no note that messages may have been missed'
    )
    // The new server numbers its chat from #0 again, under new ids: its first message is
    // shown, not taken for one delivered before the reconnect.
    await driver.wait(
      () =>
        driver.executeScript(
          `const rows = [...document.querySelectorAll('#messages > *')]
           const note = rows.findLastIndex((row) =>
             row.textContent.includes('messages may have been missed'))
           return rows.slice(note + 1).some((row) =>
             row.querySelector('.text')?.textContent.startsWith('#0 '))`
        ),
      WAIT_MS,
      "the new server's first message was not shown"
    )
  })

  it('scrolling up pauses the list until "new messages" is clicked', async () => {
    const list = await driver.findElement(By.css('#messages'))
    await driver.wait(
      () =>
        driver.executeScript(
          'return arguments[0].scrollHeight > 2 * arguments[0].clientHeight',
          list
        ),
      WAIT_MS,
      'the list never grew taller than the window'
    )

    await scrollToTop()

    const button = await driver.findElement(By.css('#new-messages'))
    await driver.wait(
      until.elementIsVisible(button),
      WAIT_MS,
      'no "new messages" button'
    )
    const pausedAt = await newestRowId()
    const waiting = await newMessageCount(button)
    await driver.wait(
      async () => (await newMessageCount(button)) > waiting,
      WAIT_MS,
      'the count of new messages did not grow'
    )
    assert.equal(await newestRowId(), pausedAt, 'rows were added while paused')

    await returnToLive()
    await driver.wait(
      async () => (await newestRowId()) !== pausedAt,
      WAIT_MS,
      'no new rows after returning to live'
    )
  })

  it('a click on "new messages" returns to live even if the count changes during it', async () => {
    await scrollToTop()
    const button = await driver.findElement(By.css('#new-messages'))
    await driver.wait(
      until.elementIsVisible(button),
      WAIT_MS,
      'no "new messages" button'
    )

    // A reader's click lasts long enough for more messages to arrive between press and release.
    // The press reaches the page after perform() returns: wait until the button shows it.
    await driver.actions().move({ origin: button }).press().perform()
    await driver.wait(
      () =>
        driver.executeScript("return arguments[0].matches(':active')", button),
      WAIT_MS,
      'the button was not pressed'
    )
    const pressedAt = await newMessageCount(button)
    await driver.wait(
      async () => (await newMessageCount(button)) > pressedAt,
      WAIT_MS,
      'the count of new messages did not grow'
    )
    await driver.actions().release().perform()

    await waitForLive(button)
  })

  it('saves a screenshot of the chat', async (t) => {
    t.diagnostic(
      `the emote server sent ${run.emotes.served} images; the offline proxy refused ${run.proxy.refused.length} requests`
    )

    mkdirSync(screenshots, { recursive: true })
    const png = await driver.takeScreenshot()
    await writeFile(join(screenshots, 'chat.png'), png, 'base64')
  })

  async function scrollToTop() {
    await driver.executeScript(
      "document.querySelector('#messages').scrollTop = 0"
    )
  }

  async function newMessageCount(button) {
    const text = await button.getText()
    assert.match(text, /^\d+ new messages?$/)
    return Number.parseInt(text, 10)
  }

  async function newestRowId() {
    return driver.executeScript(
      "return [...document.querySelectorAll('#messages .message')].pop()?.dataset.id"
    )
  }

  async function returnToLive() {
    const button = await driver.findElement(By.css('#new-messages'))
    await driver.wait(
      until.elementIsVisible(button),
      WAIT_MS,
      'no "new messages" button'
    )
    await button.click()

    await waitForLive(button)
  }

  async function waitForLive(button) {
    await driver.wait(
      until.elementIsNotVisible(button),
      WAIT_MS,
      'the button stayed'
    )
    await driver.wait(
      () =>
        driver.executeScript(
          `const list = document.querySelector('#messages')
           return list.scrollHeight - list.scrollTop - list.clientHeight < 40`
        ),
      WAIT_MS,
      'the list did not return to the newest messages'
    )
  }

  async function trackThroughForm(channel) {
    const input = await driver.findElement(By.css('#channel-input'))
    await input.clear()
    await input.sendKeys(channel)
    await driver.findElement(By.css('#track-button')).click()
  }

  async function waitForTab(channel, state) {
    const tab = await driver.wait(
      until.elementLocated(By.css(`.tab[data-channel="${channel}"]`)),
      WAIT_MS,
      `no tab for #${channel}`
    )
    await driver.wait(
      async () => (await tab.getAttribute('data-state')) === state,
      WAIT_MS,
      `the tab of #${channel} never became ${state}`
    )
  }

  async function waitForMessages(channel, count) {
    await driver.wait(
      async () => {
        const rows = await driver.findElements(
          By.css(`#messages .message[data-channel="${channel}"]`)
        )
        return rows.length >= count
      },
      WAIT_MS,
      `fewer than ${count} messages of #${channel} appeared`
    )
  }

  async function shownChannels() {
    return driver.executeScript(
      `const rows = document.querySelectorAll('#messages .message')
       return [...new Set([...rows].map((row) => row.dataset.channel))]`
    )
  }

  async function shownTexts(selector) {
    return driver.executeScript(
      'return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)',
      selector
    )
  }

  // Asks the plugin itself, as the page's own code would.
  async function trackedByPlugin() {
    return driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1]
       window.__TAURI_INTERNALS__.invoke('plugin:twitch-chat|tracked').then(done, (error) =>
         done({ error: String(error) }))`
    )
  }
})
