// Estimated text widths, for laying figures out in pixels before plotly draws them (labels that must
// all fit, legends that must not run into titles). Deliberately generous: an overestimate costs some
// white space, an underestimate an overlap.

/** Estimated width in px of a text at a font size: 0.62 em per character, 1 em for CJK and other full-width ones. */
export function textPx(s: string, size: number): number {
  let em = 0;
  for (const ch of s) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.62;
  return em * size;
}

/** Text as plotly shows it literally: plotly reads text as pseudo-HTML, where '</s>' is a closing tag and vanishes. */
export function plotlyText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `s` cut at a character boundary and ended with '…' so its estimated width fits `maxPx` (unchanged when it fits). */
export function fitText(s: string, size: number, maxPx: number): string {
  if (textPx(s, size) <= maxPx) return s;
  const chars = [...s];
  while (chars.length > 0 && textPx(chars.join('') + '…', size) > maxPx) chars.pop();
  return chars.join('').trimEnd() + '…';
}
