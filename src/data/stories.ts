// bAbI-style question answering (Weston et al. 2015, "Towards AI-complete question answering: a set of
// prerequisite toy tasks"): a seeded generator of small worlds in which people move between places and pick up
// and drop objects, told as short stories, each followed by one question of five kinds, its answer and the
// indices of the sentences that support it. The generator computes answers from the world it simulates while
// telling the story; solveStory (story-solver.ts) re-derives them from the text alone, by a different method.
import { readSplitTsv, type LoadReport, type Pair } from './corpus';
import { pick, randInt, rng, Rng, shuffled } from './random';
import type { Splits } from './split';
import { displayToken } from './tokenize';

/** The five question kinds, after bAbI tasks 1, 2, 6, 7 and 8. */
export type StoryKind = 'single-supporting-fact' | 'two-supporting-facts' | 'yes-no' | 'counting' | 'lists';
export const STORY_KINDS: readonly StoryKind[] = ['single-supporting-fact', 'two-supporting-facts', 'yes-no', 'counting', 'lists'];

/** The world: bAbI's four people and six places, four objects, and the words for each action. */
export const STORY_WORLD = {
  people: ['Mary', 'John', 'Sandra', 'Daniel'],
  places: ['bathroom', 'hallway', 'garden', 'office', 'bedroom', 'kitchen'],
  objects: ['apple', 'football', 'milk', 'book'],
  move: ['moved to', 'went to', 'travelled to', 'journeyed to', 'went back to'],
  take: ['picked up', 'grabbed', 'got', 'took'],
  drop: ['dropped', 'left', 'put down', 'discarded'],
  /** Answers of the counting questions: the number of objects carried, 0 to maxCarried. */
  counts: ['none', 'one', 'two', 'three'],
  /** A person carries at most this many objects. */
  maxCarried: 3,
  /** The answer of a list question when the person carries nothing. */
  nothing: 'nothing',
} as const;

export interface Story {
  kind: StoryKind;
  /** The story, one sentence each, every one ending with '.' (e.g. "Mary went to the kitchen."). */
  sentences: string[];
  /** Ends with '?' (e.g. "Where is Mary?"). */
  question: string;
  /** A place, 'yes'/'no', a count word ('none', 'one', …) or the carried objects in pickup order ("apple, milk") or 'nothing'. */
  answer: string;
  /** 0-based indices of the sentences that determine the answer, ascending. */
  supporting: number[];
}

export interface StoryOptions {
  seed: number;
  /** Stories of each kind. */
  perKind: number;
  /** Sentences per story, drawn uniformly from [minSentences, maxSentences] (defaults 2 and 10). */
  minSentences?: number;
  maxSentences?: number;
  /** Which kinds to generate (default all five, in STORY_KINDS order). */
  kinds?: readonly StoryKind[];
}

/** The model's input: the story's sentences, then the question, joined by single spaces. */
export function storySource(story: { sentences: readonly string[]; question: string }): string {
  return [...story.sentences, story.question].join(' ');
}

/**
 * For each token of a tokenized source (storySource), the story sentence it belongs to, or -1 for the question.
 * A sentence ends with its '.' token, which the word, char and BPE tokenizers all keep as a token of its own.
 */
export function storyTokenSentences(tokens: readonly string[]): number[] {
  let sentence = 0;
  let lastDot = -1;
  tokens.forEach((t, i) => {
    if (displayToken(t) === '.') lastDot = i;
  });
  return tokens.map((t, i) => {
    if (i > lastDot) return -1;
    const s = sentence;
    if (displayToken(t) === '.') sentence++;
    return s;
  });
}

function checkOptions(opts: StoryOptions): Required<StoryOptions> {
  const int = (key: string, v: unknown, lo: number, hi: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`generateStories: ${key} must be an integer from ${lo} to ${hi}, received ${JSON.stringify(v)}`);
    }
  };
  if (opts === null || typeof opts !== 'object') throw new Error(`generateStories: options must be an object with seed and perKind, received ${JSON.stringify(opts)}`);
  int('seed', opts.seed, 0, 0xffffffff);
  int('perKind', opts.perKind, 1, 1_000_000);
  const minSentences = opts.minSentences ?? 2;
  const maxSentences = opts.maxSentences ?? 10;
  int('minSentences', minSentences, 2, 100);
  int('maxSentences', maxSentences, minSentences, 100);
  const kinds = opts.kinds ?? STORY_KINDS;
  if (!Array.isArray(kinds) || kinds.length === 0) throw new Error(`generateStories: kinds must be a non-empty list of ${STORY_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!STORY_KINDS.includes(k)) throw new Error(`generateStories: kinds holds ${JSON.stringify(k)}; choose from ${STORY_KINDS.join(', ')}`);
  }
  if (new Set(kinds).size !== kinds.length) throw new Error(`generateStories: kinds lists a kind twice: ${kinds.join(', ')}`);
  return { seed: opts.seed, perKind: opts.perKind, minSentences, maxSentences, kinds };
}

// ---- the world the generator simulates while it tells the story ----

interface Person {
  name: string;
  place?: string;
  /** Sentence of the last move. */
  moved?: number;
  /** Objects carried, in pickup order. */
  carrying: Thing[];
  /** Sentences in which this person picked up or dropped something. */
  handled: number[];
}

interface Thing {
  name: string;
  holder?: Person;
  /** Never picked up yet: it may be anywhere, so anyone can find it. */
  unseen: boolean;
  /** Sentence of the last pickup. */
  taken?: number;
  /** Where it was last dropped (undefined while held, or when the dropper's place was unknown). */
  place?: string;
  /** The drop sentence and the dropper's last move before it. */
  dropped?: { sentence: number; moved?: number };
}

interface World {
  people: Person[];
  things: Thing[];
  sentences: string[];
}

/** Tells one story of n sentences: each a move (about half), a pickup or a drop that keeps the world consistent. */
function tellStory(r: Rng, n: number): World {
  const W = STORY_WORLD;
  const cast = randInt(r, 2, W.people.length);
  const people: Person[] = shuffled(W.people, r).slice(0, cast).map((name) => ({ name, carrying: [], handled: [] }));
  const things: Thing[] = W.objects.map((name) => ({ name, unseen: true }));
  const sentences: string[] = [];
  for (let i = 0; i < n; i++) {
    const takes: Array<[Person, Thing]> = [];
    for (const p of people) {
      if (p.carrying.length >= W.maxCarried) continue;
      for (const t of things) {
        if (t.holder) continue;
        if (t.unseen || (t.place !== undefined && t.place === p.place)) takes.push([p, t]);
      }
    }
    const droppers = people.filter((p) => p.carrying.length > 0);
    const u = r();
    if (u < 0.3 && takes.length > 0) {
      const [p, t] = pick(r, takes);
      sentences.push(`${p.name} ${pick(r, W.take)} the ${t.name}.`);
      p.carrying.push(t);
      p.handled.push(i);
      t.holder = p;
      t.unseen = false;
      t.taken = i;
      t.place = undefined;
      t.dropped = undefined;
    } else if (u < 0.5 && droppers.length > 0) {
      const p = pick(r, droppers);
      const t = pick(r, p.carrying);
      sentences.push(`${p.name} ${pick(r, W.drop)} the ${t.name}.`);
      p.carrying.splice(p.carrying.indexOf(t), 1);
      p.handled.push(i);
      t.holder = undefined;
      t.place = p.place;
      t.dropped = { sentence: i, moved: p.moved };
    } else {
      const p = pick(r, people);
      const place = pick(r, W.places.filter((l) => l !== p.place));
      sentences.push(`${p.name} ${pick(r, W.move)} the ${place}.`);
      p.place = place;
      p.moved = i;
    }
  }
  return { people, things, sentences };
}

const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);

/**
 * Answer classes each kind cycles through, so answers are balanced: yes/no half each; counts 0–3 and list
 * lengths 0–3 a quarter each; the asked object carried or dropped, two to one.
 */
const CLASSES: Record<StoryKind, readonly string[]> = {
  'single-supporting-fact': ['any'],
  'two-supporting-facts': ['carried', 'carried', 'dropped'],
  'yes-no': ['yes', 'no'],
  counting: ['0', '1', '2', '3'],
  lists: ['0', '1', '2', '3'],
};

/** The question of this kind and answer class about the story, or undefined when the story has none. */
function ask(r: Rng, w: World, kind: StoryKind, cls: string): Omit<Story, 'sentences' | 'kind'> | undefined {
  const W = STORY_WORLD;
  if (kind === 'single-supporting-fact' || kind === 'yes-no') {
    const located = w.people.filter((p) => p.place !== undefined);
    if (located.length === 0) return undefined;
    const p = pick(r, located);
    if (kind === 'single-supporting-fact') return { question: `Where is ${p.name}?`, answer: p.place!, supporting: [p.moved!] };
    const place = cls === 'yes' ? p.place! : pick(r, W.places.filter((l) => l !== p.place));
    return { question: `Is ${p.name} in the ${place}?`, answer: cls, supporting: [p.moved!] };
  }
  if (kind === 'two-supporting-facts') {
    const found = w.things.filter((t) =>
      cls === 'carried' ? t.holder !== undefined && t.holder.place !== undefined : t.dropped !== undefined && t.place !== undefined);
    if (found.length === 0) return undefined;
    const t = pick(r, found);
    if (t.holder) return { question: `Where is the ${t.name}?`, answer: t.holder.place!, supporting: sorted([t.taken!, t.holder.moved!]) };
    return { question: `Where is the ${t.name}?`, answer: t.place!, supporting: sorted([t.dropped!.sentence, t.dropped!.moved!]) };
  }
  const count = Number(cls);
  const handlers = w.people.filter((p) => p.handled.length > 0 && p.carrying.length === count);
  if (handlers.length === 0) return undefined;
  const p = pick(r, handlers);
  const supporting = p.handled.slice();
  if (kind === 'counting') return { question: `How many objects is ${p.name} carrying?`, answer: W.counts[count], supporting };
  const answer = count === 0 ? W.nothing : p.carrying.map((t) => t.name).join(', ');
  return { question: `What is ${p.name} carrying?`, answer, supporting };
}

/**
 * Stories with questions, `perKind` of each kind, interleaved kind by kind. The same options give the same
 * stories on every machine. No story (its sentences) occurs twice in one call, whatever the kinds. Each kind
 * cycles through its answer classes (see CLASSES) and retells a story until it has a question of that class;
 * if 10 000 tellings find none (e.g. three objects carried in a two-sentence story), it is an error.
 */
export function generateStories(opts: StoryOptions): Story[] {
  const o = checkOptions(opts);
  const r = rng(o.seed);
  const seen = new Set<string>();
  const out: Story[] = [];
  for (let i = 0; i < o.perKind; i++) {
    for (const kind of o.kinds) {
      const cls = CLASSES[kind][i % CLASSES[kind].length];
      let story: Story | undefined;
      for (let tries = 0; !story; tries++) {
        if (tries === 10_000) {
          throw new Error(`generateStories: no ${kind} story with answer class ${cls} in 10000 tries of ${o.minSentences}-${o.maxSentences} sentences; raise maxSentences`);
        }
        const w = tellStory(r, randInt(r, o.minSentences, o.maxSentences));
        const key = w.sentences.join(' ');
        if (seen.has(key)) continue;
        const q = ask(r, w, kind, cls);
        if (!q) continue;
        seen.add(key);
        story = { kind, sentences: w.sentences, ...q };
      }
      out.push(story);
    }
  }
  return out;
}

// ---- the bundled dataset (datasets/stories/data.tsv.gz) ----

/** A pair of the stories dataset: source = storySource(sentences, question), target = the answer. */
export interface StoryPair extends Pair {
  kind: StoryKind;
  sentences: string[];
  question: string;
  supporting: number[];
}

/** A story as a pair of the dataset (its `line` given). */
export function storyPair(s: Story, line: number): StoryPair {
  return { source: storySource(s), target: s.answer, line, kind: s.kind, sentences: s.sentences, question: s.question, supporting: s.supporting };
}

/**
 * The stories of `told` (e.g. generateStories with another seed) whose sentences are none of `known`'s (e.g. all
 * the bundled stories, so no validation or test story is trained on), as pairs numbered 1, 2, … in order: more
 * training data for the same world. Chapter 09 and train.ts's `moreStories` add them to the training split.
 */
export function newStoryPairs(told: readonly Story[], known: readonly { sentences: readonly string[] }[]): StoryPair[] {
  const seen = new Set(known.map((k) => k.sentences.join(' ')));
  return told.filter((s) => !seen.has(s.sentences.join(' '))).map((s, i) => storyPair(s, i + 1));
}

export const STORY_COLUMNS = ['split', 'kind', 'supporting', 'story', 'question', 'answer'] as const;

/** A story as the cells of one row of the dataset (STORY_COLUMNS). */
export function storyRow(split: string, s: Story): string[] {
  return [split, s.kind, s.supporting.join(','), s.sentences.join(' '), s.question, s.answer];
}

/** The sentences of a story cell: split after each '.' followed by a space. */
export function storySentences(story: string): string[] {
  return story.split(/(?<=\.) /);
}

/**
 * Reads the stories dataset (gzip'd TSV with the header STORY_COLUMNS and the split stored in it; see readSplitTsv). A
 * wrong header, column count, split, kind, supporting index or empty cell is an error naming the file and line.
 * `kind` keeps one kind (an error if the file has none of it).
 */
export function readStories(file: string, kind?: string): { pairs: StoryPair[]; report: LoadReport } & Splits<StoryPair> {
  return readSplitTsv(file, STORY_COLUMNS, (cells, line, bad): StoryPair => {
    const [, k, sup, story, question, answer] = cells;
    if (!(STORY_KINDS as readonly string[]).includes(k)) throw bad(`kind must be one of ${STORY_KINDS.join(', ')}, not ${JSON.stringify(k)}`);
    const sentences = storySentences(story);
    const supporting = sup.split(',').map(Number);
    if (!supporting.every((x) => Number.isInteger(x) && x >= 0 && x < sentences.length)) {
      throw bad(`supporting ${JSON.stringify(sup)} must be sentence indices from 0 to ${sentences.length - 1}`);
    }
    return storyPair({ kind: k as StoryKind, sentences, question, answer, supporting }, line);
  }, { kind, dataset: 'stories' });
}
