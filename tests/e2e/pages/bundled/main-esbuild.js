// esbuild does not follow new URL(..., import.meta.url): import the .wasm with the file
// loader (--loader:.wasm=file copies it to the output and gives its URL) and pass it on.
import wasmUrl from 'sipshield/wasm';
import { register, loadRecording } from './app.js';

window.sipshieldApp = { register, wasmUrl, loadRecording };
