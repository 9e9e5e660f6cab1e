// @ts-check
import eslint from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/**
 * The layers, lowest first (docs/architecture.md#layers). A folder may import its own layer and
 * the ones below: core ← infra ← stacks, policy, bootstrap ← tools ← tests. `core` imports nothing
 * else of the repository; policy and bootstrap sit beside stacks and use only core and infra (the
 * policy pack must load without the program or a dev tool; bootstrap runs before any stack exists).
 */
const LAYERS = [
  { files: ["core/**/*.ts"], may: [] },
  { files: ["infra/**/*.ts"], may: ["core"] },
  { files: ["stacks/**/*.ts"], may: ["core", "infra"] },
  { files: ["policy/**/*.ts"], may: ["core", "infra"] },
  { files: ["bootstrap/**/*.ts"], may: ["core", "infra"] },
  { files: ["tools/**/*.ts"], may: ["core", "infra", "stacks", "policy", "bootstrap"] },
];
const TOP_FOLDERS = ["core", "infra", "stacks", "policy", "bootstrap", "tools", "tests"];

/**
 * `no-restricted-imports` for one layer: a relative import that climbs out to a top-level folder
 * the layer may not use is an error. (Imports are relative; a climb into a sibling folder that
 * happens to share a layer's name would be flagged too, so no folder inside a layer uses one.)
 */
function layerRule({ files, may }) {
  const own = files[0].split("/")[0];
  const forbidden = TOP_FOLDERS.filter((folder) => folder !== own && !may.includes(folder));
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join("|")})(/|$)`,
              message: `${own}/ may import only ${[own, ...may].join(", ")} (layers: docs/architecture.md#layers).`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "plans/"] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { pulumi },
    rules: {
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: "package", name: ["describe", "it", "test", "suite"], package: "node:test" },
          ],
        },
      ],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      eqeqeq: "error",
      curly: "error",
    },
  },
  ...LAYERS.map(layerRule),
  {
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The bench's probe is preloaded with `node --require`, before any TypeScript hook exists.
    files: ["**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: "commonjs",
      globals: { process: "readonly" },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
