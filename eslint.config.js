// Lint configuration: typescript-eslint's recommended rules over sources, tests and benchmarks, with
// type-aware promise rules on the TypeScript (a floating promise around a worker lane loses its error),
// and the layer rule of docs/DESIGN.md over src/ (scripts/eslint-layers.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  // docs/DESIGN.md's layers: a module of src/ imports only from its room and from lower layers.
  { files: ['src/**/*.ts'], plugins: { tokmix: layersPlugin }, rules: { 'tokmix/layers': 'error' } },
  // Plain JavaScript (bin/, scripts/, this file) is outside tsconfig: no type information there.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
