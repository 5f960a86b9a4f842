// The chat window under a flood: 1,000 messages a second into one channel, in the real
// webview. The window must keep up (show them as they come, drop nothing) and keep drawing.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { By, until } from 'selenium-webdriver'

import { startRun, stopRun } from './support/app-session.js'

const RATE = 1_000
const WAIT_MS = 30_000
const MEASURE_MS = 5_000

/**
 * Frames a second the page must still draw. A floor, not a target: this runs with software
 * rendering on small CI machines, sharing them with the server writing the flood and the
 * debug build of the app decoding it.
 */
const MIN_FRAMES_PER_SECOND = 4

describe('chat window under a flood', { timeout: 5 * 60_000 }, () => {
  let run
  let driver

  before(async () => {
    try {
      run = await startRun({ rate: RATE })
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

  it('keeps up with 1,000 messages a second and keeps drawing', async (t) => {
    t.diagnostic(`logs of the programs: ${run.logDir}`)
    await driver.findElement(By.css('#channel-input')).sendKeys('flood_stream')
    await driver.findElement(By.css('#track-button')).click()
    await driver.wait(
      async () => (await newestSequence()) >= 1_000,
      WAIT_MS,
      'the first thousand messages did not arrive'
    )

    const measured = await measure()

    t.diagnostic(JSON.stringify(measured))
    assert.ok(
      measured.shownPerSecond >= 0.8 * RATE,
      `the window showed ${measured.shownPerSecond} messages a second`
    )
    assert.ok(
      measured.framesPerSecond >= MIN_FRAMES_PER_SECOND,
      `the window drew ${measured.framesPerSecond} frames a second`
    )
    assert.ok(measured.rows <= 500, `the list holds ${measured.rows} rows`)
  })

  it('loses no message of the flood', async () => {
    // Scrolling up pauses the list and puts every line the window holds into it.
    await driver.executeScript(
      "document.querySelector('#messages').scrollTop = 0"
    )
    await driver.wait(
      async () =>
        (await driver.findElements(By.css('#messages > *'))).length >= 400,
      WAIT_MS,
      'the paused list did not fill with the lines the window holds'
    )

    const { sequences, behind } = await driver.executeScript(
      `return {
         sequences: [...document.querySelectorAll('#messages .message .text')].map(
           (text) => Number(/^#(\\d+) /.exec(text.textContent)?.[1] ?? -1)),
         behind: [...document.querySelectorAll('#messages .note')]
           .map((note) => note.textContent)
           .filter((text) => text.includes('fell behind'))
       }`
    )
    assert.deepEqual(behind, [], 'the window fell behind')
    const gaps = sequences.filter(
      (n, at) => at > 0 && n !== sequences[at - 1] + 1
    )
    assert.deepEqual(gaps, [], 'messages are missing between these')
  })

  // The server starts every message's text with `#<sequence number> `.
  async function newestSequence() {
    return driver.executeScript(
      newestSequenceScript + 'return newestSequence()'
    )
  }

  async function measure() {
    await driver.manage().setTimeouts({ script: MEASURE_MS + WAIT_MS })
    return driver.executeAsyncScript(
      `${newestSequenceScript}
       const done = arguments[arguments.length - 1]
       const first = newestSequence()
       let frames = 0
       const start = performance.now()
       requestAnimationFrame(function count(now) {
         frames += 1
         if (now - start < ${MEASURE_MS}) {
           requestAnimationFrame(count)
           return
         }
         const seconds = (now - start) / 1000
         done({
           shownPerSecond: Math.round((newestSequence() - first) / seconds),
           framesPerSecond: Math.round((frames / seconds) * 10) / 10,
           rows: document.querySelectorAll('#messages > *').length
         })
       })`
    )
  }
})

const newestSequenceScript = `
  function newestSequence() {
    const texts = document.querySelectorAll('#messages .message .text')
    const text = texts[texts.length - 1]?.textContent ?? ''
    return Number(/^#(\\d+) /.exec(text)?.[1] ?? -1)
  }
`
