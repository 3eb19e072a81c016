const path = require('node:path');

module.exports = {
  mode: 'production',
  entry: './main.js',
  output: { path: path.resolve(__dirname, 'out/webpack'), filename: 'main.js' },
};
