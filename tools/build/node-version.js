// Runs before every build. The image runs the Node of package.json's `engines` (the current LTS); the local
// scripts also run on an older Node down to 20.19 (require() of the ES-module NestJS 12), as found on machines
// that have not moved yet: say so in one line rather than fail, and stop below 20.19.
const { engines } = require('../../package.json');

const supported = Number(/\d+/.exec(engines.node)[0]);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`node ${process.version} is too old: install Node ${supported} (LTS), or at least 20.19`);
  process.exit(1);
}
if (major < supported)
  console.error(
    `node ${process.version}: the local scripts run on it; the supported runtime is Node ${supported} (LTS)`,
  );
