import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md's rule: apps -> fusion -> modalities -> core; experiments -> everything below apps;
 * a modality never imports another modality; core imports no biofuse package.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const MODALITIES = ['@biofuse/face', '@biofuse/fingerprint', '@biofuse/iris', '@biofuse/signature'];
const ALLOWED: Record<string, (dep: string) => boolean> = {
  '@biofuse/core': () => false,
  '@biofuse/fusion': (d) => d === '@biofuse/core' || MODALITIES.includes(d),
  '@biofuse/experiments': (d) => !d.startsWith('@biofuse/cli') && !d.startsWith('@biofuse/server') && !d.startsWith('@biofuse/dashboard'),
};
for (const m of MODALITIES) ALLOWED[m] = (d) => d === '@biofuse/core';

interface Project {
  name: string;
  dir: string;
  deps: string[];
}

function projects(): Project[] {
  const out: Project[] = [];
  for (const group of ['packages', 'apps', '.']) {
    const base = join(ROOT, group);
    const dirs = group === '.' ? ['experiments'] : readdirSync(base);
    for (const d of dirs) {
      const pkg = join(base, d, 'package.json');
      if (!existsSync(pkg)) continue;
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      out.push({ name: json.name, dir: join(base, d), deps: Object.keys({ ...json.dependencies, ...json.devDependencies }).filter((x) => x.startsWith('@biofuse/')) });
    }
  }
  return out;
}

/** Every `@biofuse/...` specifier imported by a project's TypeScript sources. */
function importedPackages(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/from '(@biofuse\/[a-z-]+)/g)) found.add(m[1]);
      }
    }
  };
  walk(dir);
  return found;
}

describe('dependency direction', () => {
  const all = projects();
  it('finds the projects', () => {
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining(['@biofuse/core', '@biofuse/experiments', '@biofuse/cli']));
  });
  for (const p of all) {
    it(`${p.name} declares and imports only what the layering allows`, () => {
      const rule = ALLOWED[p.name] ?? (() => true);
      const imported = [...importedPackages(p.dir)].filter((d) => d !== p.name);
      expect(p.deps.filter((d) => !rule(d))).toEqual([]);
      expect(imported.filter((d) => !rule(d))).toEqual([]);
      // Whatever a project imports it must declare, so npm and Nx see the edge.
      expect(imported.filter((d) => !p.deps.includes(d))).toEqual([]);
    });
  }
});
