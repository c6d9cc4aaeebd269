// Rich output in the tslab kernel. Plotly figures go out as the `application/vnd.plotly.v1+json`
// mime bundle: JupyterLab's plotly renderer (from the `plotly` package in .venv, offline) draws them,
// the saved notebook keeps only the figure JSON (no copy of plotly.js per plot), and a reopened,
// untrusted notebook still shows them (a <script> in HTML output would not run there).
import type { Data, Layout } from 'plotly.js-dist-min';

/** A plotly figure as plain JSON: what JupyterLab's plotly renderer reads. */
export interface Figure {
  data: Data[];
  layout?: Partial<Layout>;
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface TslabDisplay {
  raw(contentType: string, data: unknown): void;
  html(s: string): void;
  text(s: string): void;
}

/** The kernel's display, or undefined outside a tslab cell (CLI, tests). Loaded lazily: tslab pulls in TypeScript. */
export function notebookDisplay(): TslabDisplay | undefined {
  try {
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    if (jupyter.lastWriteDisplayData == null) return undefined;
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/**
 * Shows a figure inline in the notebook. The figure object itself is sent (tslab's typings say
 * string; a JSON *string* would be saved as text and the plot lost on reopening). Outside a
 * notebook it prints a one-line summary instead.
 */
export function showFigure(figure: Figure): void {
  const display = notebookDisplay();
  const plain = JSON.parse(JSON.stringify(figure)) as Figure; // typed arrays and tensors' data to plain JSON
  if (!display) {
    const title = typeof plain.layout?.title === 'string' ? plain.layout.title : plain.layout?.title?.text;
    console.log(`[figure] ${title ?? 'untitled'}: ${plain.data.length} trace(s) (shown inline in JupyterLab)`);
    return;
  }
  display.raw(PLOTLY_MIME, plain);
}
