/**
 * A writable workspace for a Pulumi project whose directory is read-only (the remediation image runs with a read-only
 * root filesystem, and the Automation API writes the stack's settings file on every config change): a Pulumi.yaml
 * whose `main` points back at the program, and the stack's settings file copied from the project once (the copy
 * then holds the executor's changes for the life of the workspace).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';

const project = z.looseObject({ name: z.string().min(1), main: z.string().optional() });

export interface WorkspaceLocation {
  readonly projectDir: string;
  readonly workspaceDir: string;
  /** `prod` or `org/project/prod`: the settings file is named after the last part. */
  readonly stackName: string;
}

/** Writes the workspace (idempotent) and returns its directory. */
export function prepareWorkspace(location: WorkspaceLocation): string {
  const { projectDir, workspaceDir, stackName } = location;
  const settings = project.parse(parse(readFileSync(join(projectDir, 'Pulumi.yaml'), 'utf8')));
  mkdirSync(workspaceDir, { recursive: true });
  const main = relative(workspaceDir, join(projectDir, settings.main ?? '.'));
  writeFileSync(join(workspaceDir, 'Pulumi.yaml'), stringify({ ...settings, main }));
  const file = `Pulumi.${stackName.split('/').at(-1) ?? stackName}.yaml`;
  if (existsSync(join(projectDir, file)) && !existsSync(join(workspaceDir, file)))
    copyFileSync(join(projectDir, file), join(workspaceDir, file));
  return workspaceDir;
}
