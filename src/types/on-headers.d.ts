// on-headers (jshttp, used by express-session) ships no types; its whole API is this function.
declare module 'on-headers' {
  import type { ServerResponse } from 'node:http';
  /** Calls `listener` once, just before the response's headers are written. */
  export default function onHeaders<R extends ServerResponse>(res: R, listener: (this: R) => void): void;
}
