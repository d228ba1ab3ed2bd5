import type { ScheduleRecord } from '@taskharbor/core';
import { formatDurationMs } from '../args/duration.js';
import type { Colours } from './colour.js';
import { decodePayload, payloadPreview } from './payload.js';
import { formatTable } from './table.js';
import { relativeTime } from './time.js';

/** `cron 0 3 * * * (Europe/Berlin)` or `every 5m`. */
export function cadenceText(schedule: ScheduleRecord): string {
  if (schedule.everyMs !== undefined) return `every ${formatDurationMs(schedule.everyMs)}`;
  return schedule.timezone === 'UTC' ? `cron ${schedule.cron}` : `cron ${schedule.cron} (${schedule.timezone})`;
}

/** active, paused, or ended (no tick to come: endAt passed or the limit reached). */
export function scheduleState(schedule: ScheduleRecord): 'active' | 'paused' | 'ended' {
  if (schedule.nextRunAt === undefined) return 'ended';
  return schedule.paused ? 'paused' : 'active';
}

/** The rows of schedule list. */
export function scheduleTable(schedules: readonly ScheduleRecord[], now: number, colours: Colours): string[] {
  const rows = schedules.map((schedule) => {
    const state = scheduleState(schedule);
    return [
      schedule.name,
      schedule.queue,
      schedule.type,
      cadenceText(schedule),
      schedule.nextRunAt === undefined ? '-' : relativeTime(schedule.nextRunAt, now),
      schedule.lastRunAt === undefined ? '-' : relativeTime(schedule.lastRunAt, now),
      schedule.limit === undefined ? String(schedule.runs) : `${schedule.runs}/${schedule.limit}`,
      state === 'active' ? state : { text: state, style: colours.yellow },
      payloadPreview(schedule.payload, 40),
    ];
  });
  return formatTable(
    [
      { header: 'NAME' },
      { header: 'QUEUE' },
      { header: 'TYPE' },
      { header: 'CADENCE', maxWidth: 40 },
      { header: 'NEXT RUN' },
      { header: 'LAST RUN' },
      { header: 'RUNS', align: 'right' },
      { header: 'STATE' },
      { header: 'PAYLOAD' },
    ],
    rows,
    { headerStyle: colours.bold },
  );
}

/**
 * The JSON form of a schedule: the library's field names, times as epoch
 * milliseconds, every optional field present (null when unset), the payload
 * decoded (or `payloadBase64` when it is not JSON).
 */
export function scheduleToJson(schedule: ScheduleRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: schedule.name,
    queue: schedule.queue,
    type: schedule.type,
    cron: schedule.cron ?? null,
    everyMs: schedule.everyMs ?? null,
    timezone: schedule.timezone,
    startAt: schedule.startAt ?? null,
    endAt: schedule.endAt ?? null,
    limit: schedule.limit ?? null,
    catchUp: schedule.catchUp,
    maxAttempts: schedule.maxAttempts,
    timeoutMs: schedule.timeoutMs ?? null,
    state: scheduleState(schedule),
    paused: schedule.paused,
    nextRunAt: schedule.nextRunAt ?? null,
    lastRunAt: schedule.lastRunAt ?? null,
    runs: schedule.runs,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
  const payload = decodePayload(schedule.payload);
  if (payload.kind === 'json') json.payload = payload.value;
  else if (payload.kind === 'empty') json.payload = null;
  else json.payloadBase64 = Buffer.from(payload.bytes).toString('base64');
  return json;
}
