import { Router, type Request, type Response } from 'express';
import { found } from '../db/errors.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { MemoizeResult } from '../cache/index.ts';
import type { Scope } from '../db/scope.ts';

// The routes of a settings list (units, categories): list, new, create, edit, update, delete.
// Both lists answer the same six routes with the same flashes and the same handling of a
// refused form (src/http/form-errors.ts); they are written here once so the two pages cannot
// drift apart. What really differs — the form (a category picks its parent from the tree), the
// edit values, what a flash names a row by — stays in each list's own router.

/** The service a settings list is built on; every method throws what the forms show. */
export interface SettingsListService<Row> {
  get(ctx: Scope, id: number): Promise<Row>;
  create(ctx: Scope, input: unknown): Promise<Row>;
  update(ctx: Scope, id: number, input: unknown): Promise<Row>;
  delete(ctx: Scope, id: number): Promise<Row>;
}

export type RenderForm<Row> = (
  req: Request,
  res: Response,
  row: Row | null,
  values: Record<string, unknown>,
  failure?: FormFailure,
) => unknown;

export interface SettingsList<Row> {
  /** '/settings/uoms' */
  base: string;
  /** 'Unit': the 404 ("Unit not found") and the flashes ("Unit “kg” created."). */
  noun: string;
  /** What a flash calls a row: its code, its name. */
  label: (row: Row) => string;
  service: SettingsListService<Row>;
  /** The list page: its view, the local its rows go in, and the cached read of them. */
  list: { view: string; local: string; load: (ctx: Scope) => Promise<MemoizeResult<unknown>> };
  /** The new/edit form, with the values to show and a refused submit's messages. */
  renderForm: RenderForm<Row>;
  /** The edit form's values for a stored row. */
  editValues: (row: Row) => Record<string, string>;
}

/** List (cached), new, edit, delete (the service refuses roles without `catalog.delete`, and rows in use). */
export function settingsListRouter<Row>(page: SettingsList<Row>): Router {
  const { base, noun, label, service, list, renderForm } = page;
  const router = Router();
  const id = (req: Request) => found(idParam(req.params.id), noun);

  async function renderList(req: Request, res: Response, failure?: FormFailure) {
    const ctx = scopeOf(req);
    const rows = await list.load(ctx);
    setCacheStatus(res, rows.status);
    res.status(failure?.status ?? 200).render(list.view, { [list.local]: rows.value, ...formLocals(failure) });
  }

  /** Runs a write; a success flashes and goes back to the list, a refusal is shown by `refused`. */
  async function write(
    req: Request,
    res: Response,
    done: 'created' | 'saved' | 'deleted',
    run: () => Promise<Row>,
    refused: (failure: FormFailure) => unknown,
  ) {
    try {
      const row = await run();
      // Unit and category are both feminine in Spanish and Portuguese: one sentence each serves both.
      const values = { noun: req.t(noun), name: label(row) };
      const message = {
        created: req.t('{{noun}} “{{name}}” created.', values),
        saved: req.t('{{noun}} “{{name}}” saved.', values),
        deleted: req.t('{{noun}} “{{name}}” deleted.', values),
      }[done];
      setFlash(req, 'success', message);
      res.redirect(303, base);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await refused(failure);
    }
  }

  router.get(base, (req, res) => renderList(req, res));
  router.get(`${base}/new`, async (req, res) => renderForm(req, res, null, {}));

  router.post(base, async (req, res) => {
    await write(
      req,
      res,
      'created',
      () => service.create(scopeOf(req), req.body),
      (failure) => renderForm(req, res, null, typedValues(req.body), failure),
    );
  });

  router.get(`${base}/:id/edit`, async (req, res) => {
    const row = await service.get(scopeOf(req), id(req));
    await renderForm(req, res, row, page.editValues(row));
  });

  router.post(`${base}/:id`, async (req, res) => {
    const ctx = scopeOf(req);
    const rowId = id(req);
    await write(
      req,
      res,
      'saved',
      () => service.update(ctx, rowId, req.body),
      async (failure) => renderForm(req, res, await service.get(ctx, rowId), typedValues(req.body), failure),
    );
  });

  router.post(`${base}/:id/delete`, async (req, res) => {
    await write(
      req,
      res,
      'deleted',
      () => service.delete(scopeOf(req), id(req)),
      (failure) => renderList(req, res, failure),
    );
  });

  return router;
}
