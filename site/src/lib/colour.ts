/** WCAG 2.x relative luminance of an sRGB colour written #rrggbb. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of white text on the colour (1 to 21). */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** The colour mixed with white (`share` of white from 0 to 1), for tints behind text. */
export function mixWithWhite(hex: string, share: number): string {
  return `#${[1, 3, 5]
    .map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16);
      return Math.round(c + (255 - c) * share)
        .toString(16)
        .padStart(2, '0');
    })
    .join('')}`;
}

/** The colour darkened towards black (`share` of black from 0 to 1), for hover states. */
export function darken(hex: string, share: number): string {
  return `#${[1, 3, 5]
    .map((i) =>
      Math.round(parseInt(hex.slice(i, i + 2), 16) * (1 - share))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * The practice's colour as the site's brand colour, only when white text on it meets WCAG 2.2 AA
 * (4.5:1); otherwise the site keeps its own accessible blue.
 */
export function brandColours(hex: string | null | undefined): Record<string, string> | null {
  if (!hex || !/^#[0-9a-fA-F]{6}$/.test(hex) || contrastWithWhite(hex) < 4.5) return null;
  return { '--brand': hex, '--brand-dark': darken(hex, 0.25), '--brand-tint': mixWithWhite(hex, 0.9) };
}
