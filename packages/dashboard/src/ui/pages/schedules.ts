import type { ScheduleView, SchedulesView } from '../../api/wire.js';
import { get, post, seg } from '../api.js';
import { html } from '../html.js';
import { Pager } from '../parts/pager.js';
import { Time } from '../parts/time.js';
import { Updated } from '../parts/updated.js';
import { useAction } from '../parts/use-action.js';
import { href, type Route } from '../router.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';

function cadence(schedule: ScheduleView): string {
  if (schedule.cron !== undefined) return `${schedule.cron}${schedule.timezone === 'UTC' ? ' (UTC)' : ` (${schedule.timezone})`}`;
  return `every ${(schedule.everyMs ?? 0).toLocaleString('en-US')} ms`;
}

function ScheduleActions({ schedule, reload }: { schedule: ScheduleView; reload(): void }) {
  const action = useAction();
  const path = `schedules/${seg(schedule.name)}`;
  return html`<span class="actions-inline">
    <button type="button" disabled=${action.busy} data-testid="trigger"
      onClick=${() => action.run(() => post<{ id: string }>(`${path}/trigger`), ({ id }) => `triggered ${schedule.name}: job ${id} is ready`, reload)}>Run now</button>
    <button type="button" disabled=${action.busy} data-testid=${schedule.paused ? 'resume-schedule' : 'pause-schedule'}
      onClick=${() =>
        action.run(
          () => post(`${path}/${schedule.paused ? 'resume' : 'pause'}`),
          () => `${schedule.paused ? 'resumed' : 'paused'} schedule ${schedule.name}`,
          reload,
        )}>${schedule.paused ? 'Resume' : 'Pause'}</button>
  </span>`;
}

/** Every schedule with its cadence, next and last run; pause, resume and run now. */
export function SchedulesPage({ route }: { route: Route }) {
  const app = useApp();
  const cursor = route.query.get('cursor') || undefined;
  const polled = usePoll(`schedules:${cursor ?? ''}`, () => get<SchedulesView>('schedules', { cursor }), app.session.refreshMs, app.refreshPaused);
  const page = polled.data;
  return html`<section>
    <header class="page-head">
      <h1>Schedules</h1>
      <${Updated} polled=${polled} />
    </header>
    ${page === undefined
      ? html`<p class="muted">${polled.error ? '' : 'Loading…'}</p>`
      : page.schedules.length === 0
        ? html`<p class="muted">No schedules.</p>`
        : html`<table class="grid" data-testid="schedules">
            <thead>
              <tr><th>name</th><th>queue</th><th>type</th><th>cadence</th><th>next run</th><th>last run</th><th class="num">runs</th><th></th>${app.session.canAct ? html`<th></th>` : ''}</tr>
            </thead>
            <tbody>
              ${page.schedules.map(
                (schedule) => html`<tr key=${schedule.name} data-schedule=${schedule.name}>
                  <td class="mono">${schedule.name}</td>
                  <td><a href=${href(['queue', schedule.queue])}>${schedule.queue}</a></td>
                  <td>${schedule.type}</td>
                  <td class="mono">${cadence(schedule)}</td>
                  <td>${schedule.nextRunAt === undefined ? html`<span class="muted">ended</span>` : html`<${Time} ms=${schedule.nextRunAt} />`}</td>
                  <td><${Time} ms=${schedule.lastRunAt} /></td>
                  <td class="num">${schedule.runs}${schedule.limit !== undefined ? ` of ${schedule.limit}` : ''}</td>
                  <td>${schedule.paused ? html`<span class="badge paused" data-testid="schedule-paused">paused</span>` : ''}</td>
                  ${app.session.canAct ? html`<td><${ScheduleActions} schedule=${schedule} reload=${polled.reload} /></td>` : ''}
                </tr>`,
              )}
            </tbody>
          </table>`}
    <${Pager} parts=${['schedules']} filters=${{}} cursor=${cursor} nextCursor=${page?.nextCursor} />
  </section>`;
}
