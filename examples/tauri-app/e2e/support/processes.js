// Starting and stopping the programs an end-to-end run needs, each by its own pid.

import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/**
 * Starts a program in its own process group, with its output written to `<logDir>/<name>.log`.
 * Stopping it with {@link stop} ends the group, so the programs it started (WebKitWebDriver
 * and the app, for tauri-driver) end with it.
 *
 * @example
 * ```js
 * const server = launch('chat-server', binary, ['--port', '0'], { logDir })
 * ```
 */
export function launch(name, command, args, { logDir, env, extraPipes = 0 }) {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })
  const child = spawn(command, args, {
    env: env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', ...Array(extraPipes).fill('pipe')]
  })
  child.stdout.pipe(log, { end: false })
  child.stderr.pipe(log, { end: false })
  child.on('error', (error) =>
    log.write(`could not start ${command}: ${error}\n`)
  )
  child.name = name
  child.log = log
  return child
}

/**
 * The first line a stream prints, or a rejection after `timeoutMs` or if the program exits
 * first.
 *
 * @example
 * ```js
 * const line = await firstLine(server, server.stdout, 10_000)
 * ```
 */
export function firstLine(child, stream, timeoutMs) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream })
    let first = true
    const timer = setTimeout(
      () =>
        reject(new Error(`${child.name} printed nothing in ${timeoutMs} ms`)),
      timeoutMs
    )
    const onExit = (code, signal) =>
      reject(
        new Error(
          `${child.name} exited (${code ?? signal}) before it was ready`
        )
      )
    child.once('exit', onExit)

    lines.on('line', (line) => {
      if (first) {
        first = false
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(line)
      }
    })
  })
}

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects after
 * `timeoutMs` or if the program exits first.
 *
 * @example
 * ```js
 * await portOpen(driver, 4444, 10_000)
 * ```
 */
export async function portOpen(child, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.name} exited before it listened on port ${port}`)
    }
    if (await accepts(port)) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(
    `${child.name} did not listen on port ${port} within ${timeoutMs} ms`
  )
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * A port that was free a moment ago on 127.0.0.1, for programs that must be told one.
 *
 * @example
 * ```js
 * const port = await freePort()
 * ```
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Ends a program started by {@link launch} and the processes it started: SIGTERM to its
 * process group, then SIGKILL if it is still there after `graceMs`. Does nothing for a program
 * that never started or already ended.
 *
 * @example
 * ```js
 * await stop(server)
 * ```
 */
export async function stop(child, graceMs = 5_000) {
  if (!child?.pid) {
    return
  }
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve()
    } else {
      child.once('exit', resolve)
    }
  })

  signalGroup(child.pid, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
  // The group may outlive its leader (the app outlives WebKitWebDriver, say).
  signalGroup(child.pid, 'SIGKILL')
  const deadline = Date.now() + graceMs
  while (signalGroup(child.pid, 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.log.end()
}

// Sends a signal to a process group; false when no process of the group is left.
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
    return true
  } catch (error) {
    if (error.code !== 'ESRCH') {
      throw error
    }
    return false
  }
}
