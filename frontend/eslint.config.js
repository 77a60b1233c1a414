// ESLint (flat config): typescript-eslint's syntax-only rules (fast: no type
// information; `tsc --noEmit` checks types), the rules of hooks (the two
// classic ones: the React Compiler's analyses would triple the run, and the
// app does not use the compiler), and the
// layering of src/ as the README's Layout describes it:
//
//   types/  <-  lib/  <-  components/  <-  features/<name>/  <-  app/  <-  main.tsx
//
// An arrow points from what is imported to its importer; nothing imports
// against an arrow, and no feature imports another feature (app/ composes
// them). src/test/ (render, factories, fakes) is for tests only.
import { readdirSync } from 'node:fs';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const layers = [
  { target: './src/types', from: ['./src/lib', './src/components', './src/features', './src/app'] },
  { target: './src/lib', from: ['./src/components', './src/features', './src/app'] },
  { target: './src/components', from: ['./src/features', './src/app'] },
  { target: './src/features', from: './src/app' },
  ...features.map((name) => ({
    target: `./src/features/${name}`,
    from: './src/features',
    except: [`./${name}`],
    message: 'Features do not import each other: move the shared part to lib/ or components/, or compose in app/.',
  })),
];
const testHelpers = { target: './src', from: './src/test', message: 'src/test/ is for tests only.' };

export default defineConfig(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-restricted-paths': ['error', { zones: [...layers, testHelpers] }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../*'], message: 'Import from another folder as @/… (src/…).' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layers }] },
  },
  {
    files: ['vite.config.ts', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
