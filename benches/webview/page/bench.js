// Counts the chat messages that reach this page, by the plugin's batched Channel (with the
// acknowledgements the bindings send) or by one app event per message, and reports the count
// to the app, which prints it and exits.

const { invoke, Channel } = window.__TAURI__.core
const { listen } = window.__TAURI__.event

const settings = await invoke('bench_settings')
const status = document.getElementById('status')
const count = {
  received: 0,
  dropped: 0,
  deliveries: 0,
  seconds: 0,
  problem: null
}
let startedAt = 0
let lastAt = 0
let textLength = 0
let reported = false

// Tauri logs a failed fetch of a large channel message with console.error; keep the first
// few so that a stalled run says why.
const errors = []
const logError = console.error
console.error = (...args) => {
  if (errors.length < 3) errors.push(args.map(String).join(' '))
  logError(...args)
}
window.addEventListener('unhandledrejection', (event) =>
  console.error(event.reason)
)
window.addEventListener('error', (event) => console.error(event.message))

function arrived(messages, dropped) {
  count.deliveries += 1
  count.received += messages
  count.dropped += dropped
  lastAt = performance.now()
  if (count.received + count.dropped >= settings.count) {
    finish(null)
  }
}

function finish(problem) {
  if (reported) return
  reported = true
  count.seconds = (Math.max(lastAt, startedAt) - startedAt) / 1000
  count.problem =
    errors.length > 0
      ? `${problem}; page errors: ${errors.join(' | ')}`
      : problem
  status.textContent = `${count.received} messages (${textLength} characters)`
  invoke('report', { count })
}

// A run that stalls or overruns still reports what reached the page.
const deadline = performance.now() + settings.timeLimitSeconds * 1000
setInterval(() => {
  const now = performance.now()
  if (startedAt > 0 && lastAt > 0 && now - lastAt > 10000) {
    finish('no message for 10 s')
  } else if (now > deadline) {
    finish('the time limit passed')
  }
}, 500)

if (settings.mode === 'channel') {
  // As the bindings do: acknowledge each batch once it is handled, since the plugin sends only
  // a few batches ahead of the acknowledgements. A batch that comes before `subscribe` has
  // answered is acknowledged once the id is known.
  let id
  let unacknowledged = 0
  const acknowledge = (batches) => {
    if (id === undefined) {
      unacknowledged += batches
    } else {
      invoke('plugin:twitch-chat|ack', { id, batches }).catch(console.error)
    }
  }
  const channel = new Channel()
  channel.onmessage = (batch) => {
    let messages = 0
    let dropped = 0
    for (const delivery of batch) {
      const event = delivery.event
      if (event.kind === 'message') {
        messages += 1
        textLength += event.text.length
      } else if (event.kind === 'lagged') {
        dropped += event.dropped
      }
    }
    arrived(messages, dropped)
    acknowledge(1)
  }
  id = await invoke('plugin:twitch-chat|subscribe', {
    onEvent: channel,
    options: { replay: false }
  })
  if (unacknowledged > 0) acknowledge(unacknowledged)
  startedAt = performance.now()
  await invoke('plugin:twitch-chat|track', { channel: settings.channel })
} else {
  await listen('chat-message', (event) => {
    textLength += event.payload.text.length
    arrived(1, 0)
  })
  startedAt = performance.now()
  await invoke('start_emit')
}
status.textContent = `receiving in ${settings.mode} mode`
