import type { MailMessage } from '../mail/mailer.ts';

// The words of the invitation and password-reset e-mails (plain text: the link is the point).

interface LinkMail {
  to: string;
  name: string;
  businessName: string;
  url: string;
}

export function invitationMail(m: LinkMail & { invitedBy: string }): MailMessage {
  return {
    to: m.to,
    subject: `You are invited to ${m.businessName} on Stock`,
    text: [
      `Hello${m.name ? ` ${m.name}` : ''},`,
      '',
      `${m.invitedBy} invited you to use Stock for ${m.businessName}.`,
      'Open this link to choose your password and sign in:',
      '',
      m.url,
      '',
      'The link works once and expires in 72 hours. If you did not expect this invitation, ignore this e-mail.',
    ].join('\n'),
  };
}

export function passwordResetMail(m: LinkMail): MailMessage {
  return {
    to: m.to,
    subject: 'Reset your Stock password',
    text: [
      `Hello${m.name ? ` ${m.name}` : ''},`,
      '',
      `Someone asked to reset the password of your account at ${m.businessName}.`,
      'Open this link to choose a new password:',
      '',
      m.url,
      '',
      'The link works once and expires in 1 hour. Setting a new password signs you out everywhere.',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ].join('\n'),
  };
}
