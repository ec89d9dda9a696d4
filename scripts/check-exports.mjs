// Packs every publishable package and checks its exports map with publint and arethetypeswrong.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'ferry-pack-'));
let failed = false;
for (const name of readdirSync('packages')) {
  const pkgDir = join('packages', name);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  console.log(`\n== ${pkg.name}`);
  try {
    execFileSync('npx', ['publint', '--strict', pkgDir], { stdio: 'inherit' });
    const tgz = execFileSync('npx', ['pnpm@10.34.8', 'pack', '--pack-destination', dir], {
      cwd: pkgDir,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('npx', ['attw', '--profile', 'node16', '--format', 'table-flipped', tgz], {
      stdio: 'inherit',
    });
  } catch {
    failed = true;
  }
}
rmSync(dir, { recursive: true, force: true });
if (failed) {
  console.error('\nexports check failed');
  process.exit(1);
}
console.log('\nexports check passed');
