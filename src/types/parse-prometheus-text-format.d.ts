// Types of parse-prometheus-text-format (it ships none): prom2json's shape, every number as its text.
declare module 'parse-prometheus-text-format' {
  export interface PromSample {
    labels?: Record<string, string>;
    value?: string;
    /** Histograms: cumulative count per upper bound ("0.001" … "+Inf"). */
    buckets?: Record<string, string>;
    /** Summaries. */
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PromFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PromSample[];
  }
  // eslint-disable-next-line no-restricted-syntax -- the package's own export is its default
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
