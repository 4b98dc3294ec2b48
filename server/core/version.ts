/** The product version, injected by the build (esbuild `define`); "dev" when run from source. */
declare const __SCORELENS_VERSION__: string | undefined;
export const VERSION: string = typeof __SCORELENS_VERSION__ === "string" ? __SCORELENS_VERSION__ : "dev";
