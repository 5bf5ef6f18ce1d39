#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx restake …` works straight after `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
