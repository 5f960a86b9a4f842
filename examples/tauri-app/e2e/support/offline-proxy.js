// A web proxy on 127.0.0.1 that refuses every request. The app under test is pointed at it, so
// that anything the page would fetch from the internet fails at once on this machine instead
// of leaving it. The tests serve emote images themselves; this is the net for the rest.

import { createServer } from 'node:http'

/**
 * Starts the proxy on a free loopback port. `refused` lists what the page asked for.
 *
 * @example
 * ```js
 * const proxy = await startOfflineProxy()
 * env.https_proxy = proxy.url
 * ```
 */
export async function startOfflineProxy() {
  const refused = []
  const server = createServer((request, response) => {
    refused.push(request.url)
    response.writeHead(403, { connection: 'close' }).end()
  })

  // HTTPS goes through CONNECT; answer it without opening a tunnel.
  server.on('connect', (request, socket) => {
    refused.push(`CONNECT ${request.url}`)
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address()

  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve)
        server.closeAllConnections()
      })
  }
}

/**
 * Environment variables that send a program's web traffic through `proxyUrl`, except to the
 * loopback addresses the test itself serves on.
 *
 * @example
 * ```js
 * spawn(command, args, { env: { ...process.env, ...proxyEnvironment(proxy.url) } })
 * ```
 */
export function proxyEnvironment(proxyUrl) {
  const loopback = '127.0.0.1,localhost,::1'
  return {
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    no_proxy: loopback,
    NO_PROXY: loopback
  }
}
