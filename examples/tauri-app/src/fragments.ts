// A message's text as the reader sees it: plain text, emote images, cheers and mentions.
// Everything here is hostile input, so it goes into the page through textContent and
// attributes only.

import type { EmoteImages, Fragment } from 'tauri-plugin-twitch-chat-api'

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)')

/**
 * A message's text as a `span.text`: its fragments, or the plain text when it has none.
 *
 * @example
 * ```ts
 * row.append(textSpan(message.fragments, message.text))
 * ```
 */
export function textSpan(fragments: Fragment[], plain: string): HTMLElement {
  const text = document.createElement('span')
  text.className = 'text'
  if (fragments.length > 0) {
    text.append(...renderFragments(fragments))
  } else {
    text.textContent = plain
  }
  return text
}

/**
 * The fragments of a message as nodes, in order.
 *
 * @example
 * ```typescript
 * text.append(...renderFragments(message.fragments))
 * ```
 */
export function renderFragments(fragments: Fragment[]): Node[] {
  return fragments.map((fragment) => {
    switch (fragment.type) {
      case 'text':
        return document.createTextNode(fragment.text)
      case 'emote':
        return emote(
          fragment.text,
          reducedMotion.matches ? fragment.staticImages : fragment.images
        )
      case 'cheermote':
        return pill('cheermote', fragment.text, `${fragment.bits} bits`)
      case 'mention':
        return pill('mention', fragment.text, `@${fragment.login}`)
    }
  })
}

// Addresses of emote images that failed to load. Chat repeats the same emotes all the time, so
// later copies show their code at once instead of asking for the image again; a reload of the
// page tries again.
const unavailable = new Set<string>()

// Every emote is an <img class="emote"> whose alt and title are its code. When its image
// cannot be loaded (offline, or the emote is gone) the <img> is hidden and the code is shown
// beside it, so the line still reads the same and the emote can still be found in it.
function emote(
  code: string,
  images: EmoteImages
): HTMLElement | DocumentFragment {
  const img = document.createElement('img')
  img.className = 'emote'
  img.alt = code
  img.title = code

  if (unavailable.has(images.x1)) {
    img.hidden = true
    const both = document.createDocumentFragment()
    both.append(img, codeInstead(code))
    return both
  }

  img.decoding = 'async'
  img.src = images.x1
  img.srcset = `${images.x1} 1x, ${images.x2} 2x, ${images.x3} 4x`
  img.addEventListener(
    'error',
    () => {
      unavailable.add(images.x1)
      img.hidden = true
      img.after(codeInstead(code))
    },
    { once: true }
  )
  return img
}

function codeInstead(code: string): HTMLElement {
  const fallback = document.createElement('span')
  fallback.className = 'emote-fallback'
  fallback.textContent = code
  fallback.title = code
  return fallback
}

function pill(className: string, text: string, title: string): HTMLElement {
  const span = document.createElement('span')
  span.className = className
  span.textContent = text
  span.title = title
  return span
}
