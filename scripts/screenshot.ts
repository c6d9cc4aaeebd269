// `npm run screenshot`: the README's picture of a chapter in JupyterLab, taken in headless Chromium.
//
//   npm run screenshot -- [NOTEBOOK] [--plot N] [--out FILE.jpg]
//
// NOTEBOOK is an executed chapter (default build/notebooks/04-attention-decoder.ipynb, which `npm test`
// writes); the page scrolls to its N-th plot (default: the last) and saves the window as a small JPEG (or PNG,
// when FILE ends in .png). Chinese labels need a CJK font where it runs (Debian: fonts-wqy-zenhei).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab } from './lib/lab-browser';
import { ROOT } from './lib/shell';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let notebook = 'build/notebooks/04-attention-decoder.ipynb';
  let plot = -1;
  let out = 'docs/images/chapter-04.jpg';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--plot') plot = Number(args[++i]);
    else if (args[i] === '--out') out = args[++i];
    else if (!args[i].startsWith('--')) notebook = args[i];
    else throw new Error(`screenshot: unknown option ${args[i]} (try NOTEBOOK --plot N --out FILE.jpg)`);
  }
  if (!fs.existsSync(path.join(ROOT, notebook))) throw new Error(`screenshot: ${notebook} is missing; run npm test first (it writes the executed chapters to build/notebooks/)`);
  const lab = await startLab();
  try {
    const page = await lab.open(notebook, { width: 1200, height: 1000 });
    // the cells holding plots, from the executed file; JupyterLab renders only the cells near the view
    const cells = (JSON.parse(fs.readFileSync(path.join(ROOT, notebook), 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }).cells;
    const withPlots = cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json']).map(() => i));
    if (withPlots.length === 0) throw new Error(`screenshot: ${notebook} has no plot outputs`);
    const n = withPlots.length;
    const index = withPlots[plot < 0 ? n + plot : plot];
    if (index === undefined) throw new Error(`screenshot: ${notebook} has ${n} plots; --plot ${plot} is out of range`);
    await page.evaluate(async (i) => {
      type Notebook = { widgets: unknown[]; activeCellIndex: number; scrollToCell(cell: unknown, align: string): Promise<void> };
      const app = (window as unknown as { jupyterapp: { shell: { collapseLeft(): void; currentWidget: { content: Notebook } } } }).jupyterapp;
      app.shell.collapseLeft(); // the notebook, not the file browser
      const nb = app.shell.currentWidget.content;
      nb.activeCellIndex = i;
      await nb.scrollToCell(nb.widgets[i], 'center');
    }, index);
    await page.locator('.jp-Cell.jp-mod-active .js-plotly-plot').first().waitFor({ timeout: 60_000 });
    await page.evaluate(() => document.querySelector('.jp-Cell.jp-mod-active .js-plotly-plot')?.scrollIntoView({ block: 'end' }));
    const file = path.resolve(ROOT, out);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot(file.endsWith('.png') ? { path: file, type: 'png' } : { path: file, type: 'jpeg', quality: 70 });
    console.log(`screenshot of ${notebook} (plot ${plot < 0 ? n + plot + 1 : plot + 1} of ${n}, cell ${index + 1}): ${out}, ${fs.statSync(file).size} bytes`);
  } finally {
    await lab.close();
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
