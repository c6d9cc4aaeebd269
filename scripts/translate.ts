// npm run translate -- <model folder> "text" ["more text" ...] [--beam K] [--tokens]
// Applies the model's own tokenizer (a BPE model's saved merges) to the input and undoes it on the output;
// --tokens also prints the source and output tokens (subwords), tab-separated after the translation.
import { loadModel, translate } from '../src';

function fail(msg: string): never {
  console.error(`translate: ${msg}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let beam = 1;
  const bi = args.indexOf('--beam');
  if (bi >= 0) {
    beam = Number(args[bi + 1]);
    if (!Number.isInteger(beam) || beam < 1) fail(`--beam needs a positive integer, not ${JSON.stringify(args[bi + 1])}`);
    args.splice(bi, 2);
  }
  const ti = args.indexOf('--tokens');
  if (ti >= 0) args.splice(ti, 1);
  const [dir, ...texts] = args;
  if (!dir) fail('usage: npm run translate -- <model folder> "text" ["more text" ...] [--beam K] [--tokens]');
  if (texts.length === 0) fail('nothing to translate: give the text after the model folder');
  texts.forEach((t, i) => {
    if (t.trim() === '') fail(`input ${i + 1} is empty`);
  });
  const bundle = await loadModel(dir);
  const copies = bundle.model.config.kind !== 'transformer' && bundle.model.config.copy === true;
  for (const [i, t] of texts.entries()) {
    const unknown = bundle.sourceTokenizer.tokenize(t).filter((tok) => !bundle.sourceVocab.has(tok));
    if (unknown.length) console.error(`translate: input ${i + 1}: ${unknown.length} token(s) not in the model's vocabulary, read as <unk>: ${unknown.slice(0, 8).map((u) => JSON.stringify(u)).join(' ')}${copies ? ' (a copy model: it can still copy them to the output)' : ''}`);
  }
  for (const r of translate(bundle, texts, { beam })) {
    const tokens = ti >= 0 ? `\t${r.sourceTokens.join(' ')}\t${r.tokens.join(' ')}` : '';
    console.log(`${r.source}\t${r.text}${tokens}${r.finished ? '' : '\t(stopped at the length limit)'}`);
  }
}

main().catch((e) => fail((e as Error).message));
