export {
  ATTR_JOB_ATTEMPT,
  ATTR_JOB_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM,
} from './attributes.js';
export type { TracingEnqueueHookOptions } from './enqueue-hook.js';
export { tracingEnqueueHook } from './enqueue-hook.js';
export type { TracingMiddlewareOptions } from './middleware.js';
export { TRACER_NAME, tracingMiddleware } from './middleware.js';
export { W3CTraceContext } from './w3c-trace-context.js';
