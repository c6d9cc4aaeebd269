// npm run answer -- <model folder> --story <file|-> "question" ["more questions" ...] [--beam K] [--why]
// npm run answer -- <model folder> --story-text "Mary went to the garden. John took the milk." "Where is Mary?"
// Answers questions about a story with a model trained on the stories dataset (e.g. configs/stories-qa-bahdanau.json,
// as in chapter 09). The story file holds one sentence per line (or several, each ending with '.'); '-' reads it from
// standard input. The model reads storySource(sentences, question), as in training. --why also prints, for an
// attention model, the story sentence its attention summed over the tokens of each sentence weighs most for the
// answer's first word (sentenceAttention, mostAttendedSentence).
import * as fs from 'node:fs';
import { loadModel, mostAttendedSentence, parseStory, sentenceAttention, storyQuestion, storySource, storyTokenSentences, translate } from '../src';
import { failer, readTrainReport, reportUnknown, takeBeam, takeFlag, takeOption, wrongKind } from './lib/model-cli';

const fail = failer('answer');
const USAGE = 'usage: npm run answer -- <model folder> --story <file|-> "question" ["more questions" ...] [--beam K] [--why]\n' +
  '   or: npm run answer -- <model folder> --story-text "Mary went to the garden. John took the milk." "Where is Mary?"';

/** The story's sentences, from --story (a file, or '-' for standard input) or --story-text. */
function readStory(file: string | undefined, text: string | undefined): string[] {
  if (file !== undefined && text !== undefined) fail('give the story once: --story <file|-> or --story-text "...", not both');
  if (file === undefined && text === undefined) fail(`no story: give it with --story <file|-> or --story-text "..."\n${USAGE}`);
  let raw: string;
  let where: string;
  if (file !== undefined) {
    where = file === '-' ? 'standard input' : file;
    if (file !== '-' && !fs.existsSync(file)) fail(`no story file ${file}`);
    raw = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } else {
    where = '--story-text';
    raw = text!;
  }
  try {
    return parseStory(raw);
  } catch {
    return fail(`the story in ${where} is empty: write one sentence per line`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const beam = takeBeam(args, fail);
  const why = takeFlag(args, '--why');
  const file = takeOption(args, '--story', fail);
  const text = takeOption(args, '--story-text', fail);
  const [dir, ...questions] = args;
  if (!dir) fail(USAGE);
  const sentences = readStory(file, text);
  if (questions.length === 0) fail('nothing to answer: give a question after the story');
  const asked = questions.map((q, i) => {
    if (q.trim() === '' || q.trim() === '?') fail(`question ${i + 1} is empty`);
    return storyQuestion(q);
  });
  const report = readTrainReport(dir);
  const wrong = wrongKind(dir, 'answer', report);
  if (wrong) fail(wrong);
  const bundle = await loadModel(dir);
  reportUnknown('answer', bundle, 'story', sentences.join(' '), 'a question-answering model (trained on stories)');
  asked.forEach((q, i) => reportUnknown('answer', bundle, `question ${i + 1}`, q, 'a question-answering model (trained on stories)'));
  const results = translate(bundle, asked.map((question) => storySource({ sentences, question })), { beam });
  results.forEach((r, i) => {
    let because = '';
    if (why) {
      if (!r.attention) because = '\t(no attention weights: this model has none to show)';
      else {
        const k = mostAttendedSentence(sentenceAttention(r.attention, storyTokenSentences(r.sourceTokens))[0]);
        because = `\tmost attended: ${sentences[k]}`;
      }
    }
    console.log(`${asked[i]}\t${r.text}${r.finished ? '' : '\t(stopped at the length limit)'}${because}`);
  });
}

main().catch((e) => fail((e as Error).message));
