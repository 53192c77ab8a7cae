// bind-ip (Error): A listen URL whose host is not an IP or localhost.
import { clip, refuses, LISTEN_FLAGS, networkUrls, defineRule } from './helpers';
import { isIpLiteral } from '../values';

export const bindIp = defineRule('bind-ip', (_doc, ctx, { finding }) =>
  networkUrls(ctx, LISTEN_FLAGS)
    .filter((u) => u.host !== 'localhost' && !isIpLiteral(u.host))
    .map((u) =>
      finding(
        'error',
        refuses(
          `expected IP in URL for binding (${clip(u.text)})`,
          'Listen URLs take an IP address (or 0.0.0.0 / localhost); host names belong in the advertise URLs',
        ),
        u.range,
      ),
    ),
);
