import typescript from '@rollup/plugin-typescript'

// One bundle per module system from guest-js/index.ts, with declarations beside them. The
// test files belong to the typecheck, not to the package.
export default {
  input: 'guest-js/index.ts',
  output: [
    { file: 'dist-js/index.js', format: 'esm' },
    { file: 'dist-js/index.cjs', format: 'cjs' }
  ],
  external: [/^@tauri-apps\/api/],
  plugins: [
    typescript({
      exclude: ['**/*.test.ts', 'test-setup.ts'],
      rootDir: 'guest-js',
      declaration: true,
      declarationDir: 'dist-js'
    })
  ]
}
