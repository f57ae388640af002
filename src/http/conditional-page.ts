import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import onHeaders from 'on-headers';
import type { CacheModule } from '../config.ts';
import type { CacheService } from '../cache/index.ts';
import type { CurrentUser } from './request-scope.ts';

// Conditional GETs for pages built only from cached reads (decision 028). Before the
// page loads anything, one Redis read gives the generations of the modules it reads; with
// who is looking and the build they make a strong ETag. A browser that already holds that
// version gets 304: no loading, no rendering, no body. Any commit that changes what the page
// shows bumps one of those generations (after-commit invalidation), so the next request
// gets 200 with the new content.
//
// A page is listed once, with its modules, in `pages` (src/container.ts): one line per page.
// A path segment `:id` stands for a record's number (`/customers/:id/statement`).

/** Path (GET only; exact but for `:id` segments, digits) → the cache modules the page reads. */
export type ConditionalPages = Readonly<Record<string, readonly CacheModule[]>>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The modules of the page at `path`, if it is listed: an exact path first, else a pattern with `:id`. */
export function pageModules(pages: ConditionalPages): (path: string) => readonly CacheModule[] | undefined {
  const patterns = Object.entries(pages)
    .filter(([path]) => path.includes('/:id'))
    .map(([path, modules]) => ({ pattern: new RegExp(`^${path.split('/:id').map(escapeRegExp).join('/[0-9]+')}$`), modules }));
  return (path) => (Object.hasOwn(pages, path) ? pages[path] : patterns.find((p) => p.pattern.test(path))?.modules);
}

/** Every business's "today" changes on a quarter hour of UTC (every zone's offset is a multiple of 15 minutes). */
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** True when `header` (If-None-Match) names `etag`, weak or strong, or is `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export function conditionalPages(deps: { cache: CacheService; pages: ConditionalPages; buildId: string }): RequestHandler {
  const { cache, buildId } = deps;
  const modulesOf = pageModules(deps.pages);
  return (req, res, next) => {
    const modules = req.method === 'GET' || req.method === 'HEAD' ? modulesOf(req.path) : undefined;
    // A pending flash message is shown once: that page is never the one the browser holds.
    if (!modules || !req.scope || req.session?.flash) return next();
    const scope = req.scope;
    cache.currentGenerations(scope.tenantId, modules).then((generations) => {
      if (!generations) return next(); // the cache store is unreachable: no version to name
      const user = res.locals.currentUser as CurrentUser | undefined;
      const etag = `"${createHash('sha256')
        .update(
          JSON.stringify([
            buildId,
            req.originalUrl,
            modules,
            generations,
            scope.tenantId,
            scope.userId,
            scope.role,
            req.language,
            // The session's own values on the page (its CSRF token): another session, another version.
            req.sessionID,
            // What the layout shows of the viewer, as the sign-in guard read it (from the viewer
            // cache module, so free here): a rename shows on the next view.
            user?.name,
            user?.email,
            res.locals.tenantName,
            Math.floor(Date.now() / QUARTER_HOUR_MS),
          ]),
        )
        .digest('base64url')
        .slice(0, 27)}"`;
      if (matchesEtag(req.get('If-None-Match'), etag)) {
        res.status(304).end();
        return;
      }
      res.setHeader('ETag', etag);
      // Only a full page carries it (an error or a redirect is not this version of the page).
      onHeaders(res, function () {
        if (this.statusCode !== 200) this.removeHeader('ETag');
      });
      next();
    }, next);
  };
}
