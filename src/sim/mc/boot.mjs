// A worker thread's entry: worker_threads cannot start from a .ts file, so this registers tsx's loader in the
// thread (as bin/restake.mjs does for the CLI) and then imports the TypeScript entry named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
