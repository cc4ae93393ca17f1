import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type IncidentRef, incidentRefSchema } from '../history/run-record.ts';
import { stateFile } from '../run/state-files.ts';

/**
 * The run's incidents, shared by its workers through the stack's state folder: one file per
 * service with an incident (`incidents/<service>.json`). The first journey to meet a crash opens it
 * (and carries its evidence); every later journey that meets the same service broken joins it,
 * until it is healed. A crash after the heal is a new incident.
 */
const recordSchema = incidentRefSchema.extend({
  /** The journey that opened it: where its evidence is. */
  openedBy: z.string(),
  healing: z.boolean().default(false),
  healedAt: z.string().optional(),
  healError: z.string().optional(),
});
export type IncidentRecord = z.infer<typeof recordSchema>;

function fileOf(projectName: string, service: string): string {
  return path.join(stateFile(projectName, 'incidents'), `${service.replace(/[^\w.-]/g, '_')}.json`);
}

function read(file: string): IncidentRecord | undefined {
  try {
    return recordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

function write(file: string, record: IncidentRecord, flag: 'wx' | 'w'): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    if (flag === 'wx') {
      writeFileSync(file, JSON.stringify(record), { flag: 'wx' });
    } else {
      writeFileSync(`${file}.tmp`, JSON.stringify(record));
      renameSync(`${file}.tmp`, file);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The incident this journey failed in: the one open for the service, or a new one this journey
 * opens (`opened`: it carries the evidence, and heals when the stack is configured to).
 */
export function joinIncident(
  projectName: string,
  seen: IncidentRef,
  journey: string,
): { record: IncidentRecord; opened: boolean } {
  const file = fileOf(projectName, seen.service);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const known = read(file);
    const over = known?.healedAt !== undefined && seen.at > known.healedAt;
    if (known && !over) return { record: known, opened: false };
    const record: IncidentRecord = { ...seen, openedBy: journey, healing: false };
    // `wx`: of two workers meeting the same crash, one opens it. A healed one is replaced in place.
    if (write(file, record, over ? 'w' : 'wx')) return { record, opened: true };
  }
  return { record: read(file) ?? { ...seen, openedBy: journey, healing: false }, opened: false };
}

export function updateIncident(projectName: string, record: IncidentRecord): void {
  write(fileOf(projectName, record.service), record, 'w');
}

/** Incidents being healed now: a journey about to start waits for them (the stack is not whole). */
export function healingIncidents(projectName: string): IncidentRecord[] {
  let names: string[];
  try {
    names = readdirSync(stateFile(projectName, 'incidents'));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => read(path.join(stateFile(projectName, 'incidents'), name)))
    .filter((record): record is IncidentRecord => record?.healing === true);
}
