// The simulation worker's entry: worker threads do not inherit the node's TypeScript loader, so register it here,
// then load the worker's body.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
