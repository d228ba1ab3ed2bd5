/**
 * What a failure of the ioredis client means, in TaskHarbor's terms. Some of
 * its messages speak of its own options or ask to report a bug to it; users
 * see these through our errors, so they get what happened instead, and the
 * original error stays attached as the `cause`.
 */
export function clientErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'MaxRetriesPerRequestError') {
    return 'the connection to Redis closed before the reply came, and the driver does not resend commands';
  }
  if (error.message.endsWith('. Please report this.')) {
    // ioredis's reply parser failed: the bytes from Redis were not a valid reply, and the client reset the connection.
    return `the reply from Redis could not be read (${error.message.slice(0, -'. Please report this.'.length)}), so the connection was reset`;
  }
  if (error.message === 'Connection is closed.') return 'the connection to Redis is closed';
  return error.message;
}
