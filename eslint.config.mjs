// Lint: typescript-eslint recommended + project boundaries (model-codebases conventions 1, 2, 12).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "dist-vsix/**", "test-output/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: "module" } },
    rules: {
      "no-console": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-undef": "off",
    },
  },
  {
    files: ["protocol/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["vscode"], message: "protocol/ is shared by all sides: no vscode" },
            { group: ["node:*", "fs", "path", "http", "os", "crypto", "child_process"], message: "protocol/ runs in webviews too: no Node built-ins" },
            { group: ["**/extension/**", "**/server/**", "**/webview/**"], message: "protocol/ must not depend on a side" },
          ],
        },
      ],
    },
  },
  {
    files: ["webview/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["vscode"], message: "Can't use `vscode` in webviews" },
            { group: ["**/extension/**", "**/server/**"], message: "webviews only import protocol/" },
            { group: ["node:*"], message: "webviews run in a browser" },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "render untrusted content with textContent / the h() helper" },
        { property: "outerHTML", message: "render untrusted content with textContent / the h() helper" },
      ],
    },
  },
  {
    files: ["server/**/*.ts", "sdk/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["vscode"], message: "only extension/ may import vscode" }] }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "examples/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
