// listen-duplicate (Error): The same URL in listen-client-urls and listen-client-http-urls.
import { clip, refuses, explicitUrls, defineRule } from './helpers';

export const listenDuplicate = defineRule('listen-duplicate', (_doc, ctx, { finding }) => {
  const http = explicitUrls(ctx, 'listen-client-http-urls');
  if (!http) return [];
  const grpc = new Set(ctx.urls('listen-client-urls').map((u) => u.text));
  return http.items
    .filter((u) => grpc.has(u.text))
    .map((u) =>
      finding(
        'error',
        refuses(`${clip(u.text)} is in both --listen-client-urls and --listen-client-http-urls`, 'etcd cannot bind the same address twice'),
        ctx.rangeIn(http.entry, u.offset, u.text.length),
      ),
    );
});
