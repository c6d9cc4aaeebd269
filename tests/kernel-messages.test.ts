// No Jupyter message is lost by the tslab kernel (scripts/lib/zmq-send-queue.ts). zeromq 6 completes at most 512
// sends on a socket synchronously and throws EBUSY at a send made before the next one has gone out; tslab 1.0.22
// never waits for a send, so one IOPub message in about 513 was lost, and a display failed its cell with no message.
// A Publisher also dropped a burst beyond its high-water mark of 1 000 messages.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { queueSends, unboundedPublishers } from '../scripts/lib/zmq-send-queue';
import { ROOT, TSLAB_DIR, VENV_PYTHON } from '../scripts/lib/shell';

interface Sock {
  send(parts: Buffer[]): Promise<void>;
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  subscribe(): void;
  close(): void;
  readonly lastEndpoint: string;
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]>;
}
interface Zmq {
  Socket: { prototype: object };
  Publisher: new (options?: Record<string, unknown>) => Sock & { sendHighWaterMark: number };
  Subscriber: new () => Sock;
}
// the zeromq tslab loads
const zmq = require(require.resolve('zeromq', { paths: [TSLAB_DIR] })) as Zmq;

/** Sends `n` numbered messages from a Publisher in one turn of the event loop; what threw, and what a Subscriber got. */
async function burst(n: number): Promise<{ threw: string[]; received: number[] }> {
  const pub = new zmq.Publisher();
  const sub = new zmq.Subscriber();
  try {
    await pub.bind('tcp://127.0.0.1:0');
    sub.connect(pub.lastEndpoint);
    sub.subscribe();
    const received: number[] = [];
    const reading = (async () => {
      for await (const [m] of sub) {
        received.push(Number(m.toString()));
        if (received.length === n) return;
      }
    })();
    // a subscription takes a moment to reach the publisher; until then its messages are dropped
    for (let i = 0; i < 100 && received.length === 0; i++) {
      await pub.send([Buffer.from('-1')]);
      await new Promise((r) => setTimeout(r, 20));
    }
    received.length = 0;
    const threw: string[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      try {
        sends.push(pub.send([Buffer.from(String(i))]));
      } catch (e) {
        threw.push((e as Error).message);
      }
    }
    await Promise.all(sends);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 3000))]);
    return { threw, received: received.filter((i) => i >= 0) };
  } finally {
    sub.close();
    pub.close();
  }
}

test('zeromq 6 alone: the 514th send in one turn throws "busy writing" (the fault the queue is for)', async () => {
  const { threw } = await burst(1200);
  assert.ok(threw.length > 0, 'zeromq no longer throws EBUSY on a burst: the send queue may be unnecessary now');
  assert.match(threw[0], /Socket is busy writing/);
});

test('queued sends, unbounded publishers: 3 000 messages in one turn all arrive, in order; patching twice is refused', async () => {
  assert.equal(queueSends(zmq.Socket), true);
  assert.equal(queueSends(zmq.Socket), false);
  const hwm = (options?: Record<string, unknown>) => {
    const p = new zmq.Publisher(options);
    try {
      return p.sendHighWaterMark;
    } finally {
      p.close();
    }
  };
  assert.equal(hwm(), 1000);
  assert.equal(unboundedPublishers(zmq), true);
  assert.equal(unboundedPublishers(zmq), false);
  assert.equal(hwm(), 0);
  assert.equal(hwm({ sendHighWaterMark: 5 }), 5); // an explicit option wins
  const { threw, received } = await burst(3000);
  assert.deepEqual(threw, []);
  assert.deepEqual(received, Array.from({ length: 3000 }, (_, i) => i));
  const closed = new zmq.Publisher();
  closed.close();
  assert.throws(() => closed.send([Buffer.from('x')]), /Socket is closed/); // still synchronous, as without the queue
});

test('the tslab kernel (as registered) delivers 1 500 printed lines and 600 displays from single cells', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-kernel-'));
  try {
    const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript (tslab)', language: 'typescript' } },
      cells: [
        cell('for (let i = 0; i < 1500; i++) console.log(`line ${i}`);'),
        cell("import { display } from 'tslab';\nfor (let i = 0; i < 600; i++) display.text(`shown ${i}`);\nconsole.log('done');"),
      ],
    };
    const file = path.join(dir, 'burst.ipynb');
    const out = path.join(dir, 'out.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const r = spawnSync(VENV_PYTHON, [path.join(ROOT, 'scripts', 'run_notebook.py'), file, '--no-rerun', '--out', out, '--timeout', '120'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `the notebook failed:\n${r.stdout}\n${r.stderr}`);
    type Multiline = string | string[]; // nbformat stores a multi-line string as a list of lines
    const executed = JSON.parse(fs.readFileSync(out, 'utf8')) as { cells: { outputs: { output_type: string; text?: Multiline; data?: Record<string, Multiline> }[] }[] };
    const joined = (s: Multiline | undefined) => (Array.isArray(s) ? s.join('') : s ?? '');
    const printed = executed.cells[0].outputs.filter((o) => o.output_type === 'stream').map((o) => joined(o.text)).join('');
    assert.equal(printed, Array.from({ length: 1500 }, (_, i) => `line ${i}\n`).join(''));
    const shown = executed.cells[1].outputs.filter((o) => o.output_type === 'display_data').map((o) => joined(o.data?.['text/plain']));
    assert.deepEqual(shown, Array.from({ length: 600 }, (_, i) => `shown ${i}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
