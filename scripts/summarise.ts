// npm run summarise -- <model folder> "text" ["more text" ...] [--beam K]
// Writes a one-line summary of each text with a model trained to summarise (e.g. configs/debian-en-summary-pointer.json:
// a Debian package's long description -> its synopsis, as in chapter 10). A model that train.ts trained on sources
// cut to their first N tokens (its report.json "sourceTokens") reads its input cut the same way (firstTokens).
import { firstTokens, loadModel, translate } from '../src';
import { failer, readTrainReport, reportUnknown, takeBeam, wrongKind } from './lib/model-cli';

const fail = failer('summarise');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const beam = takeBeam(args, fail);
  const [dir, ...texts] = args;
  if (!dir) fail('usage: npm run summarise -- <model folder> "text" ["more text" ...] [--beam K]');
  if (texts.length === 0) fail('nothing to summarise: give the text after the model folder');
  texts.forEach((t, i) => {
    if (t.trim() === '') fail(`input ${i + 1} is empty`);
  });
  const report = readTrainReport(dir);
  const wrong = wrongKind(dir, 'summarise', report);
  if (wrong) fail(wrong);
  const bundle = await loadModel(dir);
  const n = report?.sourceTokens;
  const inputs = texts.map((t, i) => {
    const length = bundle.sourceTokenizer.tokenize(t).length;
    if (n === undefined || length <= n) return t;
    console.error(`summarise: input ${i + 1}: ${length} tokens; the model reads the first ${n}, as it was trained (report.json "sourceTokens")`);
    return firstTokens(bundle.sourceTokenizer, t, n);
  });
  inputs.forEach((t, i) => reportUnknown('summarise', bundle, `input ${i + 1}`, t, 'a summarisation model'));
  for (const r of translate(bundle, inputs, { beam })) console.log(`${r.text}${r.finished ? '' : '\t(stopped at the length limit)'}`);
}

main().catch((e) => fail((e as Error).message));
