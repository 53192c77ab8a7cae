// auth-token (Error): auth-token that is neither simple nor jwt,<options>.
import { refuses, defineRule } from './helpers';

export const authToken = defineRule('auth-token', (_doc, ctx, { finding }) => {
  const e = ctx.get('auth-token');
  const v = ctx.value('auth-token');
  if (!e || v === undefined || v === '') return [];
  const [kind, ...opts] = v.split(',');
  if (kind === 'simple' && opts.length === 0) return [];
  if (kind === 'jwt' && opts.every((o) => /^[a-z-]+=.+$/.test(o))) return [];
  return [
    finding('error', refuses('auth: invalid auth options', 'Use "simple" or "jwt,pub-key=...,priv-key=...,sign-method=..."'), e.valueRange),
  ];
});
