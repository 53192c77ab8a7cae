// auth-token (Error): auth-token that is neither simple nor jwt,<options>.
import { finding, refuses, type Rule } from './helpers';

export const authToken: Rule = {
  id: 'auth-token',
  check(_doc, ctx) {
    const e = ctx.get('auth-token');
    const v = ctx.value('auth-token');
    if (!e || v === undefined || v === '') return [];
    const [kind, ...opts] = v.split(',');
    if (kind === 'simple' && opts.length === 0) return [];
    if (kind === 'jwt' && opts.every((o) => /^[a-z-]+=.+$/.test(o))) return [];
    return [
      finding(
        'auth-token',
        'error',
        refuses('auth: invalid auth options', 'Use "simple" or "jwt,pub-key=...,priv-key=...,sign-method=..."'),
        e.valueRange,
      ),
    ];
  },
};
