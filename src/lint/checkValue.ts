// Whether etcd accepts a value for its flag's type, and how it says no: env values as etcd's flag parser reads
// them (strconv for numbers and booleans, time.ParseDuration), YAML values as etcd's YAML reader decodes them
// (through JSON into typed Go struct fields). Enums and URLs are checked by their own rules.
import type { ConfigFormat } from '../shared/documents';
import type { FlagSpec } from './catalogue';
import type { Entry } from './document';
import { clip } from './limits';
import { parseGoBool, parseGoDuration, parseGoInt } from './values';

/** The result of checking one value against its flag's kind. */
export interface ValueCheck {
  ok: boolean;
  /** etcd's own message when it refuses the value. */
  error?: string;
  /** A hint for the operator (e.g. "etcd wants milliseconds without a unit"). */
  hint?: string;
  /** A corrected value, when one is obvious. */
  suggestion?: string;
}

/** The result of most checks, shared (a generated file has tens of thousands of valid values). */
const OK: ValueCheck = Object.freeze({ ok: true });

const GO_TYPE: Record<string, string> = { uint: 'uint', int: 'int', bool: 'bool', duration: 'time.Duration', list: '[]string' };

/** A YAML flow sequence of these strings; items that are not plain words or paths are double-quoted, so that a
 * bracket, comma, colon or quote inside one cannot change the YAML around it. */
function flowList(items: readonly string[]): string {
  return `[${items.map((i) => (/^[A-Za-z0-9_./-]+$/.test(i) ? i : JSON.stringify(i))).join(', ')}]`;
}

/** Whether etcd accepts an entry's value for its flag's type (enums and URLs are checked by their own rules). */
export function checkValue(e: Entry, format: ConfigFormat): ValueCheck {
  const spec = e.spec;
  if (!spec) return OK;
  if (format === 'yaml') return checkYamlValue(e, spec);
  const v = e.value ?? '';
  if (v === '') return OK;
  const bad = (hint?: string, suggestion?: string): ValueCheck => ({
    ok: false,
    error: `invalid value "${clip(v)}" for ${spec.env}: parse error`,
    hint,
    suggestion,
  });
  switch (spec.kind) {
    case 'uint':
    case 'int': {
      if (parseGoInt(v, spec.kind === 'uint') !== undefined) return OK;
      const unit = /^(\d+)\s*(ms|s|m|h)$/.exec(v);
      if (unit && spec.unit === 'milliseconds') {
        const ms = Number(unit[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[unit[2] as 'ms' | 's' | 'm' | 'h'];
        return bad('etcd wants a plain number of milliseconds, without a unit', String(ms));
      }
      if (/^-\d+$/.test(v) && spec.kind === 'uint') return bad('the value must not be negative');
      if (/^\d+\.\d+$/.test(v)) return bad('the value must be a whole number', String(Math.round(Number(v))));
      return bad(spec.unit ? `etcd wants a whole number of ${spec.unit}` : 'etcd wants a whole number');
    }
    case 'bool':
      if (parseGoBool(v) !== undefined) return OK;
      return bad(
        'booleans are true/false, 1/0 or t/f',
        /^(yes|on|y|enabled?)$/i.test(v) ? 'true' : /^(no|off|n|disabled?)$/i.test(v) ? 'false' : undefined,
      );
    case 'duration':
      if (parseGoDuration(v) !== undefined) return OK;
      if (/^\d+$/.test(v)) return bad('a duration needs a unit, e.g. 5s or 100ms', `${v}ms`);
      return bad('a duration looks like 5s, 100ms or 1h30m');
    default:
      return OK;
  }
}

/** Whether etcd's YAML reader accepts an entry's value for its flag's Go type. */
export function checkYamlValue(e: Entry, spec: FlagSpec): ValueCheck {
  const goType = GO_TYPE[spec.kind] ?? 'string';
  const err = (what: string, hint?: string, suggestion?: string): ValueCheck => ({
    ok: false,
    error: `json: cannot unmarshal ${what} into Go struct field configYAML.${e.key} of type ${goType}`,
    hint,
    suggestion,
  });
  const t = e.type;
  if (t === 'null') return OK;
  switch (spec.kind) {
    case 'list':
      if (t === 'seq') return OK;
      return err(
        t === 'map' ? 'object' : t === 'int' || t === 'float' ? 'number' : t === 'bool' ? 'bool' : 'string',
        'write a YAML list',
        t === 'string' && e.value ? flowList(e.value.split(',')) : undefined,
      );
    case 'uint':
    case 'int':
    case 'duration': {
      if (t === 'int') {
        const n = parseGoInt((e.value ?? '').replace(/_/g, ''), false);
        if (spec.kind === 'uint' && n !== undefined && n < 0n)
          return err(`number ${clip(e.value ?? '')}`, 'the value must not be negative');
        return OK;
      }
      if (t === 'float') {
        return Number.isInteger(Number(e.value)) && !(spec.kind === 'uint' && Number(e.value) < 0)
          ? OK
          : err(`number ${clip(e.value ?? '')}`, 'etcd wants a whole number');
      }
      if (t === 'string' && spec.kind === 'duration') {
        const ns = parseGoDuration(e.value ?? '');
        return err('string', 'in YAML etcd wants a duration as integer nanoseconds', ns !== undefined ? String(ns) : undefined);
      }
      if (t === 'string') {
        const asInt = e.value !== null && /^\d+$/.test(e.value) ? e.value : undefined;
        const ms = e.value !== null ? /^(\d+)\s*ms$/.exec(e.value)?.[1] : undefined;
        return err(
          'string',
          asInt ? 'write the number without quotes' : spec.unit ? `etcd wants a number of ${spec.unit} without a unit` : undefined,
          asInt ?? ms,
        );
      }
      return err(t === 'bool' ? 'bool' : t === 'seq' ? 'array' : 'object');
    }
    case 'bool':
      if (t === 'bool') return OK;
      if (t === 'string' && e.value !== null && /^(true|false)$/i.test(e.value))
        return err('string', 'write true or false without quotes', e.value.toLowerCase());
      return err(t === 'int' || t === 'float' ? 'number' : t === 'seq' ? 'array' : t === 'map' ? 'object' : 'string');
    default:
      // etcd decodes YAML through JSON, so a number or boolean for a string key is refused (oracle-checked).
      if (t === 'int' || t === 'float' || t === 'bool')
        return err(t === 'bool' ? 'bool' : 'number', 'quote the value to make it a string', JSON.stringify(e.value ?? ''));
      if (t === 'seq') return err('array', 'etcd wants one comma-separated string here, not a YAML list', (e.items ?? []).join(','));
      if (t === 'map') return err('object');
      return OK;
  }
}
