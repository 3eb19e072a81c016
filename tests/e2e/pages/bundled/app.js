// A user's app on the npm package: register, unregister, close. The test drives it through
// window.sipshieldApp (the account comes from the test, never from the page's URL). Call
// recording is loaded on first use (a lazy chunk with its Worker, worklet and wasm).
import { Phone } from 'sipshield';

/**
 * @param {Parameters<typeof Phone.create>[0]} config
 * @param {{ wasmUrl?: string }} [coreOptions] where the bundler put the .wasm, if it had to be told
 */
export async function register(config, coreOptions) {
  const phone = await Phone.create(config, coreOptions);
  try {
    const { expires } = await phone.register();
    await phone.unregister();
    return { expires };
  } finally {
    await phone.close();
  }
}

/** 'sipshield/record' when the app first records: not in the page's first download */
export const loadRecording = () => import('sipshield/record');
