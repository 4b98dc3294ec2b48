/** Every command the extension registers, in one table (checked against package.json by a test). */
import * as vscode from "vscode";
import type { CommandId } from "../protocol/commands";
import type { ServerClient } from "./serverClient";
import { log } from "./log";
import { StatusPanel } from "./webviews/statusPanel";

export interface Ctx {
  context: vscode.ExtensionContext;
  client: ServerClient;
}

type Handler = (ctx: Ctx, ...args: unknown[]) => unknown;

export const COMMANDS: Record<CommandId, Handler> = {
  "scorelens.showServerStatus": (ctx) => StatusPanel.show(ctx.context, ctx.client),
  "scorelens.showLog": () => log.show(),
  "scorelens.restartServer": async (ctx) => {
    log.info("restarting the server on request");
    await ctx.client.restart();
  },
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (e) {
        log.error(`${id} failed:`, e);
        void vscode.window.showErrorMessage(`ScoreLens: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
  );
}
