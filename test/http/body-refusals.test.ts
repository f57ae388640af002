import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// A body the parser refuses (too many fields, too large, a bad character set) gets a page of
// ours in the reader's language, never the parser's own English words.

describe('bodies the parser refuses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: false });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${t.baseUrl}/login`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      redirect: 'manual',
    });

  const tooManyFields = Array.from({ length: 2500 }, (_, i) => `f${i}=1`).join('&');

  it('too many fields: 413 with our words, in Spanish and Portuguese as asked', async () => {
    for (const [lang, words] of [
      ['es', 'El formulario que has enviado tiene demasiados campos.'],
      ['pt-BR', 'O formulário que você enviou tem campos demais.'],
      ['en', 'The form you sent has too many fields.'],
    ] as const) {
      const res = await post(tooManyFields, { 'accept-language': lang });
      const html = await res.text();
      expect([lang, res.status]).toEqual([lang, 413]);
      expect(html).toContain(words);
      expect(html).not.toContain('too many parameters');
    }
  });

  it('an unknown character set: 415 with our words; JSON answers are translated too', async () => {
    const res = await post('a=1', { 'accept-language': 'es', 'content-type': 'application/x-www-form-urlencoded; charset=klingon' });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('usa una codificación de caracteres que no leemos');
    const json = await post(tooManyFields, { 'accept-language': 'pt-BR', accept: 'application/json' });
    expect(json.status).toBe(413);
    expect(await json.json()).toEqual({ error: { status: 413, message: 'O formulário que você enviou tem campos demais.' } });
  });
});
