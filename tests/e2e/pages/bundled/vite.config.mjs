export default { build: { outDir: 'out/vite' } };
