// npm run translate -- <model folder> "text" ["more text" ...] [--beam K] [--tokens]
// Applies the model's own tokenizer (a BPE model's saved merges) to the input and undoes it on the output;
// --tokens also prints the source and output tokens (subwords), tab-separated after the translation.
import { loadModel, translate } from '../src';
import { failer, reportUnknown, takeBeam, takeFlag } from './lib/model-cli';

const fail = failer('translate');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const beam = takeBeam(args, fail);
  const showTokens = takeFlag(args, '--tokens');
  const [dir, ...texts] = args;
  if (!dir) fail('usage: npm run translate -- <model folder> "text" ["more text" ...] [--beam K] [--tokens]');
  if (texts.length === 0) fail('nothing to translate: give the text after the model folder');
  texts.forEach((t, i) => {
    if (t.trim() === '') fail(`input ${i + 1} is empty`);
  });
  const bundle = await loadModel(dir);
  texts.forEach((t, i) => reportUnknown('translate', bundle, `input ${i + 1}`, t, 'a model for this language pair'));
  for (const r of translate(bundle, texts, { beam })) {
    const tokens = showTokens ? `\t${r.sourceTokens.join(' ')}\t${r.tokens.join(' ')}` : '';
    console.log(`${r.source}\t${r.text}${tokens}${r.finished ? '' : '\t(stopped at the length limit)'}`);
  }
}

main().catch((e) => fail((e as Error).message));
