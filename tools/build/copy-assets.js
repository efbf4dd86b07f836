// Copies non-TypeScript assets (Lua scripts, the dashboard page and its font with the font's licence) next to the compiled code in dist/, and the
// OpenAPI document that /docs serves to dist/docs/.
const { cpSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '../..');
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(lua|html|woff2)$/.test(name) || name === 'OFL.txt')
      cpSync(path, join(root, 'dist', relative(root, path)));
  }
}
for (const top of ['apps', 'libs']) walk(join(root, top));
cpSync(join(root, 'docs/openapi.yaml'), join(root, 'dist/docs/openapi.yaml'));
