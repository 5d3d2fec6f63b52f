import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The architecture, enforced: platform ← identity ← capabilities. The composition root (main.ts,
 * app.module.ts, app.factory.ts) belongs to no layer and may import anything. A capability imports another capability only through what its module exports
 * (its module, services and repositories), never its entities, DTOs or other files.
 */
const architecture = {
  files: ['src/**/*.ts'],
  plugins: { boundaries },
  settings: {
    'import/resolver': { typescript: { project: 'tsconfig.json' } },
    'boundaries/include': ['src/**/*.ts'],
    'boundaries/elements': [
      { type: 'platform', pattern: 'src/platform' },
      { type: 'identity', pattern: 'src/identity' },
      { type: 'capability', pattern: 'src/*', capture: ['name'] },
    ],
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        policies: [
          { from: { element: { type: 'platform' } }, allow: { to: { element: { type: 'platform' } } } },
          { from: { element: { type: 'identity' } }, allow: { to: { element: { types: ['platform', 'identity'] } } } },
          { from: { element: { type: 'capability' } }, allow: { to: { element: { types: ['platform', 'identity'] } } } },
          {
            from: { element: { type: 'capability' } },
            allow: { to: { element: { type: 'capability', captured: { name: '{{ from.element.captured.name }}' } } } },
          },
          {
            from: { element: { type: 'capability' } },
            allow: { to: { element: { type: 'capability', fileInternalPath: ['*.module.ts', '*.service.ts', '*.repository.ts'] } } },
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'test-results/', 'sdk/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // class-validator's MaxLength counts a character and its variation selector as one: a string it
      // passes can overflow the varchar column (a 500); platform/validation's MaxLength counts code points
      'no-restricted-imports': ['error', { paths: [{ name: 'class-validator', importNames: ['MaxLength'], message: 'Use MaxLength from platform/validation/validators.ts (it counts code points).' }] }],
    },
  },
  architecture,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['test-browser/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  { files: ['eslint.config.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: globals.node } },
  // the offline verifier: plain ESM JavaScript with hand-written .d.ts, run by node with no build
  {
    files: ['tools/**/*.js', 'tools/**/*.d.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
