import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

// Outgoing e-mail through nodemailer's SMTP transport (SMTP_URL, MAIL_FROM). Off unless
// configured: `enabled` is then false and callers show the link on screen instead.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly enabled: boolean;
  /** Sends one message; throws a MailSendError when the SMTP server refuses it or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * A message that could not be sent. `surelyNotSent`: the server answered with a refusal, or
 * the failure came before any connection was made, so sending again cannot make a second
 * copy. Otherwise (a connection dropped or timed out while the message was on its way) the
 * server may have taken it.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly surelyNotSent: boolean,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'MailSendError';
  }
}

// System errors of a connection that was never made (nodemailer keeps them as originalCode).
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** nodemailer's error as a MailSendError: its codes tell a refusal or a failed connection from a lost one. */
export function mailSendError(error: unknown): MailSendError {
  const e = (error ?? {}) as { message?: string; code?: string; originalCode?: string; responseCode?: unknown };
  const surelyNotSent =
    typeof e.responseCode === 'number' ||
    e.code === 'EDNS' ||
    e.code === 'EAUTH' ||
    e.code === 'EENVELOPE' ||
    NOT_CONNECTED.has(e.originalCode ?? '');
  return new MailSendError(e.message ?? String(error), surelyNotSent, { cause: error });
}

const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(config: Pick<Config, 'mail'>, logger: Logger): Mailer {
  const mail = config.mail;
  if (!mail) {
    return {
      enabled: false,
      send: () => Promise.reject(new MailSendError('E-mail is not configured (SMTP_URL)', true)),
      close: () => undefined,
    };
  }
  const transport: Transporter = nodemailer.createTransport({
    url: mail.smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    enabled: true,
    async send(message) {
      const info = (await transport
        .sendMail({ from: mail.from, to: message.to, subject: message.subject, text: message.text })
        .catch((error: unknown) => {
          throw mailSendError(error);
        })) as { messageId?: string };
      // The address is not logged: the message id is enough to find it in the SMTP server's log.
      logger.info({ messageId: info.messageId, subject: message.subject }, 'e-mail sent');
    },
    close: () => transport.close(),
  };
}
