// Windowing for long lists of rows of varying height: measured heights where
// known, an estimate elsewhere.

export const OVERSCAN = 1200; // px rendered above and below the viewport
export const ESTIMATE = 160; // px assumed for a row not measured yet

/** Which messages to draw, and the space standing in for the rest. */
export function windowOf(list: { id: string }[], heights: Map<string, number>, top: number, height: number) {
  let start = 0;
  let end = list.length;
  let padTop = 0;
  let y = 0;
  for (let i = 0; i < list.length; i++) {
    const h = heights.get(list[i].id) ?? ESTIMATE;
    if (y + h < top - OVERSCAN) {
      start = i + 1;
      padTop = y + h;
    } else if (y > top + height + OVERSCAN) {
      end = i;
      break;
    }
    y += h;
  }
  let padBottom = 0;
  for (let i = end; i < list.length; i++) padBottom += heights.get(list[i].id) ?? ESTIMATE;
  return { start, end, padTop, padBottom };
}

