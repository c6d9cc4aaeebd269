// Shows the library's own code in a notebook: a chapter that teaches an implementation displays the
// real function from its .ts file (read at run time), never a copy that could drift from it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { notebookDisplay } from '../viz/display';

/** Repository root: this file runs from build/src/notebook. */
const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The source text (with its doc comment) of a top-level declaration named `name` in `file`, a path
 * relative to the repository root such as 'src/backend.ts', or of a class member: 'Class.method'.
 * Throws with the names that do exist.
 */
export function declarationSource(file: string, name: string): string {
  const full = path.resolve(ROOT, file);
  if (!fs.existsSync(full)) throw new Error(`declarationSource: no file ${file} (looked in ${full})`);
  const text = fs.readFileSync(full, 'utf8');
  const sf = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true);
  const [top, member] = name.split('.');
  const names: string[] = [];
  for (const stmt of sf.statements) {
    for (const n of declaredNames(stmt)) {
      names.push(n);
      if (n !== top) continue;
      if (!member) return slice(text, stmt);
      if (!ts.isClassDeclaration(stmt)) throw new Error(`declarationSource: ${top} in ${file} is not a class`);
      const members = stmt.members.map((m) => (ts.isConstructorDeclaration(m) ? 'constructor' : m.name && ts.isIdentifier(m.name) ? m.name.text : ''));
      const i = members.indexOf(member);
      if (i < 0) throw new Error(`declarationSource: class ${top} in ${file} has no member "${member}"; it has: ${members.filter(Boolean).join(', ')}`);
      return dedent(slice(text, stmt.members[i]));
    }
  }
  throw new Error(`declarationSource: ${file} declares no top-level "${top}"; it declares: ${names.join(', ')}`);
}

function slice(text: string, node: ts.Node): string {
  return text.slice(node.getFullStart(), node.getEnd()).replace(/^\s*\n/, '').trimEnd();
}

function dedent(code: string): string {
  const lines = code.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function declaredNames(stmt: ts.Statement): string[] {
  if (ts.isVariableStatement(stmt)) {
    return stmt.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if (
    (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) ||
      ts.isTypeAliasDeclaration(stmt) || ts.isEnumDeclaration(stmt)) && stmt.name
  ) {
    return [stmt.name.text];
  }
  return [];
}

/** Displays the declaration as a highlighted TypeScript block with its file name (plain text outside a notebook). */
export function showSource(file: string, name: string): void {
  const code = declarationSource(file, name);
  const display = notebookDisplay();
  const markdown = `\`${file}\` · \`${name}\`\n\n\`\`\`ts\n${code}\n\`\`\``;
  if (display) display.raw('text/markdown', markdown);
  else console.log(`// ${file}: ${name}\n${code}`);
}
