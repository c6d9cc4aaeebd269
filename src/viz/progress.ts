// Live training progress: a bar and numbers updated in place in a notebook (tslab's update_display_data),
// plain text lines elsewhere (CLI, CI logs).
import { lossCurves } from './curves';
import { notebookDisplay, PLOTLY_MIME } from './display';

export interface ProgressStart {
  epochs: number;
  stepsPerEpoch: number;
  title?: string;
}

export interface ProgressReporter {
  start(info: ProgressStart): void;
  /** After each training step (cheap: rendering is throttled). */
  step(epoch: number, step: number, loss: number): void;
  /** After each epoch, with its metrics (loss, accuracy, valLoss, ...). */
  epochEnd(epoch: number, metrics: Record<string, number | undefined>): void;
  end(summary?: string): void;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

/** Shared bookkeeping: speed and ETA from steps done so far. */
class Clock {
  t0 = Date.now();
  done = 0;
  total = 1;
  reset(total: number) {
    this.t0 = Date.now();
    this.done = 0;
    this.total = total;
  }
  get elapsed() {
    return (Date.now() - this.t0) / 1000;
  }
  get speed() {
    return this.done / Math.max(this.elapsed, 1e-9);
  }
  get eta() {
    return (this.total - this.done) / Math.max(this.speed, 1e-9);
  }
}

const metricsText = (m: Record<string, number | undefined>) =>
  Object.entries(m).filter(([, v]) => v !== undefined && Number.isFinite(v)).map(([k, v]) => `${k} ${(v as number).toFixed(4)}`).join(' · ');

/** Text lines: one every `everySeconds` during an epoch, one per epoch. */
export function textProgress(opts: { everySeconds?: number; write?: (line: string) => void } = {}): ProgressReporter {
  const write = opts.write ?? ((l: string) => console.log(l));
  const every = (opts.everySeconds ?? 10) * 1000;
  const clock = new Clock();
  let info: ProgressStart = { epochs: 1, stepsPerEpoch: 1 };
  let last = 0;
  return {
    start(i) {
      info = i;
      clock.reset(i.epochs * i.stepsPerEpoch);
      last = Date.now();
      write(`[train] ${i.title ?? 'training'}: ${i.epochs} epochs × ${i.stepsPerEpoch} steps`);
    },
    step(epoch, step, loss) {
      clock.done++;
      if (Date.now() - last >= every) {
        last = Date.now();
        write(`[train] epoch ${epoch + 1}/${info.epochs} step ${step + 1}/${info.stepsPerEpoch} loss ${loss.toFixed(4)} · ${clock.speed.toFixed(1)} steps/s · ETA ${fmtTime(clock.eta)}`);
      }
    },
    epochEnd(epoch, m) {
      write(`[train] epoch ${epoch + 1}/${info.epochs} · ${metricsText(m)} · ${fmtTime(clock.elapsed)} elapsed`);
    },
    end(summary) {
      write(`[train] done in ${fmtTime(clock.elapsed)}${summary ? ` · ${summary}` : ''}`);
    },
  };
}

interface TslabDisplayEntry {
  html(s: string): void;
  raw(mime: string, data: unknown): void;
}

/**
 * In a notebook: a progress bar with epoch, step, loss, speed and ETA, redrawn in place at most every
 * `everyMs`, and a loss curve (train/valid) redrawn in place after each epoch.
 */
export function notebookProgress(opts: { everyMs?: number; curve?: boolean; newDisplay?: () => TslabDisplayEntry } = {}): ProgressReporter {
  const make = opts.newDisplay ?? (() => (require('tslab') as { newDisplay(): TslabDisplayEntry }).newDisplay());
  const every = opts.everyMs ?? 400;
  const clock = new Clock();
  let info: ProgressStart = { epochs: 1, stepsPerEpoch: 1 };
  let bar: TslabDisplayEntry | undefined;
  let chart: TslabDisplayEntry | undefined;
  let last = 0;
  const history: Record<string, number[]> = {};
  const render = (epoch: number, step: number, loss: number, doneText?: string) => {
    const pct = Math.min(100, (100 * clock.done) / clock.total);
    bar!.html(
      `<div class="aw-progress" data-done="${clock.done}" data-total="${clock.total}" style="font-family:monospace">` +
        `<div style="width:420px;height:12px;background:#eee;border-radius:3px"><div style="width:${pct.toFixed(1)}%;height:12px;background:#4a90d9;border-radius:3px"></div></div>` +
        `<div>${info.title ? `${info.title} · ` : ''}epoch ${epoch + 1}/${info.epochs} · step ${step + 1}/${info.stepsPerEpoch} · loss ${loss.toFixed(4)} · ` +
        `${clock.speed.toFixed(1)} steps/s · ${doneText ?? `ETA ${fmtTime(clock.eta)}`}</div></div>`,
    );
  };
  let lastLoss = NaN;
  let lastEpoch = 0;
  return {
    start(i) {
      info = i;
      clock.reset(i.epochs * i.stepsPerEpoch);
      bar = make();
      if (opts.curve ?? true) chart = make();
      render(0, -1, NaN);
    },
    step(epoch, step, loss) {
      clock.done++;
      lastLoss = loss;
      lastEpoch = epoch;
      if (Date.now() - last >= every || clock.done === clock.total) {
        last = Date.now();
        render(epoch, step, loss);
      }
    },
    epochEnd(epoch, m) {
      for (const [k, v] of Object.entries(m)) if (v !== undefined && Number.isFinite(v)) (history[k] ??= []).push(v);
      render(epoch, info.stepsPerEpoch - 1, lastLoss);
      if (chart && history.loss) chart.raw(PLOTLY_MIME, lossCurves(history, { title: 'loss per epoch' }));
    },
    end(summary) {
      render(lastEpoch, info.stepsPerEpoch - 1, lastLoss, `done in ${fmtTime(clock.elapsed)}${summary ? ` · ${summary}` : ''}`);
    },
  };
}

/** Notebook progress inside a tslab cell, text lines elsewhere; 'silent' reports nothing. */
export function createProgress(mode: 'auto' | 'notebook' | 'text' | 'silent' = 'auto'): ProgressReporter {
  if (mode === 'silent') return { start() {}, step() {}, epochEnd() {}, end() {} };
  if (mode === 'notebook' || (mode === 'auto' && notebookDisplay())) return notebookProgress();
  return textProgress();
}
