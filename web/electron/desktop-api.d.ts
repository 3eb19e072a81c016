/**
 * The contract between the desktop app's three parts:
 *  - main/ (the main process: settings, the stored credential, OS integration),
 *  - preload/preload.js (exposes `window.sipshieldDesktop` through contextBridge),
 *  - renderer/ (the page: one <sip-phone> from the sipshield package).
 *
 * The renderer never holds a long-term secret except for the moment the core
 * asks for a credential (`credentials()`), and never sees the raw ipcRenderer.
 */

/** Account settings as the renderer may see them: nothing secret */
export interface DesktopAccount {
  /** wss:// URL of the SIP server */
  server: string;
  /** address of record, sip:alice@example.com */
  uri: string;
  displayName: string | null;
  privacy: 'mdns' | 'relay' | 'off';
  /** https:// endpoint that hands out short-lived SIP credentials (preferred over a stored secret) */
  credentialsUrl: string | null;
  /** https:// endpoint for TURN REST credentials */
  iceServersUrl: string | null;
  /** the digest realm the credential is pinned to (Phone config `realm`), if the user gave it */
  realm: string | null;
  /** the digest user name, if not the user part of `uri` */
  username: string | null;
  /** hosts whose https: links open in the system browser */
  externalLinks: string[];
  startAtLogin: boolean;
  /** the global shortcuts the user defined */
  shortcuts: { answer?: string; hangup?: string; show?: string };
  /** where the credential is kept: 'encrypted' (safeStorage), 'session' (memory only), 'none' */
  storage: 'encrypted' | 'session' | 'none';
  /** a warning the page must show (e.g. the OS keyring is basic_text: credential kept for this session only) */
  warning: string | null;
}

/** What the user types in the settings form; the secret goes to the main process only */
export interface DesktopAccountInput {
  server: string;
  uri: string;
  displayName?: string | null;
  privacy?: 'mdns' | 'relay' | 'off';
  credentialsUrl?: string | null;
  iceServersUrl?: string | null;
  username?: string | null;
  /** one of password or ha1 (per algorithm, with realm), unless credentialsUrl is set; none given: the stored one stays */
  password?: string | null;
  ha1?: { md5?: string; sha256?: string; sha512_256?: string } | null;
  realm?: string | null;
  /** hosts whose https: links open in the system browser */
  externalLinks?: string[];
  /** start the app when the user logs in */
  startAtLogin?: boolean;
  /** global shortcuts, only those the user defines (Electron accelerators, e.g. 'CommandOrControl+Shift+A') */
  shortcuts?: { answer?: string; hangup?: string; show?: string };
}

/** A credential for the core, as the `credentials` callback of a Phone resolves it */
export type DesktopCredential =
  | { username: string; password: string }
  | { username: string; ha1: { md5?: string; sha256?: string; sha512_256?: string } };

/** What the page tells the main process (tray, power-save blocker, video permission) */
export interface DesktopState {
  registration: 'registering' | 'registered' | 'unregistered' | 'failed';
  call: 'idle' | 'ringing' | 'active';
  /** the user started a video call: camera permission for this call only */
  video?: boolean;
}

/** What the main process asks the page to do */
export type DesktopCommand =
  | { type: 'dial'; target: string }      // a sip:/tel: link, parsed and confirmed by the user
  | { type: 'answer' }                    // Answer on the incoming-call notification
  | { type: 'decline' }                   // Decline on the incoming-call notification
  | { type: 'hangup' }                    // the user's hang-up shortcut
  | { type: 'reregister' }                // resume from sleep / screen unlocked
  | { type: 'unregister' }                // quitting: unregister, then quitReady()
  | { type: 'account-changed' };          // settings saved: reload the account

/** `window.sipshieldDesktop`, the only thing the preload exposes */
export interface DesktopApi {
  /** the account, or null before the user configured one */
  account(): Promise<DesktopAccount | null>;
  /** save settings (validated in the main process); the secret is stored there, never returned */
  saveAccount(input: DesktopAccountInput): Promise<{ ok: true; account: DesktopAccount } | { ok: false; reason: string }>;
  /** forget the account and its stored credential */
  clearAccount(): Promise<void>;
  /** the credential, asked when the core needs one (reason as in the Phone's credentials callback) */
  credentials(reason: 'missing' | 'expired' | 'rejected'): Promise<DesktopCredential>;
  /** registration and call state changed */
  reportState(state: DesktopState): void;
  /** an incoming call: the main process shows a notification with Answer / Decline */
  notifyIncoming(caller: { from: string; displayName: string | null }): void;
  /** the page finished unregistering after an { type: 'unregister' } command */
  quitReady(): void;
  /** subscribe to the main process's commands; returns the unsubscribe function */
  onCommand(listener: (command: DesktopCommand) => void): () => void;
}

declare global {
  interface Window {
    sipshieldDesktop: DesktopApi;
  }
}
