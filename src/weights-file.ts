// The binary weights file of a saved model or training checkpoint: tfjs' weight encoding, its SHA-256 recorded
// beside it, and a reader that refuses a missing, truncated or altered file, naming what differs.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tf } from './tf';

export type WeightSpec = Awaited<ReturnType<typeof tf.io.encodeWeights>>['specs'][number];

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Named tensors as the bytes of one weights file, their manifest entries and the bytes' SHA-256. */
export async function encodeWeightsFile(named: { name: string; tensor: tf.Tensor }[]): Promise<{ bytes: Uint8Array; specs: WeightSpec[]; sha256: string }> {
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data as ArrayBuffer);
  return { bytes, specs, sha256: sha256(bytes) };
}

/**
 * Reads and decodes the weights file `bin` that `file` describes with `specs` (and, when recorded, `sha256`):
 * refused when missing, of another size than the specs give, or with another SHA-256. `who` starts every
 * message (`loadModel`, `resume`); `what` says what a wrong checksum means ("the weights are"). The caller
 * disposes the tensors.
 */
export function readWeightsFile(bin: string, file: string, specs: readonly WeightSpec[], check: { who: string; what: string; sha256?: string }): tf.NamedTensorMap {
  if (!fs.existsSync(bin)) throw new Error(`${check.who}: ${bin} is missing (named by ${file})`);
  const bytes = fs.readFileSync(bin);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a: number, d: number) => a * d, 1) * 4, 0);
  if (bytes.length !== expected) throw new Error(`${check.who}: ${bin} has ${bytes.length} bytes; the manifest in ${file} expects ${expected} (truncated or from another save?)`);
  if (check.sha256 !== undefined) {
    const sum = sha256(bytes);
    if (sum !== check.sha256) throw new Error(`${check.who}: ${bin} has SHA-256 ${sum}, ${file} records ${check.sha256}: ${check.what} corrupt or from another save`);
  }
  return tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), [...specs]);
}
