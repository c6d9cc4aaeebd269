// `npm run screenshot`: the README's picture of a chapter in JupyterLab, taken in headless Chromium.
//
//   npm run screenshot -- [NOTEBOOK] [--plot N] [--out FILE.jpg]
//
// NOTEBOOK is an executed chapter (default build/notebooks/04-attention-decoder.ipynb, which `npm test`
// writes); the page scrolls to its N-th plot (default: the last) and saves the window as a small JPEG.
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
    const page = await lab.open(notebook, { width: 1200, height: 860 });
    await page.waitForSelector('.js-plotly-plot', { timeout: 60_000 });
    const plots = page.locator('.js-plotly-plot');
    const n = await plots.count();
    const target = plots.nth(plot < 0 ? n + plot : plot);
    await target.scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('.jp-WindowedPanel-outer')?.scrollBy(0, -120)); // a little of the cell above
    fs.mkdirSync(path.dirname(path.join(ROOT, out)), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, out), type: 'jpeg', quality: 70 });
    console.log(`screenshot of ${notebook} (plot ${plot < 0 ? n + plot + 1 : plot + 1} of ${n}): ${out}, ${fs.statSync(path.join(ROOT, out)).size} bytes`);
  } finally {
    await lab.close();
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
