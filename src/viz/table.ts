// Tables as HTML in the notebook (danfo's own toString() is box-drawing text).
import type { DataFrame } from 'danfojs-node';
import { notebookDisplay } from './display';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An HTML table for rows of cells (strings or numbers). */
export function htmlTable(columns: readonly string[], rows: readonly (readonly unknown[])[], caption?: string): string {
  const cell = (v: unknown) => escape(typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v ?? ''));
  return (
    '<table>' +
    (caption ? `<caption>${escape(caption)}</caption>` : '') +
    `<thead><tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/** The first `maxRows` rows of a danfo DataFrame as an HTML table. */
export function frameHtml(df: DataFrame, maxRows = 10, caption?: string): string {
  const rows = (df.values as unknown[][]).slice(0, maxRows);
  const more = df.shape[0] > maxRows ? ` (first ${maxRows} of ${df.shape[0]} rows)` : '';
  return htmlTable(df.columns as string[], rows, (caption ?? '') + more || undefined);
}

/** Shows a DataFrame as an HTML table in the notebook; prints it as text elsewhere. */
export function showFrame(df: DataFrame, maxRows = 10, caption?: string): void {
  const display = notebookDisplay();
  if (display) display.html(frameHtml(df, maxRows, caption));
  else console.log(df.head(maxRows).toString());
}
