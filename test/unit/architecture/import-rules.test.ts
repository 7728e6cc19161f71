import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * DESIGN.md's wiring rules, held by the imports themselves: "Nothing in `monitor` knows Slack
 * exists; nothing in `actions` knows who clicked", `core/` is "the domain, no I/O", and the
 * backend is chosen in one place (issue 10: nothing outside the backend folders imports ioredis).
 * A type-only import carries no code, so the domain may name a type declared beside its adapter.
 */

const SRC = resolve(new URL('../../../src', import.meta.url).pathname);

interface Import {
  /** The importing file, relative to src/ (`monitor/monitor.ts`). */
  from: string;
  /** A package name (`@slack/bolt`, `node:net`) or a file relative to src/ (`bot/slack-text.ts`). */
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // `import './side-effect.js'` runs code
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const from = relative(SRC, file);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const target = specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    found.push({ from, target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnly(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const ALL = sourceFiles(SRC).flatMap(importsOf);
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);
const isPackage = (target: string) => !target.includes('/') || !target.endsWith('.ts');
const show = (imports: Import[]) => imports.map((i) => `${i.from} -> ${i.target}${i.typeOnly ? ' (type)' : ''}`);

describe("the import graph keeps DESIGN.md's wiring rules", () => {
  it('reads every source file and finds their imports (a parser that found nothing would pass every rule)', () => {
    expect(ALL.length).toBeGreaterThan(500);
    expect(ALL).toContainEqual({ from: 'bot/blocks/status-report.ts', target: '@slack/bolt', typeOnly: true });
    expect(ALL).toContainEqual({ from: 'app.ts', target: 'server/build-server.ts', typeOnly: false });
  });

  it('nothing in monitor, incidents, actions or core knows Slack exists', () => {
    const slackBlind = ['monitor', 'incidents', 'actions', 'core'].map(under);
    const offending = ALL.filter(
      (i) => slackBlind.some((inside) => inside(i.from)) && (under('bot')(i.target) || i.target.startsWith('@slack/')),
    );
    expect(show(offending)).toEqual([]);
  });

  it('core is the domain without I/O: its code imports only core (types may come from beside their adapters)', () => {
    const offending = ALL.filter((i) => under('core')(i.from) && !i.typeOnly && !under('core')(i.target));
    expect(show(offending)).toEqual([]);
  });

  it('only the backend folders import ioredis: memory or Redis is chosen in one place', () => {
    const offending = ALL.filter((i) => i.target === 'ioredis' && !under('backend')(i.from));
    expect(show(offending)).toEqual([]);
  });

  it('relative imports name files that exist (so the rules above read real edges)', () => {
    const files = new Set(sourceFiles(SRC).map((f) => relative(SRC, f)));
    const dangling = ALL.filter((i) => !isPackage(i.target) && !files.has(i.target));
    expect(show(dangling)).toEqual([]);
  });
});
