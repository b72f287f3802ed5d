import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { isCatalogueFile } from './error-catalogues';
import { isSpec, listTsFiles } from './projects';

/**
 * Test support states the codes it expects, as specs do; the SDK's types generated from the
 * OpenAPI documents list the codes each operation may answer (copied from the catalogues).
 */
const isTestSupport = (file: string) =>
  isSpec(file) ||
  file.includes(`${path.sep}testing${path.sep}`) ||
  file.includes(`libs${path.sep}client${path.sep}src${path.sep}generated${path.sep}`);

/** The constructor that takes a bare code string (left for re-raising a catalogued code). */
const BARE_CODE_CALLS = new Set(['DomainError']);

export interface CodeLiteral {
  file: string;
  line: number;
  text: string;
}

function calleeName(node: ts.CallExpression | ts.NewExpression): string {
  const e = node.expression;
  return ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
}

/** Whether a string literal is a code in use, not a catalogue key, an index or a module name. */
function isCodeUse(node: ts.StringLiteralLike, codes: Set<string>): boolean {
  const parent = node.parent;
  if (ts.isElementAccessExpression(parent) && parent.argumentExpression === node) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return false;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) return false;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.[0] === node) {
    if (BARE_CODE_CALLS.has(calleeName(parent))) return true;
  }
  return codes.has(node.text);
}

/** Code strings written outside a catalogue in one file's source. */
export function codeLiteralsIn(file: string, codes: Set<string>, text = readFileSync(file, 'utf8')): CodeLiteral[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: CodeLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && isCodeUse(node, codes)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ file, line, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every code literal outside catalogues and test support. */
export function findCodeLiterals(root: string, codes: Set<string>): CodeLiteral[] {
  const found: CodeLiteral[] = [];
  for (const dir of ['apps', 'libs', 'tools']) {
    for (const file of listTsFiles(path.join(root, dir), (f) => !isTestSupport(f) && !isCatalogueFile(f))) {
      const relative = path.relative(root, file);
      found.push(...codeLiteralsIn(file, codes).map((l) => ({ ...l, file: relative })));
    }
  }
  return found;
}
