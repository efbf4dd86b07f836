/**
 * The node flags the gateway runs with, wherever it is started (scripts/stack.sh, the Dockerfile, both
 * compose files, `npm run start:gateway`, the tests' and the bench's processes; test/static/node-flags.spec.ts
 * holds them together). A young generation of 16 to 64 MB per semi-space instead of V8's default, which
 * starts at 1 MB: an admission's objects live across its Redis round trip, hundreds at a time, and every
 * scavenge copies the live ones. Fewer scavenges cost less CPU per admission (docs/benchmarks.md).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64', '--min-semi-space-size=16'] as const;
