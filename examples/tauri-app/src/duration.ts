// Lengths of time as chat shows them.

/**
 * A duration in the largest unit that divides it: `45 s`, `10 min`, `2 h`, `7 d`.
 *
 * @example
 * ```typescript
 * duration(600) // '10 min'
 * ```
 */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min']
  ]
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      return `${seconds / size} ${unit}`
    }
  }
  return `${seconds} s`
}
