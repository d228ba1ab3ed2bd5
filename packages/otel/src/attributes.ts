/** Span attribute names: OpenTelemetry's messaging semantic conventions, and TaskHarbor's own. */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_JOB_TYPE = 'taskharbor.job.type';
export const ATTR_JOB_ATTEMPT = 'taskharbor.job.attempt';

/** The value of messaging.system. */
export const MESSAGING_SYSTEM = 'taskharbor';
