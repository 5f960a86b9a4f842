// Emote images on 127.0.0.1, so that the offline app shows pictures where Twitch's CDN would.
// Every GET gets the same small picture (emote.png beside this file), whatever emote, format
// or scale it names: the plugin writes `{base}/{id}/{default|static}/dark/{1.0|2.0|3.0}`.
//
// Standalone, for the demo: `node emote-server.js [--port N]` prints
// `emotes at http://127.0.0.1:PORT` as its first line and serves until SIGTERM or Ctrl-C.

import { readFileSync, realpathSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** The picture every emote gets: a 28×28 purple face, the size of a Twitch emote at 1.0. */
const picture = readFileSync(join(here, 'emote.png'))

/**
 * Starts the emote server on 127.0.0.1 (`port` 0 picks a free one). `url` is the base to give
 * the app as `TWITCH_CHAT_EMOTE_CDN`; `served` counts the pictures sent.
 *
 * @example
 * ```js
 * const emotes = await startEmoteServer()
 * env.TWITCH_CHAT_EMOTE_CDN = emotes.url
 * await emotes.close()
 * ```
 */
export async function startEmoteServer({ port = 0 } = {}) {
  const emotes = { served: 0 }
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    emotes.served += 1
    response.writeHead(200, {
      'content-type': 'image/png',
      'content-length': picture.length,
      'cache-control': 'public, max-age=3600'
    })
    response.end(request.method === 'GET' ? picture : undefined)
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })

  emotes.url = `http://127.0.0.1:${server.address().port}`
  emotes.close = () =>
    new Promise((resolve) => {
      server.close(resolve)
      server.closeAllConnections()
    })
  return emotes
}

function portFrom(args) {
  const at = args.indexOf('--port')
  if (at === -1) {
    return 0
  }
  const port = Number(args[at + 1])
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error('--port takes a number from 0 to 65535')
  }
  return port
}

async function main() {
  const emotes = await startEmoteServer({ port: portFrom(process.argv) })
  console.log(`emotes at ${emotes.url}`)

  const stop = () => {
    emotes.close().then(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

if (
  process.argv[1] &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
) {
  main().catch((error) => {
    console.error(`emote-server: ${error.message}`)
    process.exit(1)
  })
}
