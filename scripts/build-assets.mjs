// Builds the council-branded front-end assets into engage/static/build/ (never committed).
// Compiles engage/assets/engage.scss against GOV.UK Frontend and copies its JavaScript.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "engage", "static", "build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "engage", "assets", "engage.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "engage.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log(`Built front-end assets in ${out}`);
