// A story and a question as a person types them, made into what a question-answering model trained on the
// stories dataset reads: storySource's sentences, each ending with '.', and a question ending with '?'.
import { storySentences } from './stories';

/**
 * The sentences of a story written one per line, or several on a line (split after each '.' followed by a space,
 * as storySentences splits a dataset cell): whitespace runs collapsed, blank lines skipped, and a '.' added to a
 * sentence without one (the model saw every sentence end with its '.' token, which storyTokenSentences counts).
 * An error if no sentence is left.
 */
export function parseStory(text: string): string[] {
  if (typeof text !== 'string') throw new Error(`parseStory: the story must be a string, received ${typeof text}`);
  const sentences = text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/gu, ' ').trim())
    .filter((line) => line !== '')
    .flatMap((line) => storySentences(line))
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '.')
    .map((s) => (s.endsWith('.') ? s : `${s}.`));
  if (sentences.length === 0) throw new Error('parseStory: the story has no sentences');
  return sentences;
}

/** A question as the model saw them: whitespace runs collapsed, trimmed, ending with '?' (added if missing). An error if empty. */
export function storyQuestion(question: string): string {
  const q = String(question).replace(/\s+/gu, ' ').trim();
  if (q === '' || q === '?') throw new Error('storyQuestion: the question is empty');
  return q.endsWith('?') ? q : `${q}?`;
}
