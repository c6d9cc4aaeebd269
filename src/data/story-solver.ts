// A rule-based reader of the bAbI-style stories: it parses each sentence with its own grammar and answers the
// question by scanning the text backwards from the question, without the generator's world state. It checks the
// generator (tests/data-stories.test.ts), and it is the symbolic upper bound a QA model can be compared with.
// It also checks that the story is a consistent world and throws, naming the sentence, where it is not.

type Event =
  | { type: 'move'; who: string; place: string }
  | { type: 'take'; who: string; what: string }
  | { type: 'drop'; who: string; what: string };

const MOVE = /^([A-Z][a-z]+) (?:moved|went|went back|travelled|journeyed) to the ([a-z]+)\.$/;
const TAKE = /^([A-Z][a-z]+) (?:picked up|grabbed|got|took) the ([a-z]+)\.$/;
const DROP = /^([A-Z][a-z]+) (?:dropped|left|put down|discarded) the ([a-z]+)\.$/;
const NUMBER_WORDS = ['none', 'one', 'two', 'three', 'four', 'five'];

export interface Solved {
  kind: 'single-supporting-fact' | 'two-supporting-facts' | 'yes-no' | 'counting' | 'lists';
  answer: string;
  /** 0-based sentence indices the answer rests on, ascending. */
  supporting: number[];
}

function parse(sentences: readonly string[]): Event[] {
  return sentences.map((s, i) => {
    let m = MOVE.exec(s);
    if (m) return { type: 'move', who: m[1], place: m[2] };
    m = TAKE.exec(s);
    if (m) return { type: 'take', who: m[1], what: m[2] };
    m = DROP.exec(s);
    if (m) return { type: 'drop', who: m[1], what: m[2] };
    throw new Error(`solveStory: sentence ${i} is not a move, pickup or drop: ${JSON.stringify(s)}`);
  });
}

/** The last move of `who` before sentence `before` (exclusive), scanning backwards; undefined if none. */
function lastMove(events: readonly Event[], who: string, before: number): number | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'move' && e.who === who) return i;
  }
  return undefined;
}

/** The last sentence that takes or drops `what` before `before`; undefined if none. */
function lastHandling(events: readonly Event[], what: string, before: number): number | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type !== 'move' && e.what === what) return i;
  }
  return undefined;
}

/** What `who` carries at the end: objects whose last handling is a pickup by `who`, in the order of those pickups. */
function carried(events: readonly Event[], who: string): string[] {
  const objects = new Set(events.flatMap((e) => (e.type === 'move' ? [] : [e.what])));
  const held: Array<[number, string]> = [];
  for (const o of objects) {
    const i = lastHandling(events, o, events.length)!;
    const e = events[i];
    if (e.type === 'take' && e.who === who) held.push([i, o]);
  }
  return held.sort((a, b) => a[0] - b[0]).map(([, o]) => o);
}

/**
 * Throws unless the story is a possible world: nobody moves to where they are, takes what someone holds or what
 * lies elsewhere (as far as the story tells), drops what they do not hold, or carries more than `maxCarried`.
 */
function checkConsistent(events: readonly Event[], sentences: readonly string[], maxCarried: number): void {
  const at = new Map<string, string>();
  const holder = new Map<string, string>();
  const lying = new Map<string, string | null>(); // object → place where dropped (null: dropped somewhere unknown)
  const load = new Map<string, number>();
  events.forEach((e, i) => {
    const fail = (why: string) => {
      throw new Error(`solveStory: sentence ${i} ${JSON.stringify(sentences[i])}: ${why}`);
    };
    if (e.type === 'move') {
      if (at.get(e.who) === e.place) fail(`${e.who} is already in the ${e.place}`);
      at.set(e.who, e.place);
    } else if (e.type === 'take') {
      if (holder.has(e.what)) fail(`${holder.get(e.what)} holds the ${e.what}`);
      if (lying.has(e.what) && (lying.get(e.what) === null || lying.get(e.what) !== at.get(e.who))) {
        fail(`the ${e.what} lies in ${lying.get(e.what) ?? 'an unknown place'}, ${e.who} is in ${at.get(e.who) ?? 'an unknown place'}`);
      }
      if ((load.get(e.who) ?? 0) >= maxCarried) fail(`${e.who} already carries ${maxCarried} objects`);
      holder.set(e.what, e.who);
      lying.delete(e.what);
      load.set(e.who, (load.get(e.who) ?? 0) + 1);
    } else {
      if (holder.get(e.what) !== e.who) fail(`${e.who} does not hold the ${e.what}`);
      holder.delete(e.what);
      lying.set(e.what, at.get(e.who) ?? null);
      load.set(e.who, load.get(e.who)! - 1);
    }
  });
}

/**
 * Answers a question about a story (sentences as in Story.sentences) and names the supporting sentences:
 * - "Where is P?": P's last move;
 * - "Where is the O?": the last pickup or drop of O, and its handler's last move before the question (pickup)
 *   or before the drop;
 * - "Is P in the L?": P's last move;
 * - "How many objects is P carrying?" / "What is P carrying?": every pickup and drop by P.
 * Throws for an unknown question form, an unparsable sentence, an inconsistent world or an unanswerable question.
 */
export function solveStory(sentences: readonly string[], question: string, maxCarried = 3): Solved {
  const events = parse(sentences);
  checkConsistent(events, sentences, maxCarried);
  const end = events.length;
  const unknown = (what: string) => new Error(`solveStory: ${JSON.stringify(question)} cannot be answered: ${what}`);
  let m: RegExpExecArray | null;
  if ((m = /^Where is the ([a-z]+)\?$/.exec(question))) {
    const h = lastHandling(events, m[1], end);
    if (h === undefined) throw unknown(`the ${m[1]} is never mentioned`);
    const e = events[h] as Extract<Event, { who: string; what: string }>;
    const mv = lastMove(events, e.who, e.type === 'take' ? end : h);
    if (mv === undefined) throw unknown(`where ${e.who} is is not told`);
    return { kind: 'two-supporting-facts', answer: (events[mv] as Extract<Event, { place: string }>).place, supporting: [h, mv].sort((a, b) => a - b) };
  }
  if ((m = /^Where is ([A-Z][a-z]+)\?$/.exec(question))) {
    const mv = lastMove(events, m[1], end);
    if (mv === undefined) throw unknown(`${m[1]} never moves`);
    return { kind: 'single-supporting-fact', answer: (events[mv] as Extract<Event, { place: string }>).place, supporting: [mv] };
  }
  if ((m = /^Is ([A-Z][a-z]+) in the ([a-z]+)\?$/.exec(question))) {
    const mv = lastMove(events, m[1], end);
    if (mv === undefined) throw unknown(`${m[1]} never moves`);
    return { kind: 'yes-no', answer: (events[mv] as Extract<Event, { place: string }>).place === m[2] ? 'yes' : 'no', supporting: [mv] };
  }
  const counting = /^How many objects is ([A-Z][a-z]+) carrying\?$/.exec(question);
  const listing = /^What is ([A-Z][a-z]+) carrying\?$/.exec(question);
  const who = (counting ?? listing)?.[1];
  if (who === undefined) throw new Error(`solveStory: unknown question form ${JSON.stringify(question)}`);
  const supporting = events.flatMap((e, i) => (e.type !== 'move' && e.who === who ? [i] : []));
  const items = carried(events, who);
  if (counting) return { kind: 'counting', answer: NUMBER_WORDS[items.length], supporting };
  return { kind: 'lists', answer: items.length === 0 ? 'nothing' : items.join(', '), supporting };
}
