import { readFileSync, writeFileSync } from 'node:fs';
import type { TestInfo } from '@playwright/test';
import { z } from 'zod';
import { stateFile } from '../run/state-files.ts';
import type { StackState } from '../stack/stack-state.ts';
import { CATALOG_ATTACHMENT, type StackCatalog, stackCatalogSchema } from './coverage-item.ts';
import { type CatalogOptions, collectStackCatalog } from './stack-catalog.ts';

const savedSchema = z.object({
  options: z.object({ openapi: z.record(z.string(), z.string()).optional(), configDir: z.string().optional() }),
  catalog: stackCatalogSchema.optional(),
});

/**
 * The catalog is taken twice: by the stack setup (what it knows of `x-journeys.openapi` is kept in
 * the state folder) and again by the teardown, after the journeys, when topics and queues the run
 * created exist too. Both attach it; the history reporter takes their union.
 */
export async function attachCatalog(
  testInfo: TestInfo,
  state: StackState,
  options?: CatalogOptions,
): Promise<StackCatalog> {
  const known: CatalogOptions = options ?? (readSaved(state.projectName)?.options as CatalogOptions | undefined) ?? {};
  const catalog = await collectStackCatalog(state, known);
  // Kept for a run that reuses the stack as it runs (JOURNEYS_REUSE): it has no setup test to attach one.
  writeFileSync(stateFile(state.projectName, 'catalog'), JSON.stringify({ options: known, catalog }));
  await testInfo.attach(CATALOG_ATTACHMENT, { body: JSON.stringify(catalog), contentType: 'application/json' });
  return catalog;
}

function readSaved(projectName: string): z.infer<typeof savedSchema> | undefined {
  try {
    return savedSchema.parse(JSON.parse(readFileSync(stateFile(projectName, 'catalog'), 'utf8')));
  } catch {
    return undefined;
  }
}

/** The catalog the last setup or teardown of this stack took, when the run attached none (a reused stack). */
export function savedCatalog(projectName: string): StackCatalog | undefined {
  return readSaved(projectName)?.catalog;
}
