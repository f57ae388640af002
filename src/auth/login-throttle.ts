import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError, createLimiter, limiterKey, retryAfterSeconds, type RateLimiterOptions } from '../http/rate-limit.ts';

// Failed sign-ins are counted per (IP, email) — 5 per 15 minutes — and per IP — 50 per
// 15 minutes. A blocked attempt is refused before the password is even checked; a
// successful sign-in clears the account's counter. Second-factor failures count the same.

export const LOGIN_LIMITS = {
  account: { name: 'login-account', points: 5, durationSeconds: 15 * 60 },
  ip: { name: 'login-ip', points: 50, durationSeconds: 15 * 60 },
} as const;

export class LoginThrottle {
  private readonly account: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;

  constructor(options: RateLimiterOptions) {
    this.account = createLimiter(options, LOGIN_LIMITS.account);
    this.ip = createLimiter(options, LOGIN_LIMITS.ip);
  }

  /** Throws TooManyRequestsError when either counter is spent. */
  async check(ip: string, email: string): Promise<void> {
    const [account, perIp] = await Promise.all([this.account.get(this.accountKey(ip, email)).catch(() => null), this.ip.get(limiterKey(ip)).catch(() => null)]);
    const blocked = [
      account && account.consumedPoints >= LOGIN_LIMITS.account.points ? account : null,
      perIp && perIp.consumedPoints >= LOGIN_LIMITS.ip.points ? perIp : null,
    ].filter((r): r is RateLimiterRes => r !== null);
    if (blocked.length) throw new TooManyRequestsError(Math.max(...blocked.map(retryAfterSeconds)));
  }

  /** Count a failed attempt. */
  async failed(ip: string, email: string): Promise<void> {
    await Promise.all([this.account.consume(this.accountKey(ip, email)).catch(ignoreRejection), this.ip.consume(limiterKey(ip)).catch(ignoreRejection)]);
  }

  /** A successful sign-in forgets the account's failures (not the IP's). */
  async succeeded(ip: string, email: string): Promise<void> {
    await this.account.delete(this.accountKey(ip, email)).catch(() => undefined);
  }

  private accountKey(ip: string, email: string): string {
    return limiterKey(ip, email.trim().toLowerCase());
  }
}

function ignoreRejection(error: unknown): void {
  // A spent budget rejects with RateLimiterRes: that is the count we wanted, not a failure.
  if (error instanceof RateLimiterRes) return;
}
