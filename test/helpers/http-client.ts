// A tiny browser stand-in for fetch-based integration tests: keeps cookies, never follows
// redirects (tests assert them), and knows the CSRF token of the last page it read.

export interface PostOptions {
  /** The CSRF token to send: the client's (default), another string, or false for none. */
  csrf?: string | false;
  headers?: Record<string, string>;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;
  /** Raw Set-Cookie headers received, newest last (for asserting cookie flags). */
  readonly setCookies: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html', ...this.defaultHeaders, ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: init.body, redirect: 'manual' });
    for (const raw of res.headers.getSetCookie()) {
      this.setCookies.push(raw);
      const [pair, ...attrs] = raw.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\b/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET; reads the page and remembers its CSRF token when it has one. Returns status, headers and HTML. */
  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; html: string; location: string | null }> {
    const res = await this.request('GET', path, { headers });
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrfToken = token;
    return { status: res.status, headers: res.headers, html, location: res.headers.get('location') };
  }

  /** POST a form (application/x-www-form-urlencoded) with the CSRF token unless told otherwise. */
  async post(
    path: string,
    form: Record<string, string> = {},
    options: PostOptions = {},
  ): Promise<{ status: number; headers: Headers; html: string; location: string | null }> {
    const body = new URLSearchParams(form);
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (csrf !== false && csrf !== undefined) body.set('_csrf', csrf);
    const res = await this.request('POST', path, {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    });
    const html = await res.text();
    return { status: res.status, headers: res.headers, html, location: res.headers.get('location') };
  }

  /** Reads a page only to pick up its CSRF token (the dashboard by default). */
  async refreshCsrf(path = '/'): Promise<string> {
    await this.get(path);
    if (!this.csrfToken) throw new Error(`no CSRF token on ${path}`);
    return this.csrfToken;
  }
}
