import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/db/errors.ts';
import { formFailure, formLocals, typedValues } from '../../src/http/form-errors.ts';
import { idParam } from '../../src/http/params.ts';

describe('http', () => {
  describe('idParam', () => {
    it('reads a positive int32 written as plain digits', () => {
      expect(idParam('7')).toBe(7);
      expect(idParam('007')).toBe(7);
      expect(idParam('2147483647')).toBe(2_147_483_647);
    });

    it('refuses anything else, for a 404', () => {
      for (const bad of ['', '0', '-1', '+7', '7.0', '0x7', ' 7', '1e3', '2147483648', '9999999999', '12345678901', 'abc', '\u0000'])
        expect(idParam(bad), JSON.stringify(bad)).toBeUndefined();
      for (const bad of [7, ['7'], { id: '7' }, undefined, null]) expect(idParam(bad)).toBeUndefined();
    });
  });

  describe('formFailure', () => {
    it('puts the message on top when no field shows it', () => {
      const failure = formFailure(new ConflictError('Not enough stock for line 2.', { 'lines.1.quantity': 'Only 10 in stock' }));
      expect(failure).toEqual({ status: 409, errors: { 'lines.1.quantity': 'Only 10 in stock' }, error: 'Not enough stock for line 2.' });
      expect(formFailure(new ConflictError('Unit “kg” cannot be deleted.'))?.error).toBe('Unit “kg” cannot be deleted.');
    });

    it('leaves the top to the view (how many fields) when a field already says it', () => {
      const failure = formFailure(
        new ConflictError('A product with SKU “A” already exists', { sku: 'A product with SKU “A” already exists' }),
      );
      expect(failure).toEqual({ status: 409, errors: { sku: 'A product with SKU “A” already exists' }, error: undefined });
    });

    it('keeps a message only under _form on top (no field shows _form)', () => {
      expect(formFailure(new ValidationError('The form has expired.', { _form: 'The form has expired.' }))).toMatchObject({
        status: 422,
        error: 'The form has expired.',
      });
    });

    it('is undefined for any other error, which goes on to the error handler', () => {
      expect(formFailure(new NotFoundError('Sale'))).toBeUndefined();
      expect(formFailure(new Error('boom'))).toBeUndefined();
    });

    it('gives a GET no messages', () => {
      expect(formLocals()).toEqual({ errors: {}, error: undefined });
    });
  });

  describe('typedValues', () => {
    it('puts back the text fields, never _csrf, nor a field sent twice', () => {
      expect(typedValues({ name: 'Zoë', _csrf: 't', tags: ['a', 'b'], n: 3 })).toEqual({ name: 'Zoë' });
      expect(typedValues(undefined)).toEqual({});
    });

    it('with a field list, only those fields', () => {
      expect(typedValues({ id: '5', name: 'Ann', email: ['a', 'b'] }, ['name', 'email'])).toEqual({ name: 'Ann' });
    });
  });
});
