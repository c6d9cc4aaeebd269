// The Porter stemmer exactly as rouge-score's `use_stemmer=True` runs it: nltk's `PorterStemmer()` in its default
// mode, NLTK_EXTENSIONS (checked against nltk 3.10.4, see tests/fixtures/rouge.json and scripts/make_rouge_fixtures.py).
//
// Written from the algorithm (Porter 1980, "An algorithm for suffix stripping") and nltk's documented deviations,
// which are what set it apart from the npm `stemmer` package (Martin Porter's own frozen version, nltk's
// MARTIN_EXTENSIONS: equal to it on all 40 840 words of more than 3 letters in datasets/debian-summaries, but 445 of
// them stem differently under NLTK_EXTENSIONS):
//   - a small table of irregular forms: skies/sky → sky, dying → die, lying → lie, tying → tie, news → news,
//     innings → inning, outings → outing, cannings → canning, howe, proceed, exceed, succeed stay whole;
//   - words of 1 or 2 letters are returned as they are;
//   - step 1a: a 4-letter word in -ies keeps -ie (ties → tie), where Porter gives -i;
//   - step 1b: -ied → -ie in a 4-letter word (died → die), else -i (cried → cri), before the -eed rule;
//   - step 1c: y → i only after a consonant that is not the word's first letter (happy → happi, but
//     enjoy, annoy, always → alway stay; Porter asks only for a vowel somewhere before the y);
//   - step 2: -alli → -al and step 2 runs again; -fulli → -ful; -logi → -log when the stem with its "l" has m > 0;
//     -bli → -ble (Porter's paper had -abli → -able);
//   - condition *o also holds for a 2-letter stem vowel + consonant (so "aged" → "age": m = 1 and *o adds the e).
// It lower-cases its input (as nltk's stem() does by default); rouge-score only stems tokens of [a-z0-9] longer than 3.

const IRREGULAR: ReadonlyMap<string, string> = new Map([
  ['sky', 'sky'], ['skies', 'sky'], ['dying', 'die'], ['lying', 'lie'], ['tying', 'tie'], ['news', 'news'],
  ['innings', 'inning'], ['inning', 'inning'], ['outings', 'outing'], ['outing', 'outing'],
  ['cannings', 'canning'], ['canning', 'canning'], ['howe', 'howe'], ['proceed', 'proceed'],
  ['exceed', 'exceed'], ['succeed', 'succeed'],
]);

const isVowelLetter = (ch: string): boolean => ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u';

/** Consonant flags: a, e, i, o, u are vowels; y is a consonant at the start or after a vowel, else a vowel. */
function consonants(word: string): boolean[] {
  const flags: boolean[] = [];
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    flags.push(isVowelLetter(ch) ? false : ch === 'y' ? (i === 0 ? true : !flags[i - 1]) : true);
  }
  return flags;
}

const isConsonant = (word: string, i: number): boolean => consonants(word.slice(0, i + 1))[i];

/** The measure m of [C](VC)^m[V]: the number of vowel→consonant transitions. */
function measure(stem: string): number {
  const f = consonants(stem);
  let m = 0;
  for (let i = 1; i < f.length; i++) if (!f[i - 1] && f[i]) m++;
  return m;
}

const containsVowel = (stem: string): boolean => consonants(stem).some((c) => !c);

/** *d: ends in a double consonant. */
const endsDoubleConsonant = (w: string): boolean => w.length >= 2 && w[w.length - 1] === w[w.length - 2] && isConsonant(w, w.length - 1);

/** *o: ends consonant-vowel-consonant, the last not w, x or y; (nltk) or is a 2-letter vowel-consonant stem. */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n >= 3) {
    const f = consonants(w);
    if (f[n - 3] && !f[n - 2] && f[n - 1] && !'wxy'.includes(w[n - 1])) return true;
  }
  if (n === 2) {
    const f = consonants(w);
    return !f[0] && f[1];
  }
  return false;
}

type Condition = (stem: string) => boolean;
type Rule = readonly [suffix: string, replacement: string, condition: Condition | null];

/**
 * The first rule whose suffix the word ends with decides: its replacement if its condition holds for the stem
 * (the word without the suffix), else the word unchanged; later rules are not tried.
 */
function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const mPositive: Condition = (s) => measure(s) > 0;
const mAbove1: Condition = (s) => measure(s) > 1;

function step1a(w: string): string {
  if (w.endsWith('ies') && w.length === 4) return w.slice(0, -3) + 'ie';
  return applyRules(w, [['sses', 'ss', null], ['ies', 'i', null], ['ss', 'ss', null], ['s', '', null]]);
}

function step1b(w: string): string {
  if (w.endsWith('ied')) return w.slice(0, -3) + (w.length === 4 ? 'ie' : 'i');
  if (w.endsWith('eed')) {
    const stem = w.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : w;
  }
  let stem: string | null = null;
  for (const suffix of ['ed', 'ing']) {
    if (w.endsWith(suffix) && containsVowel(w.slice(0, -suffix.length))) {
      stem = w.slice(0, -suffix.length);
      break;
    }
  }
  if (stem === null) return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return stem + 'e';
  if (endsDoubleConsonant(stem)) {
    const last = stem[stem.length - 1];
    return last === 'l' || last === 's' || last === 'z' ? stem : stem.slice(0, -1);
  }
  return measure(stem) === 1 && endsCvc(stem) ? stem + 'e' : stem;
}

function step1c(w: string): string {
  return applyRules(w, [['y', 'i', (s) => s.length > 1 && isConsonant(s, s.length - 1)]]);
}

const STEP2: readonly Rule[] = [
  ['ational', 'ate', mPositive], ['tional', 'tion', mPositive], ['enci', 'ence', mPositive], ['anci', 'ance', mPositive],
  ['izer', 'ize', mPositive], ['bli', 'ble', mPositive], ['alli', 'al', mPositive], ['entli', 'ent', mPositive],
  ['eli', 'e', mPositive], ['ousli', 'ous', mPositive], ['ization', 'ize', mPositive], ['ation', 'ate', mPositive],
  ['ator', 'ate', mPositive], ['alism', 'al', mPositive], ['iveness', 'ive', mPositive], ['fulness', 'ful', mPositive],
  ['ousness', 'ous', mPositive], ['aliti', 'al', mPositive], ['iviti', 'ive', mPositive], ['biliti', 'ble', mPositive],
  ['fulli', 'ful', mPositive],
  // -logi → -log when the stem *with* its "l" has m > 0
  ['logi', 'log', (s) => measure(s + 'l') > 0],
];

function step2(w: string): string {
  if (w.endsWith('alli') && measure(w.slice(0, -4)) > 0) return step2(w.slice(0, -4) + 'al');
  return applyRules(w, STEP2);
}

const STEP3: readonly Rule[] = [
  ['icate', 'ic', mPositive], ['ative', '', mPositive], ['alize', 'al', mPositive], ['iciti', 'ic', mPositive],
  ['ical', 'ic', mPositive], ['ful', '', mPositive], ['ness', '', mPositive],
];

function step3(w: string): string {
  return applyRules(w, STEP3);
}

const STEP4: readonly Rule[] = [
  ['al', '', mAbove1], ['ance', '', mAbove1], ['ence', '', mAbove1], ['er', '', mAbove1], ['ic', '', mAbove1],
  ['able', '', mAbove1], ['ible', '', mAbove1], ['ant', '', mAbove1], ['ement', '', mAbove1], ['ment', '', mAbove1],
  ['ent', '', mAbove1], ['ion', '', (s) => measure(s) > 1 && (s.endsWith('s') || s.endsWith('t'))], ['ou', '', mAbove1],
  ['ism', '', mAbove1], ['ate', '', mAbove1], ['iti', '', mAbove1], ['ous', '', mAbove1], ['ive', '', mAbove1],
  ['ize', '', mAbove1],
];

function step5a(w: string): string {
  if (!w.endsWith('e')) return w;
  const stem = w.slice(0, -1);
  const m = measure(stem);
  return m > 1 || (m === 1 && !endsCvc(stem)) ? stem : w;
}

function step5b(w: string): string {
  return w.endsWith('ll') && measure(w.slice(0, -1)) > 1 ? w.slice(0, -1) : w;
}

/** nltk's `PorterStemmer().stem(word)` (mode NLTK_EXTENSIONS, lower-casing on). */
export function porterStem(word: string): string {
  if (typeof word !== 'string') throw new TypeError(`porterStem: expected a string, got ${typeof word}`);
  const w = word.toLowerCase();
  const irregular = IRREGULAR.get(w);
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return w;
  return step5b(step5a(applyRules(step3(step2(step1c(step1b(step1a(w))))), STEP4)));
}
