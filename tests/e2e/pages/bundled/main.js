// Vite and webpack: the package finds its .wasm by itself (new URL(..., import.meta.url))
import { register, loadRecording } from './app.js';

window.sipshieldApp = { register, loadRecording };
