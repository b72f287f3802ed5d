import { readFileSync } from 'node:fs';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 80;
export const MAX_FILE_LINES = 400;
/** Written in a comment right above a long function (or at the top of a long file) to keep it. */
export const LONG_MARKER = /long because/i;

export interface LongCode {
  file: string;
  /** 1-based line where the function (or file) starts. */
  line: number;
  /** The function's name as a reader would look for it; '(file)' for a whole file. */
  name: string;
  lines: number;
  justified: boolean;
}

type FunctionNode = ts.FunctionLikeDeclaration & { body: ts.Node };

const isFunctionWithBody = (node: ts.Node): node is FunctionNode =>
  (ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node)) &&
  node.body !== undefined;

/**
 * The node whose leading comments document `fn`: `const f = () => …` is documented on its statement,
 * and so is a callback of `await fc.assert(fc.asyncProperty(…, async () => …))`.
 */
function documentedNode(fn: FunctionNode): ts.Node {
  let node: ts.Node = fn;
  while (
    node.parent &&
    (ts.isVariableDeclaration(node.parent) ||
      ts.isVariableDeclarationList(node.parent) ||
      ts.isVariableStatement(node.parent) ||
      ts.isPropertyAssignment(node.parent) ||
      ts.isPropertyDeclaration(node.parent) ||
      ts.isExportAssignment(node.parent) ||
      ts.isParenthesizedExpression(node.parent) ||
      ts.isCallExpression(node.parent) ||
      ts.isAwaitExpression(node.parent) ||
      ts.isExpressionStatement(node.parent))
  ) {
    node = node.parent;
  }
  return node;
}

function leadingComments(source: ts.SourceFile, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  return ranges.map((r) => source.text.slice(r.pos, r.end)).join('\n');
}

function functionName(fn: FunctionNode, source: ts.SourceFile): string {
  if (fn.name) return fn.name.getText(source);
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) {
    return parent.name.getText(source);
  }
  if (ts.isCallExpression(parent)) {
    const first = parent.arguments[0];
    const label =
      first && (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first)) ? first.getText(source) : '';
    return `${parent.expression.getText(source)}(${label}) callback`;
  }
  return '(anonymous)';
}

/** `describe('title', () => …)`, `it.each(…)('title', …)`: a spec's grouping, checked by what it holds. */
const isTitledBlock = (fn: FunctionNode): boolean =>
  ts.isCallExpression(fn.parent) &&
  fn.parent.arguments.includes(fn as ts.Expression) &&
  fn.parent.arguments[0] !== undefined &&
  (ts.isStringLiteralLike(fn.parent.arguments[0]) || ts.isTemplateExpression(fn.parent.arguments[0]));

const lineOf = (source: ts.SourceFile, pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;

/**
 * Functions over MAX_FUNCTION_LINES in one file, outermost only (a long function's marker covers
 * what it nests), and the file itself when over MAX_FILE_LINES (marker in its first comment). In
 * a spec (`spec`), the titled blocks (describe, it) are containers, not functions.
 */
export function longCodeIn(file: string, text = readFileSync(file, 'utf8'), spec = false): LongCode[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongCode[] = [];
  const fileLines = source.getLineAndCharacterOfPosition(source.end).line + (text.endsWith('\n') ? 0 : 1);
  if (fileLines > MAX_FILE_LINES) {
    const header = leadingComments(source, source.statements[0] ?? source.endOfFileToken);
    found.push({ file, line: 1, name: '(file)', lines: fileLines, justified: LONG_MARKER.test(header) });
  }
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node) && !(spec && isTitledBlock(node))) {
      const start = lineOf(source, node.getStart(source));
      const lines = lineOf(source, node.end) - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const comments = leadingComments(source, documentedNode(node));
        found.push({
          file,
          line: start,
          name: functionName(node, source),
          lines,
          justified: LONG_MARKER.test(comments),
        });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
