import type { RequestHandler } from 'express';

// Read-your-writes with read replicas (docs/decisions/030-report-reads-on-read-replicas.md): a
// signed-in request that may have written (anything but GET/HEAD) records the primary's WAL
// position in its session before its response goes out, so the user's next report read is
// served by a replica only once it has replayed that far (src/db/report-reads.ts). The
// session is the place: every instance reads it on every request anyway.

/** A WAL position no replica reaches: the primary serves until the next write records a real one. */
const BEYOND_EVERY_REPLICA = 'FFFFFFFF/FFFFFFFF';

export function recordCommitPosition(commitPosition: () => Promise<string>): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || !req.session) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    // Before express-session's own end (mounted earlier, so it runs after this), which saves the session.
    res.end = ((...args: unknown[]) => {
      commitPosition()
        .then((lsn) => {
          if (req.session) req.session.commitLsn = lsn;
        })
        .catch(() => {
          // The primary did not answer: the next reports read the primary anyway (no position to trust).
          if (req.session) req.session.commitLsn = BEYOND_EVERY_REPLICA;
        })
        .finally(() => end(...args));
      return res;
    }) as typeof res.end;
    next();
  };
}
