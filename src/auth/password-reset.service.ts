import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import { TooManyRequestsError, createLimiter, limiterKey, retryAfterSeconds, type RateLimiterOptions } from '../http/rate-limit.ts';
import { issueLink, linkUrl } from './one-time-links.ts';
import { passwordResetMail } from './link-mail.ts';
import { tFor } from '../i18n/index.ts';

// "Forgot password": a reset link by e-mail. The answer is the same whether or not the
// address has an account, and it comes before any e-mail is sent (the message goes out in
// the background), so neither its words nor its timing tell. Each request first takes a
// point from the address's and from the client's budget — an atomic increment in Redis, so
// parallel requests cannot slip past — and only then looks anything up.

export const RESET_LIMITS = {
  account: { name: 'reset-account', points: 3, durationSeconds: 3600 },
  ip: { name: 'reset-ip', points: 10, durationSeconds: 15 * 60 },
} as const;

export interface PasswordResetDeps {
  prisma: PrismaClient;
  tenantDb: (tenantId: number) => TenantDb;
  mailer: Mailer;
  /** APP_URL: links in e-mail never take their origin from a request's Host header. */
  appUrl: string | undefined;
  limiterOptions: RateLimiterOptions;
  logger: Logger;
}

export class PasswordResetService {
  private readonly account: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;
  /** Sends still under way (tests and shutdown wait for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: PasswordResetDeps) {
    this.account = createLimiter(deps.limiterOptions, RESET_LIMITS.account);
    this.ip = createLimiter(deps.limiterOptions, RESET_LIMITS.ip);
  }

  get available(): boolean {
    return this.deps.mailer.enabled && this.deps.appUrl !== undefined;
  }

  /** Within the limits, e-mails a reset link when the address has an active account; says nothing either way. */
  async request(email: string, ip: string): Promise<void> {
    const address = email.trim().toLowerCase();
    const [account, client] = await Promise.allSettled([this.account.consume(limiterKey(address)), this.ip.consume(limiterKey(ip))]);
    const refusals = [account, client].filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
    if (refusals.length) {
      const counted = refusals.filter((r) => r instanceof RateLimiterRes);
      // Neither Redis nor the insurance limiter answered: refuse rather than send unlimited e-mail.
      throw new TooManyRequestsError(counted.length ? Math.max(...counted.map(retryAfterSeconds)) : 60);
    }
    if (!this.available) return;
    const send = this.sendLink(address).catch((error: unknown) =>
      this.deps.logger.error({ err: error }, 'password reset e-mail could not be sent'),
    );
    this.pending.add(send);
    void send.finally(() => this.pending.delete(send));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async sendLink(address: string): Promise<void> {
    // Like sign-in, finding the account by e-mail cannot be tenant-scoped; it reads that row only.
    const user = await this.deps.prisma.user.findUnique({
      where: { email: address },
      select: {
        id: true,
        tenantId: true,
        email: true,
        name: true,
        active: true,
        language: true,
        tenant: { select: { name: true, language: true } },
      },
    });
    if (!user?.active) return;
    const token = await this.deps.tenantDb(user.tenantId).$transaction((tx) => issueLink(tx, user.id, 'password_reset'));
    await this.deps.mailer.send(
      passwordResetMail(tFor([user.language, user.tenant.language]), {
        to: user.email,
        name: user.name,
        businessName: user.tenant.name,
        url: linkUrl(this.deps.appUrl!, 'password_reset', token),
      }),
    );
  }
}
