import { z } from 'zod';

/**
 * What a run ran on, so that a failure can be compared with the last passing run (the suspect).
 * `schema` is this record's own version: a history written by an older compose-journeys holds
 * fingerprints of an older form, which are compared field by field where they agree and named
 * where they do not.
 */
export const FINGERPRINT_SCHEMA = 1;

export const serviceFingerprintSchema = z.object({
  /** The image id the container ran (sha256:…), and its registry digest when it was pulled. */
  imageId: z.string().optional(),
  digest: z.string().optional(),
  /** A hash of the image's layers: what it holds, whatever labels a build stamped on it (the project name). */
  layers: z.string().optional(),
  /** For a service built from a folder: that folder, relative to the repository, its git tree and whether it had uncommitted changes. */
  build: z
    .object({
      context: z.string(),
      tree: z.string().optional(),
      dirty: z.boolean(),
      /** The commit its repository was at, and where that repository was on the machine that ran: where git is asked for the commits between two runs. */
      head: z.string().optional(),
      repository: z.string().optional(),
    })
    .optional(),
  /** The service as `docker compose config` resolved it: a hash, and its values flattened (`environment.DB_URL`), secrets redacted. */
  configHash: z.string(),
  config: z.record(z.string(), z.string()),
});
export type ServiceFingerprint = z.infer<typeof serviceFingerprintSchema>;

export const commitSchema = z.object({ sha: z.string(), subject: z.string(), files: z.array(z.string()) });
export type Commit = z.infer<typeof commitSchema>;

export const runFingerprintSchema = z.object({
  schema: z.number().int().min(1),
  gitSha: z.string().optional(),
  gitDirty: z.boolean().optional(),
  engine: z.object({ version: z.string().optional(), compose: z.string().optional() }),
  /** The commits since the run recorded before this one (its sha → this sha), newest first; at most 50 listed. */
  commitRange: z
    .object({ from: z.string(), to: z.string(), count: z.number().int().min(0), commits: z.array(commitSchema) })
    .optional(),
  services: z.record(z.string(), serviceFingerprintSchema),
});
export type RunFingerprint = z.infer<typeof runFingerprintSchema>;
