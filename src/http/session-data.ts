import 'express-session';
import type { FlashMessage } from './flash.ts';

// What a session holds (express-session's SessionData, augmented once here). Roles, names
// and the active flag are read from the database on every request, never trusted from here.

declare module 'express-session' {
  interface SessionData {
    userId: number;
    tenantId: number;
    /** When the user signed in (ms): the absolute session limit counts from here. */
    authAt: number;
    /** The user's passwordChangedAt (ms) when this session was made; a later change ends it. */
    pwdAt: number;
    flash: FlashMessage;
    /** Password accepted, second factor still to come (ms timestamps). */
    pending2fa: { userId: number; at: number; returnTo: string };
    /** A TOTP secret being enrolled, not yet confirmed with a code. */
    pendingTotpSecret: string;
    /** Recovery codes to show once, right after enrolment; removed by the page that shows them. */
    freshRecoveryCodes: string[];
    /** The primary's WAL position after this user's last write: replicas serve their reports once past it. */
    commitLsn: string;
  }
}
