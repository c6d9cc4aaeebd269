// attention-workbook: the library the notebooks import (`import { ... } from 'attention-workbook'`).
export { tf } from './tf';
export { assertNativeBackend, backendReport, formatBackendReport, type BackendReport } from './backend';
export { notebookDisplay, PLOTLY_MIME, showFigure, type Figure } from './viz/display';
export { declarationSource, showSource } from './notebook/source';
export { disposeDeep, fresh } from './notebook/fresh';
export * from './attention';
export { attentionHeatmap, heatmapGrid, type HeatmapPanel } from './viz/heatmap';
export * from './data';
export { frameHtml, htmlTable, showFrame } from './viz/table';
export { barChart, histogram } from './viz/charts';
export { lossCurves } from './viz/curves';
export { createProgress, notebookProgress, textProgress, type ProgressReporter, type ProgressStart } from './viz/progress';
export * from './seq2seq';
export * from './transformer';
export * from './train';
export * from './decode';
export * from './metrics';
export { ShapeChecker } from './shape-checker';
