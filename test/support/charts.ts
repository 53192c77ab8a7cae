// What the status panel's metric charts drew, read in the page (the webview tests in Chromium and the e2e in
// code-server): per chart container, the data attributes src/webview/charts.ts sets when uPlot draws, and the
// canvas's own pixels, counted in the page.

/**
 * An expression, as source text for page.evaluate / frame.evaluate (tsx would wrap a named function in a
 * helper the page does not have): a ChartState per `.chart-plot` of the document it is evaluated in.
 */
export const CHART_STATE = `(() => {
  const doc = document;
  const rgb = (colour) => {
    const x = doc.createElement('canvas').getContext('2d');
    x.fillStyle = colour;
    x.fillRect(0, 0, 1, 1);
    return Array.from(x.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  return Array.from(doc.querySelectorAll('.chart-plot')).map((c) => {
    const canvas = c.querySelector('canvas');
    const colours = JSON.parse(c.dataset.seriesColours ?? '[]');
    const want = colours.map(rgb);
    let painted = 0, series = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0) painted++;
        if (d[i + 3] === 255 && want.some((w) => d[i] === w[0] && d[i + 1] === w[1] && d[i + 2] === w[2])) series++;
      }
    }
    return {
      kind: c.dataset.chart,
      themeKind: c.dataset.themeKind ?? null,
      seriesColours: colours,
      points: Number(c.dataset.points ?? 0),
      valuedPoints: Number(c.dataset.valuedPoints ?? 0),
      draws: Number(c.dataset.draws ?? 0),
      canvases: c.querySelectorAll('canvas').length,
      painted,
      series,
      legend: Array.from(c.closest('figure').querySelectorAll('.chart-legend li')).map((li) => li.textContent),
    };
  });
})()`;

/** One chart as CHART_STATE reads it. */
export interface ChartState {
  kind: string;
  /** The theme kind the chart was last drawn in (vscode-light, vscode-dark, vscode-high-contrast…). */
  themeKind: string | null;
  /** The colours of the members' series when last drawn (the first SERIES_COLOURS members). */
  seriesColours: string[];
  points: number;
  /** Points where at least one member has a value. */
  valuedPoints: number;
  /** How many times uPlot drew it. */
  draws: number;
  canvases: number;
  /** Canvas pixels that are not transparent (axes, grid, lines). */
  painted: number;
  /** Opaque canvas pixels exactly in a member's colour: member lines were drawn. */
  series: number;
  /** Each legend row's text: member name and newest value. */
  legend: string[];
}

/** The five charts of a cluster, in the panel's order. */
export const CHART_KINDS_SHOWN = ['walFsync', 'backendCommit', 'peerRoundTrip', 'leaderChanges', 'dbSize'];
