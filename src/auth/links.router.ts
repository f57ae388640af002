import { Router, type NextFunction, type Request, type Response } from 'express';
import { fieldErrors } from '../db/input.ts';
import { noStore } from '../http/cache-control.ts';
import { formFailure, formLocals } from '../http/form-errors.ts';
import type { LoginFormToken } from '../http/login-csrf.ts';
import { TooManyRequestsError } from '../http/rate-limit.ts';
import { ForgotPasswordSchema, SetPasswordSchema } from './auth.schema.ts';
import { LINK_GONE, LINK_PATH, LinkGoneError, type LinkPurpose, type OneTimeLinks } from './one-time-links.ts';
import type { PasswordResetService } from './password-reset.service.ts';

// Public pages reached without a session: "forgot password", and the one-time links of an
// invitation or a password reset. Their forms carry the sign-in form's cookie-signed CSRF
// token (strangers get no session). The token in the path is never logged by us and the
// page sends no Referer (helmet's Referrer-Policy: no-referrer).

const NEUTRAL = 'If that address has an account here, we have sent it a link to reset the password. It works once, within 1 hour.';

const PAGES: Record<LinkPurpose, { title: string; intro: string; button: string }> = {
  invitation: { title: 'Accept the invitation', intro: 'Choose the password you will sign in with.', button: 'Set my password' },
  password_reset: {
    title: 'Choose a new password',
    intro: 'Setting a new password signs you out everywhere.',
    button: 'Set the new password',
  },
};

export function linksRouter(deps: { links: OneTimeLinks; passwordReset: PasswordResetService }, loginForm: LoginFormToken): Router {
  const { links, passwordReset } = deps;
  const router = Router();
  router.use(['/password', '/invitation'], (_req, res, next) => {
    noStore(res);
    next();
  });

  router.get('/password/forgot', (req, res) => {
    res.render('auth/forgot-password', { csrfToken: loginForm.issue(req, res), values: {}, available: passwordReset.available });
  });

  router.post('/password/forgot', async (req, res) => {
    const csrfToken = loginForm.issue(req, res);
    const parsed = ForgotPasswordSchema.safeParse(req.body);
    const values = { email: typeof req.body?.email === 'string' ? req.body.email : '' };
    const available = passwordReset.available;
    if (!parsed.success)
      return res.status(422).render('auth/forgot-password', { csrfToken, values, available, errors: fieldErrors(parsed.error) });
    try {
      await passwordReset.request(parsed.data.email, req.ip ?? '');
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      res.set('Retry-After', String(error.retryAfterSeconds));
      return res.status(429).render('auth/forgot-password', { csrfToken, values, available, error: error.message });
    }
    res.render('auth/forgot-password', { csrfToken, values: {}, available, sent: NEUTRAL });
  });

  const render = (purpose: LinkPurpose, req: Request, res: Response, status: number, locals: Record<string, unknown>) =>
    res
      .status(status)
      .render('auth/set-password', { csrfToken: loginForm.issue(req, res), ...PAGES[purpose], action: req.originalUrl, ...locals });

  for (const purpose of ['invitation', 'password_reset'] as const) {
    const path = `${LINK_PATH[purpose]}:token`;

    router.get(path, async (req, res) => {
      const link = await links.open(String(req.params.token), purpose);
      if (!link) return render(purpose, req, res, 410, { gone: LINK_GONE });
      render(purpose, req, res, 200, { email: link.email, businessName: link.businessName });
    });

    router.post(path, async (req, res) => {
      const token = String(req.params.token);
      const parsed = SetPasswordSchema.safeParse(req.body);
      if (!parsed.success) {
        const link = await links.open(token, purpose);
        if (!link) return render(purpose, req, res, 410, { gone: LINK_GONE });
        return render(purpose, req, res, 422, { email: link.email, businessName: link.businessName, errors: fieldErrors(parsed.error) });
      }
      try {
        await links.setPassword(token, purpose, parsed.data.password, parsed.data.confirmPassword);
      } catch (error) {
        if (error instanceof LinkGoneError) return render(purpose, req, res, 410, { gone: LINK_GONE });
        const failure = formFailure(error);
        if (!failure) throw error;
        const link = await links.open(token, purpose);
        return render(purpose, req, res, failure.status, { email: link?.email, businessName: link?.businessName, ...formLocals(failure) });
      }
      res.redirect(303, '/login?passwordSet=1');
    });
  }

  // A token whose percent-encoding is broken (a link mangled on its way) cannot be decoded
  // into the route's parameter; it opens nothing, like any other unusable link.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const purpose = (Object.keys(LINK_PATH) as LinkPurpose[]).find((p) => req.path.startsWith(LINK_PATH[p]));
    if (!(error instanceof URIError) || !purpose) return next(error);
    render(purpose, req, res, 410, { gone: LINK_GONE });
  });
  return router;
}
