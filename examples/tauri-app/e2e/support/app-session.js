// Everything an end-to-end run stands on: the bundled chat server, a virtual display, the
// emote image server, a web proxy that keeps the page offline, tauri-driver, and a WebDriver
// session with the app.

import { existsSync, mkdtempSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Builder } from 'selenium-webdriver'

import { startEmoteServer } from './emote-server.js'
import { startOfflineProxy, proxyEnvironment } from './offline-proxy.js'
import { firstLine, freePort, launch, portOpen, stop } from './processes.js'

const repository = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../..'
)
const targetDir = process.env.CARGO_TARGET_DIR ?? join(repository, 'target')

/** Where the programs are; each can be overridden for a different layout. */
export const paths = {
  app: process.env.E2E_APP ?? join(targetDir, 'debug', 'tauri-app'),
  chatServer:
    process.env.E2E_CHAT_SERVER ??
    join(targetDir, 'debug', 'twitch-chat-server'),
  tauriDriver: process.env.E2E_TAURI_DRIVER ?? findTauriDriver(),
  webKitWebDriver:
    process.env.E2E_WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver'
}

/** How long each program gets to come up. */
const STARTUP_MS = 30_000

/**
 * Starts the chat server (writing `rate` lines per second per channel), Xvfb, the emote
 * server, the offline proxy and tauri-driver, then opens a session with the app pointed at
 * the chat server and the emote server. Whatever started is in the returned run even when a
 * later step fails (the error carries it as `run`), so that {@link stopRun} can end it.
 *
 * @example
 * ```js
 * const run = await startRun()
 * await run.driver.findElement(By.css('#channel-input'))
 * await stopRun(run)
 * ```
 */
export async function startRun({ rate = 20 } = {}) {
  const run = { logDir: mkdtempSync(join(tmpdir(), 'twitch-chat-e2e-')) }
  try {
    await startPrograms(run, rate)
    return run
  } catch (error) {
    error.run = run
    throw error
  }
}

async function startPrograms(run, rate) {
  for (const [name, path] of Object.entries(paths)) {
    if (isAbsolute(path) && !existsSync(path)) {
      throw new Error(
        `${name} not found at ${path}: see examples/tauri-app/README.md`
      )
    }
  }

  run.rate = rate
  await startChatServer(run, 0)

  // -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
  run.xvfb = launch(
    'xvfb',
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'],
    { logDir: run.logDir, extraPipes: 1 }
  )
  run.display = `:${(await firstLine(run.xvfb, run.xvfb.stdio[3], STARTUP_MS)).trim()}`

  run.emotes = await startEmoteServer()
  // Anything else the page asks of the web is refused here, without leaving the machine.
  run.proxy = await startOfflineProxy()

  const port = await freePort()
  const nativePort = await freePort()
  run.tauriDriver = launch(
    'tauri-driver',
    paths.tauriDriver,
    [
      '--port',
      String(port),
      '--native-port',
      String(nativePort),
      '--native-driver',
      paths.webKitWebDriver
    ],
    {
      logDir: run.logDir,
      // The app inherits this environment from tauri-driver through WebKitWebDriver.
      env: {
        ...process.env,
        ...proxyEnvironment(run.proxy.url),
        DISPLAY: run.display,
        TWITCH_CHAT_ENDPOINT: run.endpoint,
        TWITCH_CHAT_EMOTE_CDN: run.emotes.url
      }
    }
  )
  await portOpen(run.tauriDriver, port, STARTUP_MS)

  run.driver = await new Builder()
    .usingServer(`http://127.0.0.1:${port}/`)
    .withCapabilities({
      browserName: 'wry',
      'tauri:options': { application: paths.app }
    })
    .build()
  await run.driver
    .manage()
    .setTimeouts({ script: 10_000, pageLoad: STARTUP_MS })

  // A plain `cargo build` makes an app that loads the Vite dev server instead of dist/.
  const url = await run.driver.getCurrentUrl()
  if (url.startsWith('http://localhost:1420')) {
    throw new Error(
      `the app loads ${url}: build it with \`npx tauri build --debug --no-bundle\``
    )
  }
}

/**
 * Ends the session and every program of the run, by pid, whatever state the run is in.
 *
 * @example
 * ```js
 * after(() => stopRun(run))
 * ```
 */
export async function stopRun(run) {
  if (!run) {
    return
  }
  await run.driver?.quit().catch(() => {})
  await stop(run.tauriDriver)
  await run.proxy?.close()
  await run.emotes?.close()
  await stop(run.xvfb)
  await stop(run.chatServer)
}

/**
 * Stops the chat server and starts a new one on the same port, as a server restart or a
 * network cut would look to the app. `whileDown` runs between the two.
 *
 * @example
 * ```js
 * await restartChatServer(run, () => waitForStatus('reconnecting'))
 * ```
 */
export async function restartChatServer(run, whileDown) {
  await stop(run.chatServer)
  await whileDown()
  await startChatServer(run, Number(new URL(run.endpoint).port))
}

/** Channels the chat server answers as suspended, for tests of a refused channel. */
export const SUSPENDED_CHANNEL = 'suspended_stream'

async function startChatServer(run, port) {
  run.chatServer = launch(
    'chat-server',
    paths.chatServer,
    [
      '--port',
      String(port),
      '--rate',
      String(run.rate),
      '--mix',
      'realistic',
      '--unknown-channel',
      SUSPENDED_CHANNEL
    ],
    { logDir: run.logDir }
  )
  const listening = await firstLine(
    run.chatServer,
    run.chatServer.stdout,
    STARTUP_MS
  )
  const endpoint = /^listening on (irc:\/\/127\.0\.0\.1:\d+)$/.exec(
    listening
  )?.[1]
  if (!endpoint) {
    throw new Error(`unexpected first line from the chat server: ${listening}`)
  }
  run.endpoint = endpoint
}

function findTauriDriver() {
  const installed = join(homedir(), '.cargo', 'bin', 'tauri-driver')
  return existsSync(installed) ? installed : 'tauri-driver'
}
