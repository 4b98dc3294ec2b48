#!/usr/bin/env node
"use strict";
// ScoreLens CLI launcher: checks the Node version, then runs the bundled CLI.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(
    `scorelens needs Node.js 22 or newer (this is ${process.version}).\n` +
      "From a clone of the repo, `bash scripts/run.sh node bin/scorelens.cjs ...` installs Node 24 from npm and uses it.\n",
  );
  process.exit(2);
}
require("../dist/cli.js");
