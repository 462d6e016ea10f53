import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as prettier from 'prettier';

/** A generated page: its path from the repository root and its content. */
export interface ReferenceFile {
  path: string;
  content: string;
}

/**
 * Formats a page the way `prettier --write` would, with the repository's settings, so that formatting the docs
 * by hand never makes a generated page look stale.
 */
export async function formatted(root: string, file: ReferenceFile): Promise<ReferenceFile> {
  const absolute = join(root, file.path);
  const options = (await prettier.resolveConfig(absolute)) ?? {};
  return { path: file.path, content: await prettier.format(file.content, { ...options, filepath: absolute }) };
}

/** The pages whose committed content differs from what was generated (a missing file is stale too). */
export async function staleFiles(root: string, files: readonly ReferenceFile[]): Promise<string[]> {
  const stale: string[] = [];
  for (const file of files) {
    const committed = await readFile(join(root, file.path), 'utf8').catch(() => null);
    if (committed !== file.content) stale.push(file.path);
  }
  return stale;
}

export async function writeFiles(root: string, files: readonly ReferenceFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.content);
  }
}
