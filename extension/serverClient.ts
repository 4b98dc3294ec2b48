/**
 * Starts the language + trace server over IPC and keeps it alive: a crash is logged, shown to
 * the user, and the server is restarted (up to 5 times in 3 minutes). Incoming notifications are
 * validated with the protocol's zod schemas before anyone sees them.
 */
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import type { z } from "zod";
import { formatZodError, type NotificationDescriptor, type RequestDescriptor } from "../protocol/descriptors";
import { StatusNotification } from "../protocol/lsp";
import type { ServerStatus } from "../protocol/status";
import { serverInitOptions } from "./config";
import { log } from "./log";
import { JUDGE_API_KEY_SECRET } from "./judges/judgeApiKey";
import { answerLanguageModelChat } from "./judges/languageModelHost";
import { LanguageModelChatRequest } from "../protocol/languageModel";

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60_000;

export interface ClientState {
  status: ServerStatus | null;
  restarts: number;
  lastRestartReason: string | null;
  /** "stopped" once the client gave up restarting. */
  phase: "starting" | "running" | "restarting" | "stopped";
}

export class ServerClient implements vscode.Disposable {
  private client: LanguageClient | null = null;
  private readonly restartTimes: number[] = [];
  readonly state: ClientState = { status: null, restarts: 0, lastRestartReason: null, phase: "starting" };
  private readonly changed = new vscode.EventEmitter<ClientState>();
  readonly onDidChange = this.changed.event;
  private readonly subscribers = new Map<string, { desc: NotificationDescriptor<string, z.ZodType>; handlers: Array<(p: unknown) => void> }>();

  /** True when requests can be sent (the server reported ready or attached). */
  get isReady(): boolean {
    const h = this.state.status?.health;
    return this.client !== null && this.state.phase === "running" && (h === "ready" || h === "attached");
  }

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The judge API key from SecretStorage, read before each start (the init options are built synchronously). */
  private judgeApiKey: string | null = null;

  async start(): Promise<void> {
    this.judgeApiKey = (await this.context.secrets.get(JUDGE_API_KEY_SECRET).then(undefined, () => undefined)) ?? null;
    const serverModule = this.context.asAbsolutePath("dist/server.js");
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "typescript" },
        { scheme: "file", language: "typescriptreact" },
        { scheme: "file", language: "javascript" },
        { scheme: "file", language: "javascriptreact" },
      ],
      outputChannel: vscode.window.createOutputChannel("ScoreLens Server", { log: true }),
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}") },
      initializationOptions: () => serverInitOptions(this.context, this.judgeApiKey),
      errorHandler: {
        error: (error, _message, count): ErrorHandlerResult => {
          log.warn(`connection error #${count ?? 0}: ${error.message}`);
          return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
        },
        closed: (): CloseHandlerResult => this.onServerClosed(),
      },
    };
    this.client = new LanguageClient("scorelens", "ScoreLens Server", serverOptions, clientOptions);
    // Judges using VS Code's language models (protocol/languageModel.ts): the server asks, we answer.
    this.client.onRequest(LanguageModelChatRequest.method, (params: unknown, token: vscode.CancellationToken) => answerLanguageModelChat(params, token));
    this.client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.state.phase = "running";
        this.changed.fire(this.state);
      }
    });
    if (!this.subscribers.has(StatusNotification.method)) {
      this.onNotification(StatusNotification, (status) => {
        this.state.status = status;
        if (this.state.phase !== "stopped") this.state.phase = "running";
        this.changed.fire(this.state);
      });
    }
    for (const method of this.subscribers.keys()) this.bindNotification(method);
    await this.client.start();
  }

  private onServerClosed(): CloseHandlerResult {
    const now = Date.now();
    this.restartTimes.push(now);
    while (this.restartTimes.length && now - (this.restartTimes[0] ?? now) > RESTART_WINDOW_MS) this.restartTimes.shift();
    const pid = this.state.status?.pid;
    if (this.restartTimes.length > MAX_RESTARTS) {
      this.state.phase = "stopped";
      this.state.status = null;
      this.changed.fire(this.state);
      const message = `The ScoreLens server stopped ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted. See the "ScoreLens Server" output for the cause, then run "ScoreLens: Restart Server".`;
      log.error(message);
      void vscode.window.showErrorMessage(message, "Show Log").then((a) => a && log.show());
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.state.restarts++;
    this.state.lastRestartReason = `server process${pid ? ` ${pid}` : ""} exited unexpectedly at ${new Date(now).toLocaleTimeString()}`;
    this.state.phase = "restarting";
    this.state.status = null;
    this.changed.fire(this.state);
    log.warn(`${this.state.lastRestartReason}; restarting it (restart ${this.state.restarts})`);
    void vscode.window.showWarningMessage(`ScoreLens: the server stopped unexpectedly and was restarted.`);
    return { action: CloseAction.Restart, handled: true };
  }

  /**
   * Subscribes to a server notification; any number of subscribers per method (the language
   * client itself keeps only one handler per method, so this class fans out). Payloads are
   * validated with the descriptor's schema first. Survives client restarts.
   */
  onNotification<M extends string, P extends z.ZodType>(desc: NotificationDescriptor<M, P>, handler: (p: z.output<P>) => void): void {
    let entry = this.subscribers.get(desc.method);
    if (!entry) {
      entry = { desc, handlers: [] };
      this.subscribers.set(desc.method, entry);
      this.bindNotification(desc.method);
    }
    entry.handlers.push(handler as (p: unknown) => void);
  }

  private bindNotification(method: string): void {
    this.client?.onNotification(method, (raw: unknown) => {
      const entry = this.subscribers.get(method);
      if (!entry) return;
      const parsed = entry.desc.params.safeParse(raw);
      if (!parsed.success) {
        log.warn(`dropped invalid ${method} notification: ${formatZodError(parsed.error)}`);
        return;
      }
      for (const h of entry.handlers) {
        try {
          h(parsed.data);
        } catch (e) {
          log.error(`${method} handler failed:`, e);
        }
      }
    });
  }

  async notify<M extends string, P extends z.ZodType>(desc: NotificationDescriptor<M, P>, params: z.input<P>): Promise<void> {
    await this.client?.sendNotification(desc.method, params);
  }

  async request<M extends string, P extends z.ZodType, R extends z.ZodType>(
    desc: RequestDescriptor<M, P, R>,
    params: z.input<P>,
  ): Promise<z.output<R>> {
    if (!this.client) throw new Error("the ScoreLens server is not running");
    const raw: unknown = await this.client.sendRequest(desc.method, params);
    const parsed = desc.result.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid ${desc.method} response: ${formatZodError(parsed.error)}`);
    return parsed.data;
  }

  private restarting: Promise<void> | null = null;
  private restartAgain = false;

  /**
   * Restarts the server. Calls while one is under way are coalesced into one more restart after
   * it (several settings written in a row, e.g. by "Choose LLM Judge Model…", each ask for one).
   */
  restart(): Promise<void> {
    if (this.restarting) {
      this.restartAgain = true;
      return this.restarting;
    }
    this.restarting = (async () => {
      try {
        do {
          this.restartAgain = false;
          await this.restartOnce();
        } while (this.restartAgain);
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }

  private async restartOnce(): Promise<void> {
    this.restartTimes.length = 0;
    this.state.phase = "restarting";
    this.state.status = null;
    this.changed.fire(this.state);
    if (this.client && this.client.state !== State.Stopped) await this.client.stop();
    this.client = null;
    await this.start();
  }

  async dispose(): Promise<void> {
    this.changed.dispose();
    await this.client?.stop(5000).catch(() => undefined);
  }
}
