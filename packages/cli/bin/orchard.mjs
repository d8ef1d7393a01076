#!/usr/bin/env node
// The `orchard` binary. Orchard runs its TypeScript sources directly (no build step), so the shim
// registers tsx's ESM loader before importing the entry point.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
