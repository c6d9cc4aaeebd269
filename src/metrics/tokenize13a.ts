// sacrebleu's default "13a" tokenizer (mteval-v13a, used by WMT): punctuation split off, except
// periods and commas inside numbers, and a dash after a digit. It does not segment Chinese.

const RULES: Array<[RegExp, string]> = [
  [/([\{-~\[-` -&\(-\+:-@\/])/g, ' $1 '], // symbols and punctuation
  [/([^0-9])([\.,])/g, '$1 $2 '], // period/comma not preceded by a digit
  [/([\.,])([^0-9])/g, ' $1 $2'], // period/comma not followed by a digit
  [/([0-9])(-)/g, '$1 $2 '], // dash after a digit
];

export function tokenize13a(line: string): string[] {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `;
  for (const [re, repl] of RULES) s = s.replace(re, repl);
  return s.split(/[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0085\u001c-\u001f]+/).filter((t) => t !== '');
}
