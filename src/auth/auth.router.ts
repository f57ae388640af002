import { Router } from 'express';
import type { Dependencies } from '../container.ts';

export function authRouter(_deps: Dependencies): Router {
  const router = Router();
  router.get('/login', (_req, res) => {
    res.render('auth/login', {});
  });
  router.get('/', (_req, res) => {
    res.redirect('/login');
  });
  return router;
}
