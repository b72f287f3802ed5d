import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The subset of .dockerignore syntax this repository's file uses: `name`, `dir/name`, `**\/name`,
 * `*` within one path segment, and `!pattern` to take a path back. Good enough to copy the build
 * context the way `docker build` sends it; a pattern outside the subset is refused, not guessed.
 */
export function dockerIgnore(file: string): (rel: string) => boolean {
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\.\//, '').replace(/\/$/, '');
      if (/[?[\]{}]/.test(pattern)) throw new Error(`.dockerignore: pattern "${l}" is outside the supported subset`);
      const anywhere = pattern.startsWith('**/');
      const body = (anywhere ? pattern.slice(3) : pattern)
        .split('/')
        .map((seg) => seg.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('/');
      return { negate, re: new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${body}(?:/.*)?$`) };
    });
  return (rel) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(rel)) ignored = !r.negate;
    return ignored;
  };
}

/** Copies `paths` (relative to `root`) to `dest` as the build context would hold them. */
export function copyContext(root: string, dest: string, paths: string[]): void {
  const ignored = dockerIgnore(path.join(root, '.dockerignore'));
  for (const p of paths) {
    cpSync(path.join(root, p), path.join(dest, p), {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(root, src);
        return rel === '' || !ignored(rel.split(path.sep).join('/'));
      },
    });
  }
}
