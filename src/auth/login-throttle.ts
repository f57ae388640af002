import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ServiceUnavailableError } from '../db/errors.ts';
import { TooManyRequestsError, createLimiter, limiterKey, retryAfterSeconds, type RateLimiterOptions } from '../http/rate-limit.ts';

// Limits on guessing a password or a second-factor code (docs/decisions/008). Every
// attempt first takes a point from its account's budget and from its IP's budget — an
// atomic increment in Redis — and only then is the password checked, so parallel requests
// cannot all slip past a read-then-count check. A right answer gives its points back (the
// account's earlier failures are forgotten; the IP gets its point back); a wrong one keeps
// them. A request the limits refuse is not checked at all.
//
//  - account: 5 per 15 minutes per account, whatever the IP (many addresses do not buy
//    more guesses). Each time the account runs out within a day, the lock-out doubles:
//    15 min, 30 min, 1 h, … up to 24 h. Wrong current passwords on the re-authentication
//    forms (change password, turn two-factor sign-in on or off) count here too.
//  - ip: 50 per 15 minutes per client address, across accounts.
//  - second factor: 5 codes per 15 minutes per account at the sign-in's second step.

export const LOGIN_LIMITS = {
  account: { name: 'login-account', points: 5, durationSeconds: 15 * 60 },
  lockouts: { name: 'login-lockouts', points: 1000, durationSeconds: 24 * 3600 },
  ip: { name: 'login-ip', points: 50, durationSeconds: 15 * 60 },
  secondFactor: { name: 'login-2fa', points: 5, durationSeconds: 15 * 60 },
} as const;

const MAX_LOCKOUT_SECONDS = 24 * 3600;

export type AttemptKind = 'password' | 'secondFactor';

export class LoginThrottle {
  private readonly account: RateLimiterAbstract;
  private readonly lockouts: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;
  private readonly secondFactor: RateLimiterAbstract;

  constructor(options: RateLimiterOptions) {
    this.account = createLimiter(options, LOGIN_LIMITS.account);
    this.lockouts = createLimiter(options, LOGIN_LIMITS.lockouts);
    this.ip = createLimiter(options, LOGIN_LIMITS.ip);
    this.secondFactor = createLimiter(options, LOGIN_LIMITS.secondFactor);
  }

  /**
   * Run `check` (a password or code check: truthy = right) within the limits of `account`
   * (an email for passwords, a user key for codes) and `ip`. Throws TooManyRequestsError,
   * without calling `check`, when either budget is spent.
   */
  async attempt<T>(kind: AttemptKind, who: { account: string; ip: string }, check: () => Promise<T>): Promise<T> {
    const accountLimiter = kind === 'password' ? this.account : this.secondFactor;
    const accountKey = this.accountKey(kind, who.account);
    const ipKey = limiterKey(who.ip);
    const [account, ip] = await Promise.allSettled([accountLimiter.consume(accountKey), this.ip.consume(ipKey)]);
    if (account.status === 'rejected' || ip.status === 'rejected') {
      // What one budget took for a request the other refused is given back.
      if (account.status === 'fulfilled') await accountLimiter.reward(accountKey).catch(() => undefined);
      if (ip.status === 'fulfilled') await this.ip.reward(ipKey).catch(() => undefined);
      const refusals = [account, ip].filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
      if (!refusals.every((r) => r instanceof RateLimiterRes))
        throw new ServiceUnavailableError('Sign-in is unavailable for a moment. Please try again.');
      let wait = Math.max(...refusals.map(retryAfterSeconds));
      const tripped =
        account.status === 'rejected' && (account.reason as RateLimiterRes).consumedPoints === LOGIN_LIMITS.account.points + 1;
      if (kind === 'password' && tripped) wait = Math.max(wait, await this.lockOut(accountKey));
      throw new TooManyRequestsError(wait);
    }
    let result: T;
    try {
      result = await check();
    } catch (error) {
      // Not checked after all (e.g. too busy to hash): the attempt does not count.
      await Promise.all([accountLimiter.reward(accountKey).catch(() => undefined), this.ip.reward(ipKey).catch(() => undefined)]);
      throw error;
    }
    if (result) await Promise.all([this.forget(kind, who.account), this.ip.reward(ipKey).catch(() => undefined)]);
    return result;
  }

  /** Forget an account's failures (a right answer; an owner unlocking someone). */
  async forget(kind: AttemptKind, account: string): Promise<void> {
    const key = this.accountKey(kind, account);
    if (kind === 'password') await Promise.all([this.account.delete(key), this.lockouts.delete(key)]).catch(() => undefined);
    else await this.secondFactor.delete(key).catch(() => undefined);
  }

  /** The n-th lock-out of the day lasts 15 min × 2^(n-1), at most 24 h. Returns its seconds. */
  private async lockOut(key: string): Promise<number> {
    const count = await this.lockouts
      .consume(key)
      .then((r) => r.consumedPoints)
      .catch((r: unknown) => (r instanceof RateLimiterRes ? r.consumedPoints : 1));
    const seconds = Math.min(LOGIN_LIMITS.account.durationSeconds * 2 ** Math.min(count - 1, 16), MAX_LOCKOUT_SECONDS);
    await this.account.block(key, seconds).catch(() => undefined);
    return seconds;
  }

  private accountKey(kind: AttemptKind, account: string): string {
    return limiterKey(kind, account.trim().toLowerCase());
  }
}
