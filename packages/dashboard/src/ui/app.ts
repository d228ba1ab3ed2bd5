import { useCallback, useMemo, useState } from 'preact/hooks';
import type { SessionView, WireFamilies } from '../api/wire.js';
import { html } from './html.js';
import { DeadLetters } from './pages/dead-letters.js';
import { JobPage } from './pages/job.js';
import { Overview } from './pages/overview.js';
import { QueuePage } from './pages/queue.js';
import { SchedulesPage } from './pages/schedules.js';
import { WorkersPage } from './pages/workers.js';
import { href, type Route, useRoute } from './router.js';
import { App, type AppContext } from './session-context.js';

/**
 * The pages beyond queues and jobs, each shown only when the driver declares
 * its family. Flow control needs no page of its own: its limits sit on the
 * overview and the queue page, shown when the family is declared.
 * Observability adds the Workers page, and a throughput chart on the queue
 * page and meta on the job page.
 */
const FAMILY_VIEWS: readonly { family: keyof WireFamilies; label: string; parts: string[] }[] = [
  { family: 'schedules', label: 'Schedules', parts: ['schedules'] },
  { family: 'observability', label: 'Workers', parts: ['workers'] },
];

function View({ route, families }: { route: Route; families: WireFamilies }) {
  const [kind, queue, id] = route.parts;
  if (kind === 'schedules' && families.schedules) return html`<${SchedulesPage} route=${route} />`;
  if (kind === 'workers' && families.observability) return html`<${WorkersPage} />`;
  if (kind === 'queue' && queue !== undefined) return html`<${QueuePage} queue=${queue} route=${route} />`;
  if (kind === 'dlq' && queue !== undefined) return html`<${DeadLetters} queue=${queue} route=${route} />`;
  if (kind === 'job' && queue !== undefined && id !== undefined) return html`<${JobPage} queue=${queue} id=${id} />`;
  return html`<${Overview} />`;
}

interface Notice {
  id: number;
  message: string;
  kind: 'ok' | 'error';
}

let noticeIds = 0;

export function Dashboard({ session }: { session: SessionView }) {
  const route = useRoute();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [stopped, setStopped] = useState(false);
  const notify = useCallback((message: string, kind: 'ok' | 'error' = 'ok') => {
    const notice = { id: ++noticeIds, message, kind };
    setNotices((list) => [...list.slice(-2), notice]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== notice.id)), kind === 'error' ? 15_000 : 6_000);
  }, []);
  const app: AppContext = useMemo(
    () => ({ session, notify, refreshPaused: dialogOpen || stopped, setDialogOpen }),
    [session, notify, dialogOpen, stopped],
  );
  const views = FAMILY_VIEWS.filter((view) => session.families[view.family]);
  return html`<${App.Provider} value=${app}>
    <header class="top">
      <a class="brand" href=${href([])}>TaskHarbor</a>
      <nav>
        <a href=${href([])}>Queues</a>
        ${views.map((view) => html`<a key=${view.label} href=${href(view.parts)}>${view.label}</a>`)}
      </nav>
      <label class="refresh"><input type="checkbox" checked=${!stopped} onChange=${() => setStopped(!stopped)} data-testid="auto-refresh" /> refresh every ${session.refreshMs / 1000} s</label>
    </header>
    ${session.canAct ? '' : html`<p class="banner" data-testid="read-only">${session.readOnlyReason ?? 'read-only'}</p>`}
    <div class="notices" role="status">
      ${notices.map((notice) => html`<p key=${notice.id} class=${`notice ${notice.kind}`} data-testid="notice">${notice.message}</p>`)}
    </div>
    <main><${View} route=${route} families=${session.families} /></main>
  <//>`;
}
