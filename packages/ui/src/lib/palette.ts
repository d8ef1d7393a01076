// Colour-blind-safe palette (Okabe–Ito), then a few more distinct hues; run i is always colour i, so
// a run keeps its colour across the charts of one page.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8c564b', '#7f7f7f', '#bcbd22', '#17becf']

export const colorOf = (index: number): string => PALETTE[index % PALETTE.length]!
