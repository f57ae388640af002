import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

// A real SMTP server on a free loopback port (smtp-server), keeping every message it is
// given, parsed (mailparser): the tests read back what the app sent and follow its links.

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** The next `times` messages to `address` are refused at RCPT TO with 451 (a temporary refusal). */
  refuse(address: string, times?: number): void;
  /** The first message (already received or still to come) that matches; rejects after `waitMs`. */
  next(match: (m: ReceivedMail) => boolean, waitMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const refusals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const left = refusals.get(address.address) ?? 0;
      if (!left) return callback();
      refusals.set(address.address, left - 1);
      callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: typeof session.envelope.mailFrom === 'object' ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          for (const w of waiters) w();
          callback();
        })
        .catch((error: unknown) => callback(error as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuse(address, times = 1) {
      refusals.set(address, (refusals.get(address) ?? 0) + times);
    },
    next(match, waitMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching e-mail within ${waitMs} ms (received: ${messages.map((m) => m.subject).join('; ') || 'none'})`));
        }, waitMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message's text that starts with `origin`. */
export function linkIn(mail: ReceivedMail, origin: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(origin));
  if (!link) throw new Error(`no link to ${origin} in: ${mail.text}`);
  return link;
}
