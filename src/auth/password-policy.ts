import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as es from '@zxcvbn-ts/language-es-es';
import * as ptBr from '@zxcvbn-ts/language-pt-br';
import { ValidationError } from '../db/errors.ts';
import { readerLanguage, say } from '../i18n/index.ts';

// What a new password must be, wherever one is set (own change, forced change, the CLI,
// a new business's owner): 10 to 200 characters (PasswordSchema), not containing the user's
// email or the business's name, and not guessable: zxcvbn-ts, which knows the
// common-password lists, names, keyboard walks, repeats and l33t, must rate it at least 3
// of 4 ("safely unguessable: moderate protection from offline attacks"). It knows the
// English, Spanish and Portuguese word lists whatever the reader's language (a password is
// as easy to guess for everyone), and gives its reason in the reader's language.

const MIN_SCORE = 3;

// Built on the first password checked, not at start: ranking four languages' word lists
// takes a quarter of a second and some 30 MB that a process which never sets a password
// need not pay.
let guesser: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (guesser ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary, ...ptBr.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }));

export interface PasswordContext {
  email: string;
  businessName?: string | undefined;
}

const fold = (v: string) =>
  v
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

type Warnings = Record<string, string>;
const warningKeyOf = new Map(Object.entries(en.translations.warnings as Warnings).map(([key, text]) => [text, key]));
const warningsIn: Record<string, Warnings> = { es: es.translations.warnings, 'pt-BR': ptBr.translations.warnings };

/** The guesser's reason (written in English) in the reader's language, from its own translations. */
function inReaderLanguage(warning: string): string {
  const key = warningKeyOf.get(warning);
  return (key && warningsIn[readerLanguage()]?.[key]) || warning;
}

/** The message for a password that may not be used, or undefined when it may. */
export function weakPasswordReason(password: string, context: PasswordContext): string | undefined {
  const folded = fold(password);
  const email = context.email.trim().toLowerCase();
  // The whole email or business name anywhere in it, or just the email's name part; a word
  // of the email among others is left to zxcvbn, which is told both.
  const contained = [email, context.businessName ?? ''].map(fold).filter((v) => v.length >= 4);
  if (contained.some((p) => folded.includes(p)) || folded === fold(email.split('@')[0] ?? ''))
    return 'Do not use your email address or the business name in your password';
  const result = zxcvbn().check(password, [email, ...(context.businessName ? [context.businessName] : [])]);
  if (result.score < MIN_SCORE) {
    const why = result.feedback.warning ? inReaderLanguage(result.feedback.warning).replace(/\.$/, '') : undefined;
    return why
      ? say('That password is too easy to guess ({{why}}). Try a few unrelated words together', { why })
      : say('That password is too easy to guess. Try a few unrelated words together');
  }
  return undefined;
}

/** Throws a ValidationError on `field` when the password may not be used. */
export function assertUsablePassword(password: string, context: PasswordContext, field = 'newPassword'): void {
  const reason = weakPasswordReason(password, context);
  if (reason) throw new ValidationError('Check the form.', { [field]: reason });
}
