// Vite and webpack: the package finds its .wasm by itself (new URL(..., import.meta.url))
import { register } from './app.js';

window.sipshieldApp = { register };
