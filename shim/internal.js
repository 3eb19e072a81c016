/**
 * @file internal.js  What the shim's classes call on each other, and no
 * application may
 *
 * A Phone runs the core's commands and receives its events, and feeds its
 * Calls their events. Those entry points are #private in Core and Call;
 * each class hands them out here from a static block (phone.js imports
 * both classes, so a bundle that keeps Phone keeps the blocks). No entry point (index.js, check.js) exports this module, so none
 * of it is in the public types or the API report (shim/api.md).
 */

/** @import { Core } from './core.js' */
/** @import { Call } from './call.js' */
/** @import { CoreCommand, CoreEvent, ReplyTo } from './abi.js' */

/**
 * What a Phone gives the core when it attaches: its events, and the
 * WebSocket class its flow opens with
 * @typedef {object} CoreOwner
 * @property {(ev: CoreEvent) => void} onEvent
 * @property {new (url: string, protocols?: string | string[]) => WebSocket} WebSocket
 */

/**
 * What a Phone makes a Call from (the Call constructor is not public)
 * @typedef {object} CallInit
 * @property {Core} core
 * @property {number} handle the core's handle of the call
 * @property {'outgoing' | 'incoming'} direction
 * @property {import('./call.js').MediaOptions} media
 * @property {string} remote remote party URI
 * @property {string | null} displayName
 * @property {string} [id] SIP Call-ID (incoming: known at once)
 */

/**
 * @typedef {object} Internals
 * @property {<C extends CoreCommand>(core: Core, command: C) => ReplyTo<C>} cmd
 *   run one command; its reply comes back synchronously (or a typed
 *   PhoneError)
 * @property {(core: Core, handle: number, owner: CoreOwner) => void} attach
 *   route the events of phone `handle` to its owner
 * @property {(core: Core, handle: number) => void} detach
 * @property {(call: Call, ev: CoreEvent) => void} callEvent a core event
 *   for this call
 * @property {(call: Call) => Promise<void>} whenSent settles when our
 *   INVITE (or 200 OK) went out, or the call failed before
 * @property {(call: Call) => void} networkChanged the network changed:
 *   restart the call's ICE now
 */

/** Filled in by the static blocks of Core and Call */
export const internal = /** @type {Internals} */ ({});
