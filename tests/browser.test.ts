/// <reference lib="dom" />
// The workbook in a real browser: JupyterLab from .venv, a notebook opened in headless Debian chromium
// (playwright-core), all cells run, then: the heatmap rendered by plotly with the right cells, the
// progress bar updated in place, the saved notebook small (figure JSON, no plotly.js), a screenshot.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CHROMIUM, kernelState, startLab } from '../scripts/lib/lab-browser';

const ROOT = path.resolve(__dirname, '..', '..');
const NOTEBOOK_DIR = path.join(ROOT, 'build', 'browser');
const NOTEBOOK = path.join(NOTEBOOK_DIR, 'plots.ipynb');
const SCREENSHOT = path.join(ROOT, 'artifacts', 'browser', 'workbook.png');

const cells = [
  `import { attentionHeatmap, showFigure } from 'attention-workbook';
showFigure(attentionHeatmap({ title: 'heatmap', weights: [[0.7, 0.1, 0.1, 0.1], [0.1, 0.6, 0.2, 0.1], [0.0, 0.1, 0.2, 0.7]], x: ['the', 'black', 'cat', '.'], y: ['le', 'chat', 'noir'] }));`,
  `import { lossCurves, histogram } from 'attention-workbook';
showFigure(lossCurves({ loss: [2, 1.2, 0.8], valLoss: [2.1, 1.4, 1.0] }, { title: 'curves' }));
showFigure(histogram({ lengths: [3, 4, 4, 5, 5, 5, 6, 7] }, { title: 'histogram' }));`,
  `import { notebookProgress } from 'attention-workbook';
const progress = notebookProgress({ everyMs: 0, curve: false });
progress.start({ epochs: 2, stepsPerEpoch: 6, title: 'demo' });
for (let e = 0; e < 2; e++) {
  for (let s = 0; s < 6; s++) { progress.step(e, s, 1 / (1 + e * 6 + s)); await new Promise((r) => setTimeout(r, 250)); }
  progress.epochEnd(e, { loss: 1 / (1 + e) });
}
progress.end('all good');`,
];

function writeNotebook(): void {
  const nb = {
    cells: cells.map((src, i) => ({ cell_type: 'code', id: `b${i}`, metadata: {}, execution_count: null, outputs: [], source: src })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript (tslab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.mkdirSync(NOTEBOOK_DIR, { recursive: true });
  fs.writeFileSync(NOTEBOOK, JSON.stringify(nb, null, 1));
}

test('in headless Chromium, a notebook runs, plots render inline, progress updates in place, the saved file stays small', { timeout: 240_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.AW_SKIP_BROWSER_TEST) {
      t.skip(`${CHROMIUM} is missing and AW_SKIP_BROWSER_TEST is set`);
      return;
    }
    assert.fail(`${CHROMIUM} is missing: npm install installs it with apt when run as root; otherwise apt-get install chromium (or set AW_CHROMIUM, or AW_SKIP_BROWSER_TEST=1 to skip this test)`);
  }
  writeNotebook();
  const lab = await startLab();
  try {
    const page = await lab.open('build/browser/plots.ipynb');
    try {
    const kernel = await kernelState(page);
    assert.equal(kernel.name, 'tslab', 'the notebook runs on its own kernelspec');
    assert.equal(await page.locator('.jp-Notification-Toast').filter({ hasText: /Jupyter news/ }).count(), 0, 'no news prompt (the set-up turns it off)');
    // record every state of the progress bar while it runs
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { awProgress: Set<string> }).awProgress = seen;
      setInterval(() => {
        const el = document.querySelector<HTMLElement>('.aw-progress');
        if (el?.dataset.done) seen.add(el.dataset.done);
      }, 50);
    });
    await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
    await page.click('.lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel:text-is("Run All Cells")');
    // every cell was sent: its prompt shows [*] (waiting or running) or its execution count
    await page
      .waitForFunction((n) => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).filter((p) => /\[(\*|\d+)\]/.test(p.textContent ?? '')).length === n, cells.length, { timeout: 30_000 })
      .catch(async () => {
        throw new Error(`Run All sent no cells; prompts: ${JSON.stringify(await page.$$eval('.jp-InputArea-prompt', (ps) => ps.map((p) => p.textContent)))}, kernel: ${JSON.stringify(await kernelState(page))}`);
      });
    await page.waitForFunction(() => document.querySelector('.aw-progress')?.textContent?.includes('done in'), undefined, { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 3, undefined, { timeout: 60_000 });

    const heat = await page.evaluate(() => {
      const gd = document.querySelector('.js-plotly-plot') as unknown as { _fullData: { type: string; z: number[][] }[] } & Element;
      return { type: gd._fullData[0].type, rows: gd._fullData[0].z.length, cols: gd._fullData[0].z[0].length, drawn: gd.querySelectorAll('g.hm image').length };
    });
    assert.deepEqual(heat, { type: 'heatmap', rows: 3, cols: 4, drawn: 1 }, 'plotly drew a 3×4 heatmap');
    const progress = await page.evaluate(() => ({
      bars: document.querySelectorAll('.aw-progress').length,
      states: [...(window as unknown as { awProgress: Set<string> }).awProgress].map(Number).sort((a, b) => a - b),
      text: document.querySelector('.aw-progress')?.textContent ?? '',
    }));
    assert.equal(progress.bars, 1, 'one progress display, updated in place (not appended)');
    assert.ok(progress.states.length >= 4, `the progress bar showed several states: ${progress.states}`);
    assert.match(progress.text, /epoch 2\/2 · step 6\/6 · loss 0\.0833 .* done in .* all good/);

    const before = fs.statSync(NOTEBOOK).mtimeMs;
    await page.keyboard.press('Control+s');
    for (let i = 0; i < 40 && fs.statSync(NOTEBOOK).mtimeMs === before; i++) await new Promise((r) => setTimeout(r, 250));
    const saved = fs.readFileSync(NOTEBOOK, 'utf8');
    const outputs = (JSON.parse(saved) as { cells: { outputs: { data?: Record<string, unknown> }[] }[] }).cells.flatMap((c) => c.outputs);
    const bytes = (mime: string) => outputs.reduce((n, o) => n + (o.data?.[mime] ? JSON.stringify(o.data[mime]).length : 0), 0);
    const size = Buffer.byteLength(saved);
    console.log(`saved notebook with 3 plots: ${size} bytes (figure JSON ${bytes('application/vnd.plotly.v1+json')} bytes, PNG snapshots added by jupyterlab-plotly ${bytes('image/png')} bytes)`);
    assert.equal(outputs.filter((o) => o.data?.['application/vnd.plotly.v1+json']).length, 3, 'three plotly figures saved as figure JSON');
    assert.equal(outputs.filter((o) => String(o.data?.['text/html'] ?? '').includes('aw-progress')).length, 1, 'one progress output in the file');
    assert.ok(size < 200_000, `saved notebook is ${size} bytes; plotly.js alone would be over 3 MB`);
    assert.doesNotMatch(saved, /plotly\.js v\d|<script/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${path.relative(ROOT, SCREENSHOT)}`);
    } catch (e) {
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT.replace('.png', '-failed.png'), fullPage: true });
      throw new Error(`${(e as Error).message}\n(screenshot: ${SCREENSHOT.replace('.png', '-failed.png')})\nserver log:\n${lab.log().slice(-3000)}`);
    }
  } finally {
    await lab.close();
  }
});
