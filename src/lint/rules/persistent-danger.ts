// persistent-danger (Warning): force-new-cluster or unsafe-no-fsync left in a persistent config.
import { finding, fix, type Rule } from './helpers';
import { type LintDiagnostic } from '../types';

export const persistentDanger: Rule = {
  id: 'persistent-danger',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    const fnc = ctx.get('force-new-cluster');
    if (fnc && ctx.bool('force-new-cluster') === true) {
      out.push(
        finding(
          'persistent-danger',
          'warning',
          'force-new-cluster is a one-time recovery step (runbook step 5): left in a persistent configuration it throws away the membership at every restart. Remove it once the cluster is back.',
          fnc.keyRange,
          fix('Remove force-new-cluster', false, {
            range: { start: fnc.range.start, end: { line: fnc.range.end.line + 1, character: 0 } },
            newText: '',
          }),
        ),
      );
    }
    const nofsync = ctx.get('unsafe-no-fsync');
    if (nofsync && ctx.bool('unsafe-no-fsync') === true) {
      out.push(
        finding(
          'persistent-danger',
          'warning',
          'unsafe-no-fsync disables fsync: a power loss or crash can lose committed data. Use it only for throwaway test clusters.',
          nofsync.keyRange,
        ),
      );
    }
    return out;
  },
};
