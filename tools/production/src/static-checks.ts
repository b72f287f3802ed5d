import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const COMPOSE_FILES = ['docker/compose.yml', 'docker/compose.production.yml'];

/** dclint (a dev dependency) over the compose files: errors and warnings both fail. */
export async function lintCompose(root: string, log: (line: string) => void): Promise<void> {
  const bin = path.join(root, 'node_modules/.bin/dclint');
  if (!existsSync(bin)) throw new Error('dclint is missing from the dev install (npm install)');
  const files = COMPOSE_FILES.filter((f) => existsSync(path.join(root, f)));
  try {
    execFileSync(bin, ['--max-warnings', '0', ...files], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`dclint: ${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  log(`dclint clean: ${files.join(', ')}`);
}

/**
 * `promtool check rules` over the alert rules, then `promtool test rules` over their unit tests
 * (each alert fires on its condition, with its labels and annotations, and not before); promtool
 * comes from Debian's prometheus package.
 */
export async function checkAlertRules(root: string, log: (line: string) => void): Promise<void> {
  const rules = path.join(root, 'docker/prometheus/alerts.yml');
  if (!has('promtool')) {
    log('installing prometheus (Debian) for promtool');
    execFileSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null',
      ],
      { stdio: 'inherit' },
    );
  }
  promtool(['check', 'rules', rules]);
  log('promtool check rules: docker/prometheus/alerts.yml is valid');
  // Run from the rules' folder: the test file names its rule file relative to itself.
  promtool(['test', 'rules', 'alerts.test.yml'], path.dirname(rules));
  log('promtool test rules: docker/prometheus/alerts.test.yml passes');
}

function promtool(args: string[], cwd?: string): void {
  try {
    execFileSync('promtool', args, { stdio: 'pipe', cwd });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `promtool ${args.slice(0, 2).join(' ')}: ${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`,
    );
  }
}

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
