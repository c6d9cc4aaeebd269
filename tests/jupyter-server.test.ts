// `npm start` serves JupyterLab on 127.0.0.1 with token auth and the tslab kernel listed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../scripts/lib/lab-browser';

const ROOT = path.resolve(__dirname, '..', '..');


async function waitFor(url: string, headers: Record<string, string>, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fetch(url, { headers });
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

test('npm start serves JupyterLab with the tslab kernel, behind a token', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const token = 'test-token-' + process.pid;
  const server = spawn(process.execPath, [path.join(ROOT, 'build', 'scripts', 'start.js'), '--port', String(port), '--token', token, '--no-browser', '--no-watch'], {
    cwd: ROOT,
    detached: true, // own process group: stopped as a whole below
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => server.on('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    const res = await waitFor(`${base}/api/kernelspecs`, { Authorization: `token ${token}` }, 60_000);
    assert.equal(res.status, 200, log);
    const specs = (await res.json()) as { kernelspecs: Record<string, { spec: { display_name: string; language: string } }> };
    assert.ok(specs.kernelspecs.tslab, `tslab not listed: ${Object.keys(specs.kernelspecs).join(', ')}`);
    assert.equal(specs.kernelspecs.tslab.spec.language, 'typescript');
    const anonymous = await fetch(`${base}/api/kernelspecs`);
    assert.equal(anonymous.status, 403, 'the API must refuse requests without the token');
    // the project's settings (written into .venv by the set-up) turn off the first-run news prompt
    const settings = await fetch(`${base}/lab/api/settings/@jupyterlab/apputils-extension:notification`, { headers: { Authorization: `token ${token}` } });
    assert.equal(settings.status, 200);
    // overrides.json becomes the schema's defaults
    const { schema } = (await settings.json()) as { schema: { properties: { fetchNews: { default: string }; checkForUpdates: { default: boolean } } } };
    assert.equal(schema.properties.fetchNews.default, 'false', 'JupyterLab must not ask about Jupyter news');
    assert.equal(schema.properties.checkForUpdates.default, false);
    assert.match(log, new RegExp(`http://127\\.0\\.0\\.1:${port}/lab/tree/notebooks\\?token=${token}`));
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
  }
});
