/**
 * Import this FIRST in a webview entry point. Zod probes `new Function("")` when an object
 * schema is created, to decide whether to JIT its parser; under the webview's strict CSP the
 * probe is refused and reported as a `securitypolicyviolation`. jitless skips the probe.
 * (It has to run before protocol/* builds its schemas, hence a module of its own.)
 */
import { z } from "zod";

z.config({ jitless: true });
