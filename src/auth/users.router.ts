import { Router, type Request, type Response } from 'express';
import type { UserAdminService } from './user-admin.service.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues } from '../http/form-errors.ts';
import { noStore } from '../http/cache-control.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { ChangeRoleSchema, InviteUserSchema, RequireTwoFactorSchema } from './user-admin.schema.ts';

// /settings/users: owners only (the service refuses everyone else, before any validation here is shown).

const userId = (req: Request) => found(idParam(req.params.id), 'User');

/** `appUrl` (APP_URL) is where invitation links point; without it, the request's own origin. */
export function usersRouter(deps: { userAdmin: UserAdminService; appUrl: string | undefined }): Router {
  const { userAdmin } = deps;
  const router = Router();

  async function renderList(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const me = scopeOf(req);
    const { users, require2fa } = await userAdmin.list(me);
    res.status(status).render('settings/users', { title: 'Users', users, require2fa, meId: me.userId, values: {}, ...extra });
  }

  router.use('/settings/users', (_req, res, next) => {
    noStore(res); // may show a new user's invitation link once
    next();
  });

  router.get('/settings/users', (req, res) => renderList(req, res));

  router.post('/settings/users', async (req, res) => {
    const values = { role: 'staff', ...typedValues(req.body, ['email', 'name', 'role']) };
    try {
      const origin = deps.appUrl ?? `${req.protocol}://${req.get('host')}`;
      const invited = await userAdmin.invite(scopeOf(req), parseInput(InviteUserSchema, req.body), origin);
      setFlash(
        req,
        'success',
        invited.link
          ? req.t(
              '{{email}} is invited. E-mail is not set up, so give them this link, shown only this once: {{link}} — it works once, within 72 hours, to choose their password.',
              { email: invited.email, link: invited.link },
            )
          : req.t('{{email}} is invited: we e-mailed them a link to choose their password (it works once, within 72 hours).', {
              email: invited.email,
            }),
      );
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      // Kept as it was: 422 for a taken email too, not the ConflictError's 409.
      return renderList(req, res, 422, { values, ...formLocals(failure) });
    }
    res.redirect(303, '/settings/users');
  });

  router.post('/settings/users/two-factor', async (req, res) => {
    let required;
    try {
      required = parseInput(RequireTwoFactorSchema, req.body, 'Choose whether two-factor sign-in is required.').require2fa === 'on';
    } catch (error) {
      // The list page has no such field: only the message on top.
      const failure = formFailure(error);
      if (!failure) throw error;
      return renderList(req, res, failure.status, { error: failure.error });
    }
    await userAdmin.setRequire2fa(scopeOf(req), required);
    setFlash(req, 'success', required ? 'Two-factor sign-in is now required for every user.' : 'Two-factor sign-in is now optional.');
    res.redirect(303, '/settings/users');
  });

  router.post('/settings/users/:id/role', async (req, res) => {
    const id = userId(req);
    let role;
    try {
      ({ role } = parseInput(ChangeRoleSchema, req.body, 'Choose a role: owner, manager or staff.'));
    } catch (error) {
      // The row's role select has no field message: only the message on top (the invite form's `role` is another field).
      const failure = formFailure(error);
      if (!failure) throw error;
      return renderList(req, res, failure.status, { error: failure.error });
    }
    try {
      await userAdmin.changeRole(scopeOf(req), id, role);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return renderList(req, res, failure.status, formLocals(failure));
    }
    setFlash(req, 'success', 'Role changed.');
    res.redirect(303, '/settings/users');
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(`/settings/users/:id/${action}`, async (req, res) => {
      const id = userId(req);
      try {
        await userAdmin.setActive(scopeOf(req), id, active);
      } catch (error) {
        const failure = formFailure(error);
        if (!failure) throw error;
        return renderList(req, res, failure.status, formLocals(failure));
      }
      setFlash(req, 'success', active ? 'User reactivated.' : 'User deactivated and signed out everywhere.');
      res.redirect(303, '/settings/users');
    });
  }

  return router;
}
