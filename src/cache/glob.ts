// Redis glob patterns (* ? [...] [^...]) as regular expressions, for the in-process store and
// for dropping L1 entries after a deletePattern. Keys never hold '\' (see keys.ts), so
// backslash escapes need no support.

export function globToRegExp(glob: string): RegExp {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^${}()|\]\\-]/g, '\\$&');
  }
  return new RegExp(`${out}$`, 's');
}
