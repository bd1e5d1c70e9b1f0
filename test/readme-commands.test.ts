import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, root), 'utf8');

/** The shell commands in the README's "Two commands" section, in order. */
function readmeCommands(): string[] {
  const section = read('README.md').split('## Two commands')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/```sh\n(?:#.*\n)*([^\n]+)\n```/g)].map((m) => m[1]!.trim());
}

describe('README set-up commands', () => {
  it('has exactly two: the demo and the tests', () => {
    const cmds = readmeCommands();
    expect(cmds).toHaveLength(2);
    expect(cmds[0]).toMatch(/ demo$/);
    expect(cmds[1]).toMatch(/ test$/);
  });

  it('.ci/run runs the README test command verbatim', () => {
    const ci = read('.ci/run').split('\n').map((l) => l.trim());
    const cmd = readmeCommands()[1]!;
    expect(ci.filter((l) => l === cmd || l === `${cmd} || exit 1`)).toHaveLength(1);
  });

  it('the demo command runs the package script that starts the main demo', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(readmeCommands()[0]).toContain('pnpm@10 demo');
    expect(pkg.scripts.demo).toMatch(/node packages\/examples\/dist\/[\w-]+\.js/);
    const script = pkg.scripts.demo!.match(/packages\/examples\/dist\/([\w-]+)\.js/)![1];
    expect(() => read(`packages/examples/src/${script}.ts`)).not.toThrow();
  });
});
