import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isLibtensorflowStartupNoise } from '../scripts/lib/tf-log-filter';

test('the kernel launcher drops exactly libtensorflow 2.21 start-up lines', () => {
  const noise = [
    'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR',
    'I0000 00:00:1795488374.477107    4178 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results.',
    'I0000 00:00:1795488374.517192    4178 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.',
    'To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.',
  ];
  for (const line of noise) assert.ok(isLibtensorflowStartupNoise(line), line);
  const kept = [
    'E0000 00:00:1795488374.517192    4178 some_kernel.cc:12] Invalid argument: shape mismatch',
    'WARNING: something else entirely',
    'Error: Cannot find module',
    '',
  ];
  for (const line of kept) assert.ok(!isLibtensorflowStartupNoise(line), line);
});
