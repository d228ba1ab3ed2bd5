/**
 * @taskharbor/dashboard: a web page and JSON API over any TaskHarbor
 * driver, served by one Node request handler.
 */
export { createDashboard } from './create-dashboard.js';
export type { DashboardHandler } from './create-dashboard.js';
export type { DashboardAccess, DashboardAuth, DashboardOptions } from './options.js';
export { CSRF_COOKIE, CSRF_HEADER } from './http/csrf.js';
export { CONTENT_SECURITY_POLICY } from './http/respond.js';
export type {
  ErrorView,
  JobAction,
  JobDetailView,
  JobPageView,
  JobSummary,
  QueuesView,
  QueueView,
  ScheduleView,
  SchedulesView,
  SessionView,
  WireFamilies,
  WireStatus,
  WireValue,
} from './api/wire.js';
