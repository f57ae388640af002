import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';
import onHeaders from 'on-headers';
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
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
// The ETag names the page's whole content, so the body rendered under it can be kept (in
// this process, bounded by size) and sent again to a request that names the same version
// without holding it (another tab, a reload that lost the browser's copy): no loading, no
// rendering. It is never shared between sessions (the session is in the ETag) and is dropped
// by the same commits that change the ETag.
//
// A kept body is sent gzip-encoded to a browser that accepts it (every browser does), encoded
// once, the first time it is sent so: a year by day shrinks from some 90 kB to 12 kB, which a
// phone on a shop's mobile data feels. That
// representation has its own strong ETag (the version's with `.gz`), as content-coding makes a
// different representation; If-None-Match naming either is the same version.
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

/** The ETag of a version's gzip-encoded representation. */
export const gzipEtag = (etag: string) => `${etag.slice(0, -1)}.gz"`;

/** True when `header` (If-None-Match) names `etag` or its gzip representation, weak or strong, or is `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const gz = gzipEtag(etag);
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}` || tag === gz || tag === `W/${gz}`;
  });
}

/** What a kept page body is sent with again (Cache-Control and the rest come from the middleware before this one). */
const REPLAYED_HEADERS = ['content-type', 'content-language', 'vary'] as const;
interface KeptPage {
  /** Encoded once, when kept: a page of a year by day is some 90 kB. */
  body: Buffer;
  /** The body gzip-encoded, made the first time a browser that accepts it is sent it. */
  gzip?: Buffer;
  headers: Array<[string, string]>;
}

export interface ConditionalPagesOptions {
  cache: CacheService;
  pages: ConditionalPages;
  buildId: string;
  /** Room for rendered pages kept by their ETag, in bytes; 0 keeps none. */
  keptPageBytes: number;
  metrics: Registry;
}

export function conditionalPages(deps: ConditionalPagesOptions): RequestHandler {
  const { cache, buildId } = deps;
  const modulesOf = pageModules(deps.pages);
  const kept =
    deps.keptPageBytes > 0
      ? new LRUCache<string, KeptPage>({
          maxSize: deps.keptPageBytes,
          // Counted with room for its gzip encoding, made later without resizing the entry.
          sizeCalculation: (page) => Math.max(1, Math.ceil(page.body.byteLength * 1.25)),
        })
      : undefined;
  const views = new Counter({
    name: 'stock_conditional_page_views_total',
    help: 'Views of pages that answer conditional GETs: not modified (304), sent from the kept body, or rendered',
    labelNames: ['outcome'] as const,
    registers: [deps.metrics],
  });
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
        views.inc({ outcome: 'not_modified' });
        res.status(304).end();
        return;
      }
      // Rendered bodies go out identity-encoded, kept ones gzip-encoded where accepted: either may answer.
      res.vary('Accept-Encoding');
      const page = kept?.get(etag);
      if (page) {
        views.inc({ outcome: 'kept' });
        // Its Vary, replayed, names Accept-Encoding already (set above before it was rendered).
        for (const [name, value] of page.headers) res.setHeader(name, value);
        res.setHeader('X-Cache', 'HIT');
        if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
          page.gzip ??= gzipSync(page.body);
          res.setHeader('ETag', gzipEtag(etag));
          res.setHeader('Content-Encoding', 'gzip');
          res.status(200).send(page.gzip);
        } else {
          res.setHeader('ETag', etag);
          res.status(200).send(page.body);
        }
        return;
      }
      res.setHeader('ETag', etag);
      views.inc({ outcome: 'rendered' });
      // Only a full page carries it (an error or a redirect is not this version of the page).
      onHeaders(res, function () {
        if (this.statusCode !== 200) this.removeHeader('ETag');
      });
      if (kept) keepRenderedPage(res, etag, kept);
      next();
    }, next);
  };
}

/** Keeps the body of this response under `etag` if it goes out as this version of the page. */
function keepRenderedPage(res: import('express').Response, etag: string, kept: LRUCache<string, KeptPage>): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    res.send = send;
    const keep = res.statusCode === 200 && typeof body === 'string' && res.getHeader('ETag') === etag;
    const sent = send(body);
    // Read after sending: `send` sets the content type of a string body itself.
    if (keep) {
      const headers: Array<[string, string]> = [];
      for (const name of REPLAYED_HEADERS) {
        const value = res.getHeader(name);
        if (typeof value === 'string') headers.push([name, value]);
      }
      // A page built from any read that missed is kept too: it is what the ETag names (the
      // generations were read before anything loaded, so a commit since gives another ETag).
      kept.set(etag, { body: Buffer.from(body, 'utf8'), headers });
    }
    return sent;
  };
}
