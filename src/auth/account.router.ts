import { Router, type Request, type Response } from 'express';
import type { AccountService } from './account.service.ts';
import { parseInput } from '../db/input.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import { noStorePages } from '../http/cache-control.ts';
import { ChangePasswordSchema, DisableTotpSchema, EnableTotpSchema } from './auth.schema.ts';
import { newTotpSecret, totpQrDataUrl } from './totp.ts';

// The signed-in user's own account: /account/password and /account/2fa.

export function accountRouter(deps: { account: AccountService }): Router {
  const { account } = deps;
  const router = Router();
  // The two-factor secret and recovery codes, and the password forms.
  router.use('/account', noStorePages);

  router.get('/account/password', async (req, res) => {
    res.render('auth/change-password', { values: {}, forced: await mustChange(req) });
  });

  const mustChange = (req: Request) => account.mustChangePassword(scopeOf(req));
  const caller = (req: Request) => ({ sid: req.sessionID, ip: req.ip ?? '' });

  router.post('/account/password', async (req, res) => {
    const forced = await mustChange(req);
    try {
      const { currentPassword, newPassword } = parseInput(ChangePasswordSchema, req.body);
      const changedAt = await account.changePassword(scopeOf(req), caller(req), currentPassword, newPassword);
      req.session.pwdAt = changedAt.getTime();
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return res.status(failure.status).render('auth/change-password', { values: {}, forced, ...formLocals(failure) });
    }
    setFlash(req, 'success', 'Your password has been changed. Other devices have been signed out.');
    res.redirect(303, '/');
  });

  async function renderTwoFactor(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const me = scopeOf(req);
    const state = await account.twoFactorStatus(me);
    let qr: string | undefined;
    let secret: string | undefined;
    if (!state.enabled) {
      req.session.pendingTotpSecret ??= newTotpSecret();
      secret = req.session.pendingTotpSecret;
      qr = await totpQrDataUrl(secret, state.email);
    }
    const freshCodes = req.session.freshRecoveryCodes;
    delete req.session.freshRecoveryCodes;
    res.status(status).render('auth/two-factor', { title: 'Two-factor sign-in', state, qr, secret, freshCodes, values: {}, ...extra });
  }

  router.get('/account/2fa', (req, res) => renderTwoFactor(req, res));

  router.post('/account/2fa/enable', async (req, res) => {
    const secret = req.session.pendingTotpSecret;
    if (!secret) return res.redirect(303, '/account/2fa');
    try {
      const { password, code } = parseInput(EnableTotpSchema, req.body);
      req.session.freshRecoveryCodes = await account.enableTotp(scopeOf(req), caller(req), password, secret, code);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return renderTwoFactor(req, res, failure.status, formLocals(failure));
    }
    delete req.session.pendingTotpSecret;
    setFlash(req, 'success', 'Two-factor sign-in is on. Keep your recovery codes somewhere safe.');
    res.redirect(303, '/account/2fa');
  });

  router.post('/account/2fa/disable', async (req, res) => {
    try {
      const { password } = parseInput(DisableTotpSchema, req.body);
      await account.disableTotp(scopeOf(req), caller(req), password);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return renderTwoFactor(req, res, failure.status, formLocals(failure));
    }
    setFlash(req, 'success', 'Two-factor sign-in is off.');
    res.redirect(303, '/account/2fa');
  });

  return router;
}
