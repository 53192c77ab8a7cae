// log-outputs (Error): `default` or `systemd/journal` combined with other outputs; several outputs with
// capnslog (3.4).
import { clip, refuses, defineRule } from './helpers';

export const logOutputs = defineRule('log-outputs', (_doc, ctx, { finding }) => {
  const e = ctx.get('log-outputs');
  if (!e || !ctx.check(e).ok) return [];
  const outputs = e.type === 'seq' ? (e.items ?? []) : (e.value ?? '').split(',');
  if (outputs.length < 2) return [];
  const logger = ctx.value('logger') ?? (ctx.version === '3.4' ? 'capnslog' : 'zap');
  if (logger === 'capnslog')
    return [
      finding(
        'error',
        refuses(`--logger=capnslog supports only 1 value in '--log-outputs', got ${clip(`[${outputs.map((o) => `"${o}"`).join(' ')}]`)}`),
        e.valueRange,
      ),
    ];
  if (outputs.includes('default')) return [finding('error', refuses('multi logoutput for "default" is not supported yet'), e.valueRange)];
  if (outputs.some((o) => o === 'systemd/journal'))
    return [finding('error', refuses('multi logoutput for "systemd/journal" is not supported yet'), e.valueRange)];
  return [];
});
