import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'web/dist/', 'test-output/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', 'node:fs*', 'node:net', 'node:http*'],
              message: 'The domain is pure: it imports nothing of ours and does no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/*', '**/datasets/*', '**/api/*', '**/store/*'],
              message: 'Connectors know nothing of runs, datasets, storage or HTTP.',
            },
          ],
        },
      ],
    },
  },
);
