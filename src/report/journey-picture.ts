import { travelledChannel } from '../messages/message-observation.ts';
import type { RecordedObservation } from './observations.ts';
import type { ContainerEvent } from './stack-evidence.ts';

/**
 * A journey as a sequence picture: a lane per participant (the journey, each service it called,
 * each provider stub, topic or exchange, database, the faults) and every observed effect in time
 * order, as an arrow (a call, a stub set up) or a mark (a message, a row, a request a stub received
 * or missed, a container event, a fault), with the failed expectation marked where it happened.
 * This module only decides what the picture says (pure, tested on its own); journey-picture-svg.ts draws it.
 */
export type LaneKind = 'journey' | 'service' | 'stub' | 'topic' | 'exchange' | 'database' | 'faults' | 'other';

export interface Lane {
  name: string;
  kind: LaneKind;
}

/** `ok` went as asked; `warn` a 4xx; `bad` an error, a miss, a crash, the failure; `intended` a fault the journey made. */
export type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'intended';

export type EffectKind = 'call' | 'stub' | 'request' | 'message' | 'row' | 'container' | 'fault' | 'failure' | 'other';

export interface PictureEffect {
  /** 1-based, in time order. */
  n: number;
  at: Date;
  kind: EffectKind;
  /** The lane it starts on (an arrow) or sits on (a mark). */
  lane: string;
  /** An arrow's end. */
  to?: string;
  label: string;
  tone: Tone;
  correlationId?: string;
}

export interface JourneyPicture {
  title: string;
  since: Date;
  lanes: Lane[];
  effects: PictureEffect[];
}

/** Where and when the journey failed: Playwright's failed step (see failure-moment.ts), or the end of its body. */
export interface FailureMark {
  at: Date;
  /** One line: the error's first line (with an expectation's Expected and Received). */
  message: string;
  /** The `test.step`s it failed in (`outer › inner`). */
  step?: string;
  /** `file:line` of the error, when known. */
  location?: string;
}

/** `in "the paid order is shipped" at ship.spec.ts:24`: where a failure happened, as the picture and the summary say it. */
export function whereItFailed(failure: Pick<FailureMark, 'step' | 'location'>): string {
  return [failure.step && `in "${failure.step}"`, failure.location && `at ${failure.location}`]
    .filter(Boolean)
    .join(' ');
}

export interface PictureInput {
  title: string;
  since: Date;
  observations: readonly RecordedObservation[];
  events: readonly (ContainerEvent & { intended?: string })[];
  failure?: FailureMark;
}

export const JOURNEY_LANE = 'journey';
const FAULTS_LANE = 'faults';

/** Left to right: the journey, what it calls, the providers those call, the brokers, the databases, the faults. */
const LANE_ORDER: readonly LaneKind[] = [
  'journey',
  'service',
  'stub',
  'topic',
  'exchange',
  'database',
  'faults',
  'other',
];

export function journeyPictureOf(input: PictureInput): JourneyPicture {
  const lanes = new Map<string, LaneKind>([[JOURNEY_LANE, 'journey']]);
  const lane = (name: string, kind: LaneKind) => {
    if (!lanes.has(name)) lanes.set(name, kind);
    return name;
  };
  type Draft = Omit<PictureEffect, 'n'> & { sequence: number };
  const drafts: Draft[] = input.observations.map((observation) => ({
    ...effectOf(observation, lane),
    at: observation.at,
    sequence: observation.sequence,
    ...(observation.correlationId && { correlationId: observation.correlationId }),
  }));
  input.events.forEach((event, index) => {
    drafts.push({
      at: event.at,
      sequence: -input.events.length + index,
      kind: 'container',
      lane: lane(event.service, 'service'),
      label: `${event.service} ${event.action}${event.exitCode ? ` (exit ${event.exitCode})` : ''}${event.intended ? ` (intended: ${event.intended})` : ''}`,
      tone: event.intended
        ? 'intended'
        : /^(die|oom|kill|restart|health_status: unhealthy)$/.test(event.action)
          ? 'bad'
          : 'info',
    });
  });
  if (input.failure) {
    drafts.push({
      at: input.failure.at,
      // After whatever was recorded at the same instant: it failed on what it had seen.
      sequence: Number.MAX_SAFE_INTEGER,
      kind: 'failure',
      lane: JOURNEY_LANE,
      label: `✗ ${input.failure.message}${whereItFailed(input.failure) ? ` (${whereItFailed(input.failure)})` : ''}`,
      tone: 'bad',
    });
  }
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime() || a.sequence - b.sequence);
  const effects = drafts.map(({ sequence: _, ...effect }, index) => ({ ...effect, n: index + 1 }));
  const ordered = [...lanes]
    .map(([name, kind], index) => ({ name, kind, index }))
    .sort((a, b) => LANE_ORDER.indexOf(a.kind) - LANE_ORDER.indexOf(b.kind) || a.index - b.index)
    .map(({ name, kind }) => ({ name, kind }));
  return { title: input.title, since: input.since, lanes: ordered, effects };
}

type LaneOf = (name: string, kind: LaneKind) => string;

function effectOf(observation: RecordedObservation, lane: LaneOf): Omit<PictureEffect, 'n' | 'at'> {
  const detail = (observation.detail ?? {}) as Record<string, unknown>;
  const summary = observation.summary;
  // A message, whatever its broker: a lane per channel its kind names (`kafka orders.placed`, a
  // topic; `amqp shop.events`, an exchange, whatever the routing key).
  const travelled = travelledChannel(observation);
  if (travelled)
    return {
      kind: 'message',
      lane: lane(`${observation.kind} ${travelled.name}`, travelled.channel),
      label: summary.replace(/ \([^()]*\)$/, ''), // the tap's name
      tone: 'ok',
    };
  switch (observation.kind) {
    case 'http': {
      const status = statusOf(detail, summary);
      const service = stringOf(detail.service) ?? channelPart(observation.channel, 1) ?? 'http';
      return {
        kind: 'call',
        lane: JOURNEY_LANE,
        to: lane(service, 'service'),
        label: withoutOrigin(summary),
        tone: status === undefined || status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok',
      };
    }
    case 'wiremock': {
      const service = stringOf(detail.service) ?? 'wiremock';
      const stub = lane(service, 'stub');
      if (detail.request !== undefined && /\breceived\b/.test(summary)) {
        const missed = /UNMATCHED/.test(summary);
        return {
          kind: 'request',
          lane: stub,
          label: summary.replace(`${service} `, ''),
          tone: missed ? 'bad' : /\[another journey\]|\[no correlation id/.test(summary) ? 'warn' : 'ok',
        };
      }
      // A stub the journey set up, its own rate-limit window, or a journal it could not read.
      const setUp = /^stub\b/.test(summary);
      return setUp
        ? { kind: 'stub', lane: JOURNEY_LANE, to: stub, label: summary, tone: 'info' }
        : { kind: 'other', lane: stub, label: summary, tone: 'warn' };
    }
    case 'db': {
      const database = stringOf(detail.database) ?? channelPart(observation.channel, 1) ?? 'db';
      return { kind: 'row', lane: lane(`db ${database}`, 'database'), label: summary, tone: 'ok' };
    }
    case 'fault':
      return { kind: 'fault', lane: lane(FAULTS_LANE, 'faults'), label: summary, tone: 'intended' };
    default:
      return { kind: 'other', lane: lane(observation.kind, 'other'), label: summary, tone: 'info' };
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** The n-th space-separated part of a channel (`http orders POST /orders 201`, `kafka orders.placed`). */
function channelPart(channel: string | undefined, index: number): string | undefined {
  return channel?.split(' ')[index];
}

function statusOf(detail: Record<string, unknown>, summary: string): number | undefined {
  const response = detail.response as { status?: unknown } | undefined;
  const status = detail.status ?? response?.status;
  if (typeof status === 'number') return status;
  const found = /→ (\d{3})\b/.exec(summary);
  return found ? Number(found[1]) : undefined;
}

/** `GET http://127.0.0.1:49123/orders/1 → 200` reads `GET /orders/1 → 200`: the lane says which service. */
function withoutOrigin(summary: string): string {
  return summary.replace(/\bhttps?:\/\/[^/\s]+(?=\/|\s)/, '');
}

/** The picture as numbered lines, in its order: the SVG's description, what a reader (or a test) can read as text. */
export function pictureList(picture: JourneyPicture): string {
  const lines = [
    `Journey picture: ${picture.title}`,
    `Lanes: ${picture.lanes.map((lane) => `${lane.name} (${lane.kind})`).join(', ')}`,
    ...picture.effects.map(
      (effect) =>
        `${effect.n}. +${effect.at.getTime() - picture.since.getTime()} ms ${effect.kind} ${effect.to ? `${effect.lane} → ${effect.to}` : effect.lane}: ${effect.label}`,
    ),
  ];
  if (picture.effects.length === 0) lines.push('Nothing was observed: the journey used no recording fixture.');
  return lines.join('\n');
}

/** The first effect that went wrong (a failed call, a stub miss, a crash, the failed expectation): the summary's pointer. */
export function firstFailedEffect(picture: JourneyPicture): PictureEffect | undefined {
  return picture.effects.find((effect) => effect.tone === 'bad');
}
