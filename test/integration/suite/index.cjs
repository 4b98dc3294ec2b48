// Runs inside the VS Code extension host (desktop). Checks that ScoreLens activates and its
// server reports ready through the status command.
const assert = require("node:assert/strict");
const vscode = require("vscode");

exports.run = async function run() {
  const ext = vscode.extensions.getExtension("scorelens.scorelens");
  assert.ok(ext, "extension is installed");
  await ext.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ["scorelens.showServerStatus", "scorelens.showLog", "scorelens.restartServer"]) {
    assert.ok(commands.includes(id), `${id} is registered`);
  }
  await vscode.commands.executeCommand("scorelens.showServerStatus");
};
