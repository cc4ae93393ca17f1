import { CATEGORY_ANNOTATION, REASON_ANNOTATION, SERVICE_ANNOTATION } from '../report/failure-category.ts';
import { JOURNEY_ID_ANNOTATIONS } from '../trace/journey-marks.ts';

/**
 * Annotation and attachment names the fixtures write and the history reads. The first four are
 * the failure review's (fixtures/evidence.ts, fixtures/correlation.ts); `drift` and the shapes
 * attachment are the drift fixtures'.
 */
export const HISTORY_ANNOTATIONS = {
  category: CATEGORY_ANNOTATION,
  reason: REASON_ANNOTATION,
  /** Comma-separated Compose service names. */
  services: SERVICE_ANNOTATION,
  correlationId: JOURNEY_ID_ANNOTATIONS.correlationId,
  drift: 'drift',
  /** Set by a worker fixture from quarantineVerdict(): shows in the HTML report. */
  quarantine: 'quarantine',
  /** What changed since the journey's last passing run, most likely first (one annotation per suspect). */
  suspect: 'suspect',
  /** The incident a journey failed in: a service that died, restarted, was OOM-killed or turned unhealthy. */
  incident: 'incident',
} as const;

/** Body: the run's fingerprint (RunFingerprint), attached by the stack setup; the reporter records it, also under merge-reports. */
export const FINGERPRINT_ATTACHMENT = 'run-fingerprint.json';

/** Body `{ [channelKey]: { [path]: type } }`: the shapes one attempt of a journey saw. */
export const SHAPES_ATTACHMENT = 'journeys-shapes.json';
