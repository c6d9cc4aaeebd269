import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { declarationSource } from '../src';

test('declarationSource returns a function with its doc comment, exactly as in the file', () => {
  const code = declarationSource('src/backend.ts', 'assertNativeBackend');
  assert.match(code, /^\/\*\* Throws, with the fix, unless the native backend runs/);
  assert.match(code, /export function assertNativeBackend\(\): BackendReport \{/);
  assert.match(code, /return report;\n\}$/);
});

test('declarationSource finds interfaces and constants too', () => {
  assert.match(declarationSource('src/backend.ts', 'BackendReport'), /^export interface BackendReport \{/);
  assert.match(declarationSource('src/viz/display.ts', 'PLOTLY_MIME'), /application\/vnd\.plotly\.v1\+json/);
});

test('declarationSource names what exists when the name is wrong, and the path when the file is', () => {
  assert.throws(() => declarationSource('src/backend.ts', 'nope'), /declares no top-level "nope".*backendReport/);
  assert.throws(() => declarationSource('src/missing.ts', 'x'), /no file src\/missing\.ts/);
});

test('declarationSource finds class members as Class.member, dedented', () => {
  const code = declarationSource('src/seq2seq/decoder.ts', 'Decoder.baselineStep');
  assert.match(code, /^\/\*\* The baseline \(no attention\)/);
  assert.match(code, /^baselineStep\(p: PreparedCell, y: tf\.Tensor2D/m);
  assert.doesNotMatch(code, /additiveScore|dotScore/, 'only the baseline path (chapter 03 shows it before attention is taught)');
  assert.throws(() => declarationSource('src/seq2seq/decoder.ts', 'Decoder.nope'), /class Decoder in src\/seq2seq\/decoder\.ts has no member "nope"; it has: .*step/);
});
