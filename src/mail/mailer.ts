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
  /** Sends one message; throws when the SMTP server refuses it or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(config: Pick<Config, 'mail'>, logger: Logger): Mailer {
  const mail = config.mail;
  if (!mail) {
    return {
      enabled: false,
      send: () => Promise.reject(new Error('E-mail is not configured (SMTP_URL)')),
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
      const info = (await transport.sendMail({ from: mail.from, to: message.to, subject: message.subject, text: message.text })) as {
        messageId?: string;
      };
      // The address is not logged: the message id is enough to find it in the SMTP server's log.
      logger.info({ messageId: info.messageId, subject: message.subject }, 'e-mail sent');
    },
    close: () => transport.close(),
  };
}
