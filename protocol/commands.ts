/** Command ids contributed in package.json. The extension's command table is typed by this list. */
export const COMMAND_IDS = [
  "scorelens.showServerStatus",
  "scorelens.showLog",
  "scorelens.restartServer",
  "scorelens.showTraces",
  "scorelens.refreshTraces",
  "scorelens.openTrace",
  "scorelens.compareTraces",
  "scorelens.runScorer",
  "scorelens.runScorerOn",
  "scorelens.runScorers",
  "scorelens.toggleWatch",
  "scorelens.compareRuns",
  "scorelens.createDataset",
  "scorelens.importDataset",
  "scorelens.exportDataset",
  "scorelens.runScorerPick",
  "scorelens.showRun",
] as const;
export type CommandId = (typeof COMMAND_IDS)[number];
