import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { prepareWorkspace } from './workspace.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulumi-workspace-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a writable workspace for a read-only Pulumi project', () => {
  it("runs the program where it is and starts from the project's stack file, once", () => {
    const projectDir = join(dir, 'app', 'infra', 'pulumi');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'Pulumi.yaml'), 'name: insitechart\nruntime:\n  name: nodejs\nmain: index.ts\n');
    writeFileSync(join(projectDir, 'Pulumi.prod.yaml'), 'config:\n  insitechart:imageTag: abc\n');
    const workspaceDir = join(dir, 'tmp', 'workspace');
    assert.equal(prepareWorkspace({ projectDir, workspaceDir, stackName: 'acme/insitechart/prod' }), workspaceDir);
    const settings = parse(readFileSync(join(workspaceDir, 'Pulumi.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings.name, 'insitechart');
    assert.deepEqual(settings.runtime, { name: 'nodejs' });
    assert.equal(resolve(workspaceDir, String(settings.main)), join(projectDir, 'index.ts'));
    assert.match(readFileSync(join(workspaceDir, 'Pulumi.prod.yaml'), 'utf8'), /imageTag: abc/);

    // The executor's changes live in the workspace's copy: preparing it again keeps them.
    writeFileSync(join(workspaceDir, 'Pulumi.prod.yaml'), 'config:\n  insitechart:imageTag: def\n');
    prepareWorkspace({ projectDir, workspaceDir, stackName: 'prod' });
    assert.match(readFileSync(join(workspaceDir, 'Pulumi.prod.yaml'), 'utf8'), /imageTag: def/);
  });

  it('refuses a project file without a name', () => {
    const projectDir = join(dir, 'bad');
    mkdirSync(projectDir);
    writeFileSync(join(projectDir, 'Pulumi.yaml'), 'runtime: nodejs\n');
    assert.throws(() => prepareWorkspace({ projectDir, workspaceDir: join(dir, 'w2'), stackName: 'prod' }), /name/);
  });
});
