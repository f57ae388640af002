import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { LINK_GONE } from '../../src/auth/one-time-links.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { SCRIPT, SNAPSHOT_TABLES, hostileValues, setUpFixtures, snapshot, type Fixtures, type Snapshot } from './hostile-input.fixtures.ts';
import {
  filters,
  forms,
  hostileTokens,
  queryBoxes,
  searches,
  type Body,
  type Field,
  type Form,
  type ValueClass,
} from './hostile-input.forms.ts';

// Hostile values into every field of every form (the table is hostile-input.forms.ts), one
// field at a time over a valid base body. A refused value gets a 4xx page with a message a
// person can read, on the field when the form marks fields, and writes nothing in any
// business; an accepted one is stored exactly and shown escaped; nothing answers 500.
// One app, one PostgreSQL database (closest to production), the test Redis, and e-mail on
// (a real SMTP server of the test's own) so the e-mail forms are the ones people see.

const HOOK_TIMEOUT_MS = 180_000;

/** Ids in a URL: none of them names a row of the signed-in business. */
const hostileIds: Array<{ label: string; id: (valid: number, foreign: number) => string }> = [
  { label: "the other business's id", id: (_v, foreign) => String(foreign) },
  { label: '0', id: () => '0' },
  { label: '-1', id: () => '-1' },
  { label: '10^30', id: () => `1${'0'.repeat(30)}` },
  { label: 'a decimal of a real id', id: (valid) => `${valid}.0` },
  { label: 'hex of a real id', id: (valid) => `0x${valid.toString(16)}` },
  { label: 'letters', id: () => 'abc' },
  { label: 'a NUL byte', id: () => '%00' },
  { label: 'SQL-looking', id: () => encodeURIComponent("1'; DROP TABLE products; --") },
];

type Expect = 'accept' | 'reject' | 'ignore' | 'forbidden' | 'notFound' | 'gone';
interface Submission {
  client: TestClient;
  path: string;
  /** The form's fields; `payload` is what is posted (they differ for the CSV import). */
  body: Body;
  payload: Body;
  csrf?: string | false;
  /** The case wrote rows of its own before the request (a fresh link): its snapshot is taken anew. */
  fresh?: boolean;
}
interface Case {
  title: string;
  expect: Expect;
  run(fx: Fixtures): Promise<Submission>;
  field?: Field;
  cls?: ValueClass;
}

let counter = 0;

async function submission(form: Form, fx: Fixtures, change: (body: Body) => Body = (b) => b): Promise<Omit<Submission, 'path'>> {
  const body = change(form.body(fx, ++counter));
  await form.prepare?.(fx);
  return {
    client: await (form.client ?? (async () => fx.a.owner))(fx),
    body,
    payload: form.encode ? form.encode(body) : body,
    fresh: form.prepare !== undefined,
  };
}

function valueCase(form: Form, field: Field, cls: ValueClass, label: string, value: (fx: Fixtures) => unknown): Case {
  const expect: Expect = field.accepts?.includes(cls) ? 'accept' : field.ignores?.includes(cls) ? 'ignore' : 'reject';
  return {
    title: `${field.name} ← ${label}: ${expect}`,
    expect,
    field,
    cls,
    async run(fx) {
      const v = value(fx);
      const set = (body: Body) => ({ ...body, [field.name]: v, ...Object.fromEntries((field.linked ?? []).map((l) => [l, v])) });
      return { ...(await submission(form, fx, set)), path: form.path(fx) };
    },
  };
}

function casesOf(form: Form): Case[] {
  const cases: Case[] = [];
  for (const field of form.fields) {
    for (const v of hostileValues) if (!field.skip?.includes(v.cls)) cases.push(valueCase(form, field, v.cls, v.label, () => v.value));
    if (field.foreign) cases.push(valueCase(form, field, 'otherTenant', "the other business's", (fx) => String(field.foreign!(fx))));
  }
  const ids = form.ids;
  if (ids) {
    for (const h of hostileIds) {
      cases.push({
        title: `id in the URL ← ${h.label}: notFound`,
        expect: 'notFound',
        run: async (fx) => ({ ...(await submission(form, fx)), path: ids.path(h.id(ids.valid(fx), ids.foreign(fx))) }),
      });
    }
  }
  const tokens = form.tokens;
  if (tokens) {
    for (const h of hostileTokens) {
      cases.push({
        title: `token in the URL ← ${h.label}: gone`,
        expect: 'gone',
        run: async (fx) => {
          const sent = await submission(form, fx);
          return { ...sent, path: tokens.path(await h.token(fx, tokens.user(fx), tokens.purpose)), fresh: true };
        },
      });
    }
  }
  for (const [label, csrf] of [
    ['no CSRF token', false],
    ['a wrong CSRF token', 'not-the-token'],
  ] as const) {
    cases.push({
      title: `${label}: forbidden`,
      expect: 'forbidden',
      run: async (fx) => ({ ...(await submission(form, fx)), path: form.path(fx), csrf }),
    });
  }
  return cases;
}

/** POST as a browser would (urlencoded; a field sent twice for an array), or as JSON for an object. */
async function send(client: TestClient, path: string, body: Body, csrf: string | false | undefined) {
  const token = csrf === undefined ? client.csrfToken : csrf;
  const json = Object.values(body).some((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  let payload: string;
  const headers: Record<string, string> = {};
  if (json) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
    if (token) headers['x-csrf-token'] = token;
  } else {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, String(item ?? ''));
    if (token) form.set('_csrf', token);
    payload = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await client.request('POST', path, { body: payload, headers });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const GENERIC = /^Please correct the (marked fields|field marked below|\d+ fields marked below)\.$/;

/** What a person reads as the reason: field messages (by field), import row errors, alerts, the error page's message. */
function messagesIn(html: string): { byField: Map<string, string>; rows: string[]; general: string[] } {
  const byField = new Map(
    [...html.matchAll(/<p class="field-error" id="([^"]*)-error">([\s\S]*?)<\/p>/g)].map((m) => [m[1]!, text(m[2]!)]),
  );
  const rows = [...html.matchAll(/<ul class="row-errors">([\s\S]*?)<\/ul>/g)].map((m) => text(m[1]!));
  const general = [
    ...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/g),
    ...html.matchAll(/<section class="error-page">\s*<h1>[\s\S]*?<\/h1>\s*<p>([\s\S]*?)<\/p>/g),
  ].map((m) => text(m[1]!));
  return { byField, rows, general: general.filter(Boolean) };
}
/** Messages meant for developers, not for the person at the form. */
const UNREADABLE = /\[object |undefined|NaN|Invalid input|expected \w+, received|Too (big|small)|Error:|at .*\.ts:\d+/;

const escapeHtml = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** `lines[0][quantity]` is marked as `lines.0.quantity`. */
const errorIdsOf = (field: Field) => field.errorIds ?? [field.name.replace(/\[(\w+)\]/g, '.$1')];

describe('hostile input into every form', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let fx: Fixtures;
  /** The snapshot after the last case, while nothing has written since. */
  let baseline: Snapshot | undefined;
  const changedTables = async (before: Snapshot) => {
    const after = await snapshot(fx.prisma);
    return { after, changed: SNAPSHOT_TABLES.filter((table) => before[table] !== after[table]) };
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestApp({
      driver: 'postgresql',
      redis: true,
      env: {
        RATE_LIMIT_POSTS_PER_MINUTE: '100000',
        TRUST_PROXY: 'loopback',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Stock <stock@test.stock>',
        APP_URL: 'http://stock.test',
      },
    });
    fx = await setUpFixtures(t);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function runCase(form: Form, c: Case): Promise<void> {
    const { client, path, body, payload, csrf, fresh } = await c.run(fx);
    const before = (!fresh && baseline) || (await snapshot(fx.prisma));
    baseline = undefined;
    const res = await send(client, path, payload, csrf);
    const { after, changed } = await changedTables(before);
    const where = `${form.name}: POST ${path} → ${res.status} ${res.location ?? ''}\n${text(res.html).slice(0, 400)}`;

    expect(res.status, where).toBeLessThan(500);
    expect(res.html, `${where}\nunescaped script`).not.toContain(SCRIPT);

    if (c.expect === 'accept') {
      expect(res.status, where).toBe(303);
      if (form.redirectsTo) expect(res.location ?? '', where).toMatch(form.redirectsTo);
      else expect(res.location ?? '', where).not.toMatch(/^\/login/);
      expect(
        changed.filter((table) => !form.writes.includes(table)),
        `${where}\ntables written outside the form's own`,
      ).toEqual([]);
      const field = c.field!;
      const sent = { body, location: res.location ?? '' };
      const row = await form.read!(fx, sent);
      const value = body[field.name];
      const expected = field.stored ? field.stored(value) : String(value).trim();
      expect(asText(row[field.column ?? field.name]), `${where}\nstored value of ${field.name}`).toBe(expected);
      if ((c.cls === 'html' || c.cls === 'unicode') && expected === String(value).trim() && form.shownAt) {
        const page = await client.get(form.shownAt(fx, sent));
        expect(page.status).toBe(200);
        expect(page.html, `${form.shownAt(fx, sent)} shows the value escaped`).toContain(escapeHtml(expected));
        expect(page.html).not.toContain(SCRIPT);
      }
      await form.cleanup?.(fx, sent);
      return;
    }

    expect(changed, `${where}\ntables written`).toEqual([]);
    baseline = after;
    if (c.expect === 'ignore') {
      expect(res.status, where).toBeLessThan(400);
    } else if (c.expect === 'forbidden') {
      expect(res.status, where).toBe(403);
      expect(res.html).toContain('did not come from this site');
    } else if (c.expect === 'gone') {
      expect(res.status, where).toBe(410);
      expect(text(res.html)).toContain(LINK_GONE);
    } else if (c.expect === 'notFound') {
      expect(res.status, where).toBe(404);
      expect(res.html).toMatch(/not found/);
    } else {
      // Refused: the form again (or the sign-in page) saying what is wrong; not a 403/404 in disguise.
      expect([400, 401, 409, 413, 422], where).toContain(res.status);
      const { byField, rows, general } = messagesIn(res.html);
      const specific = [...byField.values(), ...rows, ...general.filter((m) => !GENERIC.test(m))];
      expect(specific.length, `${where}\nno message saying what is wrong`).toBeGreaterThan(0);
      if (byField.size)
        expect(
          errorIdsOf(c.field!).some((id) => byField.has(id)),
          `${where}\nno message on ${c.field!.name}: ${[...byField.keys()].join(', ')}`,
        ).toBe(true);
      for (const m of [...byField.values(), ...rows, ...general]) expect(m, `${where}\nmessage for developers`).not.toMatch(UNREADABLE);
    }
  }

  async function runSearch(path: string, value: unknown, param = 'q', statuses = [200]): Promise<void> {
    const query = new URLSearchParams();
    for (const item of Array.isArray(value) ? value : [value]) query.append(param, String(item));
    const before = await snapshot(fx.prisma);
    const res = await fx.a.owner.get(`${path}?${query.toString()}`);
    expect(statuses, `${path}?${param}=…: ${res.status} ${text(res.html).slice(0, 300)}`).toContain(res.status);
    expect(res.html).not.toContain(SCRIPT);
    expect((await changedTables(before)).changed).toEqual([]);
  }

  // Plain loops rather than .each: a test's name must carry form, field, value and outcome untruncated.
  for (const form of forms) {
    describe(form.name, () => {
      for (const c of casesOf(form)) it(c.title, () => runCase(form, c));
    });
  }

  // A URL has room for about 16 kB (Node answers 431 beyond), so "huge" is 8 kB here; an
  // object cannot be written in a query string.
  // Long text a person can type or paste: each character escapes to 6-12 key characters.
  const longText = [
    { label: '100 × 中 (CJK at the length limit)', value: '中'.repeat(100) },
    { label: '300 × 中 (CJK beyond the length limit)', value: '中'.repeat(300) },
    { label: '50 emoji', value: '🧾'.repeat(50) },
    { label: 'a letter with 200 combining marks', value: `e${'\u0301'.repeat(200)}` },
    { label: 'mixed scripts with spaces, 90 characters', value: 'Zoë 中文 🧾 שלום مرحبا '.repeat(4) },
  ];
  const searchValues = [
    ...hostileValues
      .filter((v) => v.cls !== 'object')
      .map((v) => (v.cls === 'huge' ? { ...v, label: '8 kB of digits', value: '9'.repeat(8_000) } : v)),
    ...longText,
  ];
  for (const { name, path } of searches) {
    describe(`${name} (GET)`, () => {
      for (const { label, value } of searchValues) it(`q ← ${label}: a page of results, nothing written`, () => runSearch(path, value));
    });
  }
  for (const box of queryBoxes) {
    describe(`${box.name} (GET)`, () => {
      for (const param of box.params) {
        for (const { label, value } of searchValues)
          it(`${param} ← ${label}: the page or its form with a message, nothing written`, () =>
            runSearch(box.path(fx), value, param, [200, 400, 422]));
      }
    });
  }

  async function runFilter(path: string, param: string, value: unknown): Promise<void> {
    const query = new URLSearchParams();
    for (const item of Array.isArray(value) ? value : [value]) query.append(param, String(item));
    const before = await snapshot(fx.prisma);
    const res = await fx.a.owner.get(`${path}?${query.toString()}`);
    const where = `${path}?${param}=…: ${text(res.html).slice(0, 300)}`;
    expect([200, 400], where).toContain(res.status);
    if (res.status === 400) expect(messagesIn(res.html).byField.size, `${where}\nno message on the filter`).toBeGreaterThan(0);
    expect(res.html).not.toContain(SCRIPT);
    expect((await changedTables(before)).changed).toEqual([]);
  }

  for (const { name, path, params } of filters) {
    describe(`${name} (GET)`, () => {
      for (const param of params)
        for (const { label, value } of searchValues)
          it(`${param} ← ${label}: the page, or the filter refused with a message; nothing written`, () => runFilter(path, param, value));
    });
  }
});
