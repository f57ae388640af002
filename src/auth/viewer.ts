import type { CacheService } from '../cache/index.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import type { TenantView } from '../http/view-locals.ts';
import type { RoleName } from './users.schema.ts';

// Who is looking, read once per request by the sign-in guard: the user's standing and the
// business's display facts, in one cached value per user (module `viewer`). The events of
// ./cache-events.ts and the settings' `settings.updated` invalidate it after commit through
// the outbox, so a warm page view asks the database nothing and a deactivation, role or
// password change is seen by every instance's next request (docs/decisions/027-viewer-…).

/** What the sign-in guard needs on every request (plain JSON: it is cached). */
export interface Viewer {
  id: number;
  email: string;
  name: string;
  role: RoleName;
  active: boolean;
  /** Epoch milliseconds: sessions begun before it have ended. */
  passwordChangedAt: number;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** The user's own language (null: the business's, else the browser's). */
  language: string | null;
  tenant: TenantView & { require2fa: boolean; language: string | null };
}

export class ViewerReader {
  constructor(
    private readonly deps: {
      cache: CacheService;
      tenantDb: (tenantId: number) => TenantDb;
    },
  ) {}

  /** The user and their business, or null when the user is not (or no longer) there. */
  async read(tenantId: number, userId: number): Promise<Viewer | null> {
    const { value } = await this.deps.cache.module('viewer').memoize(tenantId, `user:${userId}`, () => this.load(tenantId, userId));
    return value;
  }

  private async load(tenantId: number, userId: number): Promise<Viewer | null> {
    const user = await this.deps.tenantDb(tenantId).user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        active: true,
        passwordChangedAt: true,
        mustChangePassword: true,
        totpEnabled: true,
        language: true,
        tenant: {
          select: { name: true, currency: true, timeZone: true, locale: true, defaultTaxRate: true, require2fa: true, language: true },
        },
      },
    });
    if (!user) return null;
    const { tenant } = user;
    return {
      ...user,
      passwordChangedAt: user.passwordChangedAt.getTime(),
      tenant: { ...tenant, defaultTaxRate: tenant.defaultTaxRate.toFixed(2) },
    };
  }
}
