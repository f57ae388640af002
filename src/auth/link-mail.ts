import type { TFunction } from 'i18next';
import type { MailMessage } from '../mail/mailer.ts';

// The words of the invitation and password-reset e-mails (plain text: the link is the point),
// in the recipient's language: their own, else their business's (recipientLanguage).

interface LinkMail {
  to: string;
  name: string;
  businessName: string;
  url: string;
}

function hello(t: TFunction, name: string): string {
  return name ? t('Hello {{name}},', { name }) : t('Hello,');
}

export function invitationMail(t: TFunction, m: LinkMail & { invitedBy: string }): MailMessage {
  return {
    to: m.to,
    subject: t('You are invited to {{business}} on Stock', { business: m.businessName }),
    text: [
      hello(t, m.name),
      '',
      t('{{inviter}} invited you to use Stock for {{business}}.', { inviter: m.invitedBy, business: m.businessName }),
      t('Open this link to choose your password and sign in:'),
      '',
      m.url,
      '',
      t('The link works once and expires in 72 hours. If you did not expect this invitation, ignore this e-mail.'),
    ].join('\n'),
  };
}

export function passwordResetMail(t: TFunction, m: LinkMail): MailMessage {
  return {
    to: m.to,
    subject: t('Reset your Stock password'),
    text: [
      hello(t, m.name),
      '',
      t('Someone asked to reset the password of your account at {{business}}.', { business: m.businessName }),
      t('Open this link to choose a new password:'),
      '',
      m.url,
      '',
      t('The link works once and expires in 1 hour. Setting a new password signs you out everywhere.'),
      t('If you did not ask for this, ignore this e-mail: your password stays as it is.'),
    ].join('\n'),
  };
}
