// Colours of display names on the window's dark background.

/** Names of users who never chose a colour get one of these, always the same per login. */
const FALLBACK_COLOURS = [
  '#ff7f7f',
  '#7fb2ff',
  '#7fe07f',
  '#ffb27f',
  '#d29bff',
  '#7fe0e0',
  '#ffd966',
  '#ff9bd2'
]

/** Lightness a colour needs to stay readable on the background. */
const MIN_LUMINANCE = 0.2

const HEX_COLOUR = /^#[0-9a-f]{6}$/i

/**
 * The colour to draw a display name in: the user's own, lightened if it would be too dark to
 * read, or a fallback picked from the login when the user never chose one.
 *
 * @example
 * ```typescript
 * nameColour('#0000FF', 'alice') // a lighter blue
 * nameColour(null, 'alice') // one of the fallback colours, the same for every message of alice
 * ```
 */
export function nameColour(colour: string | null, login: string): string {
  if (colour === null || !HEX_COLOUR.test(colour)) {
    return FALLBACK_COLOURS[hash(login) % FALLBACK_COLOURS.length]
  }

  const rgb = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16))
  return luminance(rgb) >= MIN_LUMINANCE ? colour : lighten(rgb)
}

function hash(text: string): number {
  let sum = 0
  for (let at = 0; at < text.length; at += 1) {
    sum = (sum * 31 + text.charCodeAt(at)) >>> 0
  }
  return sum
}

// Relative luminance as WCAG defines it, from 0 (black) to 1 (white).
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

// Mixes the colour with white until it is light enough, keeping its hue.
function lighten(rgb: number[]): string {
  let mixed = rgb
  for (let share = 0.1; share <= 1; share += 0.1) {
    mixed = rgb.map((channel) => Math.round(channel + (255 - channel) * share))
    if (luminance(mixed) >= MIN_LUMINANCE) {
      break
    }
  }
  return `rgb(${mixed.join(', ')})`
}
